"""``--set`` and ``--vary`` overrides applied to a parsed :class:`~.yamlnodes.Node` tree: each
override's YAML value replaces (or, empty, removes) the value at its key path, and the nodes on
that path are copied, so one parsed file serves every variant of a sweep."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.keypath import Segment, Select, split_path
from scheduler.scenario.yamlnodes import (
    OVERRIDE_ORIGIN,
    Node,
    child_path,
    copy_node,
    item_path,
    shown,
)
from scheduler.scenario.yamlparse import read_yaml

__all__ = ["apply_override", "apply_overrides"]


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
        parsed, problems = read_yaml(text, OVERRIDE_ORIGIN, OVERRIDE_ORIGIN, path)
    except ScenarioError as exc:
        return [Problem(OVERRIDE_ORIGIN, None, path, p.message) for p in exc.problems]
    if problems:
        return problems
    value = Node(None, None, file=OVERRIDE_ORIGIN) if parsed is None else parsed
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
