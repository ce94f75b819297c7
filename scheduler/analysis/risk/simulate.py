"""Monte Carlo of a plan: :func:`simulate` samples, re-times and summarises in one call.

The result (:class:`RiskResult`) holds the figures the reports show, each with the deterministic
plan's value beside it, and the per-run arrays the charts and the CSV of runs read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scheduler.analysis.risk.jobs import Job, plan_jobs
from scheduler.analysis.risk.outcomes import Outcomes, outcomes
from scheduler.analysis.risk.sampling import Draws, sample
from scheduler.analysis.risk.ssg import Network, Schedule, retime
from scheduler.analysis.risk.stats import (
    PERCENTILES,
    chains,
    correlations,
    percentile,
    standard_error,
)
from scheduler.plan import Plan
from scheduler.scenario.data import Risk, Scenario

__all__ = [
    "CapRisk",
    "ClusterRisk",
    "LegacyRisk",
    "RiskResult",
    "Runs",
    "run_samples",
    "simulate",
]

TOP_DRIVERS = 5


@dataclass(frozen=True)
class LegacyRisk:
    cluster: str
    name: str
    expires: int
    hard_deadline: int | None
    planned: int  # the plan's retirement
    p_expiry: float  # P(retired <= expires)
    p_deadline: float | None  # P(retired <= hard deadline); None without one
    retired: tuple[int, int, int]  # P50, P80, P90
    extension_cost: tuple[int, int, int]
    planned_extension_cost: int
    drivers: tuple[tuple[str, float], ...] = ()  # (cluster phase, correlation), largest first
    # at a status date: the late months and extension cost before it (the same in every run)
    late_incurred: int = 0
    extension_incurred: int = 0

    def at_risk(self) -> dict[str, object]:
        """The JSON of this system as the one most at risk: its hard deadline's probability, or
        its expiry's when it has no hard deadline."""
        deadline = self.p_deadline is not None
        return {
            "cluster": self.cluster,
            "legacy": self.name,
            "date": "hard_deadline" if deadline else "expires",
            "probability": self.p_deadline if deadline else self.p_expiry,
        }


@dataclass(frozen=True)
class ClusterRisk:
    cluster: str
    planned: int  # go-live in the plan
    go_live: tuple[int, int, int]


@dataclass(frozen=True)
class CapRisk:
    name: str
    amount: int
    planned: int  # released in the plan
    p_exceeded: float  # P(released > max(limit, history)): only releases to come break a cap
    released_p80: int
    history: int = 0  # released in the cap's years ended before the status date (facts)


@dataclass(frozen=True)
class Runs:
    """Everything one simulation computed, per run (for charts, the CSV of runs and tests)."""

    jobs: tuple[Job, ...]
    draws: Draws
    schedule: Schedule
    outcomes: Outcomes


@dataclass(frozen=True)
class RiskResult:
    scenario: str
    runs: int
    seed: int
    cost: str
    legacy: tuple[LegacyRisk, ...]
    clusters: tuple[ClusterRisk, ...]
    completion_planned: int
    completion: tuple[int, int, int]
    caps: tuple[CapRisk, ...]
    spend: tuple[tuple[int, int, int], ...]  # (year, planned, P80)
    criticality: tuple[tuple[str, float], ...]  # (cluster phase, index), in plan order
    events: tuple[tuple[str, float], ...]  # (event, share of runs it happened in)
    detail: Runs | None = field(default=None, compare=False, repr=False)
    # at a status date: the month, and the phases with actuals (finished, running) it holds fixed
    status_date: int | None = None
    history: tuple[int, int] = (0, 0)

    def standard_error(self, p: float) -> float:
        return standard_error(p, self.runs)

    def summary(self) -> dict[str, Any]:
        """The headline figures as plain values (months as ordinals), for sweep rows and
        comparisons: each hard deadline's and expiry's probability (keyed ``cluster: legacy``),
        P80 go-live per cluster and completion, and the cluster most at risk."""
        most = self.most_at_risk
        return {
            "runs": self.runs,
            "seed": self.seed,
            "hard_deadlines": {
                f"{i.cluster}: {i.name}": i.p_deadline
                for i in self.legacy
                if i.p_deadline is not None
            },
            "expiries": {f"{i.cluster}: {i.name}": i.p_expiry for i in self.legacy},
            "go_live_P80": {c.cluster: c.go_live[1] for c in self.clusters},
            "completion_P80": self.completion[1],
            "most_at_risk": None if most is None else most.at_risk(),
        }

    @property
    def most_at_risk(self) -> LegacyRisk | None:
        """The legacy system whose hard deadline is least likely to hold (its expiry when no
        system has a hard deadline); ties go to the later P80 retirement past its date."""
        with_deadline = [item for item in self.legacy if item.p_deadline is not None]
        if with_deadline:
            return min(
                with_deadline,
                key=lambda i: (i.p_deadline, -(i.retired[1] - (i.hard_deadline or 0))),
            )
        if self.legacy:
            return min(self.legacy, key=lambda i: (i.p_expiry, -(i.retired[1] - i.expires)))
        return None


def run_samples(
    scenario: Scenario, plan: Plan, runs: int | None = None, seed: int | None = None
) -> Runs:
    """Sample ``runs`` duration sets (default ``risk.runs``, seed ``risk.seed``) and re-time
    ``plan`` under each."""
    risk = scenario.risk or Risk()
    jobs = plan_jobs(scenario, plan)
    draws = sample(
        risk, jobs, risk.runs if runs is None else runs, risk.seed if seed is None else seed
    )
    schedule = retime(Network.build(scenario, jobs), draws.months)
    return Runs(jobs, draws, schedule, outcomes(scenario, jobs, schedule, draws.months, risk.cost))


