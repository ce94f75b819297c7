"""A plan's phases as jobs: what the re-timing of a run needs, in the plan's order.

A job is one planned phase with its chosen option: its planned start and months, its cost, the
units of each supplier it takes, and whether it may move (the first phase of a cluster with a
fixed entry may not). Jobs are listed cluster by cluster in scenario order, phases in lifecycle
order; :func:`job_index` maps ``(cluster, phase)`` to a job's position.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.plan import Plan
from scheduler.scenario.data import Scenario

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
    fixed: bool = False  # a fixed market entry: never moves

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
        for position, phase in enumerate(cp.phases):
            fixed = position == 0 and cluster.fixed_entry is not None
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
                )
            )
    return tuple(jobs)


def job_index(jobs: tuple[Job, ...]) -> dict[tuple[str, str], int]:
    return {(job.cluster, job.phase): index for index, job in enumerate(jobs)}
