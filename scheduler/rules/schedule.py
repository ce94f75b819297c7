"""The schedule rules of a scenario, one function per rule family, each returning what is broken.

Each broken rule is a :class:`~scheduler.rules.kinds.Violation` of its family's kind. Used by
:mod:`scheduler.rules.evaluate`, which adds the money rules (:mod:`scheduler.rules.money`) and the
objective. Notation:
``s[c,p]``, ``e[c,p] = s[c,p] + months[m] - 1`` are the start and (inclusive) end of phase ``p`` of
cluster ``c`` in its chosen mode ``m``; ``E[c] = s[c,first]`` is the market entry and
``L[c] = e[c,last]``; ``H`` is the horizon; ``fy(t)`` the financial year of month ``t``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from scheduler.plan import LegacyPlan, PhasePlan
from scheduler.rules.kinds import (
    DEPENDENCY,
    EARLIEST_ENTRY,
    ENTRIES_PER_YEAR,
    FIXED_ENTRY,
    HARD_DEADLINE,
    HORIZON,
    LATEST_ENTRY,
    PROGRAMME_DEADLINE,
    SEQUENCE,
    STAGGER,
    SUPPLIER_CAPACITY,
    SUPPLIER_WINDOW,
    UNKNOWN_SUPPLIER,
    Violation,
)
from scheduler.scenario.data import Cluster, Milestone, Mode, Phase, Scenario
from scheduler.units import month_label


class DecisionError(ValueError):
    """Decisions that do not fit the scenario's shape (a missing cluster, an unknown option)."""


@dataclass(frozen=True)
class Run:
    """A phase as decided: its chosen mode and its start month."""

    cluster: Cluster
    phase: Phase
    mode: Mode
    start: int

    @property
    def end(self) -> int:
        return self.start + self.mode.months - 1

    @property
    def label(self) -> str:
        return f"{self.cluster.id} {self.phase.id}"

    def plan(self) -> PhasePlan:
        uses: dict[str, int] = {}
        for supplier, units in self.mode.uses:
            uses[supplier] = uses.get(supplier, 0) + units
        return PhasePlan(
            self.phase.id, self.start, self.end, self.mode.option, uses, self.mode.cost
        )


def mode_of(phase: Phase, option: int | None) -> Mode:
    """The mode of ``phase`` for ``option`` (``None`` for a phase without options)."""
    for mode in phase.modes:
        if mode.option == option:
            return mode
    if phase.has_options:
        raise DecisionError(f"phase {phase.id} has no option {option!r}")
    raise DecisionError(f"phase {phase.id} has no options (got option {option!r})")


def sequence_rules(scenario: Scenario, runs: Mapping[str, tuple[Run, ...]]) -> list[Violation]:
    """Per cluster: ``earliest <= E <= latest``, ``E = fixed``;
    ``0 <= s[c,p+1] - (e[c,p] + 1) <= max_wait[p+1]``;
    ``H.start <= s[c,p]`` and ``e[c,p] <= H.end``."""
    out: list[Violation] = []
    horizon = scenario.horizon
    for cluster in scenario.clusters:
        cid, cr = cluster.id, runs[cluster.id]
        entry = cr[0].start
        if cluster.earliest_entry is not None and entry < cluster.earliest_entry:
            out.append(
                Violation(
                    EARLIEST_ENTRY,
                    cid,
                    f"{cid}: enters the market {month_label(entry)}, "
                    f"before its earliest entry {month_label(cluster.earliest_entry)}",
                )
            )
        if cluster.latest_entry is not None and entry > cluster.latest_entry:
            out.append(
                Violation(
                    LATEST_ENTRY,
                    cid,
                    f"{cid}: enters the market {month_label(entry)}, "
                    f"after its latest entry {month_label(cluster.latest_entry)}",
                )
            )
        if cluster.fixed_entry is not None and entry != cluster.fixed_entry:
            out.append(
                Violation(
                    FIXED_ENTRY,
                    cid,
                    f"{cid}: enters the market {month_label(entry)}, "
                    f"not at its fixed entry {month_label(cluster.fixed_entry)}",
                )
            )
        for before, run in itertools.pairwise(cr):
            wait = run.start - (before.end + 1)
            if wait < 0:
                out.append(
                    Violation(
                        SEQUENCE,
                        cid,
                        f"{run.label} starts {month_label(run.start)}, "
                        f"before {before.phase.id} ends {month_label(before.end)}",
                    )
                )
            elif wait > run.phase.max_wait:
                out.append(
                    Violation(
                        SEQUENCE,
                        cid,
                        f"{run.label} starts {month_label(run.start)}, {wait} months after "
                        f"{before.phase.id} ends {month_label(before.end)} "
                        f"(max_wait {run.phase.max_wait})",
                    )
                )
        for run in cr:
            if run.start < horizon.start or run.end > horizon.end:
                out.append(
                    Violation(
                        HORIZON,
                        cid,
                        f"{run.label} runs {month_label(run.start)}..{month_label(run.end)}, outside "
                        f"the horizon {month_label(horizon.start)}..{month_label(horizon.end)}",
                    )
                )
    return out


