"""What a plan means, without a solver: every rule and every reported figure, from the decisions.

The decisions for a cluster are the start month of each phase and the option chosen for each phase
with options (:class:`ClusterDecision`). :func:`evaluate` derives everything else from them: phase
ends, supplier usage, legacy retirements, spend and releases per financial year, cap use, the seven
objective terms, and every rule the decisions break, as a sentence in the scenario's terms.

Notation in the docstrings: ``s[c,p]``, ``e[c,p] = s[c,p] + months[m] - 1`` are the start and
(inclusive) end of phase ``p`` of cluster ``c`` in its chosen mode ``m``; ``E[c] = s[c,first]``
is the market entry and ``L[c] = e[c,last]`` its last month; ``H = start .. end`` is the horizon;
``fy(t)`` is the financial year of month ``t``. Money is integer pounds; spend and releases are
whole £1k (``units.monthly_spread``, ``units.to_thousands``), as in the solver. The schedule rules
are in :mod:`scheduler.rules.schedule`, the money rules (spend, releases, caps) in
:mod:`scheduler.rules.money`; the objective is here. Each broken rule is a
:class:`~scheduler.rules.kinds.Violation` with its family's kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scheduler.plan import CapUse, ClusterPlan, LegacyPlan, Plan, SolverInfo
from scheduler.rules.kinds import Violation
from scheduler.rules.money import (
    NO_BUDGET,
    cap_rules,
    ceil_to,
    cluster_spend,
    jit_releases,
    release_rules,
    tranche_of,
)
from scheduler.rules.schedule import (
    DecisionError,
    Run,
    dependency_rules,
    legacy_rules,
    milestone_value,
    mode_of,
    policy_rules,
    sequence_rules,
    supplier_rules,
)
from scheduler.scenario.data import Cluster, Objective, Scenario
from scheduler.terms import OBJECTIVE_TERMS

__all__ = [
    "ClusterDecision",
    "DecisionError",
    "Evaluation",
    "Run",
    "Violation",
    "ceil_to",
    "cluster_spend",
    "decisions_from_plan",
    "evaluate",
    "jit_releases",
    "milestone_value",
    "mode_of",
    "releases_from_plan",
    "stage_value",
    "tranche_of",
]


@dataclass(frozen=True)
class ClusterDecision:
    """One cluster's decisions: the start of every phase, and the option of every phase (``None``
    for a phase without options), both in lifecycle order."""

    phase_starts: tuple[int, ...]
    options: tuple[int | None, ...]

    @property
    def entry(self) -> int:
        return self.phase_starts[0]

    def shifted(self, delta: int) -> ClusterDecision:
        """The same decisions with the whole cluster ``delta`` months later (earlier if < 0)."""
        return ClusterDecision(tuple(s + delta for s in self.phase_starts), self.options)

    @classmethod
    def back_to_back(
        cls,
        cluster: Cluster,
        entry: int,
        options: tuple[int | None, ...] | None = None,
        waits: tuple[int, ...] | None = None,
    ) -> ClusterDecision:
        """Phases from ``entry``, each starting ``waits[p]`` months (default 0) after the previous
        one ends; ``options`` defaults to option 0 for every phase with options."""
        if options is None:
            options = tuple(0 if p.has_options else None for p in cluster.phases)
        starts, start = [], entry
        for index, phase in enumerate(cluster.phases):
            if index:
                start += waits[index] if waits else 0
            starts.append(start)
            start += mode_of(phase, options[index]).months
        return cls(tuple(starts), tuple(options))


@dataclass
class Evaluation:
    """Everything a set of decisions implies. ``violations`` is empty when no rule is broken."""

    runs: dict[str, tuple[Run, ...]]
    legacy: dict[str, tuple[LegacyPlan, ...]]
    spend: dict[str, dict[int, int]]
    funding: dict[str, dict[int, int]]
    caps: tuple[CapUse, ...]
    objective: dict[str, int]
    violations: list[Violation] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.violations

    def stage_values(self, objective: Objective) -> tuple[int, ...]:
        return tuple(stage_value(stage, self.objective) for stage in objective.stages)

    def to_plan(
        self,
        scenario: Scenario,
        status: str = "feasible",
        solver: SolverInfo | None = None,
        windows: Mapping[str, tuple[int, int]] | None = None,
        bounds: Mapping[str, int] | None = None,
        explanation: tuple[str, ...] = (),
    ) -> Plan:
        """A :class:`Plan` of these decisions, reporting ``scenario.objective.reported_terms``;
        each entry window is ``(entry, entry)`` unless ``windows`` gives it."""
        clusters = []
        for cluster in scenario.clusters:
            runs = self.runs[cluster.id]
            entry = runs[0].start
            clusters.append(
                ClusterPlan(
                    id=cluster.id,
                    entry=entry,
                    entry_window=(windows or {}).get(cluster.id, (entry, entry)),
                    phases=tuple(run.plan() for run in runs),
                    legacy=self.legacy[cluster.id],
                    spend=dict(self.spend[cluster.id]),
                    funding=dict(self.funding[cluster.id]),
                )
            )
        return Plan(
            scenario=scenario.name,
            status=status,
            objective={t: self.objective[t] for t in scenario.objective.reported_terms},
            solver=solver or SolverInfo(),
            clusters=tuple(clusters),
            caps=self.caps,
            bounds=dict(bounds or {}),
            explanation=explanation,
            fiscal_year_start=scenario.horizon.fiscal_year_start,
            status_date=scenario.status_date,
        )


def stage_value(stage: tuple[tuple[str, int], ...], terms: Mapping[str, int]) -> int:
    """``sum_k w_k * term_k`` for one objective stage."""
    return sum(weight * terms[name] for name, weight in stage)


def decisions_from_plan(plan: Plan) -> dict[str, ClusterDecision]:
    return {
        c.id: ClusterDecision(tuple(p.start for p in c.phases), tuple(p.option for p in c.phases))
        for c in plan.clusters
    }


def releases_from_plan(plan: Plan) -> dict[str, dict[int, int]]:
    return {c.id: dict(c.funding) for c in plan.clusters}


def evaluate(
    scenario: Scenario,
    decisions: Mapping[str, ClusterDecision],
    releases: Mapping[str, Mapping[int, int]] | None = None,
) -> Evaluation:
    """Evaluate ``decisions`` (one per cluster). ``releases`` is read only with carry-forward,
    where releases are decisions; a cluster it omits gets :func:`jit_releases`. Without
    carry-forward releases are derived from spend. Raises :class:`DecisionError` on decisions of
    the wrong shape."""
    runs = _resolve(scenario, decisions)
    violations: list[Violation] = []
    violations += sequence_rules(scenario, runs)
    violations += supplier_rules(scenario, runs)
    violations += policy_rules(scenario, runs)
    violations += dependency_rules(scenario, runs)
    legacy, late = legacy_rules(scenario, runs, violations)
    budget = scenario.budget or NO_BUDGET
    spend = {c.id: cluster_spend(scenario, runs[c.id], legacy[c.id]) for c in scenario.clusters}
    funding = release_rules(scenario, spend, releases, violations)
    caps = cap_rules(scenario, budget, funding, violations)
    objective = _objective(scenario, runs, legacy, late, funding)
    nonzero = {cid: {y: v for y, v in sorted(s.items()) if v} for cid, s in spend.items()}
    return Evaluation(runs, legacy, nonzero, funding, caps, objective, violations)


def _resolve(
    scenario: Scenario, decisions: Mapping[str, ClusterDecision]
) -> dict[str, tuple[Run, ...]]:
    """The chosen mode and start of every phase: ``e[c,p] = s[c,p] + months[m] - 1``."""
    extra = sorted(set(decisions) - {c.id for c in scenario.clusters})
    if extra:
        raise DecisionError(f"decisions for clusters not in the scenario: {', '.join(extra)}")
    runs: dict[str, tuple[Run, ...]] = {}
    for cluster in scenario.clusters:
        decision = decisions.get(cluster.id)
        if decision is None:
            raise DecisionError(f"no decisions for cluster {cluster.id}")
        count = len(cluster.phases)
        if len(decision.phase_starts) != count or len(decision.options) != count:
            raise DecisionError(f"{cluster.id}: expected {count} phase starts and options")
        runs[cluster.id] = tuple(
            Run(cluster, phase, mode_of(phase, option), start)
            for phase, start, option in zip(
                cluster.phases, decision.phase_starts, decision.options, strict=True
            )
        )
    return runs


def _objective(
    scenario: Scenario,
    runs: Mapping[str, tuple[Run, ...]],
    legacy: Mapping[str, tuple[LegacyPlan, ...]],
    late: int,
    funding: Mapping[str, Mapping[int, int]],
) -> dict[str, int]:
    """``extension_cost = sum late * rate``; ``late_months = sum late``;
    ``delivery_cost = sum cost[m]``; ``total_cost = delivery + extension``;
    ``net_cost = total - sum_c benefits[c] * (H.end - L[c])``; ``completion = max_c L[c]``;
    ``funding = sum R``."""
    extension = sum(item.extension_cost for items in legacy.values() for item in items)
    delivery = sum(run.mode.cost for cr in runs.values() for run in cr)
    end = scenario.horizon.end
    benefits = sum(c.benefits * (end - runs[c.id][-1].end) for c in scenario.clusters)
    terms = {
        "extension_cost": extension,
        "late_months": late,
        "delivery_cost": delivery,
        "total_cost": delivery + extension,
        "net_cost": delivery + extension - benefits,
        "completion": max(cr[-1].end for cr in runs.values()),
        "funding": sum(sum(r.values()) for r in funding.values()),
    }
    assert set(terms) == set(OBJECTIVE_TERMS)
    return terms
