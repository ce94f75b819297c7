"""Variants files: named variants of one base scenario, each a set of ``--set`` style overrides.

Format (``format: scheduler-variants/1`` is optional)::

    base: base.yaml            # the base scenario, relative to this file
    include_base: true         # optional, default true: an implicit first variant "base"
    variants:
      - name: funded £250m     # required, unique
        description: ...       # optional, free text
        set:                   # optional mapping of key path -> value, exactly as --set takes
          budget.caps.SR21.amount: £250m
      - name: no stagger
        set: {policy.stagger_months: 0}

Decisions:

* The base scenario itself is the implicit first variant, named ``base`` (no overrides), so a
  sweep or a comparison always has the unmodified case first to compare against. Write
  ``include_base: false`` to leave it out. A variant may not itself be named ``base`` unless
  ``include_base`` is false.
* Each ``set`` value is rendered back to YAML text (:func:`render_value`) and applied by
  :func:`scheduler.scenario.loader.load_scenario` exactly as ``--set PATH=VALUE`` would be, so
  values accept what the scenario file accepts (``£250m``, ``2023-12``, ``0``, lists, mappings).
* :func:`load_variants` checks the variants file's own structure; :func:`load_variant_scenarios`
  validates every variant's scenario. Problems caused by an override are reported at the variants
  file, the line of that key in ``set`` and the key path, e.g.
  ``scenarios/contingency.yaml:14: policy.stagger_months: variant 'no stagger': expected a whole
  number, got 'abc'``. Problems in the base file itself are reported once, as the base file's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.data import Scenario
from scheduler.scenario.fields import Reader
from scheduler.scenario.keypath import split_path
from scheduler.scenario.load import ParsedScenario, read_text
from scheduler.scenario.yamlnodes import OVERRIDE_ORIGIN, Node, child_path, shown
from scheduler.scenario.yamlparse import parse_yaml

__all__ = [
    "BASE_NAME",
    "VARIANTS_FORMAT",
    "Variant",
    "VariantSet",
    "is_variants_file",
    "load_variant_scenario",
    "load_variant_scenarios",
    "load_variants",
    "render_value",
]

VARIANTS_FORMAT = "scheduler-variants/1"
BASE_NAME = "base"
TOP_KEYS = ("format", "name", "description", "base", "include_base", "variants")
VARIANT_KEYS = ("name", "description", "set")


@dataclass(frozen=True)
class Variant:
    """A named variant: ``overrides`` are ``(key.path, yaml text)`` pairs, applied in order."""

    name: str
    overrides: tuple[tuple[str, str], ...]
    description: str = ""
    line: int | None = field(default=None, compare=False)  # line of the variant in its file
    override_lines: tuple[int | None, ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        """``policy.stagger_months=0, ...`` (or ``no overrides``)."""
        return ", ".join(f"{p}={v}" for p, v in self.overrides) or "no overrides"


@dataclass(frozen=True)
class VariantSet:
    """The variants of one base scenario, in file order (the implicit ``base`` first)."""

    source: str
    base: Path
    variants: tuple[Variant, ...]
    name: str = ""
    description: str = ""

    def variant(self, name: str) -> Variant:
        for variant in self.variants:
            if variant.name == name:
                return variant
        raise KeyError(name)


def render_value(node: Node) -> str:
    """A parsed YAML value back to YAML text that composes to the same value (for --set)."""
    text = yaml.safe_dump(
        _plain(node), default_flow_style=True, allow_unicode=True, width=math.inf, sort_keys=False
    )
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")].strip()
    elif text.endswith("..."):
        text = text[:-3].strip()
    return text


def _plain(node: Node) -> Any:
    if node.is_map:
        return {key: _plain(child) for key, child in node.value.items()}
    if node.is_seq:
        return [_plain(child) for child in node.value]
    return node.value


def is_variants_file(path: str | Path) -> bool:
    """True for a readable YAML file whose top level is a mapping with a ``variants`` key."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "variants" in data


