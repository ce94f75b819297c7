"""The schedule rules of a scenario, one function per rule family, each returning what is broken.

Each broken rule is a :class:`~scheduler.rules.kinds.Violation` of its family's kind. Used by
:mod:`scheduler.rules.evaluate`, which adds the money rules (:mod:`scheduler.rules.money`) and the
objective. Notation:
``s[c,p]``, ``e[c,p] = s[c,p] + months[m] - 1`` are the start and (inclusive) end of phase ``p`` of
cluster ``c`` in its chosen mode ``m``; ``E[c] = s[c,first]`` is the market entry and
``L[c] = e[c,last]``; ``H`` is the horizon; ``fy(t)`` the financial year of month ``t``.

With a status date ``D`` (scenario-format 1.1) a run of a phase with actuals is *history*: it
must run exactly as it did, and every rule binds only where at least one side is a decision
(history that broke a rule is the loader's warning, not a violation here).
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
    HISTORY,
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

    @property
    def history(self) -> bool:
        """Whether the phase has actuals (it is no decision)."""
        return self.phase.actual is not None

    def plan(self) -> PhasePlan:
        uses: dict[str, int] = {}
        for supplier, units in self.mode.uses:
            uses[supplier] = uses.get(supplier, 0) + units
        return PhasePlan(
            self.phase.id,
            self.start,
            self.end,
            self.mode.option,
            uses,
            self.mode.cost,
            self.history,
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
    ``H.start <= s[c,p]`` and ``e[c,p] <= H.end``; with a status date :func:`history_rules`."""
    out: list[Violation] = []
    horizon = scenario.horizon
    for cluster in scenario.clusters:
        cid, cr = cluster.id, runs[cluster.id]
        entry = cr[0].start
        out += history_rules(scenario, cr)
        if not cluster.has_actuals:  # else the entry is history: bounds are the loader's warnings
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
            if run.history:
                continue  # history: a wait it broke is the loader's warning
            wait = run.start - (before.end + 1)
            forced = _forced_wait(scenario, before)
            if wait < 0:
                out.append(
                    Violation(
                        SEQUENCE,
                        cid,
                        f"{run.label} starts {month_label(run.start)}, "
                        f"before {before.phase.id} ends {month_label(before.end)}",
                    )
                )
            elif forced and wait > run.phase.max_wait + forced:
                out.append(
                    Violation(
                        SEQUENCE,
                        cid,
                        f"{run.label} starts {month_label(run.start)}, {wait - forced} months "
                        f"after the status date ({before.phase.id} finished "
                        f"{month_label(before.end)}; max_wait {run.phase.max_wait})",
                    )
                )
            elif not forced and wait > run.phase.max_wait:
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


def _forced_wait(scenario: Scenario, before: Run) -> int:
    """Months a phase without actuals waits, at least, after ``before``: ``D - (e + 1)`` when
    ``before`` finished before the status date ``D`` (nothing starts before ``D``), else 0."""
    status = scenario.status_date
    actual = before.phase.actual
    if status is None or actual is None or actual.running:
        return 0
    return max(0, status - (before.end + 1))


def history_rules(scenario: Scenario, cluster_runs: tuple[Run, ...]) -> list[Violation]:
    """With a status date ``D``: a phase with actuals runs ``actual_start .. end`` exactly (as it
    did, or as it will while running); a phase without actuals starts at or after ``D``."""
    status = scenario.status_date
    if status is None:
        return []
    out: list[Violation] = []
    for run in cluster_runs:
        actual = run.phase.actual
        cid = run.cluster.id
        if actual is not None and (run.start, run.end) != (actual.start, actual.end):
            state = "runs" if actual.running else "ran"
            out.append(
                Violation(
                    HISTORY,
                    cid,
                    f"{run.label} is history: it {state} {month_label(actual.start)}.."
                    f"{month_label(actual.end)}, the plan has {month_label(run.start)}.."
                    f"{month_label(run.end)}",
                )
            )
        elif actual is None and run.start < status:
            out.append(
                Violation(
                    HISTORY,
                    cid,
                    f"{run.label} starts {month_label(run.start)}, before the status date "
                    f"{month_label(status)} (only phases with actuals are history)",
                )
            )
    return out


