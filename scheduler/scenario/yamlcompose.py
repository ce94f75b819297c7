"""The general YAML reader: PyYAML composes the graph (anchors, aliases, merge keys), then the
:class:`Node` tree is built from it. :mod:`.yamlparse` hands it only the texts that need it (an
anchor, alias, merge key, a list or mapping as a key, a second document) or that are refused (a
syntax error, a limit passed), which it words.

Before anything is composed, :func:`measure` streams the parser's events and refuses a file whose
values, aliases expanded, exceed :data:`~scheduler.scenario.limits.MAX_NODES` or nest deeper than
:data:`~scheduler.scenario.limits.MAX_DEPTH`: an alias bomb is counted, never expanded.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.limits import MAX_DEPTH, MAX_NODES
from scheduler.scenario.yamlnodes import Node, child_path, item_path
from scheduler.scenario.yamlscalars import (
    LOADER,
    MERGE_TAG,
    Scalars,
    problem_text,
    syntax_error,
)

__all__ = ["measure", "read_composed"]


@functools.cache
def _resolving_once(loader: type) -> type:
    """``loader`` resolving each distinct plain scalar's tag once per file: PyYAML's resolver
    (Python, even under libyaml's parser) matches every scalar against its regular expressions,
    and a scenario repeats the same few hundred texts (keys, months, amounts) tens of thousands
    of times. A scalar's tag depends on its text and style alone (no path resolvers are set)."""

    class Loader(loader):
        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            if kind is not yaml.ScalarNode:
                return super().resolve(kind, value, implicit)
            cache = self.__dict__.setdefault("_tags", {})
            key = (value, implicit)
            tag = cache.get(key)
            if tag is None:
                tag = cache[key] = super().resolve(kind, value, implicit)
            return tag

    return Loader


class _Builder:
    """Builds the :class:`Node` tree from a composed YAML graph (``aliases``: whether it may share
    nodes, so that a recursive anchor must be looked for)."""

    def __init__(self, source: str, origin: str | None = None, aliases: bool = True) -> None:
        self.aliases = aliases
        self.source = origin or source
        self.origin = origin
        self.constructor = SafeConstructor()
        self.scalars = Scalars(self.constructor)
        self.problems: list[Problem] = []
        self.active: set[int] = set()
        self.merged: dict[int, int] = {}

    def _line(self, node: yaml.Node) -> int | None:
        return None if self.origin else node.start_mark.line + 1

    def _error(self, node: yaml.Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, self._line(node), path, message))

    def build(self, node: yaml.Node, path: str) -> Node:
        if not self.aliases:  # a tree: no node can be its own ancestor
            return self._build(node, path)
        if id(node) in self.active:
            self._error(node, path, "an alias refers to itself (recursive YAML anchor)")
            return Node(None, self._line(node), file=self.origin)
        self.active.add(id(node))
        try:
            return self._build(node, path)
        finally:
            self.active.discard(id(node))

    def _build(self, node: yaml.Node, path: str) -> Node:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = [self.build(child, item_path(path, i)) for i, child in enumerate(node.value)]
            return Node(items, self._line(node), file=self.origin)
        value, wrong = self.scalars.value(node)
        if wrong is not None:
            self._error(node, path, wrong)
        return Node(value, self._line(node), raw=str(node.value), file=self.origin)

    def _flatten(self, node: yaml.MappingNode, path: str) -> int:
        """Resolve merge keys (``<<: *anchor``) once; return how many merged pairs come first."""
        if not any(key.tag == MERGE_TAG for key, _ in node.value):
            return 0
        if id(node) not in self.merged:
            own = sum(1 for key, _ in node.value if key.tag != MERGE_TAG)
            try:
                self.constructor.flatten_mapping(node)
            except yaml.YAMLError as exc:
                self._error(node, path, f"cannot merge mapping: {problem_text(exc)}")
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


