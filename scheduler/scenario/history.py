"""The scenario's status date, the releases already made, targets, and the rules history broke.

``status_date`` must lie inside the horizon. ``budget.released`` gives, per cluster and financial
year, what was released in years that ended before the status date (a later year's release is a
decision, so giving one is an error). History that broke a rule across clusters (entries bunched
closer than the stagger, a supplier over capacity, a cap exceeded, a dependency or deadline missed
by phases that are all history) is a warning at the key of the actual that broke it: the rules
bind only where at least one side is still a decision, so the plan still solves.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from scheduler.errors import Problem
from scheduler.scenario.clusters import ClusterDraft
from scheduler.scenario.data import Budget, Cluster, Horizon, Phase, Policy, Supplier, Target
from scheduler.scenario.fields import Fields, Reader, did_you_mean
from scheduler.scenario.yamlnodes import child_path, item_path
from scheduler.units import (
    fy_label,
    money_label,
    month_label,
    monthly_spread,
    parse_fy,
    to_thousands,
)

__all__ = [
    "history_releases",
    "history_warnings",
    "read_released",
    "read_status_date",
    "read_targets",
]


def read_status_date(top: Fields, horizon: Horizon | None) -> int | None:
    """``status_date``: a month inside the horizon (the plan is made as at its start)."""
    status = top.month("status_date")
    if status is not None and horizon is not None and not horizon.start <= status <= horizon.end:
        top.error(
            "status_date",
            f"{month_label(status)} is outside the horizon "
            f"{month_label(horizon.start)} to {month_label(horizon.end)}",
        )
        return None
    return status


def read_released(
    top: Fields, cluster_ids: list[str], status: int | None, fy_start: int
) -> tuple[tuple[str, int, int], ...]:
    """``budget.released: {cluster: {year: amount}}``: facts of years ended by the status date."""
    budget = top.mapping("budget")
    fields = budget.mapping("released") if budget is not None else None
    if fields is None:
        return ()
    reader = top.reader
    if status is None:
        budget.error("released", "releases already made need a status_date at the top level")
        return ()
    first_decision = _fiscal_year(status, fy_start)
    out = []
    for cluster_id in fields.entries:
        if cluster_id not in cluster_ids:
            hint = did_you_mean(cluster_id, cluster_ids)
            fields.error(cluster_id, f"unknown cluster '{cluster_id}'{hint}")
            continue
        years = fields.mapping(cluster_id)
        for label, (node, path) in (years.entries if years is not None else {}).items():
            try:
                year = parse_fy(label, fy_start)
            except ValueError:
                reader.error(node, path, f"expected a financial year like 2023-24, got {label!r}")
                continue
            if year >= first_decision:
                reader.error(
                    node,
                    path,
                    f"{fy_label(year, fy_start)} has not ended by the status date "
                    f"{month_label(status)}: its release is a decision, not history",
                )
                continue
            amount = years.money(label)
            if amount is not None and amount % 1000:
                reader.error(node, path, f"must be a whole number of £1k, got {node.raw}")
            elif amount is not None:
                out.append((cluster_id, year, amount))
    return tuple(out)


def read_targets(top: Fields, cluster_ids: list[str]) -> tuple[Target, ...]:
    """``targets: [{name, month, clusters}]``: dated aims reported as met or missed."""
    out = []
    for node, path in top.items("targets"):
        item = top.reader.mapping(node, path, ("name", "month", "clusters"), ("name", "month"))
        if item is None:
            continue
        month = item.month("month")
        named = []
        for text, child, at in item.texts("clusters"):
            if text not in cluster_ids:
                hint = did_you_mean(text, cluster_ids)
                top.reader.error(child, at, f"unknown cluster '{text}'{hint}")
            else:
                named.append(text)
        if month is not None:
            out.append(Target(item.text("name", "") or "", month, tuple(named)))
    return tuple(out)


def _fiscal_year(month: int, fy_start: int) -> int:
    year, index = divmod(month, 12)
    return year if index + 1 >= fy_start else year - 1


def history_releases(
    cluster: Cluster, budget: Budget | None, horizon: Horizon, status: int
) -> dict[int, int]:
    """Releases (pounds) of the financial years ended before the status date: ``budget.released``
    where given, else the least whole tranches covering the year's spend of the phases with
    actuals (only they can spend before the status date)."""
    first_decision = horizon.fiscal_year(status)
    given = budget.released_to(cluster.id) if budget is not None else {}
    tranche = budget.tranche_k if budget is not None else 1
    spend: dict[int, int] = {}
    for phase in cluster.phases:
        if phase.actual is None:
            continue
        mode = phase.modes[0]
        for offset, amount in enumerate(monthly_spread(mode.cost, mode.months)):
            year = horizon.fiscal_year(phase.actual.start + offset)
            if year < first_decision and amount:
                spend[year] = spend.get(year, 0) + amount
    if budget is not None and budget.covers_extensions:
        last_history = horizon.fy_months(first_decision)[0] - 1
        for system in cluster.legacy:
            actual = cluster.phase(system.replaced_by).actual
            retired = actual.end if actual is not None else last_history
            rate = to_thousands(system.extension_cost)
            for t in range(max(system.expires + 1, horizon.start), min(retired, last_history) + 1):
                year = horizon.fiscal_year(t)
                spend[year] = spend.get(year, 0) + rate
    out = {year: 1000 * -(-amount // tranche) * tranche for year, amount in spend.items()}
    out.update(given)
    return {year: amount for year, amount in sorted(out.items()) if amount}


class _Warner:
    """Warnings at the ``actual_start`` (or ``actual_end``) key of a phase with actuals."""

    def __init__(self, reader: Reader, drafts: list[ClusterDraft]) -> None:
        self.reader = reader
        self.paths = {draft.cluster.id: draft for draft in drafts if draft.cluster is not None}

    def warn(self, cluster: Cluster, phase: Phase, message: str, key: str = "actual_start") -> None:
        draft = self.paths[cluster.id]
        entry = draft.fields.get("phases")
        base = child_path(draft.fields.key_path("phases"), phase.id)
        if entry is not None and entry[0].is_seq:
            for index, item in enumerate(entry[0].value):
                ident = item.value.get("id") if item.is_map else None
                if ident is not None and ident.value == phase.id:
                    base = item_path(entry[1], index)
        path = child_path(base, key)
        line = self.reader.line_of(path)
        self.reader.warnings.append(
            Problem(self.reader.source, line, path, f"history broke a rule: {message}")
        )


def history_warnings(
    reader: Reader,
    drafts: list[ClusterDraft],
    horizon: Horizon,
    policy: Policy,
    suppliers: Mapping[str, Supplier],
    budget: Budget | None,
    status: int,
) -> None:
    """Warn of every rule that the history alone broke (see the module docstring)."""
    clusters = [draft.cluster for draft in drafts if draft.cluster is not None]
    warner = _Warner(reader, drafts)
    _entries(warner, clusters, policy, horizon)
    _capacity(warner, clusters, suppliers, status)
    _dependencies(warner, clusters)
    _deadlines(warner, clusters, policy)
    _caps(warner, clusters, budget, horizon, status)


def _entries(warner: _Warner, clusters: list[Cluster], policy: Policy, horizon: Horizon) -> None:
    past = sorted(
        (c.phases[0].actual.start, c.id, c) for c in clusters if c.phases[0].actual is not None
    )
    gap = policy.stagger_months
    for (first, a, _), (second, b, cluster) in itertools.pairwise(past):
        if gap and second - first < gap:
            warner.warn(
                cluster,
                cluster.phases[0],
                f"{a} and {b} entered the market {second - first} months apart "
                f"({month_label(first)}, {month_label(second)}); stagger is {gap} months",
            )
    limit = policy.max_entries_per_year
    if limit is None:
        return
    per_year: dict[int, list[tuple[str, Cluster]]] = {}
    for entry, cid, cluster in past:
        per_year.setdefault(horizon.fiscal_year(entry), []).append((cid, cluster))
    for year, items in sorted(per_year.items()):
        if len(items) > limit:
            cluster = items[-1][1]
            names = ", ".join(cid for cid, _ in items)
            warner.warn(
                cluster,
                cluster.phases[0],
                f"{len(items)} market entries in {horizon.fy_label(year)} ({names}), "
                f"at most {limit} allowed",
            )


def _capacity(
    warner: _Warner, clusters: list[Cluster], suppliers: Mapping[str, Supplier], status: int
) -> None:
    use: dict[str, dict[int, list[tuple[Cluster, Phase, int]]]] = {}
    for cluster in clusters:
        for phase in cluster.phases:
            if phase.actual is None:
                continue
            for sid, units in phase.modes[0].uses:
                supplier = suppliers.get(sid)
                if supplier is None:
                    continue
                first, last = supplier.available_from, supplier.available_to
                if (first is not None and phase.actual.start < first) or (
                    last is not None and phase.actual.end > last
                ):
                    warner.warn(
                        cluster, phase, f"{cluster.id} {phase.id} used {sid} outside its window"
                    )
                months = use.setdefault(sid, {})
                for t in range(phase.actual.start, phase.actual.end + 1):
                    months.setdefault(t, []).append((cluster, phase, units))
    for sid, months in sorted(use.items()):
        capacity = suppliers[sid].capacity
        over = [t for t, users in sorted(months.items()) if sum(u for *_, u in users) > capacity]
        if over:
            cluster, phase, _ = months[over[0]][-1]
            names = ", ".join(f"{c.id} {p.id}" for c, p, _ in months[over[0]])
            after = " (and after the status date)" if over[-1] >= status else ""
            warner.warn(
                cluster,
                phase,
                f"supplier {sid} over its capacity {capacity} in {len(over)} months from "
                f"{month_label(over[0])}{after} ({names})",
            )


def _milestone(cluster: Cluster, phase_id: str, edge: str) -> int | None:
    actual = cluster.phase(phase_id).actual
    if actual is None:
        return None
    return actual.start if edge == "start" else actual.end


def _dependencies(warner: _Warner, clusters: list[Cluster]) -> None:
    by_id = {cluster.id: cluster for cluster in clusters}
    for cluster in clusters:
        for dep in cluster.depends_on:
            other = by_id.get(dep.cluster)
            if other is None:
                continue
            this = _milestone(cluster, dep.this.phase, dep.this.edge)
            that = _milestone(other, dep.milestone.phase, dep.milestone.edge)
            if this is not None and that is not None and this < that + dep.offset:
                warner.warn(
                    cluster,
                    cluster.phase(dep.this.phase),
                    f"{cluster.id} {dep.this} {month_label(this)} is before "
                    f"{dep.cluster} {dep.milestone} {month_label(that)} + {dep.offset} months",
                )


def _deadlines(warner: _Warner, clusters: list[Cluster], policy: Policy) -> None:
    for cluster in clusters:
        last = cluster.phases[-1]
        deadline = policy.deadline
        if deadline is not None and last.actual is not None and last.actual.end > deadline:
            warner.warn(
                cluster,
                last,
                f"{cluster.id} ends {month_label(last.actual.end)}, after the programme "
                f"deadline {month_label(deadline)}",
                "actual_end" if not last.actual.running else "remaining_months",
            )
        for system in cluster.legacy:
            phase = cluster.phase(system.replaced_by)
            if phase.actual is None or system.hard_deadline is None:
                continue
            if phase.actual.end > system.hard_deadline:
                warner.warn(
                    cluster,
                    phase,
                    f"{system.name} retired {month_label(phase.actual.end)}, after its hard "
                    f"deadline {month_label(system.hard_deadline)}",
                    "actual_end" if not phase.actual.running else "remaining_months",
                )


def _caps(
    warner: _Warner, clusters: list[Cluster], budget: Budget | None, horizon: Horizon, status: int
) -> None:
    if budget is None or not budget.caps:
        return
    releases = {c.id: history_releases(c, budget, horizon, status) for c in clusters}
    for cap in budget.caps:
        released = sum(
            amount
            for amounts in releases.values()
            for year, amount in amounts.items()
            if cap.first_year <= year <= cap.last_year
        )
        if released > cap.amount // 1000 * 1000:
            cluster = next(c for c in clusters if c.has_actuals)
            warner.warn(
                cluster,
                cluster.phases[0],
                f"releases of the years before the status date total {money_label(released)}, "
                f"over cap {cap.name} of {money_label(cap.amount)}",
            )
