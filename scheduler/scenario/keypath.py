"""Key paths of overrides: ``budget.caps.SR21.amount``, with names that hold dots or spaces.

A path is segments joined by dots. A segment is a key of a mapping, or it picks an item of a list
by its ``id`` or ``name`` (or its position). Where a name holds a dot, an ``=`` or a bracket, pick
the item with a selector or quote it::

    clusters.unity.legacy[name=SAP ECC 6.0].expires     the item whose name is SAP ECC 6.0
    clusters.unity.legacy."SAP ECC 6.0".expires         the same, by id or name
    clusters.unity.legacy[0].expires                    the first item

``PATH=VALUE`` is split at the first ``=`` outside brackets and quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Select", "split_assignment", "split_path"]

_QUOTES = "\"'"


@dataclass(frozen=True)
class Select:
    """``[field=value]``: the list item whose ``field`` is ``value`` (``field`` None: ``[N]``, the
    item at position ``value``)."""

    field: str | None
    value: str


Segment = str | Select


def _closing(text: str, start: int, mark: str) -> int:
    """The index of ``mark`` closing what opens at ``start`` (quotes inside brackets skipped)."""
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == mark:
            return index
        if mark == "]" and char in _QUOTES:
            end = text.find(char, index + 1)
            if end < 0:
                return -1
            index = end
        index += 1
    return -1


def _selector(inner: str) -> Select | None:
    inner = inner.strip()
    if inner.isdigit():
        return Select(None, inner)
    name, equals, value = inner.partition("=")
    name, value = name.strip(), value.strip()
    if not equals or not name or not value:
        return None
    if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
        value = value[1:-1]
    return Select(name, value)


def split_path(path: str) -> list[Segment] | None:
    """The segments of ``path``, or ``None`` when it is not a key path (an empty segment, an
    unclosed quote or bracket, a selector that is not ``[N]`` or ``[field=value]``)."""
    segments: list[Segment] = []
    index, size = 0, len(path)
    if not path:
        return None
    while index < size:
        char = path[index]
        if char in _QUOTES:
            end = _closing(path, index, char)
            if end < 0 or end == index + 1:
                return None
            segments.append(path[index + 1 : end])
            index = end + 1
        elif char == "[":
            end = _closing(path, index, "]")
            selector = _selector(path[index + 1 : end]) if end > 0 and segments else None
            if selector is None:
                return None
            segments.append(selector)
            index = end + 1
        else:
            ends = [at for at in (path.find(".", index), path.find("[", index)) if at >= 0]
            end = min(ends) if ends else size
            if end == index:
                return None
            segments.append(path[index:end])
            index = end
        if index < size:
            if path[index] == ".":
                index += 1
                if index == size:
                    return None
            elif path[index] != "[":
                return None
    return segments


def split_assignment(text: str) -> tuple[str, str] | None:
    """``PATH=VALUE`` split at the first ``=`` outside brackets and quotes; ``None`` without one."""
    index = 0
    while index < len(text):
        char = text[index]
        if char in _QUOTES or char == "[":
            end = _closing(text, index, "]" if char == "[" else char)
            if end < 0:
                return None
            index = end
        elif char == "=":
            return text[:index], text[index + 1 :]
        index += 1
    return None
