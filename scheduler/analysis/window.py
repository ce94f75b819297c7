"""Entry windows: how far each cluster's market entry could move with everything else held fixed.

The window of cluster ``c`` is the longest run of months ``E[c] + d`` (``d`` from ``-a`` to ``b``,
``a, b >= 0``) such that shifting the whole cluster by every ``d`` in the run (its options and waits
unchanged, so every phase moves by ``d``) breaks no rule and leaves the first objective stage no
worse than the plan's. Releases follow the shift: without carry-forward they are re-derived from
the shifted spend; with carry-forward the other clusters keep the plan's releases and ``c`` gets
the least just-in-time releases covering its shifted spend (:func:`evaluate.jit_releases`).

Shifting only ``c`` changes only ``c``'s part of every rule and term, so each candidate ``d`` is
checked incrementally against precomputed totals of the other clusters (supplier usage per month,
entries sorted and per financial year, cap totals, completion, milestones); rules that are linear
in ``d`` (entry bounds, horizon, deadline, supplier availability, hard deadlines, dependencies,
the status date) become a static range ``lo <= d <= hi``. A cluster with actuals is history: its
window is its entry. The result equals calling :func:`evaluate.evaluate` for every candidate shift
(see ``tests/test_window.py``), for a plan that breaks no rule.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from scheduler.plan import Plan
from scheduler.rules.evaluate import (
    Evaluation,
    Run,
    ceil_to,
    decisions_from_plan,
    evaluate,
    jit_releases,
    milestone_value,
    releases_from_plan,
    stage_value,
    tranche_of,
)
from scheduler.scenario.data import Budget, Cap, Scenario
from scheduler.units import monthly_spread, to_thousands

__all__ = ["entry_windows", "why_not_earlier", "why_not_shifted"]


def entry_windows(scenario: Scenario, plan: Plan) -> dict[str, tuple[int, int]]:
    """The entry window ``(first, last)`` of every cluster of ``plan`` (none without a schedule)."""
    if not plan.has_schedule:
        return {}
    windows = _Windows(scenario, plan)
    return {cluster.id: windows.window(cluster.id) for cluster in scenario.clusters}


@dataclass
class _Shift:
    """What one cluster contributes, and the rest of the plan around it, for shifts ``d``."""

    cid: str
    runs: tuple[Run, ...]
    entry: int
    last: int
    supplier_runs: list[tuple[int, int, str, int]]  # start, end, supplier, units
    own: dict[tuple[str, int], int]  # the cluster's own usage per (supplier, month)
    legacy: list[tuple[int, int, int]]  # retired, expires, extension cost per month
    profile_prefix: list[int]  # prefix sums of the cluster's phase spend (£1k) from its entry
    extension_rates: list[tuple[int, int, int]]  # expires, retired, £1k per late month (spent)
    base_releases: dict[int, int]
    base_extension: int
    base_late: int
    caps: list[tuple[Cap, int, int]] | None = None


class _Windows:
    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        self.scenario = scenario
        self.budget = scenario.budget or Budget()
        self.carry = self.budget.carry_forward
        self.tranche = tranche_of(self.budget)
        self.horizon = scenario.horizon
        self.years = self.horizon.fiscal_years()
        decisions = decisions_from_plan(plan)
        self.ev: Evaluation = evaluate(
            scenario, decisions, releases_from_plan(plan) if self.carry else None
        )
        runs = self.ev.runs
        self.stage = scenario.objective.stages[0]
        self.base_value = stage_value(self.stage, self.ev.objective)
        stage_terms = {name for name, weight in self.stage if weight}
        self.need_money = bool(self.budget.caps) or "funding" in stage_terms
        legacy_terms = {"extension_cost", "late_months", "total_cost", "net_cost"}
        self.need_legacy = bool(stage_terms & legacy_terms)
        self.suppliers = {s.id: s for s in scenario.suppliers}
        self.capacity = {s.id: s.capacity for s in scenario.suppliers}
        self.usage: dict[str, dict[int, int]] = {s.id: {} for s in scenario.suppliers}
        for cluster_runs in runs.values():
            for run in cluster_runs:
                for sid, units in run.mode.uses:
                    per_month = self.usage.get(sid)
                    if per_month is not None:
                        for t in range(run.start, run.end + 1):
                            per_month[t] = per_month.get(t, 0) + units
        entries = [r[0].start for r in runs.values()]
        self.entries = sorted(entries)
        self.per_year = Counter(self.horizon.fiscal_year(e) for e in entries)
        ends = sorted((r[-1].end for r in runs.values()), reverse=True)
        self.top_ends = ends[:2]
        self.dependants: dict[str, list[tuple[int, int, int]]] = {}
        for cluster in scenario.clusters:
            for dep in cluster.depends_on:
                if dep.cluster == cluster.id:
                    continue
                this = milestone_value(runs[cluster.id], dep.this)
                other = milestone_value(runs[dep.cluster], dep.milestone)
                self.dependants.setdefault(dep.cluster, []).append((this, dep.offset, other))
        self.cap_released = {cap.name: cap.released for cap in self.ev.caps}
        self.cap_past = {  # history releases alone may exceed the cap (see evaluate._caps)
            cap.name: sum(
                amount
                for releases in self.ev.funding.values()
                for year, amount in releases.items()
                if cap.first_year <= year <= cap.last_year and scenario.is_history_year(year)
            )
            for cap in self.budget.caps
        }

    # -- per cluster ------------------------------------------------------------------------

    def window(self, cid: str) -> tuple[int, int]:
        """Scan outward from the entry one month at a time while every rule holds."""
        shift = self._shift(cid)
        lo, hi = self._static_range(shift)
        first = last = shift.entry
        d = 1
        while lo <= d <= hi and self._ok(shift, d):
            last = shift.entry + d
            d += 1
        d = -1
        while lo <= d <= hi and self._ok(shift, d):
            first = shift.entry + d
            d -= 1
        return first, last

    def _shift(self, cid: str) -> _Shift:
        runs = self.ev.runs[cid]
        cluster = runs[0].cluster
        entry, last = runs[0].start, runs[-1].end
        supplier_runs: list[tuple[int, int, str, int]] = []
        own: dict[tuple[str, int], int] = {}
        for run in runs:
            for sid, units in run.mode.uses:
                if sid in self.capacity:
                    supplier_runs.append((run.start, run.end, sid, units))
                    for t in range(run.start, run.end + 1):
                        own[sid, t] = own.get((sid, t), 0) + units
        profile = [0] * (last - entry + 1)
        for run in runs:
            for offset, amount in enumerate(monthly_spread(run.mode.cost, run.mode.months)):
                profile[run.start - entry + offset] += amount
        prefix = [0]
        for amount in profile:
            prefix.append(prefix[-1] + amount)
        legacy, rates = [], []
        for system, item in zip(cluster.legacy, self.ev.legacy[cid], strict=True):
            legacy.append((item.retired, system.expires, system.extension_cost))
            rate = to_thousands(system.extension_cost)
            if self.budget.covers_extensions and rate:
                rates.append((system.expires, item.retired, rate))
        items = self.ev.legacy[cid]
        return _Shift(
            cid=cid,
            runs=runs,
            entry=entry,
            last=last,
            supplier_runs=supplier_runs,
            own=own,
            legacy=legacy,
            profile_prefix=prefix,
            extension_rates=rates,
            base_releases=self.ev.funding[cid],
            base_extension=sum(item.extension_cost for item in items),
            base_late=sum(item.late_months for item in items),
        )

    def _static_range(self, shift: _Shift) -> tuple[int, int]:
        """Rules linear in ``d``: ``H.start <= E+d``, ``L+d <= H.end``; entry bounds; programme
        deadline; supplier availability; legacy hard deadlines; ``this+d >= other + offset`` for
        the cluster's own dependencies and ``this >= (milestone+d) + offset`` for its dependants."""
        cluster = shift.runs[0].cluster
        entry, horizon, policy = shift.entry, self.horizon, self.scenario.policy
        if cluster.has_actuals:
            return 0, 0  # history does not move
        lo, hi = horizon.start - entry, horizon.end - shift.last
        if self.scenario.status_date is not None:
            lo = max(lo, self.scenario.status_date - entry)
        if cluster.earliest_entry is not None:
            lo = max(lo, cluster.earliest_entry - entry)
        if cluster.latest_entry is not None:
            hi = min(hi, cluster.latest_entry - entry)
        if cluster.fixed_entry is not None:
            lo, hi = max(lo, cluster.fixed_entry - entry), min(hi, cluster.fixed_entry - entry)
        if policy.deadline is not None:
            hi = min(hi, policy.deadline - shift.last)
        for run in shift.runs:
            for sid, _ in run.mode.uses:
                supplier = self.suppliers.get(sid)
                if supplier is None:
                    continue
                if supplier.available_from is not None:
                    lo = max(lo, supplier.available_from - run.start)
                if supplier.available_to is not None:
                    hi = min(hi, supplier.available_to - run.end)
        for system, item in zip(cluster.legacy, self.ev.legacy[shift.cid], strict=True):
            if system.hard_deadline is not None:
                hi = min(hi, system.hard_deadline - item.retired)
        runs = self.ev.runs
        for dep in cluster.depends_on:
            if dep.cluster != cluster.id:
                this = milestone_value(shift.runs, dep.this)
                other = milestone_value(runs[dep.cluster], dep.milestone)
                lo = max(lo, other + dep.offset - this)
        for this, offset, other in self.dependants.get(shift.cid, ()):
            hi = min(hi, this - offset - other)
        return lo, hi

    def _ok(self, shift: _Shift, d: int) -> bool:
        """Stagger, entries per year, capacity, caps and the first objective stage at ``d``."""
        entry = shift.entry + d
        policy = self.scenario.policy
        gap = policy.stagger_months
        if gap > 0:
            near = bisect.bisect_left(self.entries, entry + gap) - bisect.bisect_right(
                self.entries, entry - gap
            )
            if entry - gap < shift.entry < entry + gap:
                near -= 1  # the cluster's own (unshifted) entry
            if near > 0:
                return False
        if policy.max_entries_per_year is not None:
            fy = self.horizon.fiscal_year
            year = fy(entry)
            others = self.per_year[year] - (1 if fy(shift.entry) == year else 0)
            if others + 1 > policy.max_entries_per_year:
                return False
        if not self._capacity_ok(shift, d):
            return False
        releases = self._releases(shift, d) if self.need_money else shift.base_releases
        if self.budget.caps and not self._caps_ok(shift, releases):
            return False
        return self._stage_value(shift, d, releases) <= self.base_value

    def _capacity_ok(self, shift: _Shift, d: int) -> bool:
        """``usage[k,t] - own[k,t] + units <= cap[k]`` for every month ``t`` of every shifted phase
        that uses ``k`` (a cluster's own phases never overlap)."""
        own = shift.own
        for start, end, sid, units in shift.supplier_runs:
            usage, room = self.usage[sid], self.capacity[sid] - units
            for t in range(start + d, end + d + 1):
                if usage.get(t, 0) - own.get((sid, t), 0) > room:
                    return False
        return True

    def _releases(self, shift: _Shift, d: int) -> dict[int, int]:
        """The shifted cluster's releases: per-year rounding, or just-in-time with carry-forward."""
        horizon = self.horizon
        fy = horizon.fiscal_year
        spend: dict[int, int] = {}
        first, last = shift.entry + d, shift.last + d
        prefix = shift.profile_prefix
        for year in range(fy(first), fy(last) + 1):
            a, b = horizon.fy_months(year)
            amount = prefix[min(b, last) - first + 1] - prefix[max(a, first) - first]
            if amount:
                spend[year] = 1000 * amount
        for expires, retired, rate in shift.extension_rates:
            lo, hi = max(expires + 1, horizon.start), min(retired + d, horizon.end)
            for year in range(fy(lo), fy(hi) + 1) if lo <= hi else ():
                a, b = horizon.fy_months(year)
                spend[year] = spend.get(year, 0) + 1000 * rate * (min(b, hi) - max(a, lo) + 1)
        if self.carry:
            return jit_releases(spend, self.years, self.tranche)
        return {year: ceil_to(amount, self.tranche) for year, amount in spend.items() if amount}

    def _caps_ok(self, shift: _Shift, releases: dict[int, int]) -> bool:
        """``released[cap] - R_base[c, cap years] + R_d[c, cap years] <= floor(amount / £1k)``."""
        for cap, others, limit in self._cap_room(shift):
            total = others + cap.released([releases])
            if total > limit:
                return False
        return True

    def _cap_room(self, shift: _Shift) -> list[tuple[Cap, int, int]]:
        """Per cap: the releases of the other clusters in its years, and its limit (cached)."""
        if shift.caps is None:
            shift.caps = []
            for cap in self.budget.caps:
                own = cap.released([shift.base_releases])
                others = self.cap_released[cap.name] - own
                shift.caps.append((cap, others, max(cap.limit, self.cap_past[cap.name])))
        return shift.caps

    def _stage_value(self, shift: _Shift, d: int, releases: dict[int, int]) -> int:
        """The first stage's weighted sum with only the shifted cluster's terms changed."""
        base = self.ev.objective
        extension, late = shift.base_extension, shift.base_late
        if self.need_legacy:
            extension = late = 0
            for retired, expires, rate in shift.legacy:
                months = max(0, retired + d - expires)
                late += months
                extension += months * rate
        change = extension - shift.base_extension
        top = self.top_ends  # the largest two last months give the others' completion
        others_end = top[0] if top[0] != shift.last else top[1] if len(top) > 1 else shift.last + d
        terms = {
            "extension_cost": base["extension_cost"] + change,
            "late_months": base["late_months"] + late - shift.base_late,
            "delivery_cost": base["delivery_cost"],
            "total_cost": base["total_cost"] + change,
            "net_cost": base["net_cost"] + change + shift.runs[0].cluster.benefits * d,
            "completion": max(others_end, shift.last + d),
            "funding": base["funding"] - sum(shift.base_releases.values()) + sum(releases.values()),
        }
        return stage_value(self.stage, terms)


