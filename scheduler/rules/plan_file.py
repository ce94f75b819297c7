"""Reading a plan JSON someone hands to ``check`` or ``compare``: field by field, each bad value a
problem with its key path (``clusters[2].phases[0].cost: expected whole pounds, got 35000000.5``),
never Python's words. The figures a plan derives from its own phases (``award``, ``go_live``,
``finish``) are kept as claims, for the check to compare with what the phases give.

Keys this reader does not know are ignored (a later version may add fields); a known key with the
wrong type is a problem. Every problem found is reported at once, as :class:`ScenarioError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler.errors import Problem, ScenarioError
from scheduler.plan import (
    MONTH_TERMS,
    PLAN_FORMAT,
    STATUSES,
    CapUse,
    ClusterPlan,
    LegacyPlan,
    PhasePlan,
    Plan,
    SolverInfo,
)
from scheduler.rules.plan_indicators import read_indicators, read_targets
from scheduler.scenario.limits import MAX_FILE_BYTES
from scheduler.units import UnitError, parse_fy, parse_month

__all__ = ["Claim", "PlanFile", "plan_from_json", "read_plan_file"]

DERIVED = ("award", "go_live", "finish")  # figures of a cluster that its phases determine
_MISSING = object()


@dataclass(frozen=True)
class Claim:
    """A figure the plan file states that the plan's own decisions determine: ``path`` is its key
    path, ``name`` one of :data:`DERIVED`."""

    cluster: str
    name: str
    month: int
    path: str


@dataclass(frozen=True)
class PlanFile:
    """A plan as read from a file, with the derived figures it claims, its ``indicators`` per
    financial year and its ``targets`` (met or missed) as given (``None`` when the file has none)."""

    plan: Plan
    claims: tuple[Claim, ...] = ()
    source: str = ""
    indicators: dict[str, Any] | None = None
    targets: list[Any] | None = None


def read_plan_file(path: str | Path) -> PlanFile:
    """Read and validate a plan JSON file; anything wrong is a :class:`ScenarioError` naming it."""
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # never more: /dev/zero is refused
        if len(data) > MAX_FILE_BYTES:
            message = f"is larger than {MAX_FILE_BYTES:,} bytes; a plan file may be at most 20 MiB"
            raise ScenarioError([Problem(source, None, "", message)])
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(source, None, "", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(source, None, "", "is a directory, not a file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(source, None, "", f"cannot be read: {exc}")]) from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem(source, exc.lineno, "", f"not JSON: {exc.msg}")]) from None
    except RecursionError:
        raise ScenarioError([Problem(source, None, "", "not JSON: nested too deeply")]) from None
    return plan_from_json(parsed, source)


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if _jsonable(value) else repr(value)
    return text if len(text) <= 60 else text[:56] + " ..."


def _jsonable(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


class _Reader:
    """Typed getters over JSON values; a bad value is recorded and ``None`` returned."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, None, path, message))

    def field(self, item: dict[str, Any], key: str, path: str, required: bool = True) -> Any:
        if key not in item:
            if required:
                self.fail(_at(path, key), "required but missing")
            return _MISSING
        return item[key]

    def mapping(self, value: Any, path: str) -> dict[str, Any] | None:
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {_shown(value)}")
            return None
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.fail(path, f"expected a list, got {_shown(value)}")
            return []
        return value

    def text(self, value: Any, path: str) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.fail(path, f"expected text, got {_shown(value)}")
            return None
        return value

    def month(self, value: Any, path: str) -> int | None:
        if value is _MISSING:
            return None
        if isinstance(value, str):
            try:
                return parse_month(value)
            except UnitError:
                pass
        self.fail(path, f"expected a month like 2025-10, got {_shown(value)}")
        return None

    def whole(self, value: Any, path: str, what: str = "a whole number") -> int | None:
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected {what}, got {_shown(value)}")
            return None
        return value

    def pounds(self, value: Any, path: str) -> int | None:
        return self.whole(value, path, "whole pounds")

    def fiscal_year(self, value: Any, path: str, fy_start: int) -> int | None:
        if value is _MISSING:
            return None
        try:
            return parse_fy(value, fy_start)
        except UnitError as exc:
            self.fail(path, f"{str(exc).split(', got')[0]}, got {_shown(value)}")
            return None


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def plan_from_json(data: Any, source: str = "<plan>") -> PlanFile:
    """The plan in JSON ``data`` (as :meth:`Plan.to_dict` writes it), validated field by field."""
    r = _Reader(source)
    top = r.mapping(data, "")
    if top is None:
        raise ScenarioError(r.problems)
    form = r.field(top, "format", "")
    if form is not _MISSING and form != PLAN_FORMAT:
        r.fail("format", f"expected {PLAN_FORMAT!r}, got {_shown(form)}")
        raise ScenarioError(r.problems)
    scenario = r.text(r.field(top, "scenario", ""), "scenario")
    status = r.text(r.field(top, "status", ""), "status")
    if status is not None and status not in STATUSES:
        r.fail("status", f"expected one of {', '.join(STATUSES)}, got {_shown(status)}")
    fy = r.whole(r.field(top, "fiscal_year_start", "", required=False), "fiscal_year_start")
    if fy is not None and not 1 <= fy <= 12:
        r.fail("fiscal_year_start", f"expected a month number 1 to 12, got {fy}")
        fy = None
    fy = fy or 4
    status_field = r.field(top, "status_date", "", required=False)
    status_date = None
    if status_field is not _MISSING and status_field is not None:
        status_date = r.month(status_field, "status_date")
    objective = _terms(r, r.field(top, "objective", ""), "objective")
    bounds = _terms(r, r.field(top, "bounds", "", required=False), "bounds")
    solver = _solver(r, r.field(top, "solver", "", required=False))
    claims: list[Claim] = []
    clusters = [
        _cluster(r, item, f"clusters[{index}]", fy, claims)
        for index, item in enumerate(r.items(r.field(top, "clusters", ""), "clusters"))
    ]
    caps = [
        _cap(r, item, f"caps[{index}]", fy)
        for index, item in enumerate(r.items(r.field(top, "caps", "", required=False), "caps"))
    ]
    explanation = [
        r.text(line, f"explanation[{index}]")
        for index, line in enumerate(
            r.items(r.field(top, "explanation", "", required=False), "explanation")
        )
    ]
    given = r.field(top, "indicators", "", required=False)
    indicators = None
    if given is not _MISSING:
        indicators = read_indicators(given, fy, r.fail, _shown)
    given = r.field(top, "targets", "", required=False)
    targets = None
    if given is not _MISSING:
        targets = read_targets(given, fy, r.fail, _shown)
    if r.problems:
        raise ScenarioError(r.problems)
    plan = Plan(
        scenario=scenario or "",
        status=status or "",
        objective=objective,
        solver=solver,
        clusters=tuple(c for c in clusters if c is not None),
        caps=tuple(c for c in caps if c is not None),
        bounds=bounds,
        explanation=tuple(line or "" for line in explanation),
        fiscal_year_start=fy,
        status_date=status_date,
    )
    return PlanFile(plan, tuple(claims), source, indicators, targets)


