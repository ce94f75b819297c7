"""Safe YAML parsing into a tree of :class:`Node` that remembers the line of every key and value.

The tree is what overrides (``--set budget.caps.SR21.amount=£403m``) edit before validation. Only
``yaml.compose`` with the safe loader is used (libyaml's ``CSafeLoader`` when PyYAML has it, which
keeps the same line marks at a sixth of the time); scalars are built by the safe constructor, so
YAML dates become ``datetime.date`` and ``2_500_000`` an ``int``. Mapping keys are kept as written.

Before anything is composed, :func:`measure` streams the parser's events and refuses a file whose
values, aliases expanded, exceed :data:`~scheduler.scenario.limits.MAX_NODES` or nest deeper than
:data:`~scheduler.scenario.limits.MAX_DEPTH`: an alias bomb is counted, never expanded.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.keypath import Segment, Select, split_path
from scheduler.scenario.limits import MAX_DEPTH, MAX_NODES

__all__ = [
    "Node",
    "apply_overrides",
    "child_path",
    "copy_node",
    "item_path",
    "measure",
    "parse_yaml",
    "shown",
]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


_MERGE = "tag:yaml.org,2002:merge"
_UNREAD = object()


class _Builder:
    """Builds the :class:`Node` tree from a composed YAML graph (``aliases``: whether it may share
    nodes, so that a recursive anchor must be looked for)."""

    def __init__(self, source: str, origin: str | None = None, aliases: bool = True) -> None:
        self.aliases = aliases
        self.values: dict[tuple[str, str], Any] = {}
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
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: str) -> Node:
        key = (node.tag, node.value)
        value = self.values.get(key, _UNREAD)  # scalars are immutable: read each text once
        if value is _UNREAD:
            value = self._construct(node, path)
        return Node(value, self._line(node), raw=str(node.value), file=self.origin)

    def _construct(self, node: yaml.Node, path: str) -> Any:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._error(node, path, f"cannot read value {node.value!r}: {_problem_text(exc)}")
            value = None
        except (ValueError, OverflowError) as exc:  # a date like 2024-02-30
            self._error(node, path, f"cannot read value {node.value!r}: {exc}")
            value = None
        else:
            self.values[(node.tag, node.value)] = value
        return value

    def _flatten(self, node: yaml.MappingNode, path: str) -> int:
        """Resolve merge keys (``<<: *anchor``) once; return how many merged pairs come first."""
        if not any(key.tag == _MERGE for key, _ in node.value):
            return 0
        if id(node) not in self.merged:
            own = sum(1 for key, _ in node.value if key.tag != _MERGE)
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


def _syntax_error(exc: yaml.YAMLError, source: str, origin: str | None) -> ScenarioError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None and origin is None else None
    return ScenarioError(
        [Problem(origin or source, line, "", f"YAML syntax error: {_problem_text(exc)}")]
    )


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


def _path_at(text: str, stop: int) -> str:
    """The key path of the ``stop``-th parser event (a second, slower pass, for messages only)."""
    stack: list[_Frame] = []
    for count, event in enumerate(yaml.parse(text, Loader=_LOADER)):
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


def measure(text: str, source: str, origin: str | None = None) -> tuple[int, bool]:
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
        for count, event in enumerate(yaml.parse(text, Loader=_LOADER)):  # noqa: B007
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
        raise _syntax_error(exc, source, origin) from None
    if message:
        line = None if origin else event.start_mark.line + 1
        raise ScenarioError([Problem(origin or source, line, _path_at(text, count), message)])
    return total, aliased


def _compose(text: str, source: str, origin: str | None) -> tuple[yaml.Node | None, bool]:
    """The composed YAML graph (``None`` for an empty text) once :func:`measure` has passed it,
    and whether it has aliases."""
    _, aliased = measure(text, source, origin)
    try:
        return yaml.compose(text, Loader=_resolving_once(_LOADER)), aliased
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source, origin) from None


def parse_yaml(text: str, source: str) -> Node:
    """Parse a scenario file's text; a syntax error or empty file raises :class:`ScenarioError`."""
    root, aliased = _compose(text, source, None)
    if root is None:
        message = "the file is empty; expected a mapping with name, horizon and clusters"
        raise ScenarioError([Problem(source, None, "", message)])
    builder = _Builder(source, aliases=aliased)
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


