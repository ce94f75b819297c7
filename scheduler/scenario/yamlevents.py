"""One pass from the YAML parser's events (libyaml's, through PyYAML) straight to the
:class:`Node` tree, with the same lines, values and problems as composing the graph first
(:mod:`.yamlcompose`), at a third of the time.

It reads what scenario files hold: mappings, lists and scalars, tagged or not, in one document.
Anything else — an anchor, an alias, a merge key, a list or mapping as a key, a second document
— or a text that is refused (a syntax error, more than
:data:`~scheduler.scenario.limits.MAX_NODES` values or lists and mappings nested deeper than
:data:`~scheduler.scenario.limits.MAX_DEPTH`) raises :class:`Unusual`, and :mod:`.yamlparse`
reads it again with :mod:`.yamlcompose`, which words every refusal as before.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import (
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    ScalarNode,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from scheduler.errors import Problem
from scheduler.scenario.limits import MAX_DEPTH, MAX_NODES
from scheduler.scenario.yamlnodes import Node, child_path, item_path
from scheduler.scenario.yamlscalars import LOADER, MERGE_TAG, Scalars

__all__ = ["Unusual", "read_events"]


class Unusual(Exception):
    """The text needs the composed graph, or is refused: read it with :mod:`.yamlcompose`."""


_IN_LIST = object()  # the ``key`` of an open list (a mapping's is ``None`` between its pairs)
_UNREAD = object()


class _Open:
    """A list or mapping whose end has not been read yet."""

    __slots__ = ("items", "key", "node", "skip")

    def __init__(self, node: Node, key: object) -> None:
        self.node = node
        self.items = node.value  # its dict or list
        self.key = key  # a mapping's key whose value is being read, None between pairs; _IN_LIST
        self.skip = -1  # reading a duplicate key's value: the problems to keep once it is read


def _path(stack: list[_Open], base: str) -> str:
    """The key path of the value being read."""
    path = base
    for frame in stack:
        key: Any = frame.key
        path = item_path(path, len(frame.items)) if key is _IN_LIST else child_path(path, key)
    return path


def read_events(
    text: str, source: str, origin: str | None = None, base: str = "", loader: type = LOADER
) -> tuple[Node | None, list[Problem]]:
    """The tree of ``text`` (``None`` for an empty text, key paths under ``base``) and the
    problems of its values (as :func:`.yamlcompose.read_composed` gives them), or
    :class:`Unusual`. Values from ``origin`` (an override) have no lines and name it as their
    file."""
    parser = loader(text)
    try:
        return _read(parser, origin or source, origin, base)
    except yaml.YAMLError:
        raise Unusual from None
    finally:
        parser.dispose()


def _read(
    parser: Any, source: str, origin: str | None, base: str
) -> tuple[Node | None, list[Problem]]:
    """The one loop (hot: 80,000 events at 1,000 clusters), its state in locals: ``stack`` the
    open lists and mappings, ``top`` the innermost, ``total`` the values read so far (as
    :func:`.yamlcompose.measure` counts them)."""
    get = parser.get_event
    get()  # the stream's start
    if type(get()) is StreamEndEvent:  # else the document's start
        return None, []
    scalars = Scalars(parser)
    # a plain scalar's text, or (tag given, implicit, text) -> its value
    values: dict[str | tuple[Any, ...], Any] = {}
    problems: list[Problem] = []
    stack: list[_Open] = []
    top: _Open | None = None
    root: Node | None = None
    total = 0
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None:
                raise Unusual
            total += 1
            text = event.value
            line = None if origin else event.start_mark.line + 1
            if top is not None and top.key is None:  # a mapping's key
                tag = event.tag
                if tag == MERGE_TAG or (
                    text == "<<"
                    and (tag is None or tag == "!")
                    and parser.resolve(ScalarNode, text, event.implicit) == MERGE_TAG
                ):
                    raise Unusual
                top.key = text
                lines = top.node.key_lines
                if text in top.items:
                    first = lines[text]
                    where = f" (first given on line {first})" if first else ""
                    path = _path(stack, base)
                    problems.append(Problem(source, line, path, f"duplicate key '{text}'{where}"))
                    top.skip = len(problems)
                else:
                    lines[text] = line
                continue
            if event.tag is None and not event.implicit[0]:  # quoted, untagged: a string
                value = text
            else:
                cached = text if event.tag is None else (event.tag, event.implicit, text)
                value = values.get(cached, _UNREAD)
                if value is _UNREAD:
                    value, wrong = scalars.value(_scalar_node(parser, event))
                    if wrong is None:
                        values[cached] = value
                    else:
                        problems.append(Problem(source, line, _path(stack, base), wrong))
            node = Node(value, line, {}, text, origin)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or len(stack) >= MAX_DEPTH:
                raise Unusual
            if top is not None and top.key is None:  # a list or mapping as a key
                raise Unusual
            line = None if origin else event.start_mark.line + 1
            if kind is MappingStartEvent:
                top = _Open(Node({}, line, {}, "", origin), None)
            else:
                top = _Open(Node([], line, {}, "", origin), _IN_LIST)
            stack.append(top)
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            total += 1
            node = stack.pop().node
            top = stack[-1] if stack else None
        elif kind is DocumentEndEvent:
            if type(get()) is not StreamEndEvent:  # a second document
                raise Unusual
            return root, problems
        else:  # an alias
            raise Unusual
        if total > MAX_NODES:
            raise Unusual
        if top is None:
            root = node
        elif top.key is _IN_LIST:
            top.items.append(node)
        else:
            if top.skip < 0:
                top.items[top.key] = node
            else:  # a duplicate key's value: dropped with its problems, as when composed
                del problems[top.skip :]
                top.skip = -1
            top.key = None


def _scalar_node(parser: Any, event: Any) -> ScalarNode:
    """The node the composer would make of ``event`` (its tag resolved as the composer does)."""
    tag = event.tag
    if tag is None or tag == "!":
        tag = parser.resolve(ScalarNode, event.value, event.implicit)
    return ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