class _Frame:
    """An open list or mapping, for naming the key path of a limit passed."""

    __slots__ = ("at_key", "index", "key", "mapping")

    def __init__(self, mapping: bool) -> None:
        self.mapping = mapping
        self.at_key = True  # a mapping's next value is a key
        self.key = ""  # the key whose value is being read
        self.index = 0  # a list's next item

    def advance(self, key: object) -> None:
        if self.mapping:
            if self.at_key:
                self.key = key if isinstance(key, str) else "?"
            self.at_key = not self.at_key
        else:
            self.index += 1

    @staticmethod
    def path(stack: list[_Frame]) -> str:
        path = ""
        for frame in stack:
            if frame.mapping:
                if frame.at_key:  # between a value and the next key
                    break
                path = child_path(path, frame.key)
            else:
                path = item_path(path, frame.index)
        return path


def _path_at(text: str, stop: int, loader: type) -> str:
    """The key path of the ``stop``-th parser event (a second, slower pass, for messages only)."""
    stack: list[_Frame] = []
    for count, event in enumerate(yaml.parse(text, Loader=loader)):
        if count == stop:
            path = _Frame.path(stack)
            return path if len(path) <= 80 else path[:76] + " ..."
        kind = type(event)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            stack.append(_Frame(kind is yaml.MappingStartEvent))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            if stack:
                stack[-1].advance(None)
        elif (kind is yaml.ScalarEvent or kind is yaml.AliasEvent) and stack:
            stack[-1].advance(getattr(event, "value", None))
    return ""


def measure(
    text: str, source: str, origin: str | None = None, loader: type = LOADER
) -> tuple[int, bool]:
    """The number of YAML values in ``text`` with every alias expanded (and whether it has any
    alias), counted from the parser's
    event stream (nothing is composed or expanded). A file above the node or depth limit raises
    :class:`ScenarioError` at the line where the limit is passed; so does a syntax error.

    Each open list or mapping keeps the running count at its start and the height of nesting
    inside it, so an anchor's expanded size and height are known when it closes and an alias adds
    them without being expanded.
    """
    stack: list[list] = []  # per open collection: [count before it, height inside, its anchor]
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, height)
    total = 0
    aliased = False
    message = ""
    count = -1
    event: Any = None  # libyaml's events: which attributes exist depends on the event's type
    try:
        for count, event in enumerate(yaml.parse(text, Loader=loader)):  # noqa: B007
            kind = type(event)
            if kind is yaml.ScalarEvent:
                total += 1
                if event.anchor is not None:
                    anchors[event.anchor] = (1, 0)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    message = (
                        f"lists and mappings nested deeper than {MAX_DEPTH} levels "
                        "(a scenario needs about 8)"
                    )
                    break
                stack.append([total, 0, event.anchor])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                first, inside, anchor = stack.pop()
                total += 1
                if stack and stack[-1][1] <= inside:
                    stack[-1][1] = inside + 1
                if anchor is not None:
                    anchors[anchor] = (total - first, inside + 1)
            elif kind is yaml.AliasEvent:
                aliased = True
                size, height = anchors.get(event.anchor, (1, 0))
                if len(stack) + height > MAX_DEPTH:
                    message = f"nested deeper than {MAX_DEPTH} levels with aliases expanded"
                    break
                total += size
                if stack and stack[-1][1] < height:
                    stack[-1][1] = height
            if total > MAX_NODES:
                message = (
                    f"more than {MAX_NODES:,} values with aliases expanded (an alias bomb?); "
                    "a scenario of 1,000 clusters has about 69,000"
                )
                break
    except yaml.YAMLError as exc:
        raise syntax_error(exc, source, origin) from None
    if message:
        line = None if origin else event.start_mark.line + 1
        path = _path_at(text, count, loader)
        raise ScenarioError([Problem(origin or source, line, path, message)])
    return total, aliased


def read_composed(
    text: str, source: str, origin: str | None = None, base: str = "", loader: type = LOADER
) -> tuple[Node | None, list[Problem]]:
    """The tree of ``text`` (``None`` for an empty text, its key paths under ``base``) and the
    problems its values have; a syntax error or a limit passed raises :class:`ScenarioError`.
    Values from ``origin`` (an override) have no lines and name it as their file."""
    _, aliased = measure(text, source, origin, loader)
    try:
        root = yaml.compose(text, Loader=_resolving_once(loader))
    except yaml.YAMLError as exc:
        raise syntax_error(exc, source, origin) from None
    if root is None:
        return None, []
    builder = _Builder(source, origin, aliases=aliased)
    return builder.build(root, base), builder.problems
