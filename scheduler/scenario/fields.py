"""Typed reading of :class:`Node` trees that records a :class:`Problem` for every bad value.

A getter that meets a bad value records the problem and returns the default, so that reading goes
on and every problem in the file is found in one pass. ``null`` counts as absent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from scheduler.errors import Problem
from scheduler.scenario.checks import did_you_mean
from scheduler.scenario.limits import MAX_COUNT, MAX_HORIZON_MONTHS, MAX_MONEY
from scheduler.scenario.yamlnodes import Node, child_path, item_path, shown
from scheduler.units import UnitError, parse_fy, parse_money, parse_month

__all__ = ["Fields", "Reader", "did_you_mean", "number_text"]


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


_UNBOUNDED = 10**400


@functools.cache
def _key_set(known: tuple[str, ...]) -> frozenset[str]:
    """The keys a mapping may have, for membership tests (``known`` is a tuple of them)."""
    return frozenset(known)


def number_text(value: int) -> str:
    """A whole number for a message; a huge one in scientific notation (``-1.000e+30``)."""
    text = str(value)
    return text if len(text) <= 24 else f"{value:.3e}"


class Reader:
    """Collects the problems of one file and the line of every key path it has read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.lines: dict[str, int | None] = {}
        self.horizon_months: int | None = (
            None  # set once the horizon is read; bounds every month count
        )

    def error(self, node: Node | None, path: str, message: str, line: int | None = None) -> None:
        file = node.file if node is not None and node.file else self.source
        if line is None and node is not None:
            line = node.line
        self.problems.append(Problem(file, line, path, message))

    def warn(self, node: Node | None, path: str, message: str) -> None:
        """Something legal that is probably a mistake: reported, but the scenario still loads."""
        file = node.file if node is not None and node.file else self.source
        self.warnings.append(Problem(file, node.line if node is not None else None, path, message))

    def line_of(self, path: str) -> int | None:
        """The line of ``path``, or of its nearest enclosing key that has one."""
        while path:
            line = self.lines.get(path)
            if line is not None:
                return line
            path = _parent(path)
        return None

    def unique(self) -> list[Problem]:
        return list(dict.fromkeys(self.problems))

    def mapping(
        self,
        node: Node,
        path: str,
        known: Collection[str] | None = None,
        required: Collection[str] = (),
    ) -> Fields | None:
        """Check that ``node`` is a mapping with only ``known`` keys and every ``required`` one."""
        lines = self.lines
        if node.line is not None:
            lines.setdefault(path, node.line)
        value = node.value
        if value is None:
            items: dict[str, Node] = {}
        elif isinstance(value, dict):
            items = value
        else:
            self.error(node, path, f"expected a mapping (key: value), got {shown(node)}")
            return None
        entries: dict[str, tuple[Node, str]] = {}
        allowed = _key_set(known) if isinstance(known, tuple) else known
        key_lines = node.key_lines
        prefix = f"{path}." if path else ""  # child_path, once per mapping (the hot loop)
        for key, child in items.items():
            key_path = prefix + key
            line = key_lines.get(key) or child.line
            if line is not None:
                lines[key_path] = line
            if allowed is not None and key not in allowed:
                hint = did_you_mean(key, known or ())
                self.error(child, key_path, f"unknown key '{key}'{hint}", line)
            elif child.value is not None:
                entries[key] = (child, key_path)
        for key in required:
            if key not in items:
                self.error(node, child_path(path, key), "required but missing")
            elif items[key].value is None:
                self.error(items[key], child_path(path, key), "required but empty")
        return Fields(self, entries, path, node)

    def text(self, node: Node, path: str) -> str | None:
        value = node.value
        if isinstance(value, str):
            return value
        if value is None or isinstance(value, (dict, list)):
            self.error(node, path, f"expected text, got {shown(node)}")
            return None
        return node.raw


