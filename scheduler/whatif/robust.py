"""A plan that holds: every hard deadline met with probability at least P over sampled durations.

The approximation (buffers sized from sampled quantiles, iterated): solve the deterministic plan;
simulate it over K in-sample runs (the scenario's ``risk``, seed ``risk.seed``); for every hard
deadline ``D`` met in fewer than ``P`` of the runs, take the ``P``-quantile ``b`` of its slip
(sampled retirement minus the plan's retirement) and solve again with that deadline brought
forward to ``D - b`` (at least one month more than before), everything else as in the scenario.
A plan that retires at or before ``D - b`` meets ``D`` whenever the slip is at most ``b``, which
is at least a share ``P`` of the runs if the new plan slips like the old one; the loop re-simulates
the new plan until every deadline holds in-sample. The solver minimises the scenario's own
objective under the tightened deadlines, so the plan is least-cost for those buffers (not jointly
optimal over buffers and plans, which sample average approximation over all K runs would be).

When a tightened deadline makes the scenario infeasible, the buffer of each deadline that grew is
cut back, by bisection, to the largest that still has a plan (the others held at their last
feasible buffers): that deadline caps the probability, and the others go on growing. The plan
returned is then the one whose in-sample probabilities, least likely deadline first, are best
(compared in that order), the first found on a tie (the cheapest: buffers only grow). Each buffer
is then cut back, by bisection, to the least that keeps the deadlines that held still holding. The
result is checked against the original scenario and simulated again on fresh samples (seed
``risk.seed + 1``, ``risk.runs`` runs): the out-of-sample probabilities.

At a status date a hard deadline whose system is retired by a phase with actuals (finished, or
running: its months to come are sampled, its start is history) is no decision's to hold: no plan
moves that retirement, so it gets no buffer and caps the probability from the first round
(:attr:`RobustResult.history`); the other deadlines are bought as above.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from scheduler.analysis.risk.simulate import run_samples
from scheduler.analysis.total_float import phase_floats
from scheduler.analysis.window import entry_windows
from scheduler.errors import PlanCheckError
from scheduler.pipeline import Outcome, solve
from scheduler.plan import Plan
from scheduler.rules.check import check_plan
from scheduler.scenario.data import Risk, Scenario
from scheduler.solve.options import SolveOptions

__all__ = ["DeadlineRisk", "RobustResult", "robust_solve"]

MAX_ROUNDS = 12
Key = tuple[str, str]  # (cluster, legacy system)


@dataclass(frozen=True)
class DeadlineRisk:
    cluster: str
    legacy: str
    hard_deadline: int
    buffer: int  # months the deadline was brought forward in the robust solve
    retired: int  # the robust plan's retirement
    in_sample: float
    out_of_sample: float
    deterministic: float  # out of sample, for the deterministic plan


@dataclass(frozen=True)
class RobustResult:
    target: float
    plan: Plan  # the robust plan (or the best found when the target is out of reach)
    deterministic: Plan
    deadlines: tuple[DeadlineRisk, ...]
    met: bool  # every deadline holds in-sample with probability >= target
    capped_by: tuple[Key, ...]  # deadlines whose buffer could grow no further
    rounds: int
    samples: int  # in-sample runs
    runs: int  # out-of-sample runs
    seeds: tuple[int, int]  # in-sample, out-of-sample
    history: tuple[tuple[Key, str], ...] = ()  # deadlines retired by a phase with actuals (phase)

    def standard_error(self, p: float) -> float:
        return math.sqrt(max(p * (1 - p), 0.0) / self.runs)


def _deadlines(scenario: Scenario) -> dict[Key, int]:
    return {
        (c.id, s.name): s.hard_deadline
        for c in scenario.clusters
        for s in c.legacy
        if s.hard_deadline is not None
    }


def _settled(scenario: Scenario) -> dict[Key, str]:
    """The hard deadlines whose system is retired by a phase with actuals (history: no decision
    moves the retirement), with that phase's id."""
    out = {}
    for c in scenario.clusters:
        actual = {p.id for p in c.phases if p.actual is not None}
        for s in c.legacy:
            if s.hard_deadline is not None and s.replaced_by in actual:
                out[(c.id, s.name)] = s.replaced_by
    return out


def _tightened(scenario: Scenario, buffers: dict[Key, int]) -> Scenario:
    clusters = []
    for cluster in scenario.clusters:
        legacy = tuple(
            dataclasses.replace(
                s, hard_deadline=s.hard_deadline - buffers.get((cluster.id, s.name), 0)
            )
            if s.hard_deadline is not None
            else s
            for s in cluster.legacy
        )
        clusters.append(dataclasses.replace(cluster, legacy=legacy))
    return dataclasses.replace(scenario, clusters=tuple(clusters))


def _solve(
    scenario: Scenario, buffers: dict[Key, int], options: SolveOptions, solver: str
) -> Plan | None:
    plan = solve(_tightened(scenario, buffers), options, solver).plan
    if not plan.has_schedule:
        return None
    plan = plan.with_windows(entry_windows(scenario, plan))
    plan = plan.with_floats(phase_floats(scenario, plan))
    violations = check_plan(scenario, plan)
    if violations:  # tighter deadlines only: a plan of the tightened scenario fits the original
        raise PlanCheckError(violations)
    return plan


def _sampled(scenario: Scenario, plan: Plan, runs: int, seed: int) -> dict[Key, np.ndarray]:
    """Per hard deadline, each run's retirement."""
    retired = run_samples(scenario, plan, runs, seed).outcomes.retired
    return {key: retired[key] for key in _deadlines(scenario)}


def _retired(plan: Plan, key: Key) -> int:
    return next(i.retired for i in plan.cluster(key[0]).legacy if i.name == key[1])


