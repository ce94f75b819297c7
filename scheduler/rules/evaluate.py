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
are in :mod:`scheduler.rules.schedule`; the money rules and the objective are here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scheduler.plan import CapUse, ClusterPlan, LegacyPlan, Plan, SolverInfo
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
from scheduler.scenario.data import Budget, Cluster, Objective, Scenario
from scheduler.terms import OBJECTIVE_TERMS
from scheduler.units import money_label, monthly_spread, to_thousands

__all__ = [
    "ClusterDecision",
    "DecisionError",
    "Evaluation",
    "Run",
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

NO_BUDGET = Budget()


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
    violations: list[str] = field(default_factory=list)

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


def tranche_of(budget: Budget) -> int:
    """The release unit in pounds, in whole £1k as the model holds it (at least £1k)."""
    return budget.tranche_k * 1000


def decisions_from_plan(plan: Plan) -> dict[str, ClusterDecision]:
    return {
        c.id: ClusterDecision(tuple(p.start for p in c.phases), tuple(p.option for p in c.phases))
        for c in plan.clusters
    }


def releases_from_plan(plan: Plan) -> dict[str, dict[int, int]]:
    return {c.id: dict(c.funding) for c in plan.clusters}


def ceil_to(amount: int, unit: int) -> int:
    return -(-amount // unit) * unit


def jit_releases(spend: Mapping[int, int], years: tuple[int, ...], tranche: int) -> dict[int, int]:
    """Least just-in-time releases: in each year ``y`` in order, the least multiple of the tranche
    with ``sum_{y'<=y} R[y'] >= sum_{y'<=y} S[y']``: the releases of a carry-forward cluster whose
    releases are not decided elsewhere (a surplus rounded up in one year covers the next)."""
    released, spent, out = 0, 0, {}
    for year in years:
        spent += spend.get(year, 0)
        if spent > released:
            out[year] = ceil_to(spent - released, tranche)
            released += out[year]
    return out


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
    violations: list[str] = []
    violations += sequence_rules(scenario, runs)
    violations += supplier_rules(scenario, runs)
    violations += policy_rules(scenario, runs)
    violations += dependency_rules(scenario, runs)
    legacy, late = legacy_rules(scenario, runs, violations)
    budget = scenario.budget or NO_BUDGET
    spend = {c.id: cluster_spend(scenario, runs[c.id], legacy[c.id]) for c in scenario.clusters}
    funding = _releases(scenario, spend, releases, violations)
    caps = _caps(scenario, budget, funding, violations)
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


def cluster_spend(
    scenario: Scenario, cluster_runs: tuple[Run, ...], legacy: tuple[LegacyPlan, ...]
) -> dict[int, int]:
    """``S[c,y] = 1000 * sum_p sum_{t in p, fy(t) = y} spread_p[t]`` (``units.monthly_spread`` of
    the mode's cost) plus, when the budget covers extensions,
    ``1000 * to_thousands(extension_cost)`` for every late month ``expires+1 .. retired`` of each
    legacy system that lies in ``H`` (as the solver: no spend is counted outside the horizon)."""
    horizon = scenario.horizon
    fy = horizon.fiscal_year
    spend: dict[int, int] = {}
    for run in cluster_runs:
        for offset, amount in enumerate(monthly_spread(run.mode.cost, run.mode.months)):
            if amount:
                year = fy(run.start + offset)
                spend[year] = spend.get(year, 0) + 1000 * amount
    budget = scenario.budget
    if budget is not None and budget.covers_extensions:
        systems = {system.name: system for system in cluster_runs[0].cluster.legacy}
        for item in legacy:
            rate = 1000 * to_thousands(systems[item.name].extension_cost)
            if not rate:
                continue
            first, last = max(item.expires + 1, horizon.start), min(item.retired, horizon.end)
            for t in range(first, last + 1):
                spend[fy(t)] = spend.get(fy(t), 0) + rate
    return spend


def _releases(
    scenario: Scenario,
    spend: Mapping[str, Mapping[int, int]],
    given: Mapping[str, Mapping[int, int]] | None,
    out: list[str],
) -> dict[str, dict[int, int]]:
    """Releases are multiples of the tranche. Without carry-forward
    ``R[c,y] = ceil(S[c,y] / tranche) * tranche``. With carry-forward (releases given)
    ``sum_{y'<=y} R[c,y'] >= sum_{y'<=y} S[c,y']``
    for every year ``y`` of the horizon, and releases only in those years.

    With a status date, the releases of the years ended before it are history:
    ``budget.released`` where given, else ``ceil(S[c,y] / tranche) * tranche``; a plan's
    releases of those years must be these, and the cover rule binds from the first year that
    is a decision on."""
    budget = scenario.budget or NO_BUDGET
    tranche = tranche_of(budget)
    years = scenario.horizon.fiscal_years()
    label = scenario.horizon.fy_label
    history = scenario.is_history_year
    funding = {}
    for cluster in scenario.clusters:
        cid, cs = cluster.id, spend[cluster.id]
        facts = {y: ceil_to(v, tranche) for y, v in cs.items() if v and history(y)}
        facts.update(budget.released_to(cid))
        if not budget.carry_forward:
            derived = {y: ceil_to(v, tranche) for y, v in cs.items() if v and not history(y)}
            funding[cid] = _nonzero_sorted({**derived, **facts})
            continue
        if given is None or cid not in given:
            later = {y: v for y, v in cs.items() if not history(y)}
            prior = sum(facts.values()) - sum(v for y, v in cs.items() if history(y))
            funding[cid] = _nonzero_sorted(
                {**facts, **_jit_after(later, years, tranche, prior, history)}
            )
            continue
        releases = {y: v for y, v in sorted(given[cid].items()) if v}
        funding[cid] = releases
        for year in sorted(set(facts) | {y for y in releases if history(y)}):
            if releases.get(year, 0) != facts.get(year, 0):
                out.append(
                    f"{cid}: release in {label(year)} is history, "
                    f"{money_label(facts.get(year, 0))}; the plan has "
                    f"{money_label(releases.get(year, 0))}"
                )
        for year, amount in releases.items():
            if history(year):
                continue
            if amount < 0 or amount % tranche:
                out.append(
                    f"{cid}: release of {money_label(amount)} in {label(year)} is not a "
                    f"whole number of tranches of {money_label(tranche)}"
                )
            if year not in years:
                out.append(f"{cid}: release in {label(year)}, outside the horizon's years")
        released = spent = 0
        for year in years:
            released += releases.get(year, 0)
            spent += cs.get(year, 0)
            if released < spent and not history(year):
                out.append(
                    f"{cid}: releases up to {label(year)} total {money_label(released)}, "
                    f"less than its spend up to then {money_label(spent)}"
                )
                break
    return funding


def _nonzero_sorted(amounts: Mapping[int, int]) -> dict[int, int]:
    return {year: amount for year, amount in sorted(amounts.items()) if amount}


def _jit_after(
    spend: Mapping[int, int], years: tuple[int, ...], tranche: int, prior: int, history
) -> dict[int, int]:
    """:func:`jit_releases` over the years that are decisions, starting with a surplus
    ``prior`` (history releases less history spend; a deficit is covered in the first year)."""
    released, spent, out = max(prior, 0), max(-prior, 0), {}
    for year in years:
        if history(year):
            continue
        spent += spend.get(year, 0)
        if spent > released:
            out[year] = ceil_to(spent - released, tranche)
            released += out[year]
    return out


def _caps(
    scenario: Scenario, budget: Budget, funding: Mapping[str, Mapping[int, int]], out: list[str]
) -> tuple[CapUse, ...]:
    """Each cap: ``sum_c sum_{first <= y <= last} R[c,y] <= floor(amount / £1k) * £1k``; the
    releases of years before the status date count, and where they alone exceed the cap (a
    warning of the loader) only a decision's release in its years breaks it."""
    caps = []
    label = scenario.horizon.fy_label
    history = scenario.is_history_year
    for cap in budget.caps:
        inside = [
            (year, amount)
            for releases in funding.values()
            for year, amount in releases.items()
            if cap.first_year <= year <= cap.last_year
        ]
        released = sum(amount for _, amount in inside)
        past = sum(amount for year, amount in inside if history(year))
        caps.append(CapUse(cap.name, cap.first_year, cap.last_year, cap.amount, released))
        if released > max(cap.amount // 1000 * 1000, past):
            out.append(
                f"cap {cap.name} ({label(cap.first_year)}..{label(cap.last_year)}): "
                f"released {money_label(released)}, cap {money_label(cap.amount)}"
            )
    return tuple(caps)


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
