"""What every solver backend needs to turn its values into a Plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from scheduler.plan import CapUse, ClusterPlan, Plan, SolverInfo
from scheduler.scenario.model import Mode, Scenario


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
