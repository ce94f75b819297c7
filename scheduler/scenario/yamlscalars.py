"""What both YAML readers share: the loader class, each distinct scalar built once per file, and
PyYAML's errors worded for a planner (``YAML syntax error: ...``, ``cannot read value ...``)."""

from __future__ import annotations

from typing import Any

import yaml

from scheduler.errors import Problem, ScenarioError

__all__ = ["LOADER", "MERGE_TAG", "Scalars", "problem_text", "syntax_error"]

LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser with PyYAML's safe constructor and resolver (the pure-Python ``SafeLoader``
when PyYAML was built without libyaml): the same events, nodes and line marks at a sixth of the
time."""

MERGE_TAG = "tag:yaml.org,2002:merge"
_UNREAD = object()


class Scalars:
    """Scalars built by ``loader``'s safe constructor, each distinct ``(tag, text)`` once per file
    (a scenario repeats the same few hundred texts tens of thousands of times; the values are
    immutable, so they are shared)."""

    def __init__(self, loader: Any) -> None:
        self.construct_object = loader.construct_object
        self.values: dict[tuple[str, str], Any] = {}

    def value(self, node: yaml.Node) -> tuple[Any, str | None]:
        """The scalar's value, or ``None`` and why it cannot be read (a date like 2024-02-30, a
        tag no constructor knows)."""
        key = (node.tag, node.value)
        value = self.values.get(key, _UNREAD)
        if value is not _UNREAD:
            return value, None
        try:
            value = self.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            return None, f"cannot read value {node.value!r}: {problem_text(exc)}"
        except (ValueError, OverflowError) as exc:  # a date like 2024-02-30
            return None, f"cannot read value {node.value!r}: {exc}"
        self.values[key] = value
        return value, None


def problem_text(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [exc.context, exc.problem]
        return " ".join(part for part in parts if part) or str(exc)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def syntax_error(exc: yaml.YAMLError, source: str, origin: str | None) -> ScenarioError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None and origin is None else None
    return ScenarioError(
        [Problem(origin or source, line, "", f"YAML syntax error: {problem_text(exc)}")]
    )