def _terms(r: _Reader, value: Any, path: str) -> dict[str, int]:
    """``{term: value}``: a month (``2030-03``) for month terms, else a whole number."""
    items = r.mapping(value, path) or {}
    result = {}
    for name, item in items.items():
        at = _at(path, name)
        got = r.month(item, at) if name in MONTH_TERMS else r.whole(item, at)
        if got is not None:
            result[name] = got
    return result


def _solver(r: _Reader, value: Any) -> SolverInfo:
    items = r.mapping(value, "solver") or {}

    def get(key: str) -> Any:
        return items.get(key, _MISSING)

    name = r.text(get("name"), "solver.name") if "name" in items else ""
    version = r.text(get("version"), "solver.version") if "version" in items else ""
    seconds = _number(r, get("seconds"), "solver.seconds")
    workers = r.whole(get("workers"), "solver.workers")
    seed = r.whole(get("seed"), "solver.seed")
    deterministic = get("deterministic")
    if deterministic is not _MISSING and not isinstance(deterministic, bool):
        r.fail("solver.deterministic", f"expected true or false, got {_shown(deterministic)}")
        deterministic = False
    dtime = _number(r, get("deterministic_time"), "solver.deterministic_time")
    first = _number(r, get("first_plan_seconds"), "solver.first_plan_seconds")
    return SolverInfo(
        name=name or "",
        version=version or "",
        seconds=seconds,
        workers=1 if workers is None else workers,
        seed=0 if seed is None else seed,
        deterministic=deterministic is True,
        deterministic_time=dtime,
        first_plan_seconds=first,
    )


def _number(r: _Reader, value: Any, path: str) -> float | None:
    """A number of seconds, or null."""
    if value is _MISSING or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        r.fail(path, f"expected a number or null, got {_shown(value)}")
        return None
    return value


def _years(r: _Reader, value: Any, path: str, fy: int) -> dict[int, int]:
    result = {}
    for label, amount in (r.mapping(value, path) or {}).items():
        at = _at(path, label)
        year = r.fiscal_year(label, at, fy)
        pounds = r.pounds(amount, at)
        if year is not None and pounds is not None:
            result[year] = pounds
    return result


