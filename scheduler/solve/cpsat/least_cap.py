"""The least funding at which a promise holds, and the funding frontier, found by optimisation.

Notation as in :mod:`scheduler.solve.cpsat.model`; the budget rules count whole £1k. The *lever* is
what the question frees: one cap's amount, or every cap's amount scaled by one factor.

**Least amount.** For cap ``c`` (years ``Y_c``, history releases ``H_c`` pounds in its years, from
:func:`scheduler.solve.history.history_funding`), the model is the scenario's own with the rule
``cap:c`` replaced by a decision ``A`` (£1k)::

    min A   s.t.   sum_k sum_{y in Y_c} tranche n[k,y] + floor(H_c / £1k) <= A,
                   A >= ceil(H_c / £1k)        (never below what history already released),
                   every other rule of the scenario (the other caps at their amounts),
                   the promise P (:func:`add_promise`).

``A`` is exactly the cap's ``floor(amount / £1k)`` (:attr:`scheduler.scenario.data.Cap.limit_k`),
so the least amount in pounds is ``1000 A``: one £1k less and no plan keeps the promise. With
``scale`` every cap ``c`` (amount ``a_c`` pounds) is scaled by one factor ``f`` counted in
``1/SCALE`` (basis points), its amount at ``f`` being ``floor(a_c f / SCALE)`` pounds::

    min f   s.t.   SCALE * 1000 (sum_k sum_{y in Y_c} tranche n[k,y] + floor(H_c / £1k)) <= a_c f,
                   SCALE H_c <= a_c f                      for every cap c,

so ``f`` is the least factor on the basis-point grid (the least amount is exact for that factor).
The lever and these rules: :mod:`scheduler.solve.cpsat.lever`.

**Promises** (constraints added to the model, each a named rule so that an explanation can say
which rules stop it): the scenario's rules alone (a plan exists; hard deadlines are rules of the
scenario, so every plan keeps them); ``late[k,l] = 0`` for every legacy system (no expiry missed)
or ``sum_{k,l} late[k,l] <= N``; a target's clusters go live by its month (``e[k,replaced_by(l)]
<= month`` for each of their legacy systems, ``e[k,last] <= month`` for one without); the first
objective stage ``z`` at most ``z*``, its best with the lever unlimited (found first, by
minimising ``z`` with the lever's rule dropped).

**Frontier.** With ``w = (L + 1) z + late`` (``L`` an upper bound of the total late months, so
that ``w`` orders plans by ``z`` first and late months second), the best ``w`` at a lever value
``a`` is ``w(a) = min w s.t. A <= a``, a non-increasing step function. Starting from the least
``a`` with a plan (or the lower bound asked for), each next breakpoint is
``a' = min A s.t. w <= w(a) - 1``, the least amount that strictly improves the first stage (or,
at the same first stage, the late months), until ``w`` reaches ``w*`` (the lever unlimited) or
``a'`` passes the upper bound. Every step is a proven optimum, so the breakpoints are exact.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.scenario.data import Scenario, Target
from scheduler.solve.cpsat.backend import CpsatBackend
from scheduler.solve.cpsat.lever import SCALE, Lever, add_lever
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.cpsat.solving import solve_model
from scheduler.solve.cpsat.variables import LinearExpr
from scheduler.solve.greedy import greedy_schedule
from scheduler.solve.lexico import BackendFactory
from scheduler.solve.options import SolveOptions
from scheduler.units import month_label

__all__ = [
    "SCALE",
    "Frontier",
    "Least",
    "Lever",
    "Promise",
    "Step",
    "add_promise",
    "funding_frontier",
    "least_amount",
    "promise_backend",
    "unlimited_least_late",
]

SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass(frozen=True)
class Promise:
    """What must hold at the least amount. ``kind``: ``plan`` (a plan exists), ``deadlines``
    (every hard deadline holds: the same rules, as hard deadlines are rules of the scenario),
    ``expiries`` (at most ``late_months`` late months in total; 0: no expiry missed),
    ``target`` (``target``'s clusters go live by its month) or ``best`` (the first objective
    stage at most ``best``, in model units)."""

    kind: str
    late_months: int = 0
    target: Target | None = None
    best: int | None = None


def _late_total(built: CpsatModel) -> LinearExpr:
    return sum(late for cv in built.clusters.values() for late in cv.late.values())


def add_promise(built: CpsatModel, promise: Promise) -> None:
    """The promise's constraints, each a named rule group (``promise:...``; guarded by its
    literal when ``built`` is relaxable, hard otherwise). ``plan`` and ``deadlines`` add none:
    they are the scenario's own rules."""
    if promise.kind == "expiries" and promise.late_months == 0:
        _no_expiry_missed(built)
    elif promise.kind == "expiries":
        _late_months_at_most(built, promise.late_months)
    elif promise.kind == "target":
        assert promise.target is not None
        _target_met(built, promise.target)
    elif promise.kind == "best":
        assert promise.best is not None
        _first_stage_at_most(built, promise.best)