def _late_incurred(scenario: Scenario, expires: int, retired: np.ndarray) -> int:
    """Late months before the status date, ``max(0, min(retired, D - 1) - expires)``: history,
    the same in every run (a system retired before ``D`` retired as it did; one still in service
    is retired at ``D`` or later in every run)."""
    status = scenario.status_date
    if status is None:
        return 0
    return int(np.max(np.maximum(0, np.minimum(retired, status - 1) - expires)))


def _triple(values: np.ndarray) -> tuple[int, int, int]:
    return tuple(percentile(values, q) for q in PERCENTILES)  # type: ignore[return-value]


def simulate(
    scenario: Scenario, plan: Plan, runs: int | None = None, seed: int | None = None
) -> RiskResult:
    """The risk of ``plan`` under ``scenario.risk`` (no risk section: every duration certain)."""
    risk = scenario.risk or Risk()
    done = run_samples(scenario, plan, runs, seed)
    jobs, draws, schedule, out = done.jobs, done.draws, done.schedule, done.outcomes
    count = draws.runs
    planned = {c.id: c for c in plan.clusters}
    legacy = []
    ends, active = [schedule.end.argmax(axis=0)], [np.ones(count, dtype=bool)]
    index = {(job.cluster, job.phase): j for j, job in enumerate(jobs)}
    uncertain = list(draws.uncertain)
    for cluster in scenario.clusters:
        for system in cluster.legacy:
            retired = out.retired[(cluster.id, system.name)]
            p_expiry = float(np.mean(retired <= system.expires))
            p_deadline = None
            if system.hard_deadline is not None:
                breached = retired > system.hard_deadline
                p_deadline = 1.0 - float(np.mean(breached))
                ends.append(np.full(count, index[(cluster.id, system.replaced_by)]))
                active.append(breached)
            drivers: tuple[tuple[str, float], ...] = ()
            if uncertain and (p_expiry < 1 or (p_deadline is not None and p_deadline < 1)):
                r = correlations(draws.months[uncertain].astype(float), retired.astype(float))
                ranked = sorted(zip(uncertain, r, strict=True), key=lambda item: -abs(item[1]))
                drivers = tuple(
                    (jobs[j].label, round(float(v), 3)) for j, v in ranked[:TOP_DRIVERS] if v
                )
            plan_item = next(i for i in planned[cluster.id].legacy if i.name == system.name)
            incurred = _late_incurred(scenario, system.expires, retired)
            legacy.append(
                LegacyRisk(
                    cluster=cluster.id,
                    name=system.name,
                    expires=system.expires,
                    hard_deadline=system.hard_deadline,
                    planned=plan_item.retired,
                    p_expiry=p_expiry,
                    p_deadline=p_deadline,
                    retired=_triple(retired),
                    extension_cost=_triple(out.extension_cost[(cluster.id, system.name)]),
                    planned_extension_cost=plan_item.extension_cost,
                    drivers=drivers,
                    late_incurred=incurred,
                    extension_incurred=incurred * system.extension_cost,
                )
            )
    clusters = tuple(
        ClusterRisk(c.id, planned[c.id].go_live, _triple(out.go_live[c.id]))
        for c in scenario.clusters
    )
    on_chain = chains(schedule.driver, schedule.through_end, ends, active)
    criticality = tuple(  # a finished phase's months are history: they put nothing at risk
        (job.label, 0.0 if job.finished else round(float(on_chain[j].mean()), 4))
        for j, job in enumerate(jobs)
    )
    caps = []
    budget = scenario.budget
    for cap in budget.caps if budget else ():
        released = out.cap_released[cap.name]
        past = out.cap_history.get(cap.name, 0)
        used = next(c.released for c in plan.caps if c.name == cap.name)
        caps.append(
            CapRisk(
                cap.name,
                cap.amount,
                used,
                float(np.mean(released > max(cap.limit, past))),
                percentile(released, 0.8),
                past,
            )
        )
    planned_spend: dict[int, int] = {}
    for cp in plan.clusters:
        for year, amount in cp.spend.items():
            planned_spend[year] = planned_spend.get(year, 0) + amount
    years = sorted(set(out.spend) | set(planned_spend))
    spend = tuple(
        (
            year,
            planned_spend.get(year, 0),
            percentile(out.spend[year], 0.8) if year in out.spend else 0,
        )
        for year in years
        if planned_spend.get(year, 0) or (year in out.spend and percentile(out.spend[year], 0.8))
    )
    events = tuple(
        (event.name, float(draws.events[e].mean())) for e, event in enumerate(risk.events)
    )
    return RiskResult(
        scenario=scenario.name,
        runs=count,
        seed=risk.seed if seed is None else seed,
        cost=risk.cost,
        legacy=tuple(legacy),
        clusters=clusters,
        completion_planned=max(cp.finish for cp in plan.clusters),
        completion=_triple(out.completion),
        caps=tuple(caps),
        spend=spend,
        criticality=criticality,
        events=events,
        detail=done,
        status_date=scenario.status_date,
        history=(sum(job.finished for job in jobs), sum(job.running for job in jobs)),
    )
