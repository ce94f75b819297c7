"""What every solver backend needs to turn its values into a Plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from scheduler.plan import CapUse, ClusterPlan, LegacyPlan, PhasePlan, Plan, SolverInfo
from scheduler.scenario.data import Mode, Scenario
from scheduler.solve.history import history_funding


def empty_plan(scenario: Scenario, status: str, info: SolverInfo) -> Plan:
    """A plan with no schedule (``infeasible`` or ``unknown``)."""
    return Plan(
        scenario=scenario.name,
        status=status,
        objective={},
        solver=info,
        fiscal_year_start=scenario.horizon.fiscal_year_start,
        status_date=scenario.status_date,
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
            released=cap.released(cluster.funding for cluster in clusters),
        )
        for cap in (budget.caps if budget else ())
    )


def with_history(scenario: Scenario, plan: Plan) -> Plan:
    """A solver's plan with what the status date adds: ``status_date``, each phase with actuals
    marked ``actual``, each legacy system's late months and extension cost split into incurred
    (months before the status date) and to come, and the releases of the years ended before the
    status date (facts, which the models hold as constants) in ``funding`` and the caps."""
    status = scenario.status_date
    if status is None or not plan.clusters:
        return replace(plan, status_date=status)
    funding = history_funding(scenario)
    clusters = []
    for cp in plan.clusters:
        cluster = scenario.cluster(cp.id)
        phases = tuple(
            replace(pp, actual=cluster.phase(pp.id).actual is not None) for pp in cp.phases
        )
        rates = {system.name: system.extension_cost for system in cluster.legacy}
        legacy = []
        for item in cp.legacy:
            incurred = max(0, min(item.retired, status - 1) - item.expires)
            legacy.append(
                replace(
                    item,
                    late_incurred=incurred,
                    extension_incurred=incurred * rates.get(item.name, 0),
                )
            )
        paid = {**cp.funding, **funding.get(cp.id, {})}
        clusters.append(
            replace(
                cp,
                phases=phases,
                legacy=tuple(legacy),
                funding={year: amount for year, amount in sorted(paid.items()) if amount},
            )
        )
    return replace(
        plan, clusters=tuple(clusters), caps=cap_uses(scenario, clusters), status_date=status
    )


class BuildStopped(Exception):
    """Building a solver's model was cut short: the time limit ran out, or a signal came."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


@dataclass(frozen=True)
class ClusterValues:
    """One cluster's part of a solution, as any backend reads it from its solver (month ordinals,
    option ids as in the scenario, money in the model's whole £1k and tranches)."""

    phase_starts: tuple[int, ...]
    phase_ends: tuple[int, ...]
    options: tuple[int | None, ...]
    late: tuple[int, ...]  # months past expiry, per legacy system in scenario order
    spend_k: Mapping[int, int]  # spend per financial year, £1k
    tranches: Mapping[int, int]  # tranches released per financial year


@dataclass(frozen=True)
class Values:
    """A solution's values, solver-independent: every cluster's, and the objective terms in
    plan units (see :func:`scheduler.terms.from_model`)."""

    clusters: Mapping[str, ClusterValues]
    terms: Mapping[str, int]


def plan_from_values(scenario: Scenario, values: Values, bounds: Mapping[str, int]) -> Plan:
    """The one extractor: a solver's values as a :class:`Plan` (status ``feasible``, entry
    windows left at ``(entry, entry)`` for the caller). Every figure is the solver's own (its
    spend, releases and late months), so the independent check compares the model with the
    contract rather than a recomputation with itself."""
    tranche = (scenario.budget.tranche_k if scenario.budget else 1) * 1000
    clusters = []
    for cluster in scenario.clusters:
        cv = values.clusters[cluster.id]
        phases = []
        for phase, start, end, option in zip(
            cluster.phases, cv.phase_starts, cv.phase_ends, cv.options, strict=True
        ):
            mode = next(mode for mode in phase.modes if mode.option == option)
            phases.append(PhasePlan(phase.id, start, end, option, mode_uses(mode), mode.cost))
        ends = {phase.id: end for phase, end in zip(cluster.phases, cv.phase_ends, strict=True)}
        legacy = [
            LegacyPlan(
                name=system.name,
                expires=system.expires,
                retired=ends[system.replaced_by],
                late_months=late,
                extension_cost=late * system.extension_cost,
            )
            for system, late in zip(cluster.legacy, cv.late, strict=True)
        ]
        spend = {year: 1000 * amount for year, amount in cv.spend_k.items()}
        funding = {year: tranche * count for year, count in cv.tranches.items()}
        clusters.append(cluster_plan(cluster.id, phases, legacy, spend, funding))
    plan = Plan(
        scenario=scenario.name,
        status="feasible",
        objective={name: values.terms[name] for name in scenario.objective.reported_terms},
        solver=SolverInfo(),
        clusters=tuple(clusters),
        caps=cap_uses(scenario, clusters),
        bounds=dict(bounds),
        fiscal_year_start=scenario.horizon.fiscal_year_start,
    )
    return with_history(scenario, plan)