def load_variants(path: str | Path) -> VariantSet:
    """Read and check a variants file's structure (not yet the variants' scenarios)."""
    source = str(path)
    root = parse_yaml(read_text(Path(path), source), source)
    reader = Reader(source)
    top = reader.mapping(root, "", TOP_KEYS, required=("base", "variants"))
    if top is None:
        message = f"expected a mapping with base and variants, got {shown(root)}"
        raise ScenarioError([Problem(source, root.line, "", message)])
    form = top.text("format")
    if form is not None and form != VARIANTS_FORMAT:
        top.error("format", f"unknown format {form!r}; expected {VARIANTS_FORMAT!r}")
    base_text = top.text("base")
    base = Path(path).parent / base_text if base_text else Path()
    if base_text and not base.is_file():
        top.error("base", f"no such scenario file {str(base)!r} (relative to this file)")
    include_base = top.boolean("include_base", True)
    variants: list[Variant] = []
    if include_base:
        variants.append(Variant(BASE_NAME, (), "the base scenario, unchanged"))
    seen = {BASE_NAME: "the implicit base variant (include_base: false to drop it)"}
    if not include_base:
        seen = {}
    items = top.items("variants")
    if top.has("variants") and not items and top.get("variants")[0].is_seq:  # type: ignore[index]
        top.error("variants", "no variants given")
    for node, at in items:
        fields = reader.mapping(node, at, VARIANT_KEYS, required=("name",))
        if fields is None:
            continue
        name = fields.text("name")
        if name is None:
            continue
        if name in seen:
            fields.error("name", f"duplicate variant name {name!r} (also {seen[name]})")
        seen.setdefault(name, at)
        overrides: list[tuple[str, str]] = []
        lines: list[int | None] = []
        settings = fields.mapping("set")
        set_node = settings.node if settings is not None and settings.node.is_map else None
        key_lines = set_node.key_lines if set_node is not None else {}
        for key, child in set_node.value.items() if set_node is not None else ():
            line = key_lines.get(key) or child.line
            if split_path(key) is None:
                message = f"expected a key path like policy.stagger_months, got {key!r}"
                reader.error(child, child_path(settings.path, key), message, line)  # type: ignore[union-attr]
                continue
            overrides.append((key, render_value(child)))  # null too: it sets the value to null
            lines.append(line)
        description = fields.text("description", "") or ""
        variants.append(Variant(name, tuple(overrides), description, node.line, tuple(lines)))
    if reader.problems:
        raise ScenarioError(reader.unique())
    return VariantSet(
        source=source,
        base=base,
        variants=tuple(variants),
        name=top.text("name", "") or "",
        description=top.text("description", "") or "",
    )


def _attribute(problem: Problem, variant: Variant) -> int | None:
    """Which of the variant's overrides an override-origin problem is about (its index)."""
    if not variant.overrides:
        return None
    normal = re.sub(r"\[(\d+)\]", r".\1", problem.key)
    best: int | None = None
    for index, (path, _) in enumerate(variant.overrides):
        if problem.key == path or problem.key.startswith(path + "."):
            return index
        if normal == path or normal.startswith(path + "."):
            best = index
    if best is not None:
        return best
    if len(variant.overrides) == 1:
        return 0
    # a list item addressed by id/name shows in the problem as an index: match on the last key
    tail = problem.key.rsplit(".", 1)[-1]
    for index, (path, _) in enumerate(variant.overrides):
        if path.rsplit(".", 1)[-1] == tail:
            return index
    return None


def _relocate(problem: Problem, vs: VariantSet, variant: Variant) -> Problem:
    prefix = f"variant '{variant.name}': "
    if problem.file == OVERRIDE_ORIGIN:
        index = _attribute(problem, variant)
        if index is None:
            return Problem(vs.source, variant.line, problem.key, prefix + problem.message)
        path = variant.overrides[index][0]
        line = variant.override_lines[index] if index < len(variant.override_lines) else None
        message = problem.message
        if problem.key and problem.key != path:
            message = f"{message} (at {problem.key})"
        return Problem(vs.source, line or variant.line, path, prefix + message)
    where = f"{vs.source}:{variant.line}" if variant.line else vs.source
    return Problem(
        problem.file,
        problem.line,
        problem.key,
        f"{problem.message} (with variant '{variant.name}' of {where})",
    )


def load_variant_scenario(
    vs: VariantSet,
    variant: Variant,
    extra: Sequence[tuple[str, str]] = (),
    parsed: ParsedScenario | None = None,
) -> Scenario:
    """The base scenario with ``variant``'s overrides (then ``extra`` ones, e.g. from ``--set``);
    problems are located in the variants file. ``parsed`` is the base file parsed once."""
    try:
        return (parsed or ParsedScenario.read(vs.base)).load((*variant.overrides, *extra))
    except ScenarioError as error:
        raise ScenarioError([_relocate(p, vs, variant) for p in error.problems]) from None


def load_variant_scenarios(
    vs: VariantSet, names: Sequence[str] | None = None, parsed: ParsedScenario | None = None
) -> list[tuple[str, Scenario]]:
    """Every variant (or those ``names``) as ``(name, scenario)``, validated like ``--set``.

    The base file is checked once first: its own problems are reported as they are. Then every
    variant is loaded and all their problems are raised together in one :class:`ScenarioError`.
    """
    parsed = parsed or ParsedScenario.read(vs.base)  # the base file is parsed once
    parsed.load()  # the base file's own problems, once
    chosen = vs.variants if names is None else tuple(vs.variant(name) for name in names)
    result: list[tuple[str, Scenario]] = []
    problems: list[Problem] = []
    for variant in chosen:
        try:
            scenario = load_variant_scenario(vs, variant, parsed=parsed)
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        result.append((variant.name, scenario))
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return result
