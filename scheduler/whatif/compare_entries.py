"""The market-entry part of a comparison's summary: which clusters' entries the story is about,
what holds each entry where it is (fixed, stagger, a supplier's capacity, a dependency, readiness),
and the small text helpers the summary shares.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import networkx as nx

from scheduler.analysis.graph import KINDS, node_id
from scheduler.analysis.window import entry_windows, why_not_shifted
from scheduler.plan import Plan
from scheduler.rules.kinds import DEPENDENCY, LIFECYCLE, STAGGER, SUPPLIER_CAPACITY
from scheduler.scenario.data import Scenario
from scheduler.units import money_label, month_label
from scheduler.whatif.compare_types import Comparison, Subject

__all__ = [
    "entry_list",
    "entry_points",
    "entry_reason",
    "has_cluster",
    "join_names",
    "months_text",
    "signed_money",
    "spread",
    "story_group",
]

_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


def join_names(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def months_text(months: int, signed: bool = False) -> str:
    sign = ("+" if months > 0 else "-" if months < 0 else "") if signed else ""
    count = abs(months) if signed else months
    return f"{sign}{count} month{'s' if count != 1 else ''}"


def signed_money(pounds: int) -> str:
    return ("+" if pounds >= 0 else "-") + money_label(abs(pounds))


# -- entries -------------------------------------------------------------------------------------


def entry_reason(
    scenario: Scenario | None, plan: Plan, cluster_id: str, graph: nx.DiGraph | None
) -> str:
    """What holds a cluster's market entry where it is, in planner words (nothing without the
    scenario and its milestone graph)."""
    if scenario is None or graph is None:
        return ""
    cp = plan.cluster(cluster_id)
    cluster = scenario.cluster(cluster_id)
    if cluster.actual_entry is not None:
        return f"entered the market {month_label(cluster.actual_entry)} (actual: history)"
    status = scenario.status_date
    if status is not None and cp.entry == status:
        return f"enters at the status date {month_label(status)} (nothing new starts before it)"
    if cluster.fixed_entry is not None:
        return f"is fixed at {month_label(cluster.fixed_entry)} by the scenario"
    node = node_id(cluster_id, cp.phases[0].id, "start")
    tight = [
        (u, data)
        for u, _, data in graph.in_edges(node, data=True)
        if data["slack"] <= 0 and data["kind"] != LIFECYCLE
    ]
    tight.sort(key=lambda item: (_RANK[item[1]["kind"]], -graph.nodes[item[0]]["month"]))
    if tight:
        source, data = tight[0]
        other = graph.nodes[source]
        if data["kind"] == SUPPLIER_CAPACITY:
            supplier = str(data["reason"]).split(" capacity")[0].replace("waits for ", "")
            users = _users(plan, supplier, cp.entry - 1)
            return (
                f"waits for {supplier} capacity: all {_capacity(scenario, supplier)} units are in "
                f"use by {join_names(users)} until {other['cluster']}'s {other['phase']} ends "
                f"{other['label']}"
            )
        if data["kind"] == STAGGER:
            gap = scenario.policy.stagger_months
            return (
                f"is held by the stagger, {months_text(gap)} after {other['cluster']} "
                f"({other['label']})"
            )
        if data["kind"] == DEPENDENCY:
            return f"waits for its dependency: {data['reason']}"
        return f"is held by {data['reason']}"
    if cluster.earliest_entry == cp.entry:
        return f"is at its earliest entry {month_label(cp.entry)} (readiness)"
    if cp.entry == scenario.horizon.start:
        return "starts at the horizon start"
    return _window_reason(scenario, plan, cluster_id)


def _window_reason(scenario: Scenario, plan: Plan, cluster_id: str) -> str:
    """What the entry window says when no tight rule of the milestone graph holds the entry: the
    rule broken (or the first objective stage made worse) a month earlier and a month later, at
    an end of the window; the window itself when the entry could move at no cost."""
    entry = plan.cluster(cluster_id).entry
    low, high = entry_windows(scenario, plan).get(cluster_id, (entry, entry))
    window = month_label(low) if low == high else f"{month_label(low)}..{month_label(high)}"
    held = [
        why
        for side, end in ((-1, low), (1, high))
        if end == entry and (why := why_not_shifted(scenario, plan, cluster_id, side))
    ]
    if low == high and held:
        return f"is held there (its entry window is {window} only): {'; '.join(held)}"
    stage = " + ".join(name for name, _ in scenario.objective.stages[0])
    free = f"could enter in any month of its entry window {window} with no rule broken"
    free += f" and {stage} no worse"
    return "; ".join([free, *held])


def _users(plan: Plan, supplier: str, month: int) -> list[str]:
    """The clusters with a phase using ``supplier`` in ``month``."""
    return [
        cp.id
        for cp in plan.clusters
        if any(supplier in p.uses and p.start <= month <= p.end for p in cp.phases)
    ]


def _capacity(scenario: Scenario, supplier: str) -> int | str:
    try:
        return scenario.supplier(supplier).capacity
    except KeyError:
        return "its"


def entry_list(plan: Plan, ids: Sequence[str]) -> str:
    return ", ".join(month_label(plan.cluster(cid).entry) for cid in ids)


def spread(plan: Plan, ids: Sequence[str]) -> int:
    months = [plan.cluster(cid).entry for cid in ids]
    return max(months) - min(months)


def _gaps(plan: Plan, ids: Sequence[str]) -> list[int]:
    months = sorted(plan.cluster(cid).entry for cid in ids)
    return [second - first for first, second in itertools.pairwise(months)]


def _fixed(subject: Subject) -> dict[str, int]:
    if subject.scenario is None:
        return {}
    return {c.id: c.fixed_entry for c in subject.scenario.clusters if c.fixed_entry is not None}


def story_group(
    comparison: Comparison, a: Subject, b: Subject
) -> tuple[list[str], list[str], dict]:
    """The clusters whose entries the story is about (those fixed differently, else all that
    moved), the clusters whose entry moved, and the entries fixed in ``b``."""
    pa, pb = a.plan, b.plan
    assert pa is not None and pb is not None
    both = [cid for cid in comparison.cluster_ids if has_cluster(pa, cid) and has_cluster(pb, cid)]
    changed = [cid for cid in both if pa.cluster(cid).entry != pb.cluster(cid).entry]
    fixed_a, fixed_b = _fixed(a), _fixed(b)
    group = [cid for cid in both if cid in fixed_b and fixed_a.get(cid) != fixed_b[cid]]
    if a.scenario is None:  # a plan JSON: what it fixed is unknown; keep the fixed entries that
        moved = [pb.cluster(cid).entry for cid in group if cid in changed]  # moved, and between
        low, high = (min(moved), max(moved)) if moved else (0, -1)
        group = [cid for cid in group if cid in changed or low <= pb.cluster(cid).entry <= high]
    if not group:
        group = [cid for cid in both if cid in fixed_a and fixed_b.get(cid) != fixed_a[cid]]
    if not group and len(changed) >= 2:
        group = list(changed)
    group.sort(key=lambda cid: (pb.cluster(cid).entry, cid))
    return group, changed, fixed_b


def entry_points(comparison: Comparison, a: Subject, b: Subject, graphs: dict) -> list[str]:
    pa, pb = a.plan, b.plan
    assert pa is not None and pb is not None
    group, changed, fixed_b = story_group(comparison, a, b)
    fixed_a = _fixed(a)
    if not changed and not group:
        return ["Every cluster goes to market in the same month in both."]
    out = []
    if len(group) >= 2:
        group.sort(key=lambda cid: (pb.cluster(cid).entry, cid))
        span_a, span_b = spread(pa, group), spread(pb, group)
        names = join_names(group)
        first, last = pb.cluster(group[0]).entry, pb.cluster(group[-1]).entry
        window = f"({month_label(first)}..{month_label(last)})"
        gaps = _gaps(pb, group)
        stagger_a = a.scenario.policy.stagger_months if a.scenario else 0
        how_a = "staggers them" if stagger_a else "has them at"
        plural = "" if gaps == [1] else "s"
        gaps_text = join_names([str(g) for g in gaps]) + f" month{plural} apart"
        decided = all(cid in fixed_b for cid in group)
        if decided:
            verb = "fixes the market entries of" if len(group) > 1 else "fixes the entry of"
            text = f"{b.label} {verb} {names} within {months_text(span_b)} {window}, {gaps_text},"
        elif span_b < span_a:
            text = f"{b.label} sends {names} to market within {months_text(span_b)} {window},"
            text += f" {gaps_text},"
        else:
            text = f"{b.label} spreads {names} over {months_text(span_b)} {window}, {gaps_text},"
        free = " free to choose" if decided and not any(cid in fixed_a for cid in group) else ""
        where = f"{a.label},{free}," if free else a.label
        text += f" where {where} {how_a} {entry_list(pa, group)} ({months_text(span_a)}"
        text += f", at least {months_text(stagger_a)} apart)." if stagger_a else ")."
        out.append(text)
    elif group and group[0] in fixed_b:
        cid = group[0]
        ea, eb = pa.cluster(cid).entry, pb.cluster(cid).entry
        text = f"{b.label} fixes the entry of {cid} at {month_label(eb)}"
        if ea != eb:
            why_a = entry_reason(a.scenario, pa, cid, graphs.get(id(a)))
            text += f" ({months_text(eb - ea, signed=True)}) where in {a.label} it enters"
            text += f" {month_label(ea)}" + (f" and {why_a}" if why_a else "")
        out.append(text + ".")
    rest = [c for c in changed if c not in group] + [c for c in group if c not in fixed_b]
    for cid in dict.fromkeys(rest):
        ea, eb = pa.cluster(cid).entry, pb.cluster(cid).entry
        if ea == eb:
            continue
        why_b = entry_reason(b.scenario, pb, cid, graphs.get(id(b)))
        why_a = entry_reason(a.scenario, pa, cid, graphs.get(id(a)))
        text = (
            f"{cid} enters {month_label(eb)} instead of {month_label(ea)} "
            f"({months_text(eb - ea, signed=True)})"
        )
        if why_b:
            text += f": in {b.label} it {why_b}"
        if why_a:
            text += f"; in {a.label} it {why_a}"
        out.append(text + ".")
    return out


def has_cluster(plan: Plan, cid: str) -> bool:
    return any(cp.id == cid for cp in plan.clusters)
