"""What every solver backend needs to turn its values into a Plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from scheduler.plan import CapUse, ClusterPlan, LegacyPlan, PhasePlan, Plan, SolverInfo
from scheduler.scenario.data import Mode, Scenario


def empty_plan(scenario: Scenario, status: str, info: SolverInfo) -> Plan:
    """A plan with no schedule (``infeasible`` or ``unknown``)."""
    return Plan(
        scenario=scenario.name,
        status=status,
        objective={},
        solver=info,
        fiscal_year_start=scenario.horizon.fiscal_year_start,
    )


def mode_uses(mode: Mode) -> dict[str, int]:
    """Units of each supplier a mode occupies (a supplier listed twice counts twice)."""
    total: Counter[str] = Counter()
    for supplier, units in mode.uses:
        total[supplier] += units
    return dict(total)


def cluster_plan(
    cluster_id: str,
    phases: Sequence[PhasePlan],
    legacy: Sequence[LegacyPlan],
    spend: dict[int, int],
    funding: dict[int, int],
) -> ClusterPlan:
    """A cluster's part of a plan, its entry window left at ``(entry, entry)`` for the caller;
    only the years with a non-zero amount are kept."""
    entry = phases[0].start
    return ClusterPlan(
        id=cluster_id,
        entry=entry,
        entry_window=(entry, entry),
        phases=tuple(phases),
        legacy=tuple(legacy),
        spend={year: amount for year, amount in sorted(spend.items()) if amount},
        funding={year: amount for year, amount in sorted(funding.items()) if amount},
    )


def cap_uses(scenario: Scenario, clusters: Sequence[ClusterPlan]) -> tuple[CapUse, ...]:
    """Each cap of the scenario with the releases the plan makes in its years."""
    budget = scenario.budget
    return tuple(
        CapUse(
            name=cap.name,
            first_year=cap.first_year,
            last_year=cap.last_year,
            amount=cap.amount,
            released=sum(
                amount
                for cluster in clusters
                for year, amount in cluster.funding.items()
                if cap.first_year <= year <= cap.last_year
            ),
        )
        for cap in (budget.caps if budget else ())
    )