def _cluster(r: _Reader, value: Any, path: str, fy: int, claims: list[Claim]) -> ClusterPlan | None:
    item = r.mapping(value, path)
    if item is None:
        return None
    before = len(r.problems)
    cluster_id = r.text(r.field(item, "id", path), _at(path, "id"))
    entry = r.month(r.field(item, "entry", path), _at(path, "entry"))
    window_at = _at(path, "entry_window")
    window = r.items(r.field(item, "entry_window", path), window_at)
    low = high = None
    if window and len(window) != 2:
        r.fail(window_at, f"expected [first, last] months, got {len(window)} values")
    elif window:
        low = r.month(window[0], f"{window_at}[0]")
        high = r.month(window[1], f"{window_at}[1]")
    phases = [
        _phase(r, phase, f"{path}.phases[{index}]")
        for index, phase in enumerate(r.items(r.field(item, "phases", path), _at(path, "phases")))
    ]
    if "phases" in item and isinstance(item["phases"], list) and not item["phases"]:
        r.fail(_at(path, "phases"), "no phases: a cluster in a plan has at least one")
    legacy = [
        _legacy(r, system, f"{path}.legacy[{index}]")
        for index, system in enumerate(
            r.items(r.field(item, "legacy", path, required=False), _at(path, "legacy"))
        )
    ]
    spend = _years(r, r.field(item, "spend", path, required=False), _at(path, "spend"), fy)
    funding = _years(r, r.field(item, "funding", path, required=False), _at(path, "funding"), fy)
    for name in DERIVED:
        month = r.month(r.field(item, name, path), _at(path, name))
        if month is not None and cluster_id is not None:
            claims.append(Claim(cluster_id, name, month, _at(path, name)))
    if len(r.problems) > before or cluster_id is None or entry is None:
        return None
    return ClusterPlan(
        id=cluster_id,
        entry=entry,
        entry_window=(low if low is not None else entry, high if high is not None else entry),
        phases=tuple(p for p in phases if p is not None),
        legacy=tuple(s for s in legacy if s is not None),
        spend=spend,
        funding=funding,
    )


def _phase(r: _Reader, value: Any, path: str) -> PhasePlan | None:
    item = r.mapping(value, path)
    if item is None:
        return None
    before = len(r.problems)
    phase_id = r.text(r.field(item, "id", path), _at(path, "id"))
    start = r.month(r.field(item, "start", path), _at(path, "start"))
    end = r.month(r.field(item, "end", path), _at(path, "end"))
    option = r.field(item, "option", path, required=False)
    if option is _MISSING:
        option = None
    elif option is not None:
        option = r.whole(option, _at(path, "option"), "an option index (a whole number) or null")
        if option is not None and option < 0:
            r.fail(_at(path, "option"), f"expected an option index 0 or more, got {option}")
    uses = {}
    for supplier, units in (
        r.mapping(r.field(item, "uses", path, required=False), _at(path, "uses")) or {}
    ).items():
        count = r.whole(units, f"{path}.uses.{supplier}", "a whole number of units")
        if count is not None:
            uses[supplier] = count
    cost = r.pounds(r.field(item, "cost", path), _at(path, "cost"))
    actual = r.field(item, "actual", path, required=False)
    if actual is not _MISSING and not isinstance(actual, bool):
        r.fail(_at(path, "actual"), f"expected true or false, got {_shown(actual)}")
    if len(r.problems) > before or phase_id is None or start is None or end is None or cost is None:
        return None
    return PhasePlan(
        id=phase_id,
        start=start,
        end=end,
        option=option,
        uses=uses,
        cost=cost,
        actual=actual is True,
    )


def _legacy(r: _Reader, value: Any, path: str) -> LegacyPlan | None:
    item = r.mapping(value, path)
    if item is None:
        return None
    name = r.text(r.field(item, "name", path), _at(path, "name"))
    expires = r.month(r.field(item, "expires", path), _at(path, "expires"))
    retired = r.month(r.field(item, "retired", path), _at(path, "retired"))
    late = r.whole(r.field(item, "late_months", path), _at(path, "late_months"))
    cost = r.pounds(r.field(item, "extension_cost", path), _at(path, "extension_cost"))
    # with a status date: the late months and extension cost incurred before it
    late_field = r.field(item, "late_months_incurred", path, required=False)
    cost_field = r.field(item, "extension_cost_incurred", path, required=False)
    incurred = (
        0 if late_field is _MISSING else r.whole(late_field, _at(path, "late_months_incurred"))
    )
    paid = (
        0 if cost_field is _MISSING else r.pounds(cost_field, _at(path, "extension_cost_incurred"))
    )
    if name is None or expires is None or retired is None or late is None or cost is None:
        return None
    if incurred is None or paid is None:
        return None
    return LegacyPlan(name, expires, retired, late, cost, incurred or 0, paid or 0)


def _cap(r: _Reader, value: Any, path: str, fy: int) -> CapUse | None:
    item = r.mapping(value, path)
    if item is None:
        return None
    name = r.text(r.field(item, "name", path), _at(path, "name"))
    first = r.fiscal_year(r.field(item, "from", path), _at(path, "from"), fy)
    last = r.fiscal_year(r.field(item, "to", path), _at(path, "to"), fy)
    amount = r.pounds(r.field(item, "amount", path), _at(path, "amount"))
    released = r.pounds(r.field(item, "released", path), _at(path, "released"))
    if name is None or first is None or last is None or amount is None or released is None:
        return None
    return CapUse(name, first, last, amount, released)
