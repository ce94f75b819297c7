"""Load a scenario file (scenario-format.md, version 1) into a validated :class:`Scenario`.

YAML is parsed safely into a line-tracking tree (:mod:`.yamlnodes`), overrides are applied to that
tree, and the tree is read into the dataclasses of :mod:`.model`. Every problem found on the way is
collected, with its file, line and key path, into one :class:`ScenarioError`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.checks import duplicate_id, not_before, unknown_term
from scheduler.scenario.clusters import read_clusters, resolve_dependencies
from scheduler.scenario.data import (
    DATA_ORIGIN,
    Budget,
    Cap,
    Horizon,
    Objective,
    Overrides,
    Policy,
    Scenario,
    Supplier,
)
from scheduler.scenario.dump import scenario_yaml
from scheduler.scenario.fields import Fields, Reader
from scheduler.scenario.history import (
    history_warnings,
    read_released,
    read_status_date,
    read_targets,
)
from scheduler.scenario.phases import Suppliers, read_lifecycle
from scheduler.scenario.risk import read_risk
from scheduler.scenario.static import check_static
from scheduler.scenario.yamlnodes import Node, apply_overrides, parse_yaml, shown
from scheduler.terms import OBJECTIVE_TERMS
from scheduler.units import fy_label, month_label

__all__ = ["load_scenario", "load_scenario_text"]

TOP_KEYS = (
    "name",
    "description",
    "horizon",
    "budget",
    "suppliers",
    "policy",
    "lifecycle",
    "clusters",
    "objective",
    "status_date",
    "targets",
    "risk",
)


def load_scenario(path: str | Path, overrides: Sequence[tuple[str, str]] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are ``(key.path, yaml value)`` pairs."""
    source = str(path)
    return load_scenario_text(read_text(Path(path), source), source, overrides)


def read_text(path: Path, source: str) -> str:
    """A file's text; any reason it cannot be read is a :class:`ScenarioError` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(source, None, "", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(source, None, "", "is a directory, not a file")]) from None
    except UnicodeDecodeError as exc:
        message = f"is not UTF-8 text (byte {exc.start})"
        raise ScenarioError([Problem(source, None, "", message)]) from None
    except OSError as exc:
        message = f"cannot be read: {exc.strerror or exc}"
        raise ScenarioError([Problem(source, None, "", message)]) from None


class ScenarioText:
    """The origin of a loaded scenario: its text, source and overrides, read again (with more
    overrides) by :meth:`Scenario.with_overrides`."""

    def __init__(self, text: str, source: str, overrides: Sequence[tuple[str, str]]) -> None:
        self.text = text
        self.source = source
        self.overrides = tuple(overrides)
        self.scenario: Scenario | None = None
        self.infeasible: tuple[Problem, ...] = ()  # what the static checks found, by file and line

    def made(self, scenario: Scenario) -> bool:
        """Whether ``scenario`` is the one read from this text (not changed in Python since)."""
        return scenario is self.scenario

    def with_overrides(self, scenario: Scenario, overrides: Overrides) -> Scenario:
        """The text read again with ``overrides`` after its own; a scenario changed in Python
        since it was read is written out first (:mod:`.dump`) and its text read instead."""
        pairs = overrides.items() if isinstance(overrides, Mapping) else overrides
        more = [(str(path), override_text(value)) for path, value in pairs]
        if self.made(scenario):
            return load_scenario_text(self.text, self.source, (*self.overrides, *more))
        try:
            return load_scenario_text(scenario_yaml(scenario), DATA_ORIGIN, more)
        except ScenarioError as error:  # lines of the written text mean nothing to the planner
            raise ScenarioError(
                [replace(p, line=None) if p.file == DATA_ORIGIN else p for p in error.problems]
            ) from None


def override_text(value: object) -> str:
    """A Python value as the YAML text ``--set`` takes: ``"£403m"`` as is, ``True`` as ``true``."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    raise ScenarioError(
        [Problem("--set", None, "", f"expected YAML text, a number or a boolean, got {value!r}")]
    )


