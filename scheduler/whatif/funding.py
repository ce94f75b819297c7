"""How much funding each promise needs: the ``funding`` command's questions and answers.

For a lever (one cap's amount, or every cap scaled by one factor; see
:mod:`scheduler.solve.cpsat.least_cap` for the maths) and each promise of the scenario:

1. the least lever value at which the promise holds, found by optimisation (the amount a decision,
   minimised, the promise as constraints);
2. the plan at that value: the scenario with the cap(s) set to it, solved as ``solve`` does
   (lexicographic objective, the promise kept as constraints), re-checked by the independent
   check (:func:`scheduler.rules.check.check_plan`), and the promise confirmed from the plan's own
   figures by code that shares nothing with the model (:func:`promise_kept`);
3. a promise no amount keeps: the infeasibility explanation of the scenario with the lever
   unlimited and the promise as named rules (:func:`scheduler.solve.explain.explain_infeasible`),
   with the earliest retirement each legacy system's lifecycle allows.

The promises: ``plan`` (a plan exists), ``deadlines`` (every hard deadline holds: hard deadlines
are rules of the scenario, so this is the same question as ``plan`` and answered once),
``expiries`` (no legacy expiry missed, or at most N late months in total), one ``target:<name>``
per target of the scenario, and ``best`` (the first objective stage at its best with the lever
unlimited).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.analysis.targets import target_results
from scheduler.errors import Problem, ScenarioError
from scheduler.pipeline import STATIC_HEADING, solve
from scheduler.plan import Plan
from scheduler.scenario.data import Scenario
from scheduler.scenario.static import earliest_starts
from scheduler.scenario.validate import infeasibilities
from scheduler.solve.cpsat.least_cap import (
    Frontier,
    Least,
    Lever,
    Promise,
    add_promise,
    funding_frontier,
    least_amount,
    promise_backend,
    unlimited_least_late,
)
from scheduler.solve.explain import explain_infeasible
from scheduler.solve.options import SolveOptions
from scheduler.terms import from_model, to_model
from scheduler.units import month_label
from scheduler.whatif.funding_words import unlimited_text

__all__ = [
    "CAP_PATH",
    "FundingResult",
    "LeverResult",
    "PromiseResult",
    "cap_amount",
    "funding",
    "lever_frontier",
    "levers_of",
    "promise_kept",
    "sweep_frontier",
]

CAP_PATH = re.compile(r"^budget\.caps\.([^.]+)\.amount$")  # a varied cap amount


@dataclass(frozen=True)
class PromiseResult:
    """One promise's answer. ``value`` is the least lever value (``None`` when there is none);
    ``plan`` the checked plan at it and ``kept`` whether that plan keeps the promise (checked
    from its figures); ``explanation`` why no amount keeps it; ``same_as`` the key of a promise
    that is the same question; ``best`` the first stage's unlimited best (plan units, one term)."""

    key: str
    label: str
    promise: Promise
    least: Least
    plan: Plan | None = None
    kept: bool | None = None
    explanation: tuple[str, ...] = ()
    same_as: str | None = None

    @property
    def value(self) -> int | None:
        return self.least.value


@dataclass(frozen=True)
class LeverResult:
    """Every promise's answer for one lever; ``current`` is its value at the scenario's own
    amounts, ``floor`` the least it can take (what history already released)."""

    lever: Lever
    name: str
    current: int
    promises: tuple[PromiseResult, ...]
    frontier: Frontier | None = None


@dataclass(frozen=True)
class FundingResult:
    scenario: Scenario
    levers: tuple[LeverResult, ...]
    late_months: int
    options: SolveOptions


def levers_of(scenario: Scenario, caps: Sequence[str], scale: bool) -> list[Lever]:
    """The levers asked for; a cap the scenario does not have is bad input naming the file and
    the line of its ``budget.caps`` (every cap's name listed)."""
    known = [cap.name for cap in (scenario.budget.caps if scenario.budget else ())]
    problems = []
    for name in caps:
        if name not in known:
            listed = ", ".join(known) if known else "none (the scenario has no budget caps)"
            message = f"--cap {name}: no cap named {name!r}; the caps are {listed}"
            problems.append(
                Problem(
                    scenario.source or "<scenario>", _caps_line(scenario), "budget.caps", message
                )
            )
    if scale and not known:
        message = "--scale-caps: the scenario has no budget caps to scale"
        problems.append(Problem(scenario.source or "<scenario>", None, "budget.caps", message))
    if not caps and not scale:
        message = "give --cap NAME (one or more) or --scale-caps"
        problems.append(Problem("--cap", None, "", message))
    if problems:
        raise ScenarioError(problems)
    levers = [Lever(name) for name in dict.fromkeys(caps)]
    return levers + ([Lever(None)] if scale else [])


