"""A plan's phases as jobs: what the re-timing of a run needs, in the plan's order.

A job is one planned phase with its chosen option: its planned start and months, its cost, the
units of each supplier it takes, and whether it may move (the first phase of a cluster with a
fixed entry may not). Jobs are listed cluster by cluster in scenario order, phases in lifecycle
order; :func:`job_index` maps ``(cluster, phase)`` to a job's position.

At a status date ``D`` a phase with actuals is history and never moves (``fixed``): a finished
phase keeps its actual months (``actual``, not sampled); a running phase (``remaining > 0``) ran
``elapsed = D - start`` months before ``D`` and has ``remaining`` to go as forecast, of which only
the remaining months are sampled (:mod:`.sampling`); ``basis`` is the planned months of the option
taken, the months a range in months refers to.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.plan import Plan
from scheduler.scenario.data import Actual, Scenario

__all__ = ["Job", "job_index", "plan_jobs"]


@dataclass(frozen=True)
class Job:
    cluster: str
    phase: str
    position: int  # the phase's index in its cluster
    start: int  # planned start month
    months: int  # planned months (of the chosen option)
    cost: int  # the chosen option's cost, pounds
    uses: tuple[tuple[str, int], ...]  # (supplier id, units)
    fixed: bool = False  # a fixed market entry, or history (actuals): never moves
    actual: bool = False  # history (finished or running): its start is a fact
    remaining: int = 0  # a running phase: the months to go from the status date, as forecast
    basis: int = 0  # a running phase: the planned months of the option taken (0: ``months``)

    @property
    def running(self) -> bool:
        return self.remaining > 0

    @property
    def finished(self) -> bool:
        """History whose months are all facts: nothing about it is sampled."""
        return self.actual and not self.running

    @property
    def elapsed(self) -> int:
        """Months run before the status date (all of them unless running)."""
        return self.months - self.remaining

    @property
    def label(self) -> str:
        return f"{self.cluster} {self.phase}"


def plan_jobs(scenario: Scenario, plan: Plan) -> tuple[Job, ...]:
    """Every phase of ``plan`` as a job (the plan must have a schedule)."""
    if not plan.has_schedule:
        raise ValueError(f"a plan with status {plan.status} has no schedule to simulate")
    planned = {c.id: c for c in plan.clusters}
    jobs = []
    for cluster in scenario.clusters:
        cp = planned[cluster.id]
        facts = {p.id: p.actual for p in cluster.phases}
        for position, phase in enumerate(cp.phases):
            fixed = (position == 0 and cluster.fixed_entry is not None) or phase.actual
            remaining, basis = _running(facts.get(phase.id), phase.actual, scenario.status_date)
            jobs.append(
                Job(
                    cluster=cluster.id,
                    phase=phase.id,
                    position=position,
                    start=phase.start,
                    months=phase.months,
                    cost=phase.cost,
                    uses=tuple(sorted(phase.uses.items())),
                    fixed=fixed,
                    actual=phase.actual,
                    remaining=remaining,
                    basis=basis,
                )
            )
    return tuple(jobs)


def _running(fact: Actual | None, actual: bool, status: int | None) -> tuple[int, int]:
    """``(remaining, basis)`` of a phase the plan marks as history and the scenario as running
    at the status date; ``(0, 0)`` otherwise."""
    if not actual or fact is None or not fact.running or status is None:
        return 0, 0
    return fact.end - status + 1, fact.planned.months


def job_index(jobs: tuple[Job, ...]) -> dict[tuple[str, str], int]:
    return {(job.cluster, job.phase): index for index, job in enumerate(jobs)}
