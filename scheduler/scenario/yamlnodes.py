"""Safe YAML parsing into a tree of :class:`Node` that remembers the line of every key and value.

The tree is what overrides (``--set budget.caps.SR21.amount=£403m``) edit before validation. Only
``yaml.compose`` with the ``SafeLoader`` is used; scalars are built by the safe constructor, so
YAML dates become ``datetime.date`` and ``2_500_000`` an ``int``. Mapping keys are kept as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.keypath import Segment, Select, split_path

__all__ = ["Node", "apply_overrides", "child_path", "item_path", "parse_yaml", "shown"]

OVERRIDE_ORIGIN = "--set"


@dataclass
class Node:
    """A YAML value: ``dict[str, Node]`` for a mapping, ``list[Node]`` for a list, else a scalar."""

    value: Any
    line: int | None
    key_lines: dict[str, int | None] = field(default_factory=dict)
    raw: str = ""
    file: str | None = None  # set on values that came from an override, not from the file

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.value, list)


def child_path(path: str, key: str) -> str:
    """``budget`` + ``tranche`` -> ``budget.tranche`` (the top level has the empty path)."""
    return f"{path}.{key}" if path else key


def item_path(path: str, index: int) -> str:
    return f"{path}[{index}]"


def shown(node: Node) -> str:
    """A value as the planner wrote it, for messages: ``'abc'``, ``14.5``, ``a list``."""
    if node.is_map:
        return "a mapping"
    if node.is_seq:
        return "a list"
    if node.value is None:
        return "nothing"
    if isinstance(node.value, str):
        return repr(node.value)
    return node.raw or str(node.value)


class _Builder:
    def __init__(self, source: str, origin: str | None = None) -> None:
        self.source = origin or source
        self.origin = origin
        self.constructor = SafeConstructor()
        self.problems: list[Problem] = []
        self.active: set[int] = set()
        self.merged: dict[int, int] = {}

    def _line(self, node: yaml.Node) -> int | None:
        return None if self.origin else node.start_mark.line + 1

    def _error(self, node: yaml.Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, self._line(node), path, message))

    def build(self, node: yaml.Node, path: str) -> Node:
        if id(node) in self.active:
            self._error(node, path, "an alias refers to itself (recursive YAML anchor)")
            return Node(None, self._line(node), file=self.origin)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                items = [
                    self.build(child, item_path(path, i)) for i, child in enumerate(node.value)
                ]
                return Node(items, self._line(node), file=self.origin)
            return self._scalar(node, path)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.Node, path: str) -> Node:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._error(node, path, f"cannot read value {node.value!r}: {_problem_text(exc)}")
            value = None
        return Node(value, self._line(node), raw=str(node.value), file=self.origin)

    def _flatten(self, node: yaml.MappingNode, path: str) -> int:
        """Resolve merge keys (``<<: *anchor``) once; return how many merged pairs come first."""
        if id(node) not in self.merged:
            own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
            try:
                self.constructor.flatten_mapping(node)
            except yaml.YAMLError as exc:
                self._error(node, path, f"cannot merge mapping: {_problem_text(exc)}")
            self.merged[id(node)] = max(0, len(node.value) - own)
        return self.merged[id(node)]

    def _mapping(self, node: yaml.MappingNode, path: str) -> Node:
        merged = self._flatten(node, path)
        result = Node({}, self._line(node), file=self.origin)
        from_merge: set[str] = set()  # keys that later merges and the mapping's own keys override
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, path, "a key must be a plain name, not a list or mapping")
                continue
            key = str(key_node.value)
            if key in from_merge:
                from_merge.discard(key)
                del result.value[key]
            if index < merged:
                from_merge.add(key)
            if key in result.value:
                first = result.key_lines[key]
                where = f" (first given on line {first})" if first else ""
                self._error(key_node, child_path(path, key), f"duplicate key '{key}'{where}")
                continue
            result.key_lines[key] = self._line(key_node)
            result.value[key] = self.build(value_node, child_path(path, key))
        return result


def _problem_text(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [exc.context, exc.problem]
        return " ".join(part for part in parts if part) or str(exc)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _compose(text: str, source: str, origin: str | None) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None and origin is None else None
        message = f"YAML syntax error: {_problem_text(exc)}"
        raise ScenarioError([Problem(origin or source, line, "", message)]) from None
    except yaml.YAMLError as exc:
        message = f"YAML syntax error: {_problem_text(exc)}"
        raise ScenarioError([Problem(origin or source, None, "", message)]) from None


def parse_yaml(text: str, source: str) -> Node:
    """Parse a scenario file's text; a syntax error or empty file raises :class:`ScenarioError`."""
    root = _compose(text, source, None)
    if root is None:
        message = "the file is empty; expected a mapping with name, horizon and clusters"
        raise ScenarioError([Problem(source, None, "", message)])
    builder = _Builder(source)
    tree = builder.build(root, "")
    if builder.problems:
        raise ScenarioError(builder.problems)
    return tree