class Fields:
    """The keys of one mapping (or of a lifecycle phase merged with a cluster's override)."""

    def __init__(
        self, reader: Reader, entries: dict[str, tuple[Node, str]], path: str, node: Node
    ) -> None:
        self.reader = reader
        self.entries = entries
        self.path = path
        self.node = node

    def merged(self, override: Fields) -> Fields:
        """These fields overridden key by key by ``override`` (which also gives the path)."""
        return Fields(
            self.reader, {**self.entries, **override.entries}, override.path, override.node
        )

    def has(self, key: str) -> bool:
        return key in self.entries

    def get(self, key: str) -> tuple[Node, str] | None:
        return self.entries.get(key)

    def at(self, key: str) -> tuple[Node, str]:
        """The node and key path of a key known to be given (``KeyError`` if it is not)."""
        return self.entries[key]

    def key_path(self, key: str) -> str:
        entry = self.entries.get(key)
        return entry[1] if entry else child_path(self.path, key)

    def error(self, key: str, message: str) -> None:
        """Record a problem with ``key`` (at the mapping itself when the key is absent)."""
        node, path = self.entries.get(key, (self.node, self.key_path(key)))
        self.reader.error(node, path, message)

    def text(self, key: str, default: str | None = None) -> str | None:
        entry = self.entries.get(key)
        if entry is None:
            return default
        value = self.reader.text(*entry)
        return default if value is None else value

    def identifier(self, key: str, pattern: re.Pattern[str], rule: str) -> str | None:
        value = self.text(key)
        if value is not None and not pattern.fullmatch(value):
            self.error(key, f"must be {rule}, got {value!r}")
            return None
        return value

    def integer(
        self,
        key: str,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int = MAX_COUNT,
    ) -> int | None:
        """A whole number in ``minimum .. maximum`` (every count is at most ``MAX_COUNT``)."""
        entry = self.entries.get(key)
        if entry is None:
            return default
        node = entry[0]
        value = node.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"expected a whole number, got {shown(node)}")
            return default
        if minimum is not None and value < minimum:
            self.error(key, f"must be {minimum} or more, got {number_text(value)}")
            return default
        if value > maximum:
            self.error(key, f"must be at most {maximum:,}, got {number_text(value)}")
            return default
        return value

    def months(self, key: str, default: int | None = None, minimum: int = 0) -> int | None:
        """A number of months that must fit the scenario's horizon (``reader.horizon_months``, or
        ``MAX_HORIZON_MONTHS`` when the horizon is unknown): a longer phase, wait, stagger or lag
        could never be scheduled, so it is refused before any model is built."""
        if key not in self.entries:
            return default
        value = self.integer(key, None, minimum=minimum, maximum=_UNBOUNDED)
        if value is None:
            return default
        longest = self.reader.horizon_months or MAX_HORIZON_MONTHS
        if value > longest:
            self.error(
                key,
                f"{number_text(value)} months cannot fit in the horizon of {longest} months",
            )
            return default
        return value

    def money(self, key: str, default: int | None = None) -> int | None:
        entry = self.entries.get(key)
        if entry is None:
            return default
        node = entry[0]
        try:
            value = parse_money(node.value)
        except UnitError as exc:
            message = str(exc)
            if message.startswith("expected an amount of money"):
                message = f"expected an amount of money like £5m, 1.2bn or 750k, got {shown(node)}"
            self.error(key, message)
            return default
        if value < 0:
            self.error(key, f"must not be negative, got {node.raw}")
            return default
        if value > MAX_MONEY:
            self.error(
                key,
                f"{shown(node)} is more than £{MAX_MONEY:,} (£1,000,000bn), the most any amount may be",
            )
            return default
        return value

    def month(self, key: str, default: int | None = None) -> int | None:
        entry = self.entries.get(key)
        if entry is None:
            return default
        try:
            return parse_month(entry[0].value)
        except UnitError:
            self.error(key, f"expected a month like 2025-10, got {shown(entry[0])}")
            return default

    def fiscal_year(self, key: str, fy_start: int) -> int | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            return parse_fy(entry[0].value, fy_start)
        except UnitError as exc:
            self.error(key, f"{str(exc).split(', got')[0]}, got {shown(entry[0])}")
            return None

    def boolean(self, key: str, default: bool) -> bool:
        entry = self.entries.get(key)
        if entry is None:
            return default
        if not isinstance(entry[0].value, bool):
            self.error(key, f"expected true or false, got {shown(entry[0])}")
            return default
        return entry[0].value

    def items(self, key: str) -> list[tuple[Node, str]]:
        """The items of a list, each with its key path; a bad value is reported and gives ``[]``."""
        entry = self.entries.get(key)
        if entry is None:
            return []
        node, path = entry
        if not node.is_seq:
            self.reader.error(node, path, f"expected a list, got {shown(node)}")
            return []
        lines = self.reader.lines
        result = []
        for index, item in enumerate(node.value):
            at = item_path(path, index)
            if item.line is not None:
                lines[at] = item.line
            result.append((item, at))
        return result

    def texts(self, key: str) -> list[tuple[str, Node, str]]:
        """A list of text items (a single text counts as a list of one)."""
        entry = self.entries.get(key)
        if entry is None:
            return []
        node, path = entry
        if not node.is_map and not node.is_seq:
            value = self.reader.text(node, path)
            return [] if value is None else [(value, node, path)]
        result = []
        for item, item_at in self.items(key):
            value = self.reader.text(item, item_at)
            if value is not None:
                result.append((value, item, item_at))
        return result

    def mapping(
        self, key: str, known: Collection[str] | None = None, required: Collection[str] = ()
    ) -> Fields | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        return self.reader.mapping(entry[0], entry[1], known, required)