def supplier_rules(scenario: Scenario, runs: Mapping[str, tuple[Run, ...]]) -> list[Violation]:
    """For every supplier ``k`` and month ``t``: ``sum_{runs using k, s<=t<=e} units <= cap[k]``;
    a run using ``k`` lies inside ``from[k] .. to[k]`` when those are set."""
    out: list[Violation] = []
    suppliers = {s.id: s for s in scenario.suppliers}
    usage: dict[str, dict[int, list[tuple[str, int]]]] = {}
    for cluster in scenario.clusters:
        for run in runs[cluster.id]:
            for sid, units in run.mode.uses:
                supplier = suppliers.get(sid)
                if supplier is None:
                    out.append(
                        Violation(
                            UNKNOWN_SUPPLIER,
                            sid,
                            f"{run.label} uses supplier {sid}, which the scenario lacks",
                        )
                    )
                    continue
                first, last = supplier.available_from, supplier.available_to
                if (first is not None and run.start < first) or (
                    last is not None and run.end > last
                ):
                    span = f"{_month_or_blank(first)}..{_month_or_blank(last)}"
                    out.append(
                        Violation(
                            SUPPLIER_WINDOW,
                            sid,
                            f"supplier {sid}: {run.label} runs {month_label(run.start)}.."
                            f"{month_label(run.end)}, outside its availability {span}",
                        )
                    )
                per_month = usage.setdefault(sid, {})
                for t in range(run.start, run.end + 1):
                    per_month.setdefault(t, []).append((run.label, units))
    for sid in sorted(usage):
        capacity = suppliers[sid].capacity
        for t in sorted(usage[sid]):
            users = usage[sid][t]
            total = sum(units for _, units in users)
            if total > capacity:
                names = ", ".join(label for label, _ in users)
                out.append(
                    Violation(
                        SUPPLIER_CAPACITY,
                        sid,
                        f"supplier {sid}: {total} units in use in {month_label(t)}, "
                        f"capacity {capacity} ({names})",
                    )
                )
    return out


def _month_or_blank(value: int | None) -> str:
    return "" if value is None else month_label(value)


def policy_rules(scenario: Scenario, runs: Mapping[str, tuple[Run, ...]]) -> list[Violation]:
    """``|E[a] - E[b]| >= stagger`` for ``a != b``; ``#{c : fy(E[c]) = y} <= max_entries_per_year``;
    ``L[c] <= deadline``."""
    out: list[Violation] = []
    policy, horizon = scenario.policy, scenario.horizon
    entries = sorted((runs[c.id][0].start, c.id) for c in scenario.clusters)
    gap = policy.stagger_months
    if gap > 0:
        for i, (first, a) in enumerate(entries):
            for second, b in entries[i + 1 :]:
                if second - first >= gap:
                    break
                out.append(
                    Violation(
                        STAGGER,
                        "policy",
                        f"{a} and {b} enter the market {second - first} months apart "
                        f"({month_label(first)}, {month_label(second)}); stagger is {gap} months",
                    )
                )
    if policy.max_entries_per_year is not None:
        per_year: dict[int, list[str]] = {}
        for entry, cid in entries:
            per_year.setdefault(horizon.fiscal_year(entry), []).append(cid)
        for year, cids in sorted(per_year.items()):
            if len(cids) > policy.max_entries_per_year:
                out.append(
                    Violation(
                        ENTRIES_PER_YEAR,
                        "policy",
                        f"{len(cids)} market entries in {horizon.fy_label(year)} ({', '.join(cids)}), "
                        f"at most {policy.max_entries_per_year} allowed",
                    )
                )
    if policy.deadline is not None:
        for cluster in scenario.clusters:
            last = runs[cluster.id][-1]
            if last.end > policy.deadline:
                out.append(
                    Violation(
                        PROGRAMME_DEADLINE,
                        cluster.id,
                        f"{cluster.id}: {last.phase.id} ends {month_label(last.end)}, "
                        f"after the programme deadline {month_label(policy.deadline)}",
                    )
                )
    return out