def _caps_line(scenario: Scenario) -> int | None:
    """The line of ``budget.caps`` in the file the scenario was read from (when it was, and an
    override did not remove the budget)."""
    if scenario.budget is None:
        return None
    parsed = getattr(scenario.origin, "parsed", None)
    root = getattr(parsed, "root", None)
    try:
        budget = root.value["budget"]  # type: ignore[union-attr]
        return budget.key_lines.get("caps") or budget.value["caps"].line
    except (AttributeError, KeyError, TypeError):
        return None


def _promises(scenario: Scenario, late_months: int) -> list[tuple[str, str, Promise]]:
    items = [
        ("plan", "a plan exists", Promise("plan")),
        ("deadlines", "every hard deadline holds", Promise("deadlines")),
        (
            "expiries",
            "no legacy expiry missed"
            if late_months == 0
            else f"at most {late_months} late month{'s' if late_months != 1 else ''}",
            Promise("expiries", late_months=late_months),
        ),
    ]
    for target in scenario.targets:
        label = f"target {target.name} ({month_label(target.month)})"
        items.append((f"target:{target.name}", label, Promise("target", target=target)))
    first = scenario.objective.stages[0]
    name = first[0][0].replace("_", " ") if len(first) == 1 else "weighted objective"
    items.append(("best", f"{name} at its unlimited best", Promise("best")))
    return items


def funding(
    scenario: Scenario,
    caps: Sequence[str] = (),
    scale: bool = False,
    late_months: int = 0,
    options: SolveOptions | None = None,
    frontier: tuple[int, int] | None = None,
) -> FundingResult:
    """The least amount of each lever at which each promise holds, with its checked plan;
    ``frontier`` (pounds for a cap, basis points for the scale: ``(low, high)``) adds each
    lever's funding frontier between those bounds."""
    options = options or SolveOptions(workers=1, deterministic=True)
    if late_months < 0:
        raise ScenarioError(
            [Problem("--late-months", None, "", f"must be 0 or more, got {late_months}")]
        )
    results = []
    for lever in levers_of(scenario, caps, scale):
        answers: list[PromiseResult] = []
        for key, label, promise in _promises(scenario, late_months):
            first = answers[0] if answers else None
            if key == "deadlines" or (first is not None and first.least.status == "infeasible"):
                # hard deadlines are rules (the same question); no plan at all answers every promise
                answers.append(
                    PromiseResult(
                        key, label, promise, first.least, first.plan, first.kept, (), "plan"
                    )
                    if first is not None
                    else _answer(scenario, lever, key, label, promise, options)
                )
                continue
            answers.append(_answer(scenario, lever, key, label, promise, options))
        found = lever_frontier(scenario, lever, frontier, options) if frontier else None
        name = lever.cap if lever.cap is not None else "every cap, scaled"
        results.append(LeverResult(lever, name, lever.current(scenario), tuple(answers), found))
    return FundingResult(scenario, tuple(results), late_months, options)


