"""Checks shared by the risk tests: every sampled run obeys the rules a run must keep.

A run's schedule is read back as decisions and evaluated by :func:`scheduler.rules.evaluate.evaluate`
(the solver-free semantics) on the scenario with the run's sampled months; at a status date the
history rules too (a phase with actuals starts at its actual start, ends where the run says, and
nothing new starts before the status date)."""

from __future__ import annotations

import dataclasses

from scheduler.analysis.risk.simulate import run_samples
from scheduler.plan import Plan
from scheduler.rules.evaluate import ClusterDecision, evaluate
from scheduler.scenario.data import Scenario

__all__ = ["every_run_keeps_the_rules", "relaxed_scenario"]


def relaxed_scenario(sc: Scenario, months: dict[tuple[str, str], int]) -> Scenario:
    """The scenario with the sampled months as the chosen modes' months and the outcome rules
    (waits after an early finish, latest entries, hard deadlines, caps, programme deadline,
    entries per year, supplier windows, horizon end) lifted: what a run must still obey."""
    clusters = []
    for c in sc.clusters:
        phases = tuple(
            dataclasses.replace(
                p,
                modes=tuple(dataclasses.replace(md, months=months[(c.id, p.id)]) for md in p.modes),
                max_wait=10**6,
                actual=None
                if p.actual is None
                else dataclasses.replace(p.actual, end=p.actual.start + months[(c.id, p.id)] - 1),
            )
            for p in c.phases
        )
        legacy = tuple(dataclasses.replace(s, hard_deadline=None) for s in c.legacy)
        clusters.append(dataclasses.replace(c, phases=phases, legacy=legacy, latest_entry=None))
    suppliers = tuple(
        dataclasses.replace(s, available_from=None, available_to=None) for s in sc.suppliers
    )
    horizon = dataclasses.replace(sc.horizon, end=sc.horizon.end + 1200)
    policy = dataclasses.replace(sc.policy, deadline=None, max_entries_per_year=None)
    return dataclasses.replace(
        sc,
        clusters=tuple(clusters),
        suppliers=suppliers,
        horizon=horizon,
        policy=policy,
        budget=None,
    )


def every_run_keeps_the_rules(sc: Scenario, plan: Plan, sample: int) -> None:
    runs = run_samples(sc, plan)
    options = {(c.id, p.id): p.option for c in plan.clusters for p in c.phases}
    for r in range(0, runs.draws.runs, max(1, runs.draws.runs // sample)):
        months = {
            (job.cluster, job.phase): int(runs.draws.months[j, r])
            for j, job in enumerate(runs.jobs)
        }
        relaxed = relaxed_scenario(sc, months)
        decisions = {}
        for c in sc.clusters:
            idx = [j for j, job in enumerate(runs.jobs) if job.cluster == c.id]
            decisions[c.id] = ClusterDecision(
                tuple(int(runs.schedule.start[j, r]) for j in idx),
                tuple(options[(c.id, runs.jobs[j].phase)] for j in idx),
            )
        assert evaluate(relaxed, decisions).violations == [], f"run {r}"
        for j, job in enumerate(runs.jobs):
            assert runs.schedule.start[j, r] >= job.start  # never earlier than planned
            if job.fixed:
                assert runs.schedule.start[j, r] == job.start
            if job.finished:
                assert runs.draws.months[j, r] == job.months