def robust_solve(
    scenario: Scenario,
    options: SolveOptions,
    target: float | None = None,
    samples: int = 2000,
    runs: int | None = None,
    solver: str = "cp-sat",
    deterministic: Outcome | None = None,
) -> RobustResult | Plan:
    """The robust plan for ``target`` (default ``risk.target``); returns the deterministic plan
    itself when there is none (infeasible, or no plan in time)."""
    risk = scenario.risk or Risk()
    target = risk.target if target is None else target
    runs = risk.runs if runs is None else runs
    seeds = (risk.seed, risk.seed + 1)
    base = deterministic or solve(scenario, options, solver)
    if not base.plan.has_schedule:
        return base.plan
    deadlines = _deadlines(scenario)
    buffers = dict.fromkeys(deadlines, 0)
    feasible = dict(buffers)
    settled = _settled(scenario)
    plan, capped, rounds = base.plan, set(settled), 0
    best: tuple[tuple[float, ...], Plan, dict[Key, int]] | None = None
    while rounds < MAX_ROUNDS:
        rounds += 1
        sampled = _sampled(scenario, plan, samples, seeds[0])
        share = {key: float(np.mean(sampled[key] <= deadlines[key])) for key in deadlines}
        ranked = tuple(sorted(share.values()))  # the least likely deadline first
        if best is None or ranked > best[0]:
            best = (ranked, plan, dict(feasible))
        short = [key for key in deadlines if share[key] < target and key not in capped]
        if not short:
            break
        grown = dict(feasible)
        for key in short:
            slip = sampled[key] - _retired(plan, key)
            grown[key] = max(
                feasible[key] + 1, int(np.quantile(slip, target, method="inverted_cdf"))
            )
        candidate = _solve(scenario, grown, options, solver)
        if candidate is None:
            grown, newly_capped = _cut_back(scenario, feasible, grown, short, options, solver)
            capped |= newly_capped
            if grown == feasible:
                break
            candidate = _solve(scenario, grown, options, solver)
            if candidate is None:  # pragma: no cover - _cut_back keeps only solvable buffers
                break
        feasible, plan = grown, candidate
    assert best is not None
    _, plan, feasible = best
    plan, feasible = _trim(scenario, plan, feasible, target, samples, seeds[0], options, solver)
    in_sample = _sampled(scenario, plan, samples, seeds[0])
    fresh = _sampled(scenario, plan, runs, seeds[1])
    plain = _sampled(scenario, base.plan, runs, seeds[1])
    rows = tuple(
        DeadlineRisk(
            cluster=key[0],
            legacy=key[1],
            hard_deadline=deadlines[key],
            buffer=feasible[key],
            retired=_retired(plan, key),
            in_sample=float(np.mean(in_sample[key] <= deadlines[key])),
            out_of_sample=float(np.mean(fresh[key] <= deadlines[key])),
            deterministic=float(np.mean(plain[key] <= deadlines[key])),
        )
        for key in deadlines
    )
    met = all(row.in_sample >= target for row in rows)
    below = {(row.cluster, row.legacy) for row in rows if row.in_sample < target}
    return RobustResult(
        target=target,
        plan=plan,
        deterministic=base.plan,
        deadlines=rows,
        met=met,
        capped_by=tuple(sorted(k for k in capped if k in below)) if not met else (),
        rounds=rounds,
        samples=samples,
        runs=runs,
        seeds=seeds,
        history=tuple(sorted(settled.items())),
    )


def _share(scenario: Scenario, plan: Plan, key: Key, samples: int, seed: int) -> float:
    retired = _sampled(scenario, plan, samples, seed)[key]
    return float(np.mean(retired <= _deadlines(scenario)[key]))


def _trim(
    scenario: Scenario,
    plan: Plan,
    buffers: dict[Key, int],
    target: float,
    samples: int,
    seed: int,
    options: SolveOptions,
    solver: str,
) -> tuple[Plan, dict[Key, int]]:
    """Each buffer cut back, by bisection, to the least that keeps every deadline that held at
    ``target`` in-sample still holding (a buffer sized from a quantile may overshoot)."""
    sampled = _sampled(scenario, plan, samples, seed)
    deadlines = _deadlines(scenario)
    held = {key for key in deadlines if np.mean(sampled[key] <= deadlines[key]) >= target}

    def holds(candidate: Plan) -> bool:
        shares = _sampled(scenario, candidate, samples, seed)
        return all(np.mean(shares[key] <= deadlines[key]) >= target for key in held)

    for key in sorted(held):
        low, high = 0, buffers[key]  # high holds; find the least that does
        while high - low > 0:
            middle = (low + high) // 2
            trial = dict(buffers)
            trial[key] = middle
            candidate = _solve(scenario, trial, options, solver)
            if candidate is not None and holds(candidate):
                high, plan, buffers = middle, candidate, trial
            else:
                low = middle + 1
    return plan, buffers


def _cut_back(
    scenario: Scenario,
    feasible: dict[Key, int],
    grown: dict[Key, int],
    short: list[Key],
    options: SolveOptions,
    solver: str,
) -> tuple[dict[Key, int], set[Key]]:
    """Each grown buffer cut back, one at a time, to the largest that still has a plan."""
    result, capped = dict(feasible), set()
    for key in short:
        low, high = result[key], grown[key]  # low has a plan, high is to be tried
        trial = dict(result)
        trial[key] = high
        if _solve(scenario, trial, options, solver) is not None:
            result = trial
            continue
        while high - low > 1:
            middle = (low + high) // 2
            trial[key] = middle
            if _solve(scenario, trial, options, solver) is not None:
                low = middle
            else:
                high = middle
        result[key] = low
        capped.add(key)
    return result, capped
