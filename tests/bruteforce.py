"""A brute-force optimiser for tiny scenarios: the reference the solver is tested against.

Every combination of entries (inside the entry bounds and the horizon), options and waits is
evaluated with :func:`scheduler.evaluate.evaluate`; the feasible one with the lexicographically
least objective stage values (each a weighted sum of terms) wins. With a status date, history is
held as it happened and only the decisions around it are enumerated. Only for scenarios without
carry-forward (where releases are decisions too) and with a handful of combinations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace

from scheduler.plan import Plan
from scheduler.rules.evaluate import (
    ClusterDecision,
    Evaluation,
    decisions_from_plan,
    evaluate,
    mode_of,
    releases_from_plan,
    stage_value,
)
from scheduler.scenario.data import Cluster, Scenario

LIMIT = 200_000


def cluster_candidates(scenario: Scenario, cluster: Cluster) -> list[ClusterDecision]:
    """Every (entry, options, waits) of one cluster whose phases end inside the horizon.

    With a status date ``D``: a cluster with actuals enters at its actual entry and each phase
    with actuals starts at its actual start in its one mode; a phase without actuals waits
    ``0 .. max_wait`` months after the previous one ends, or after ``D`` when that one finished
    before it; a cluster without actuals enters at or after ``D``."""
    horizon = scenario.horizon
    status = scenario.status_date
    if cluster.has_actuals:
        entries = [cluster.phases[0].actual.start]
    elif cluster.fixed_entry is not None:
        entries = [cluster.fixed_entry]
    else:
        first = max(horizon.start, cluster.earliest_entry or horizon.start, status or 0)
        last = min(
            horizon.end, horizon.end if cluster.latest_entry is None else cluster.latest_entry
        )
        entries = list(range(first, last + 1))
    option_sets = [
        [mode.option for mode in phase.modes] if phase.has_options else [None]
        for phase in cluster.phases
    ]
    wait_sets = [[0]] + [
        [0] if phase.actual is not None else list(range(phase.max_wait + 1))
        for phase in cluster.phases[1:]
    ]
    out = []
    for options in itertools.product(*option_sets):
        modes = [mode_of(p, o) for p, o in zip(cluster.phases, options, strict=True)]
        for waits in itertools.product(*wait_sets):
            for entry in entries:
                starts, at = [], entry
                for index, (phase, mode) in enumerate(zip(cluster.phases, modes, strict=True)):
                    previous = cluster.phases[index - 1].actual if index else None
                    if phase.actual is not None:
                        at = phase.actual.start
                    elif previous is not None and not previous.running and status is not None:
                        at = max(at, status) + waits[index]
                    else:
                        at += waits[index]
                    starts.append(at)
                    at += mode.months
                if at - 1 > horizon.end:
                    break
                out.append(ClusterDecision(tuple(starts), tuple(options)))
    return out


def feasible_plans(scenario: Scenario) -> Iterator[tuple[dict[str, ClusterDecision], Evaluation]]:
    """Every combination of the clusters' candidates that breaks no rule, with its evaluation."""
    budget = scenario.budget
    if budget is not None and budget.carry_forward:
        raise ValueError("brute force does not enumerate carry-forward releases")
    ids = [c.id for c in scenario.clusters]
    candidates = [cluster_candidates(scenario, c) for c in scenario.clusters]
    count = 1
    for options in candidates:
        count *= len(options)
    if count > LIMIT:
        raise ValueError(f"{count} combinations: too many for brute force")
    for combo in itertools.product(*candidates):
        decisions = dict(zip(ids, combo, strict=True))
        evaluation = evaluate(scenario, decisions)
        if not evaluation.violations:
            yield decisions, evaluation


