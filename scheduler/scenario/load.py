"""Load a scenario file (scenario-format.md, version 1) into a validated :class:`Scenario`.

YAML is parsed safely into a line-tracking tree (:mod:`.yamlnodes`), overrides are applied to that
tree, and the tree is read into the dataclasses of :mod:`.model`. Every problem found on the way is
collected, with its file, line and key path, into one :class:`ScenarioError`.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

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
from scheduler.scenario.gcpause import gc_paused
from scheduler.scenario.history import (
    history_warnings,
    read_released,
    read_status_date,
    read_targets,
)
from scheduler.scenario.limits import MAX_FILE_BYTES, MAX_HORIZON_MONTHS, MAX_WEIGHT
from scheduler.scenario.magnitudes import check_magnitudes
from scheduler.scenario.overrides import apply_overrides
from scheduler.scenario.phases import Suppliers, read_lifecycle
from scheduler.scenario.risk import read_risk
from scheduler.scenario.static import check_static
from scheduler.scenario.yamlnodes import Node, shown
from scheduler.scenario.yamlparse import parse_yaml
from scheduler.terms import OBJECTIVE_TERMS
from scheduler.units import fy_label, month_label

__all__ = ["ParsedScenario", "load_scenario", "load_scenario_text"]

T = TypeVar("T")

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
    with gc_paused():  # one pause for both steps: no collection of the parsed tree in between
        return ParsedScenario.read(path).load(overrides)


class ParsedScenario:
    """A scenario file read and parsed once, to be validated with any number of override sets
    (a sweep's variants): each :meth:`load` applies its overrides to a copy of the parsed tree's
    path, never to the tree itself, and validates the result."""

    def __init__(self, root: Node, source: str) -> None:
        self.root = root
        self.source = source

    @classmethod
    def read(cls, path: str | Path) -> ParsedScenario:
        source = str(path)
        return cls.parse(read_text(Path(path), source), source)

    @classmethod
    def parse(cls, text: str, source: str = "<string>") -> ParsedScenario:
        return cls(_guarded(source, lambda: parse_yaml(text, source)), source)

    def load(self, overrides: Sequence[tuple[str, str]] = ()) -> Scenario:
        def build() -> Scenario:
            notes: list[Problem] = []
            root, problems = apply_overrides(self.root, overrides, notes)
            origin = ScenarioText(self, overrides)
            scenario = _build(root, self.source, problems, origin, notes)
            origin.scenario = scenario
            return scenario

        return _guarded(self.source, build)


def _guarded(source: str, work: Callable[[], T]) -> T:
    """``work()``, with any error of ours reaching the planner as a :class:`ScenarioError`."""
    try:
        with gc_paused():  # millions of objects that stay alive (see scenario.gcpause)
            return work()
    except ScenarioError:
        raise
    except Exception as exc:  # a bug of ours must still reach the planner as a ScenarioError
        message = f"internal error while reading the scenario: {type(exc).__name__}: {exc}"
        raise ScenarioError([Problem(source, None, "", message)]) from exc


class ScenarioText:
    """The origin of a loaded scenario: its parsed file and overrides, read again (with more
    overrides) by :meth:`Scenario.with_overrides`.

    It refers to the scenario it made weakly, so that the two are no reference cycle: a scenario
    no longer used is freed at once, not left (with its parsed tree) for the cyclic collector to
    find by walking every object the programme holds."""

    def __init__(self, parsed: ParsedScenario, overrides: Sequence[tuple[str, str]]) -> None:
        self.parsed = parsed
        self.source = parsed.source
        self.overrides = tuple(overrides)
        self._made: weakref.ref[Scenario] | None = None
        self.infeasible: tuple[Problem, ...] = ()  # what the static checks found, by file and line

    @property
    def scenario(self) -> Scenario | None:
        """The scenario read from this text, while it is in use."""
        return None if self._made is None else self._made()

    @scenario.setter
    def scenario(self, scenario: Scenario | None) -> None:
        self._made = None if scenario is None else weakref.ref(scenario)

    def __getstate__(self) -> dict[str, object]:  # a sweep's workers receive the scenario
        state = dict(self.__dict__)
        state["_made"] = self.scenario
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        made = state.pop("_made")
        self.__dict__.update(state)
        self.scenario = made  # type: ignore[assignment]

    def made(self, scenario: Scenario) -> bool:
        """Whether ``scenario`` is the one read from this text (not changed in Python since)."""
        return scenario is self.scenario

    def with_overrides(self, scenario: Scenario, overrides: Overrides) -> Scenario:
        """The text read again with ``overrides`` after its own; a scenario changed in Python
        since it was read is written out first (:mod:`.dump`) and its text read instead."""
        pairs = overrides.items() if isinstance(overrides, Mapping) else overrides
        more = [(str(path), override_text(value)) for path, value in pairs]
        if self.made(scenario):
            return self.parsed.load((*self.overrides, *more))
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


def read_text(path: Path, source: str) -> str:
    """A file's text; any reason it cannot be read (missing, a directory, larger than
    ``MAX_FILE_BYTES``, binary, not UTF-8) is a :class:`ScenarioError` naming it. No more than
    ``MAX_FILE_BYTES`` + 1 bytes are ever read, so ``/dev/zero`` is refused, not swallowed."""

    def refuse(message: str) -> ScenarioError:
        return ScenarioError([Problem(source, None, "", message)])

    limit = f"a scenario file may be at most {MAX_FILE_BYTES // (1024 * 1024)} MiB"
    try:
        with path.open("rb") as handle:
            if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
                raise refuse(f"is {path.stat().st_size:,} bytes; {limit}")
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except IsADirectoryError:
        raise refuse("is a directory, not a file") from None
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror or exc}") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise refuse(f"is not a text file (byte {nul} is NUL)")
    if len(data) > MAX_FILE_BYTES:
        raise refuse(f"is larger than {MAX_FILE_BYTES:,} bytes; {limit}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"is not UTF-8 text (byte {exc.start})") from None


def load_scenario_text(
    text: str, source: str = "<string>", overrides: Sequence[tuple[str, str]] = ()
) -> Scenario:
    """Validate scenario YAML text; ``source`` names it in problems and ``Scenario.source``."""
    with gc_paused():
        return ParsedScenario.parse(text, source).load(overrides)


def _build(
    root: Node,
    source: str,
    problems: list[Problem],
    origin: ScenarioText,
    notes: Sequence[Problem] = (),
) -> Scenario:
    reader = Reader(source)
    reader.problems.extend(problems)
    reader.warnings.extend(notes)
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
    lifecycle = read_lifecycle(reader, top, suppliers)
    drafts = read_clusters(reader, top, lifecycle, suppliers, horizon, status)
    resolve_dependencies(reader, drafts)
    ids = [draft.id for draft in drafts if draft.id is not None]
    if budget is not None:
        released = read_released(top, ids, status, fy_start)
        budget = dataclasses.replace(budget, released=released)
    targets = read_targets(top, ids)
    objective = _objective(reader, top)
    check_magnitudes(reader, drafts, horizon, objective)
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
    if end - start + 1 > MAX_HORIZON_MONTHS:
        fields.error(
            "end",
            f"the horizon {month_label(start)} to {month_label(end)} is {end - start + 1:,} months; "
            f"it may be at most {MAX_HORIZON_MONTHS:,} (100 years)",
        )
        return None
    top.reader.horizon_months = end - start + 1
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
        stagger_months=fields.months("stagger_months", 0, minimum=0) or 0,
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
            weight = weights.integer(term, None, minimum=1, maximum=MAX_WEIGHT)
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