def load_scenario_text(
    text: str, source: str = "<string>", overrides: Sequence[tuple[str, str]] = ()
) -> Scenario:
    """Validate scenario YAML text; ``source`` names it in problems and ``Scenario.source``."""
    try:
        root = parse_yaml(text, source)
        problems = apply_overrides(root, overrides)
        origin = ScenarioText(text, source, overrides)
        origin.scenario = _build(root, source, problems, origin)
        return origin.scenario
    except ScenarioError:
        raise
    except Exception as exc:  # a bug of ours must still reach the planner as a ScenarioError
        message = f"internal error while reading the scenario: {type(exc).__name__}: {exc}"
        raise ScenarioError([Problem(source, None, "", message)]) from exc


def _build(root: Node, source: str, problems: list[Problem], origin: ScenarioText) -> Scenario:
    reader = Reader(source)
    reader.problems.extend(problems)
    top = reader.mapping(root, "", TOP_KEYS, required=("name", "horizon", "clusters"))
    if top is None:
        message = f"expected a mapping with name, horizon and clusters, got {shown(root)}"
        raise ScenarioError([Problem(source, root.line, "", message)])
    name = top.text("name", "") or ""
    description = top.text("description", "") or ""
    horizon = _horizon(top)
    fy_start = horizon.fiscal_year_start if horizon else 4
    status = read_status_date(top, horizon)
    budget = _budget(top, fy_start)
    suppliers = _suppliers(reader, top)
    policy = _policy(top)
    lifecycle = read_lifecycle(reader, top)
    drafts = read_clusters(reader, top, lifecycle, suppliers, horizon, status)
    resolve_dependencies(reader, drafts)
    ids = [draft.id for draft in drafts if draft.id is not None]
    if budget is not None:
        released = read_released(top, ids, status, fy_start)
        budget = dataclasses.replace(budget, released=released)
    targets = read_targets(top, ids)
    objective = _objective(reader, top)
    risk = read_risk(reader, top, drafts, [phase_id for phase_id, _ in lifecycle])
    found = len(reader.problems)
    check_static(
        reader,
        drafts,
        horizon,
        policy,
        suppliers=suppliers.valid.values(),
        budget=budget,
        status=status,
    )
    impossible = reader.problems[found:]
    if horizon is not None and status is not None and not reader.problems:
        history_warnings(reader, drafts, horizon, policy, suppliers.valid, budget, status)
    if reader.problems[:found] or horizon is None:
        raise ScenarioError(reader.unique())  # with what static checks found on the rest
    origin.infeasible = tuple(dict.fromkeys(impossible))
    return Scenario(
        name=name,
        horizon=horizon,
        clusters=tuple(draft.cluster for draft in drafts if draft.cluster is not None),
        description=description,
        budget=budget,
        suppliers=tuple(suppliers.valid.values()),
        policy=policy,
        objective=objective,
        source=source,
        risk=risk,
        warnings=tuple(str(problem) for problem in dict.fromkeys(reader.warnings)),
        status_date=status,
        targets=targets,
        origin=origin,
    )


def _horizon(top: Fields) -> Horizon | None:
    fields = top.mapping("horizon", ("start", "end", "fiscal_year_start"), ("start", "end"))
    if fields is None:
        return None
    start, end = fields.month("start"), fields.month("end")
    fy_start = fields.integer("fiscal_year_start", 4, minimum=1)
    if fy_start is not None and fy_start > 12:
        fields.error("fiscal_year_start", f"must be a month number 1 to 12, got {fy_start}")
        fy_start = 4
    if start is None or end is None:
        return None
    if end < start:
        fields.error("end", f"{month_label(end)} is before the horizon starts {month_label(start)}")
        return None
    return Horizon(start, end, fy_start or 4)