def milestone_value(cluster_runs: tuple[Run, ...], milestone: Milestone) -> int:
    """The month of ``<phase>.start`` / ``<phase>.end`` (``entry`` is the first phase's start)."""
    if milestone.phase == "entry":
        return cluster_runs[0].start
    for run in cluster_runs:
        if run.phase.id == milestone.phase:
            return run.start if milestone.edge == "start" else run.end
    raise DecisionError(f"{cluster_runs[0].cluster.id} has no phase {milestone.phase}")


def dependency_rules(scenario: Scenario, runs: Mapping[str, tuple[Run, ...]]) -> list[Violation]:
    """``this[c] >= other[d] + lag (+1 when the other milestone is an .end)``."""
    out: list[Violation] = []
    for cluster in scenario.clusters:
        for dep in cluster.depends_on:
            this = milestone_value(runs[cluster.id], dep.this)
            other = milestone_value(runs[dep.cluster], dep.milestone)
            if this < other + dep.offset:
                out.append(
                    Violation(
                        DEPENDENCY,
                        cluster.id,
                        f"{cluster.id}: {dep.this} is {month_label(this)}, before "
                        f"{month_label(other + dep.offset)} ({dep.cluster} {dep.milestone} "
                        f"{month_label(other)} + lag {dep.lag})",
                    )
                )
    return out


def legacy_rules(
    scenario: Scenario, runs: Mapping[str, tuple[Run, ...]], out: list[Violation]
) -> tuple[dict[str, tuple[LegacyPlan, ...]], int]:
    """``retired = e[c,replaced_by]``; ``late = max(0, retired - expires)``;
    ``extension = late * extension_cost``; ``retired <= hard_deadline``. Returns the legacy plans
    and the total late months."""
    plans, total_late = {}, 0
    for cluster in scenario.clusters:
        items = []
        for system in cluster.legacy:
            retired = milestone_value(runs[cluster.id], Milestone(system.replaced_by, "end"))
            late = max(0, retired - system.expires)
            total_late += late
            items.append(
                LegacyPlan(system.name, system.expires, retired, late, late * system.extension_cost)
            )
            if system.hard_deadline is not None and retired > system.hard_deadline:
                out.append(
                    Violation(
                        HARD_DEADLINE,
                        cluster.id,
                        f"{cluster.id}: {system.name} retired {month_label(retired)}, "
                        f"after its hard deadline {month_label(system.hard_deadline)}",
                    )
                )
        plans[cluster.id] = tuple(items)
    return plans, total_late


def chosen_mode(cluster: Cluster, phase: PhasePlan) -> Mode | None:
    """The scenario mode a planned phase runs in (``None`` if the scenario does not know it)."""
    try:
        modes = cluster.phase(phase.id).modes
    except KeyError:
        return None
    return next((mode for mode in modes if mode.option == phase.option), None)


def option_label(scenario: Scenario, cluster_id: str, phase: PhasePlan) -> str:
    """The chosen option's label (``option N`` if unlabelled; empty for a phase without options)."""
    if phase.option is None:
        return ""
    try:
        mode = chosen_mode(scenario.cluster(cluster_id), phase)
    except KeyError:
        mode = None
    return (mode.label if mode else "") or f"option {phase.option}"