def brute_force(
    scenario: Scenario,
) -> tuple[list[int] | None, dict[str, ClusterDecision] | None]:
    """The optimal stage values (``None`` when infeasible) and decisions that reach them."""
    best: tuple[int, ...] | None = None
    best_decisions = None
    for decisions, evaluation in feasible_plans(scenario):
        values = evaluation.stage_values(scenario.objective)
        if best is None or values < best:
            best, best_decisions = values, decisions
    return (list(best) if best is not None else None), best_decisions


def with_cap(scenario: Scenario, name: str, amount: int | None) -> Scenario:
    """The scenario with cap ``name`` at ``amount`` pounds (``None``: the cap removed)."""
    budget = scenario.budget
    assert budget is not None
    caps = tuple(
        replace(cap, amount=amount) if cap.name == name else cap
        for cap in budget.caps
        if cap.name != name or amount is not None
    )
    return replace(scenario, budget=replace(budget, caps=caps))


Keeps = Callable[[Evaluation], bool]


def needs(scenario: Scenario, name: str, keeps: Keeps) -> list[tuple[int, Evaluation]]:
    """Every plan of the scenario with cap ``name`` removed that keeps the promise, with the
    amount it releases in the cap's years (pounds): the least cap amount at which it fits."""
    cap = next(c for c in scenario.budget.caps if c.name == name)  # type: ignore[union-attr]
    freed = with_cap(scenario, name, None)
    return [
        (cap.released(evaluation.funding.values()), evaluation)
        for _, evaluation in feasible_plans(freed)
        if keeps(evaluation)
    ]


def least_cap_amount(scenario: Scenario, name: str, keeps: Keeps) -> int | None:
    """The least amount (pounds) of cap ``name`` at which some plan breaks no rule and keeps the
    promise (``None``: no amount does)."""
    amounts = [amount for amount, _ in needs(scenario, name, keeps)]
    return min(amounts) if amounts else None


def holds_at(scenario: Scenario, name: str, amount: int, keeps: Keeps) -> bool:
    """Whether brute force finds a plan keeping the promise with cap ``name`` at ``amount``."""
    capped = with_cap(scenario, name, amount)
    return any(keeps(evaluation) for _, evaluation in feasible_plans(capped))


def frontier(
    scenario: Scenario, name: str, key: Callable[[Evaluation], tuple[int, ...]]
) -> list[tuple[int, tuple[int, ...]]]:
    """The breakpoints of ``min key(plan)`` over the plans that fit under cap ``name`` as its
    amount grows: ``(amount, best key from that amount on)``, each strictly better than the last."""
    steps: list[tuple[int, tuple[int, ...]]] = []
    for amount, evaluation in sorted(needs(scenario, name, lambda _: True), key=lambda i: i[0]):
        value = key(evaluation)
        if not steps or value < steps[-1][1]:
            if steps and steps[-1][0] == amount:
                steps[-1] = (amount, value)
            else:
                steps.append((amount, value))
    return steps


def naive_windows(sc: Scenario, plan: Plan) -> dict[str, tuple[int, int]]:
    """The windows by calling evaluate() for every candidate shift of every cluster."""
    carry = sc.budget is not None and sc.budget.carry_forward
    decisions = decisions_from_plan(plan)
    releases = releases_from_plan(plan) if carry else None
    stage = sc.objective.stages[0]
    base = stage_value(stage, evaluate(sc, decisions, releases).objective)
    out = {}
    for cid, decision in decisions.items():

        def ok(d: int, cid: str = cid, decision: ClusterDecision = decision) -> bool:
            shifted = {**decisions, cid: decision.shifted(d)}
            others = {k: v for k, v in releases.items() if k != cid} if carry else None
            ev = evaluate(sc, shifted, others)
            return ev.feasible and stage_value(stage, ev.objective) <= base

        first = last = decision.entry
        d = 1
        while d <= sc.horizon.months and ok(d):
            last, d = decision.entry + d, d + 1
        d = -1
        while -d <= sc.horizon.months and ok(d):
            first, d = decision.entry + d, d - 1
        out[cid] = (first, last)
    return out