def why_not_earlier(scenario: Scenario, plan: Plan, cluster_id: str) -> str | None:
    """What entering one month earlier would break, everything else held (as for windows).

    Returns the first rule broken, or the first objective stage made worse, in the scenario's own
    words; ``None`` if nothing would (the entry is then simply one of several equal choices).
    """
    return why_not_shifted(scenario, plan, cluster_id, -1)


def why_not_shifted(scenario: Scenario, plan: Plan, cluster_id: str, months: int) -> str | None:
    """What shifting the whole cluster by ``months`` (its options and waits unchanged) would
    break, everything else held, as for windows: ``"a month earlier would break: ..."``, ``"2
    months later would make extension_cost worse"``, or ``None`` if nothing would."""
    decisions = decisions_from_plan(plan)
    budget = scenario.budget
    releases = releases_from_plan(plan) if budget is not None and budget.carry_forward else None
    held = evaluate(scenario, decisions, releases)
    if releases is not None:
        releases = {cid: amounts for cid, amounts in releases.items() if cid != cluster_id}
    moved = dict(decisions)
    moved[cluster_id] = decisions[cluster_id].shifted(months)
    shifted = evaluate(scenario, moved, releases)
    count = abs(months)
    when = f"{'a' if count == 1 else count} month{'s' if count != 1 else ''}"
    when += " earlier" if months < 0 else " later"
    if shifted.violations:
        return f"{when} would break: {shifted.violations[0]}"
    stage = scenario.objective.stages[0]
    if stage_value(stage, shifted.objective) > stage_value(stage, held.objective):
        names = " + ".join(name for name, _ in stage)
        return f"{when} would make {names} worse"
    return None