def _no_expiry_missed(built: CpsatModel) -> None:
    """``late[k,l] = 0``, i.e. ``e[k,replaced_by(l)] <= expires[l]``, for every legacy system
    (one rule per system, so that an explanation names the system)."""
    for cid, cv in built.clusters.items():
        for legacy in cv.cluster.legacy:
            retired = cv.phases[legacy.replaced_by].end
            rule = built.rule(
                f"promise:expiry:{cid}:{legacy.name}",
                f"{cid}: {legacy.name} retired by its expiry {month_label(legacy.expires)}",
                retired,
                "<=",
                legacy.expires - built.origin,
                "month",
            )
            built.enforce(built.model.add(cv.late[legacy.name] <= 0), rule)


def _late_months_at_most(built: CpsatModel, most: int) -> None:
    """``sum_{k,l} late[k,l] <= N`` over every legacy system."""
    late = _late_total(built)
    rule = built.rule(
        "promise:late_months",
        f"programme: at most {most} late months in total (every legacy system)",
        late,
        "<=",
        most,
        "months",
    )
    built.enforce(built.model.add(late <= most), rule)


def _target_met(built: CpsatModel, target: Target) -> None:
    """Each cluster ``k`` of the target goes live by its month ``M``: ``e[k,replaced_by(l)] <=
    M`` for each of its legacy systems ``l`` (go-live is the last retirement), ``e[k,last] <= M``
    for a cluster without one."""
    month = target.month - built.origin
    for cid in target.clusters or tuple(built.clusters):
        if cid not in built.clusters:
            continue
        cv = built.clusters[cid]
        ends = [(legacy.name, cv.phases[legacy.replaced_by].end) for legacy in cv.cluster.legacy]
        for what, end in ends or [("its last phase", cv.last_end)]:
            rule = built.rule(
                f"promise:target:{target.name}:{cid}:{what}",
                f"{cid}: {what} {'retired' if ends else 'ended'} by "
                f"{month_label(target.month)} (target {target.name})",
                end,
                "<=",
                month,
                "month",
            )
            built.enforce(built.model.add(end <= month), rule)


def _first_stage_at_most(built: CpsatModel, best: int) -> None:
    """``z <= z*``: the first objective stage (model units) at most its unlimited best."""
    stage = built.stage(built.scenario.objective.stages[0])
    rule = built.rule("promise:best", "objective: the first stage at its unlimited best")
    built.enforce(built.model.add(stage <= best), rule)


@dataclass(frozen=True)
class Least:
    """A least-amount answer: ``status`` ``optimal`` (``value`` is the least, proven),
    ``feasible`` (a value found, ``bound`` the proven least so far), ``infeasible`` (no value of
    the lever keeps the promise) or ``unknown`` (neither in the time limit). ``best`` is the
    unlimited best of the first stage (model units) for a ``best`` promise."""

    status: str
    value: int | None = None
    bound: int | None = None
    best: int | None = None
    best_proven: bool = True
    seconds: float = 0.0


class _Question:
    """One model: the scenario's rules with the lever free, solved by CP-SAT with the backend's
    parameters (:class:`CpsatBackend`), hinted from its last solution between solves."""

    def __init__(
        self,
        scenario: Scenario,
        lever: Lever,
        options: SolveOptions,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.options = options
        self.backend = CpsatBackend(lever.freed(scenario), options, should_stop)
        self.built = self.backend.built
        self.lever = add_lever(self.built, scenario, lever)
        start = greedy_schedule(lever.freed(scenario))
        if start is not None:
            self.backend.start_from(start, max(0.05, options.time_limit / 10))

    def minimise(self, expr: LinearExpr, seconds: float) -> tuple[str, int | None, int | None]:
        """(status, value, proven bound) of ``min expr`` within ``seconds``."""
        model, solver = self.built.model, self.backend.solver
        model.minimize(expr)
        if self.options.deterministic:
            solver.parameters.max_deterministic_time = max(0.01, seconds)
        else:
            solver.parameters.max_time_in_seconds = max(0.01, seconds)
        status = solve_model(solver, model)
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"internal error: invalid CP-SAT model: {model.validate()}")
        if status not in SOLVED:
            return ("infeasible" if status == cp_model.INFEASIBLE else "unknown"), None, None
        self.backend.hint_last()
        value = round(solver.objective_value)
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        return ("optimal" if status == cp_model.OPTIMAL else "feasible"), value, bound

    def limit_lever(self, low: int, high: int) -> None:
        """Set the lever's domain to ``low..high`` (a temporary bound between solves)."""
        domain = self.lever.proto.domain
        domain.clear()
        domain.extend([low, max(low, high)])

    @property
    def lever_range(self) -> tuple[int, int]:
        domain = list(self.lever.proto.domain)
        return domain[0], domain[-1]

    def first_stage(self) -> LinearExpr:
        return self.built.stage(self.built.scenario.objective.stages[0])