def apply_override(
    root: Node, path: str, text: str, notes: list[Problem] | None = None
) -> list[Problem]:
    """Set the value at ``path`` (dotted; lists addressed by item id or name, or by a selector
    ``[name=SAP ECC 6.0]``, see :mod:`scheduler.scenario.keypath`) to YAML ``text``.

    An empty value (or ``null``) removes the key: what it removed is added to ``notes`` (a
    ``--set budget=`` must not silently drop every cap), and removing nothing is a problem. A key
    that is required is then reported as missing by the loader."""
    segments = split_path(path)
    if segments is None:
        message = (
            "expected a key path like policy.deadline (a name with dots: "
            'legacy[name=SAP ECC 6.0] or legacy."SAP ECC 6.0")'
        )
        return [Problem(OVERRIDE_ORIGIN, None, path, message)]
    try:
        composed, _ = _compose(text, OVERRIDE_ORIGIN, OVERRIDE_ORIGIN)
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
    previous: Node | None = None
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
                previous = node.value.get(segment)
                node.value[segment] = value
                node.key_lines.setdefault(segment, None)
            elif segment not in node.value or node.value[segment].value is None:
                node.value[segment] = Node({}, None, file=OVERRIDE_ORIGIN)
                node.key_lines.setdefault(segment, None)
            else:  # copy on write: a tree parsed once is shared by every variant
                node.value[segment] = copy_node(node.value[segment])
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
                previous = node.value[index]
                node.value[index] = value
            else:
                node.value[index] = copy_node(node.value[index])
            node = node.value[index]
        else:
            message = f"{walked} is {shown(node)}, not a mapping or list"
            return [Problem(OVERRIDE_ORIGIN, None, path, message)]
    if value.value is None:
        if previous is None or previous.value is None:
            message = "nothing to remove: it has no value (an empty --set value removes a key)"
            return [Problem(OVERRIDE_ORIGIN, None, path, message)]
        if notes is not None:
            notes.append(Problem(OVERRIDE_ORIGIN, None, path, f"removed {_described(previous)}"))
    return []


def _described(node: Node) -> str:
    """What a removed value held: ``the value given on line 62: a mapping of tranche, caps (2
    items)``."""
    where = f"the value given on line {node.line}" if node.line else "the value given"
    if node.is_map:
        keys = ", ".join(
            f"{key} ({len(child.value)} items)" if child.is_seq else key
            for key, child in node.value.items()
        )
        return f"{where}: a mapping of {keys or 'nothing'}"
    if node.is_seq:
        return f"{where}: a list of {len(node.value)} items"
    return f"{where}: {shown(node)}"


def copy_node(node: Node) -> Node:
    """A copy of ``node`` that shares its children: editing the copy's own mapping or list leaves
    ``node`` as it was (overrides copy every node on their path, nothing else)."""
    value = dict(node.value) if node.is_map else list(node.value) if node.is_seq else node.value
    return Node(value, node.line, dict(node.key_lines), node.raw, node.file)


def apply_overrides(
    root: Node, overrides: Sequence[tuple[str, str]], notes: list[Problem] | None = None
) -> tuple[Node, list[Problem]]:
    """``root`` with ``(path, yaml_text)`` overrides applied in order, and the problems found
    (what empty values removed is added to ``notes``). ``root`` itself is left unchanged: the
    nodes on each override's path are copied, so one parsed tree serves every variant."""
    problems: list[Problem] = []
    root = copy_node(root) if overrides else root
    for path, text in overrides:
        problems.extend(apply_override(root, path.strip(), text, notes))
    return root, problems
