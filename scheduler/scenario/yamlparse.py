"""Safe YAML parsing into the :class:`~.yamlnodes.Node` tree: one pass over the parser's events
(:mod:`.yamlevents`) for what scenario files hold, PyYAML's composed graph (:mod:`.yamlcompose`)
for anchors, aliases and merge keys, and to word what is refused (a syntax error, a limit
passed). Both give the same tree, lines and problems."""

from __future__ import annotations

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.yamlcompose import read_composed
from scheduler.scenario.yamlevents import Unusual, read_events
from scheduler.scenario.yamlnodes import Node
from scheduler.scenario.yamlscalars import LOADER

__all__ = ["parse_yaml", "read_yaml"]

_LOADER: type = LOADER  # a benchmark puts PyYAML's pure-Python SafeLoader here


def read_yaml(
    text: str, source: str, origin: str | None = None, base: str = ""
) -> tuple[Node | None, list[Problem]]:
    """The tree of ``text`` (``None`` for an empty text; key paths under ``base``) and the
    problems of its values; a syntax error or a limit passed raises :class:`ScenarioError`.
    Values from ``origin`` (an override) have no lines and name it as their file."""
    try:
        return read_events(text, source, origin, base, _LOADER)
    except Unusual:
        return read_composed(text, source, origin, base, _LOADER)


def parse_yaml(text: str, source: str) -> Node:
    """Parse a scenario file's text; a syntax error or empty file raises :class:`ScenarioError`."""
    root, problems = read_yaml(text, source)
    if root is None:
        message = "the file is empty; expected a mapping with name, horizon and clusters"
        raise ScenarioError([Problem(source, None, "", message)])
    if problems:
        raise ScenarioError(problems)
    return root
