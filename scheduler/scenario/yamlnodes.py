"""The tree of :class:`Node` that a scenario's YAML is read into, remembering the line of every
key and value.

The tree is what overrides (``--set budget.caps.SR21.amount=£403m``, :mod:`.overrides`) edit
before validation, and what :mod:`.fields` reads into the dataclasses. It is built by
:mod:`.yamlparse` (one pass over libyaml's events, :mod:`.yamlevents`; PyYAML's composed graph for
anchors, aliases and merge keys, :mod:`.yamlcompose`). Scalars are built by PyYAML's safe
constructor, so YAML dates become ``datetime.date`` and ``2_500_000`` an ``int``; mapping keys are
kept as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["OVERRIDE_ORIGIN", "Node", "child_path", "copy_node", "item_path", "shown"]

OVERRIDE_ORIGIN = "--set"


@dataclass(slots=True)
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


def copy_node(node: Node) -> Node:
    """A copy of ``node`` that shares its children: editing the copy's own mapping or list leaves
    ``node`` as it was (overrides copy every node on their path, nothing else)."""
    value = dict(node.value) if node.is_map else list(node.value) if node.is_seq else node.value
    return Node(value, node.line, dict(node.key_lines), node.raw, node.file)
