"""Which rules bind in a plan: computed from the plan and its scenario in pure Python.

A rule *binds* when the plan sits at its limit, so that loosening it could change the plan:

- ``cap``: a funding cap with less headroom than one tranche (no further tranche fits);
- ``supplier_capacity``: a supplier with every unit in use in some month (the months are listed);
- ``stagger``: consecutive market entries exactly ``stagger_months`` apart (the pairs);
- ``entries_per_year``: a financial year with the most market entries allowed;
- ``hard_deadline``: a legacy hard deadline met with no slack (retired in its deadline month);
- ``programme_deadline``: the programme deadline met with no slack (the last go-live then);
- ``dependency``: a dependency met with no slack;
- ``fixed_entry`` / ``earliest_entry``: an entry fixed by the scenario, or at its earliest month.

The kinds are the rule families' names (:mod:`scheduler.rules.kinds`). Without the scenario only
the caps can be judged (from the plan's own figures: full or not).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from scheduler.plan import ClusterPlan, Plan
from scheduler.rules.kinds import (
    CAP,
    DEPENDENCY,
    EARLIEST_ENTRY,
    ENTRIES_PER_YEAR,
    FIXED_ENTRY,
    HARD_DEADLINE,
    PROGRAMME_DEADLINE,
    STAGGER,
    SUPPLIER_CAPACITY,
)
from scheduler.scenario.data import Milestone, Scenario
from scheduler.units import money_label, month_label

__all__ = ["Binding", "binding_rules", "month_ranges"]

KIND_ORDER = (
    CAP,
    SUPPLIER_CAPACITY,
    STAGGER,
    ENTRIES_PER_YEAR,
    HARD_DEADLINE,
    PROGRAMME_DEADLINE,
    DEPENDENCY,
    FIXED_ENTRY,
    EARLIEST_ENTRY,
)


@dataclass(frozen=True)
class Binding:
    """One binding rule: ``kind`` (see the module doc), ``name`` naming the rule within its kind
    (``SR21``, ``erp-market``, ``synergy-matrix``), and ``detail`` (short planner text)."""

    kind: str
    name: str
    detail: str
    short: str = ""  # a table cell: "full", the months, "3 months", "no slack"

    @property
    def key(self) -> str:
        """What identifies the rule across plans: ``cap SR21``."""
        return f"{self.kind} {self.name}"

    @property
    def title(self) -> str:
        titles = {
            CAP: f"{self.name} cap",
            SUPPLIER_CAPACITY: f"{self.name} capacity",
            STAGGER: f"stagger {self.name}",
            ENTRIES_PER_YEAR: f"entries per year {self.name}",
            HARD_DEADLINE: f"hard deadline {self.name}",
            PROGRAMME_DEADLINE: "programme deadline",
            DEPENDENCY: f"dependency {self.name}",
            FIXED_ENTRY: f"fixed entry {self.name}",
            EARLIEST_ENTRY: f"earliest entry {self.name}",
        }
        return titles.get(self.kind, self.key)


def month_ranges(months: list[int]) -> str:
    """``2023-04..2023-09, 2024-01``: sorted months as runs of consecutive months."""
    runs: list[tuple[int, int]] = []
    for month in sorted(set(months)):
        if runs and month == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return ", ".join(
        month_label(a) if a == b else f"{month_label(a)}..{month_label(b)}" for a, b in runs
    )


def binding_rules(plan: Plan, scenario: Scenario | None = None) -> list[Binding]:
    """The rules at their limit in ``plan`` (empty when it has no schedule), in a stable order."""
    if not plan.has_schedule:
        return []
    tranche = scenario.budget.tranche if scenario and scenario.budget else None
    out = _caps(plan, tranche)
    if scenario is not None:
        out += _suppliers(plan, scenario)
        out += _entries(plan, scenario)
        out += _deadlines(plan, scenario)
    rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
    return sorted(out, key=lambda b: rank.get(b.kind, len(rank)))


def _caps(plan: Plan, tranche: int | None) -> list[Binding]:
    out = []
    for cap in plan.caps:
        headroom = cap.amount - cap.released
        full = headroom < tranche if tranche else headroom <= 0
        if full:
            detail = f"{money_label(cap.released)} of {money_label(cap.amount)} released"
            if headroom > 0:
                detail += f" (headroom {money_label(headroom)} < one tranche)"
            out.append(Binding(CAP, cap.name, detail, f"full ({money_label(cap.released)})"))
    return out


def _suppliers(plan: Plan, scenario: Scenario) -> list[Binding]:
    use = plan.supplier_use()
    out = []
    for supplier in scenario.suppliers:
        months = [m for m, units in use.get(supplier.id, {}).items() if units >= supplier.capacity]
        if months:
            detail = f"all {supplier.capacity} in use {month_ranges(months)}"
            out.append(Binding(SUPPLIER_CAPACITY, supplier.id, detail, month_ranges(months)))
    return out


def _entries(plan: Plan, scenario: Scenario) -> list[Binding]:
    planned = {cp.id: cp for cp in plan.clusters}
    pairs = [(c, planned[c.id]) for c in scenario.clusters if c.id in planned]
    entries = sorted((cp.entry, index, cp.id) for index, (_, cp) in enumerate(pairs))
    out = []
    gap = scenario.policy.stagger_months
    if gap > 0:
        for (first, _, a), (second, _, b) in itertools.pairwise(entries):
            if second - first == gap:
                detail = f"{a} {month_label(first)}, {b} {month_label(second)}: {gap} months"
                out.append(Binding(STAGGER, f"{a}-{b}", detail, f"{gap} months"))
    limit = scenario.policy.max_entries_per_year
    if limit:
        per_year: dict[int, list[str]] = defaultdict(list)
        for month, _, cid in entries:
            per_year[scenario.horizon.fiscal_year(month)].append(cid)
        for year, cids in sorted(per_year.items()):
            if len(cids) >= limit:
                label = scenario.horizon.fy_label(year)
                detail = f"{', '.join(cids)} ({limit} allowed)"
                out.append(Binding(ENTRIES_PER_YEAR, label, detail, f"{len(cids)} entries"))
    for cluster, cp in pairs:
        if cluster.fixed_entry is not None:
            fixed = month_label(cluster.fixed_entry)
            out.append(Binding(FIXED_ENTRY, cluster.id, fixed, fixed))
        elif cluster.earliest_entry is not None and cp.entry == cluster.earliest_entry:
            entry = month_label(cp.entry)
            out.append(Binding(EARLIEST_ENTRY, cluster.id, entry, entry))
    return out


def milestone_month(cluster_plan: ClusterPlan, milestone: Milestone) -> int | None:
    """The month of ``<phase>.start`` / ``<phase>.end`` (``entry``: the first phase's start)."""
    if milestone.phase == "entry":
        return cluster_plan.entry
    for phase in cluster_plan.phases:
        if phase.id == milestone.phase:
            return phase.start if milestone.edge == "start" else phase.end
    return None


def _deadlines(plan: Plan, scenario: Scenario) -> list[Binding]:
    planned = {cp.id: cp for cp in plan.clusters}
    out = []
    for cluster in scenario.clusters:
        cp = planned.get(cluster.id)
        if cp is None:
            continue
        for system in cluster.legacy:
            retired = milestone_month(cp, Milestone(system.replaced_by, "end"))
            if system.hard_deadline is not None and retired == system.hard_deadline:
                detail = f"{system.name} retired {month_label(retired)}, the deadline month"
                name = f"{cluster.id}: {system.name}"
                out.append(
                    Binding(HARD_DEADLINE, name, detail, f"no slack ({month_label(retired)})")
                )
        for dep in cluster.depends_on:
            other = planned.get(dep.cluster)
            this = milestone_month(cp, dep.this)
            before = milestone_month(other, dep.milestone) if other else None
            if this is not None and before is not None and this == before + dep.offset:
                detail = f"{cluster.id} {dep.this} {month_label(this)} right after {dep.cluster}"
                detail += f" {dep.milestone} {month_label(before)}"
                name = f"{cluster.id} on {dep.cluster}"
                out.append(Binding(DEPENDENCY, name, detail, "no slack"))
    deadline = scenario.policy.deadline
    if deadline is not None and plan.clusters:
        last = max(plan.clusters, key=lambda cp: cp.finish)
        if last.finish == deadline:
            detail = f"{last.id} goes live {month_label(deadline)}"
            out.append(
                Binding(
                    PROGRAMME_DEADLINE, "programme", detail, f"no slack ({month_label(deadline)})"
                )
            )
    return out
