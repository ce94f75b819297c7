"""Total float: how many months each phase may overrun before its cluster's legacy dates break.

For phase ``p`` of cluster ``c`` and a legacy system ``L`` of ``c`` retired at the end of phase
``R`` at or after ``p``, with every other duration and decision held, an overrun of ``k`` months
moves each later phase of ``c`` by what its planned wait does not absorb (a phase never starts
earlier than planned, as in a risk run), so the retirement moves by ``max(0, k - W)`` where ``W``
is the sum of the planned waits between ``p`` and ``R``. For a date ``D`` (the expiry, or the hard
deadline) met by the plan's retirement ``r``:

    float(p, D) = D - r + W          (D >= r: the overrun that still meets D)
    float(p, D) = D - r              (D < r: negative, the months the plan is late already)

A phase's float to its expiry (to its hard deadline) is the least over the cluster's legacy
systems it precedes (with a hard deadline); ``None`` when it precedes none, and for a phase that
finished before the status date (history cannot overrun; a running phase still can). An overrun that other
clusters pass back (a phase of another cluster pushed on a shared supplier, which then pushes this
cluster) is not counted here; the risk simulation counts it.
"""

from __future__ import annotations

import itertools

from scheduler.plan import Plan
from scheduler.scenario.data import Scenario

__all__ = ["phase_floats"]


def _least(values: list[int]) -> int | None:
    return min(values) if values else None


def phase_floats(
    scenario: Scenario, plan: Plan
) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """``(cluster, phase) -> (float to expiry, float to hard deadline)`` for every phase of a plan
    with a schedule (empty for a plan without one)."""
    if not plan.has_schedule:
        return {}
    planned = {c.id: c for c in plan.clusters}
    out: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    for cluster in scenario.clusters:
        phases = planned[cluster.id].phases
        position = {phase.id: index for index, phase in enumerate(phases)}
        waits = [0] + [b.start - a.end - 1 for a, b in itertools.pairwise(phases)]
        for index, phase in enumerate(phases):
            to_expiry, to_deadline = [], []
            if phase.actual and plan.status_date is not None and phase.end < plan.status_date:
                out[(cluster.id, phase.id)] = (None, None)  # finished: it can no longer overrun
                continue
            for system in cluster.legacy:
                last = position[system.replaced_by]
                if last < index:
                    continue
                absorbed = sum(waits[index + 1 : last + 1])
                retired = phases[last].end
                to_expiry.append(_float(system.expires, retired, absorbed))
                if system.hard_deadline is not None:
                    to_deadline.append(_float(system.hard_deadline, retired, absorbed))
            out[(cluster.id, phase.id)] = (_least(to_expiry), _least(to_deadline))
    return out


def _float(date: int, retired: int, absorbed: int) -> int:
    return date - retired + absorbed if date >= retired else date - retired