def unlimited_least_late(
    scenario: Scenario, lever: Lever, options: SolveOptions
) -> tuple[str, int | None]:
    """The least total late months of any plan with the lever unlimited: ``min sum late``."""
    question = _Question(scenario, lever, options)
    status, value, _ = question.minimise(_late_total(question.built), options.time_limit)
    return status, value


def least_amount(
    scenario: Scenario, lever: Lever, promise: Promise, options: SolveOptions
) -> Least:
    """The least lever value at which ``promise`` holds (see the module docstring). A ``best``
    promise finds the unlimited best first (its ``best`` field is ignored)."""
    began = time.monotonic()
    question = _Question(scenario, lever, options)
    best, best_proven = None, True
    if promise.kind == "best":
        status, best, _ = question.minimise(question.first_stage(), options.time_limit / 2)
        if best is None:
            return Least(status, seconds=time.monotonic() - began)
        best_proven = status == "optimal"
        promise = dataclasses.replace(promise, best=best)
    add_promise(question.built, promise)
    left = max(0.05, options.time_limit - (time.monotonic() - began))
    status, value, bound = question.minimise(question.lever, left)
    return Least(status, value, bound, best, best_proven, time.monotonic() - began)


@dataclass(frozen=True)
class Step:
    """From lever value ``value`` on (up to the next step's), the best first stage ``stage``
    (model units) and, among the plans that reach it, the least total ``late`` months."""

    value: int
    stage: int
    late: int
    proven: bool = True


@dataclass(frozen=True)
class Frontier:
    """The breakpoints between ``low`` and ``high`` (lever units). ``least`` is the least
    lever value with any plan (``None``: none at any value); ``best`` the unlimited best
    (stage, late); ``reached`` whether the last step reaches it; ``complete`` whether every
    solve was proven within the time limit."""

    low: int
    high: int
    least: int | None
    steps: tuple[Step, ...]
    best: tuple[int, int] | None
    reached: bool
    complete: bool
    seconds: float


def _late_bound(scenario: Scenario) -> int:
    """An upper bound of the total late months: every system late to the horizon's end."""
    months = scenario.horizon.months
    return sum(months for cluster in scenario.clusters for _ in cluster.legacy)


def _strictly_better(built: CpsatModel, combined: LinearExpr, value: int) -> None:
    """The next breakpoint's cut, ``w <= w(a) - 1`` with ``w = (L + 1) z + late``: a better
    first stage, or the same first stage with fewer late months, than the best ``w(a)`` at the
    last breakpoint ``a``."""
    built.model.add(combined <= value - 1)


def funding_frontier(
    scenario: Scenario, lever: Lever, low: int, high: int, options: SolveOptions
) -> Frontier:
    """The exact breakpoints of ``(first stage, late months)`` against the lever between ``low``
    and ``high`` (lever units), by parametric solves (module docstring). ``options.time_limit``
    bounds each solve."""
    began = time.monotonic()
    question = _Question(scenario, lever, options)
    weight = _late_bound(scenario) + 1
    combined = weight * question.first_stage() + _late_total(question.built)
    seconds = options.time_limit
    status, least, _ = question.minimise(question.lever, seconds)
    complete = status in ("optimal", "infeasible")
    if least is None:
        return Frontier(low, high, None, (), None, False, complete, time.monotonic() - began)
    top = question.lever_range[1]
    status, best, _ = question.minimise(combined, seconds)
    complete = complete and status == "optimal"
    assert best is not None  # the lever unlimited has a plan since the least value has one
    steps: list[Step] = []
    at = max(low, least)
    reached = False
    while at <= high:
        question.limit_lever(question.lever_range[0], at)
        status, value, _ = question.minimise(combined, seconds)
        if value is None:  # no plan found within the time limit at a feasible value
            complete = False
            break
        proven = status == "optimal"
        complete = complete and proven
        steps.append(Step(at, value // weight, value % weight, proven))
        if value <= best:
            reached = True
            break
        question.limit_lever(at + 1, top)
        _strictly_better(question.built, combined, value)
        status, following, _ = question.minimise(question.lever, seconds)
        if following is None:
            complete = complete and status == "infeasible"
            break
        complete = complete and status == "optimal"
        at = following
    pair = (best // weight, best % weight)
    return Frontier(
        low, high, least, tuple(steps), pair, reached, complete, time.monotonic() - began
    )


def promise_backend(promise: Promise) -> BackendFactory:
    """A backend factory for the lexicographic driver: the scenario's CP-SAT model with the
    promise's constraints added, so that the plan at the least amount keeps the promise."""

    def build(
        scenario: Scenario, options: SolveOptions, should_stop: Callable[[], bool]
    ) -> CpsatBackend:
        backend = CpsatBackend(scenario, options, should_stop)
        add_promise(backend.built, promise)
        return backend

    return build