def supplier_rules(scenario: Scenario, runs: Mapping[str, tuple[Run, ...]]) -> list[Violation]:
    """For every supplier ``k`` and month ``t``: ``sum_{runs using k, s<=t<=e} units <= cap[k]``;
    a run using ``k`` lies inside ``from[k] .. to[k]`` when those are set."""
    out: list[Violation] = []
    suppliers = {s.id: s for s in scenario.suppliers}
    usage: dict[str, dict[int, list[tuple[str, int, bool]]]] = {}
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
                outside = (first is not None and run.start < first) or (
                    last is not None and run.end > last
                )
                if outside and not run.history:  # history outside it is the loader's warning
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
                    per_month.setdefault(t, []).append((run.label, units, run.history))
    status = scenario.status_date
    for sid in sorted(usage):
        capacity = suppliers[sid].capacity
        for t in sorted(usage[sid]):
            users = usage[sid][t]
            total = sum(units for _, units, _ in users)
            past = sum(units for _, units, history in users if history)
            if status is not None and (t < status or past == total):
                continue  # all history: what it took beyond capacity is the loader's warning
            if total > max(capacity, past):
                names = ", ".join(label for label, _, _ in users)
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
    ``L[c] <= deadline``; each only where at least one entry (or the last phase) is a decision."""
    out: list[Violation] = []
    policy, horizon = scenario.policy, scenario.horizon
    entries = sorted((runs[c.id][0].start, c.id) for c in scenario.clusters)
    past = {c.id for c in scenario.clusters if c.has_actuals}
    gap = policy.stagger_months
    if gap > 0:
        for i, (first, a) in enumerate(entries):
            for second, b in entries[i + 1 :]:
                if second - first >= gap:
                    break
                if a in past and b in past:
                    continue
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
            if len(cids) > policy.max_entries_per_year and not set(cids) <= past:
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
            if last.end > policy.deadline and not last.history:
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


def _run_of(cluster_runs: tuple[Run, ...], milestone: Milestone) -> Run:
    return next(run for run in cluster_runs if run.phase.id == milestone.phase)


def dependency_rules(scenario: Scenario, runs: Mapping[str, tuple[Run, ...]]) -> list[Violation]:
    """``this[c] >= other[d] + lag (+1 when the other milestone is an .end)``."""
    out: list[Violation] = []
    for cluster in scenario.clusters:
        for dep in cluster.depends_on:
            this = milestone_value(runs[cluster.id], dep.this)
            other = milestone_value(runs[dep.cluster], dep.milestone)
            history = (
                _run_of(runs[cluster.id], dep.this).history
                and _run_of(runs[dep.cluster], dep.milestone).history
            )
            if this < other + dep.offset and not history:
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
    ``extension = late * extension_cost``; ``retired <= hard_deadline`` (unless the retirement is
    history); of ``late``, ``min(retired, D - 1) - expires`` (at least 0) are incurred before the
    status date ``D``. Returns the legacy plans and the total late months."""
    plans, total_late = {}, 0
    for cluster in scenario.clusters:
        items = []
        for system in cluster.legacy:
            milestone = Milestone(system.replaced_by, "end")
            retired = milestone_value(runs[cluster.id], milestone)
            late = max(0, retired - system.expires)
            total_late += late
            status = scenario.status_date
            incurred = 0 if status is None else max(0, min(retired, status - 1) - system.expires)
            items.append(
                LegacyPlan(
                    system.name,
                    system.expires,
                    retired,
                    late,
                    late * system.extension_cost,
                    incurred,
                    incurred * system.extension_cost,
                )
            )
            history = _run_of(runs[cluster.id], milestone).history
            if system.hard_deadline is not None and retired > system.hard_deadline and not history:
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