def lever_frontier(
    scenario: Scenario, lever: Lever, bounds: tuple[int, int], options: SolveOptions
) -> Frontier:
    """The funding frontier between ``bounds`` (pounds for a cap, basis points for the scale)."""
    low, high = bounds
    if not lever.scale:
        low, high = -(-low // 1000), high // 1000
    return funding_frontier(scenario, lever, low, high, options)


def _answer(
    scenario: Scenario, lever: Lever, key: str, label: str, promise: Promise, options: SolveOptions
) -> PromiseResult:
    least = least_amount(scenario, lever, promise, options)
    if least.value is None:
        explanation: tuple[str, ...] = ()
        if least.status == "infeasible":
            explanation = tuple(_why_never(scenario, lever, promise, options))
        return PromiseResult(key, label, promise, least, explanation=explanation)
    kept_promise = promise if least.best is None else dataclasses.replace(promise, best=least.best)
    at = lever.at(scenario, least.value)
    build = None if promise.kind == "plan" else promise_backend(kept_promise)
    plan = solve(at, options, build=build).plan
    kept = promise_kept(scenario, plan, kept_promise) if plan.has_schedule else False
    return PromiseResult(key, label, kept_promise, least, plan, kept)


def promise_kept(scenario: Scenario, plan: Plan, promise: Promise) -> bool:
    """Whether a plan keeps a promise, from the plan's own figures (its late months, go-lives
    and objective values; no solver code): the independent confirmation of the answer."""
    if not plan.has_schedule:
        return False
    if promise.kind in ("plan", "deadlines"):
        return True
    if promise.kind == "expiries":
        late = sum(system.late_months for c in plan.clusters for system in c.legacy)
        return late <= promise.late_months
    if promise.kind == "target":
        assert promise.target is not None
        results = [r for r in target_results(scenario, plan) if r.target == promise.target]
        return all(result.met for result in results)
    assert promise.best is not None
    origin = scenario.horizon.start
    stage = scenario.objective.stages[0]
    value = sum(w * to_model(name, plan.objective[name], origin) for name, w in stage)
    return value <= promise.best


def best_in_plan_units(scenario: Scenario, best: int) -> int:
    """A one-term first stage's model value in plan units (a month term as its month)."""
    stage = scenario.objective.stages[0]
    if len(stage) != 1:
        return best
    name, weight = stage[0]
    return from_model(name, best // weight, scenario.horizon.start)


def _why_never(
    scenario: Scenario, lever: Lever, promise: Promise, options: SolveOptions
) -> list[str]:
    """Why no amount keeps the promise: the earliest retirement each legacy system's lifecycle
    allows where that alone is too late (certain, whatever the funding), else the minimal
    conflict among the scenario's rules and the promise's with the lever unlimited."""
    freed = lever.freed(scenario)
    budget = max(5.0, min(30.0, options.time_limit))
    certain = [str(p) for p in infeasibilities(scenario) if "budget.caps" not in p.key]
    if promise.kind == "plan" and certain:
        return [STATIC_HEADING, *(f"  - {problem}" for problem in certain)]

    def extra(built) -> None:
        add_promise(built, promise)

    lines = _earliest_lines(freed, promise)
    if lines:  # certain from the lifecycles alone, whatever the funding: the clearest reason
        lines.insert(0, "Each of these cannot be retired by the month the promise needs:")
    else:  # the conflict comes from rules together: the explanation names a minimal set
        lines = explain_infeasible(
            freed,
            time_limit=budget,
            seed=options.seed,
            own_rules=None if promise.kind == "plan" else extra,
        )
    if promise.kind == "expiries":
        status, least = unlimited_least_late(scenario, lever, options)
        if least is not None:
            proven = "" if status == "optimal" else " (best found, not proven)"
            lines.append(
                f"With {unlimited_text(lever)} the least is {least} late months in total{proven}."
            )
    return lines


def _earliest_lines(scenario: Scenario, promise: Promise) -> list[str]:
    """For each legacy system the promise needs retired by a month its own lifecycle cannot reach
    (entry bound, shortest options, no waits, dependencies): when it can be retired at the
    earliest, and why."""
    if promise.kind not in ("expiries", "target"):
        return []
    horizon = scenario.horizon
    earliest = earliest_starts(horizon, list(scenario.clusters), True, scenario.status_date)
    lines = []
    for cluster in scenario.clusters:
        if promise.kind == "target":
            assert promise.target is not None
            ids = promise.target.clusters or tuple(c.id for c in scenario.clusters)
            if cluster.id not in ids:
                continue
        bounds = earliest[cluster.id]
        for legacy in cluster.legacy:
            by = legacy.expires if promise.kind == "expiries" else promise.target.month  # type: ignore[union-attr]
            retire = bounds.end_of(cluster, legacy.replaced_by)
            if retire <= by or (promise.kind == "expiries" and promise.late_months > 0):
                continue
            index = cluster.phase_index(legacy.replaced_by)
            chain = ", then ".join(
                f"{phase.id} {phase.shortest} months" for phase in cluster.phases[: index + 1]
            )
            lines.append(
                f"  - {cluster.id}: {legacy.name} cannot be retired before {month_label(retire)}: "
                f"market entry no earlier than {month_label(bounds.starts[0])}, then {chain} "
                f"(needed by {month_label(by)}, {retire - by} months earlier)."
            )
    return lines


def cap_amount(scenario: Scenario, segment: str) -> tuple[str, int] | None:
    """The cap addressed by a path segment (its name, or its 0-based index): (name, amount)."""
    caps = scenario.budget.caps if scenario.budget else ()
    for cap in caps:
        if cap.name == segment:
            return cap.name, cap.amount
    if segment.isdigit() and int(segment) < len(caps):
        cap = caps[int(segment)]
        return cap.name, cap.amount
    return None


def sweep_frontier(
    scenario: Scenario, path: str, amounts: Sequence[int], options: SolveOptions
) -> Frontier | None:
    """The exact funding frontier of a sweep that varies one cap's amount (``path``
    ``budget.caps.NAME.amount``) between its least and greatest swept ``amounts`` (pounds), the
    other values at the scenario's own; ``None`` for any other path."""
    match = CAP_PATH.match(path)
    found = cap_amount(scenario, match.group(1)) if match else None
    if found is None or not amounts:
        return None
    options = dataclasses.replace(options, hint=None)
    return lever_frontier(scenario, Lever(found[0]), (min(amounts), max(amounts)), options)