def _budget(top: Fields, fy_start: int) -> Budget | None:
    known = ("tranche", "carry_forward", "caps", "covers_extensions", "released")
    fields = top.mapping("budget", known)
    if fields is None:
        return None
    tranche = fields.money("tranche", 1_000) or 1_000
    if fields.has("tranche") and (tranche <= 0 or tranche % 1_000):
        node, path = fields.at("tranche")
        top.reader.error(node, path, f"must be a positive whole number of £1k, got {node.raw}")
        tranche = 1_000
    caps = []
    names: set[str] = set()
    for node, path in fields.items("caps"):
        cap = top.reader.mapping(
            node, path, ("name", "from", "to", "amount"), ("from", "to", "amount")
        )
        if cap is None:
            continue
        first, last = cap.fiscal_year("from", fy_start), cap.fiscal_year("to", fy_start)
        amount = cap.money("amount", 0) or 0
        if first is None or last is None:
            continue
        if last < first:
            cap.error(
                "to", f"{fy_label(last, fy_start)} is before from {fy_label(first, fy_start)}"
            )
        span = fy_label(first, fy_start) + (
            "" if first == last else f" to {fy_label(last, fy_start)}"
        )
        name = cap.text("name", span) or span
        if name in names:
            cap.error("name", f"duplicate cap name {name!r}")
        names.add(name)
        caps.append(Cap(name, first, last, amount))
    return Budget(
        tranche=tranche,
        carry_forward=fields.boolean("carry_forward", False),
        caps=tuple(caps),
        covers_extensions=fields.boolean("covers_extensions", False),
    )


def _suppliers(reader: Reader, top: Fields) -> Suppliers:
    result = Suppliers()
    seen: dict[str, str] = {}
    for node, path in top.items("suppliers"):
        fields = reader.mapping(node, path, ("id", "name", "capacity", "from", "to"), ("id",))
        supplier_id = fields.text("id") if fields else None
        if fields is None or supplier_id is None:
            continue
        before = len(reader.problems)
        if supplier_id in seen:
            fields.error("id", duplicate_id("supplier id", supplier_id, seen[supplier_id]))
        else:
            seen[supplier_id] = path
            result.ids.append(supplier_id)
        capacity = fields.integer("capacity", 1, minimum=1)
        first, last = fields.month("from"), fields.month("to")
        wrong = not_before(last, first, "from") if first is not None and last is not None else None
        if wrong is not None:
            fields.error("to", wrong)
        name = fields.text("name", supplier_id) or supplier_id
        if len(reader.problems) == before and capacity is not None:
            result.valid[supplier_id] = Supplier(supplier_id, name, capacity, first, last)
    return result


def _policy(top: Fields) -> Policy:
    fields = top.mapping("policy", ("stagger_months", "max_entries_per_year", "deadline"))
    if fields is None:
        return Policy()
    return Policy(
        stagger_months=fields.integer("stagger_months", 0, minimum=0) or 0,
        max_entries_per_year=fields.integer("max_entries_per_year", None, minimum=1),
        deadline=fields.month("deadline"),
    )


def _term(reader: Reader, term: str, node: Node, path: str) -> bool:
    message = unknown_term(term, OBJECTIVE_TERMS)
    if message is not None:
        reader.error(node, path, message)
    return message is None


def _objective(reader: Reader, top: Fields) -> Objective:
    entry = top.get("objective")
    if entry is None:
        return Objective()
    node, path = entry
    if node.is_map:
        fields = reader.mapping(node, path, ("weights",), ("weights",))
        weights_node = fields.get("weights") if fields else None
        weights = reader.mapping(*weights_node) if weights_node else None
        if weights is None or not weights.entries:
            if weights is not None:
                reader.error(weights.node, weights.path, "no weights given")
            return Objective()
        pairs = []
        for term, (child, at) in weights.entries.items():
            weight = weights.integer(term, None, minimum=1)
            if _term(reader, term, child, at) and weight is not None:
                pairs.append((term, weight))
        return Objective(terms=tuple(term for term, _ in pairs), weights=tuple(pairs))
    terms: list[str] = []
    for term, child, at in top.texts("objective"):
        if term in terms:
            reader.error(child, at, f"term '{term}' is given twice")
        elif _term(reader, term, child, at):
            terms.append(term)
    if node.is_seq and not node.value:
        reader.error(node, path, "no terms given")
    return Objective(terms=tuple(terms)) if terms else Objective()