def _select(node: Node, segment: Segment) -> int | None:
    """The index of the list item addressed by ``segment``: its ``id``, its ``name`` or a number,
    or a :class:`Select` (``[name=SAP ECC 6.0]``, ``[2]``)."""
    if isinstance(segment, Select):
        if segment.field is None:
            position = int(segment.value)
            return position if position < len(node.value) else None
        fields: tuple[str, ...] = (segment.field,)
        wanted = segment.value
    else:
        fields, wanted = ("id", "name"), segment
    for index, item in enumerate(node.value):
        if item.is_map:
            for key in fields:
                named = item.value.get(key)
                scalar = named is not None and not named.is_map and not named.is_seq
                if scalar and wanted in (named.raw, named.value, str(named.value)):
                    return index
    if isinstance(segment, str) and segment.isdigit() and int(segment) < len(node.value):
        return int(segment)
    return None


def _shown_segment(segment: Segment) -> str:
    if isinstance(segment, Select):
        return (
            f"[{segment.value}]" if segment.field is None else f"[{segment.field}={segment.value}]"
        )
    return segment


def apply_override(root: Node, path: str, text: str) -> list[Problem]:
    """Set the value at ``path`` (dotted; lists addressed by item id or name, or by a selector
    ``[name=SAP ECC 6.0]``, see :mod:`scheduler.scenario.keypath`) to YAML ``text``."""
    segments = split_path(path)
    if segments is None:
        message = (
            "expected a key path like policy.deadline (a name with dots: "
            'legacy[name=SAP ECC 6.0] or legacy."SAP ECC 6.0")'
        )
        return [Problem(OVERRIDE_ORIGIN, None, path, message)]
    try:
        composed = _compose(text, OVERRIDE_ORIGIN, OVERRIDE_ORIGIN)
    except ScenarioError as exc:
        return [Problem(OVERRIDE_ORIGIN, None, path, p.message) for p in exc.problems]
    builder = _Builder(OVERRIDE_ORIGIN, OVERRIDE_ORIGIN)
    value = (
        Node(None, None, file=OVERRIDE_ORIGIN)
        if composed is None
        else builder.build(composed, path)
    )
    if builder.problems:
        return builder.problems
    node, walked = root, ""
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if node.is_map and isinstance(segment, Select):
            message = (
                f"{walked or 'the file'} is a mapping; {_shown_segment(segment)} picks a list item"
            )
            return [Problem(OVERRIDE_ORIGIN, None, path, message)]
        if node.is_map:
            assert isinstance(segment, str)
            walked = child_path(walked, segment)
            if last:
                node.value[segment] = value
                node.key_lines.setdefault(segment, None)
            elif segment not in node.value or node.value[segment].value is None:
                node.value[segment] = Node({}, None, file=OVERRIDE_ORIGIN)
                node.key_lines.setdefault(segment, None)
            node = node.value[segment]
        elif node.is_seq:
            index = _select(node, segment)
            if index is None:
                wanted = (
                    f"with id or name '{segment}'"
                    if isinstance(segment, str)
                    else f"{_shown_segment(segment)}"
                )
                message = f"no item {wanted} in {walked or 'the file'}"
                return [Problem(OVERRIDE_ORIGIN, None, path, message)]
            walked = item_path(walked, index)
            if last:
                node.value[index] = value
            node = node.value[index]
        else:
            message = f"{walked} is {shown(node)}, not a mapping or list"
            return [Problem(OVERRIDE_ORIGIN, None, path, message)]
    return []


def apply_overrides(root: Node, overrides: Sequence[tuple[str, str]]) -> list[Problem]:
    """Apply ``(path, yaml_text)`` overrides in order; return the problems found."""
    problems: list[Problem] = []
    for path, text in overrides:
        problems.extend(apply_override(root, path.strip(), text))
    return problems
