"""What each run implies: retirements, go-lives, completion, spend, releases and caps.

As in :mod:`scheduler.rules.evaluate`, with the sampled durations: a legacy system is retired at
the end of its ``replaced_by`` phase, ``late = max(0, retired - expires)``, extension cost
``late * rate``; go-live is the last retirement of a cluster (its last phase's end without legacy);
completion is the latest end. A phase's cost follows its months under ``cost: pro_rata``
(``K' = round(K * d / m)`` in £1k for ``d`` months run of ``m`` planned) or stays ``K`` under
``fixed``, spread in whole £1k with the remainder to the earliest months (``units.monthly_spread``).
When the budget covers extensions, each late month inside the horizon adds the rate. The releases
a run needs are the least that cover its spend: per financial year (``ceil(S / tranche)``) without
carry-forward, cumulatively with it (``ceil(cum S / tranche)`` minus the releases before); a cap
is exceeded when the releases in its years pass ``floor(amount / £1k) * £1k``
(:mod:`.releases`).

At a status date ``D`` what happened before it is the same in every run. A finished phase runs
its actual months at its actual cost. A running phase that ran ``e`` of its planned ``m`` months
spent the plan's first ``e`` months of its spread, ``H = sum of the first e of spread(K, m)``; the
rest ``K - H`` is spread over its ``r'`` sampled months to come, scaled under ``pro_rata`` to
``round((K - H) * r' / r)`` for the ``r = m - e`` planned (the spread's rounding is the plan's
when ``r' = r``). So spend, late months and extension cost before ``D`` are facts; only what
comes after it varies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scheduler.analysis.risk.jobs import Job, job_index
from scheduler.analysis.risk.releases import cap_releases
from scheduler.analysis.risk.ssg import Schedule
from scheduler.scenario.data import Scenario
from scheduler.units import to_thousands

__all__ = ["Outcomes", "outcomes"]


@dataclass(frozen=True)
class Outcomes:
    """Arrays over runs. Legacy systems are keyed ``(cluster, name)``; years are financial years
    by their start year."""

    retired: dict[tuple[str, str], np.ndarray]
    extension_cost: dict[tuple[str, str], np.ndarray]
    go_live: dict[str, np.ndarray]
    completion: np.ndarray
    spend: dict[int, np.ndarray]  # all clusters, pounds
    cap_released: dict[str, np.ndarray]  # pounds
    cap_history: dict[str, int] = field(default_factory=dict)  # released in years ended before D


def outcomes(
    scenario: Scenario, jobs: tuple[Job, ...], schedule: Schedule, months: np.ndarray, cost: str
) -> Outcomes:
    index = job_index(jobs)
    retired, extension = {}, {}
    go_live = {}
    for cluster in scenario.clusters:
        own = []
        for system in cluster.legacy:
            month = schedule.end[index[(cluster.id, system.replaced_by)]]
            key = (cluster.id, system.name)
            retired[key] = month
            extension[key] = np.maximum(0, month - system.expires) * system.extension_cost
            own.append(month)
        last = schedule.end[index[(cluster.id, cluster.phases[-1].id)]]
        go_live[cluster.id] = np.max(own, axis=0) if own else last
    completion = schedule.end.max(axis=0)
    per_cluster = _spend(scenario, jobs, schedule, months, cost, retired)
    spend: dict[int, np.ndarray] = {}
    for years in per_cluster.values():
        for year, amount in years.items():
            spend[year] = spend.get(year, 0) + amount
    released, history = cap_releases(scenario, per_cluster)
    return Outcomes(
        retired, extension, go_live, completion, dict(sorted(spend.items())), released, history
    )


def _cumulative(thousands: np.ndarray, months: np.ndarray, n: np.ndarray) -> np.ndarray:
    """£1k spent in the first ``n`` months of a phase of ``thousands`` over ``months``."""
    base, extra = np.divmod(thousands, months)
    return n * base + np.minimum(n, extra)


def _spent(job: Job, months: np.ndarray, cost: str) -> tuple[int, np.ndarray, np.ndarray]:
    """``(H, rest, to_come)`` of a phase run ``months`` months: the £1k spent in the months before
    the status date (a running phase's first ``e``, as planned; 0 otherwise), the £1k of the rest
    and the months it is spread over."""
    planned = to_thousands(job.cost)
    before = job.elapsed if job.running else 0
    head = int(_cumulative(np.array(planned), np.array(job.months), np.array(before)))
    rest, planned_rest = planned - head, job.months - before
    to_come = months - before
    if cost == "pro_rata":
        scaled = (2 * rest * to_come + planned_rest) // (2 * planned_rest)
    else:
        scaled = np.full(to_come.shape, rest)
    return head, np.broadcast_to(scaled, to_come.shape), to_come


def _spent_by(
    job: Job, head: int, rest: np.ndarray, to_come: np.ndarray, n: np.ndarray
) -> np.ndarray:
    """£1k spent in the first ``n`` months of the phase (``n`` per run)."""
    before = job.elapsed if job.running else 0
    if not before:
        return _cumulative(rest, to_come, n)
    planned = np.array(to_thousands(job.cost))
    early = _cumulative(planned, np.array(job.months), np.minimum(n, before))
    late = _cumulative(rest, to_come, np.clip(n - before, 0, None))
    return np.where(n <= before, early, head + late)


def _spend(
    scenario: Scenario,
    jobs: tuple[Job, ...],
    schedule: Schedule,
    months: np.ndarray,
    cost: str,
    retired: dict[tuple[str, str], np.ndarray],
) -> dict[str, dict[int, np.ndarray]]:
    horizon = scenario.horizon
    first = horizon.fiscal_year(int(schedule.start.min()))
    last = horizon.fiscal_year(int(schedule.end.max()))
    out: dict[str, dict[int, np.ndarray]] = {c.id: {} for c in scenario.clusters}
    for j, job in enumerate(jobs):
        if not to_thousands(job.cost):
            continue
        d = months[j]
        head, rest, to_come = _spent(job, d, cost)
        s = schedule.start[j]
        for year in range(first, last + 1):
            lo, hi = horizon.fy_months(year)
            n1 = np.clip(hi - s + 1, 0, d)
            n0 = np.clip(lo - s, 0, d)
            amount = _spent_by(job, head, rest, to_come, n1) - _spent_by(
                job, head, rest, to_come, n0
            )
            if amount.any():
                years = out[job.cluster]
                years[year] = years.get(year, 0) + 1000 * amount
    budget = scenario.budget
    if budget is not None and budget.covers_extensions:
        for cluster in scenario.clusters:
            for system in cluster.legacy:
                rate = 1000 * to_thousands(system.extension_cost)
                if not rate:
                    continue
                done = retired[(cluster.id, system.name)]
                for year in range(first, last + 1):
                    lo, hi = horizon.fy_months(year)
                    lo = max(lo, system.expires + 1, horizon.start)
                    hi = np.minimum(np.minimum(hi, done), horizon.end)
                    late = np.maximum(0, hi - lo + 1)
                    if late.any():
                        years = out[cluster.id]
                        years[year] = years.get(year, 0) + rate * late
    return out
