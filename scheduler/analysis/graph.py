"""The plan as a graph of milestones and the critical chain that sets completion.

Its file exports (GraphML, node-link JSON, DOT) are in :mod:`scheduler.report.graph_files`.

Nodes are milestones ``"<cluster>:<phase>.start"`` / ``"<cluster>:<phase>.end"`` with the plan's
month. An edge ``u -> v`` is a rule that puts a least gap between two milestone months: the
scenario's own rules (lifecycle, ``depends_on``) and the orderings the plan creates (stagger, the
per-year entry limit, a phase waiting for a supplier's capacity). Every edge carries

- ``kind``: ``lifecycle``, ``dependency``, ``stagger``, ``entries_per_year`` or
  ``supplier_capacity`` (the rule families' names, :mod:`scheduler.rules.kinds`);
- ``reason``: short planner text ("tender takes 14 months");
- ``min_gap``: the least number of months the rule demands, ``month(v) - month(u) >= min_gap``;
- ``slack``: ``month(v) - month(u) - min_gap`` (``>= 0`` in a valid plan; ``0`` means *tight*).

A ``DiGraph`` holds one edge per pair: when two rules join the same milestones, the tighter one
(larger ``min_gap``; ties by kind) is kept and the other's reason goes to the ``also`` attribute.

The critical chain walks back from the milestone that sets completion along tight edges, to a
milestone nothing holds in place, and says why that one is where it is.

With a status date, the milestones of phases with actuals carry ``actual: 1``: history, which no
rule moves, so no rule edge points into a history start and a chain that reaches one stops there
("history: started 2023-06"). The first phase after a finished one waits for the status date.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from scheduler.analysis.window import why_not_earlier
from scheduler.plan import ClusterPlan, PhasePlan, Plan
from scheduler.rules.kinds import (
    DEPENDENCY,
    ENTRIES_PER_YEAR,
    LIFECYCLE,
    STAGGER,
    SUPPLIER_CAPACITY,
)
from scheduler.scenario.data import Cluster, Milestone, Scenario
from scheduler.units import month_label

__all__ = [
    "KINDS",
    "ChainLink",
    "build_graph",
    "cluster_chain",
    "critical_chain",
    "node_id",
    "uses_text",
]

#: Edge kinds, in the order the critical chain prefers them when several edges are tight.
KINDS = (DEPENDENCY, SUPPLIER_CAPACITY, STAGGER, ENTRIES_PER_YEAR, LIFECYCLE)
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class ChainLink:
    """One milestone of a chain: its month, and why it is there (the rule from the previous link,
    or for the first link, what holds it: an entry constraint, the horizon, or the optimiser)."""

    milestone: str
    month: int
    reason: str
    kind: str = "origin"

    @property
    def label(self) -> str:
        return month_label(self.month)


def uses_text(uses: dict[str, int]) -> str:
    """``"erp-market:1;ibm:2"``: the suppliers a phase occupies, by id."""
    return ";".join(f"{supplier}:{units}" for supplier, units in sorted(uses.items()))


def node_id(cluster_id: str, phase_id: str, edge: str) -> str:
    """``"synergy:tender.start"``."""
    return f"{cluster_id}:{phase_id}.{edge}"


# -- building ------------------------------------------------------------------------------------


def build_graph(scenario: Scenario, plan: Plan) -> nx.DiGraph:
    """The milestone graph of ``plan`` (empty of nodes when the plan has no schedule)."""
    graph: nx.DiGraph[str] = nx.DiGraph(name=scenario.name, status=plan.status)
    graph.graph["horizon_start"] = month_label(scenario.horizon.start)
    graph.graph["horizon_end"] = month_label(scenario.horizon.end)
    if not plan.has_schedule:
        return graph
    pairs = _cluster_pairs(scenario, plan)
    if pairs:
        graph.graph["completion"] = month_label(max(cp.finish for _, cp in pairs))
    for cluster, cluster_plan in pairs:
        _add_milestones(graph, cluster, cluster_plan)
    for cluster, cluster_plan in pairs:
        _add_lifecycle_edges(graph, cluster, cluster_plan, scenario.status_date)
        _add_dependency_edges(graph, cluster, cluster_plan)
    _add_stagger_edges(graph, scenario, pairs)
    _add_max_entry_edges(graph, scenario, pairs)
    _add_capacity_edges(graph, scenario, plan)
    return graph


def _cluster_pairs(scenario: Scenario, plan: Plan) -> list[tuple[Cluster, ClusterPlan]]:
    """(scenario cluster, planned cluster) in scenario order, for clusters the plan schedules."""
    planned = {c.id: c for c in plan.clusters}
    return [(c, planned[c.id]) for c in scenario.clusters if c.id in planned]


def _add_milestones(graph: nx.DiGraph, cluster: Cluster, cluster_plan: ClusterPlan) -> None:
    for index, phase in enumerate(cluster_plan.phases):
        for edge, month in (("start", phase.start), ("end", phase.end)):
            attrs: dict[str, Any] = {
                "cluster": cluster.id,
                "phase": phase.id,
                "edge": edge,
                "month": month,
                "label": month_label(month),
            }
            if phase.actual:
                attrs["actual"] = 1
            if edge == "start" and phase.uses:
                attrs["uses"] = uses_text(phase.uses)
            if index == 0 and edge == "start":
                attrs.update(_entry_attributes(cluster, cluster_plan))
            graph.add_node(node_id(cluster.id, phase.id, edge), **attrs)


def _entry_attributes(cluster: Cluster, cluster_plan: ClusterPlan) -> dict[str, Any]:
    """What the scenario says about a cluster's market entry, as labels on its entry node."""
    low, high = cluster_plan.entry_window
    attrs: dict[str, Any] = {"entry": 1, "entry_window": f"{month_label(low)}..{month_label(high)}"}
    for key in ("earliest_entry", "latest_entry", "fixed_entry"):
        value = getattr(cluster, key)
        if value is not None:
            attrs[key] = month_label(value)
    return attrs


def _add_edge(graph: nx.DiGraph, u: str, v: str, kind: str, min_gap: int, reason: str) -> None:
    """Add a rule edge; if the pair already has one, keep the tighter and note the other."""
    if u not in graph or v not in graph:
        return
    if graph.nodes[v].get("actual") and graph.nodes[v]["edge"] == "start":
        return  # history: no rule holds it
    slack = graph.nodes[v]["month"] - graph.nodes[u]["month"] - min_gap
    new = {"kind": kind, "reason": reason, "min_gap": min_gap, "slack": slack}
    if graph.has_edge(u, v):
        old = dict(graph.edges[u, v])
        keep_new = (-min_gap, _RANK[kind]) < (-old["min_gap"], _RANK[old["kind"]])
        primary, other = (new, old) if keep_new else (old, new)
        notes = [n for n in (primary.get("also"), other.get("also"), other["reason"]) if n]
        primary["also"] = "; ".join(notes)
        graph.remove_edge(u, v)
        new = primary
    graph.add_edge(u, v, **new)


def _phase_text(cluster: Cluster, phase: PhasePlan) -> str:
    """``"tender takes 14 months"``, with the chosen option's label when the phase has options;
    for a phase with actuals, ``"tender ran 15 months (actual; planned 14)"``."""
    text = f"{phase.id} takes {phase.months} month{'s' if phase.months != 1 else ''}"
    actual = _actual_of(cluster, phase.id)
    if phase.actual and actual is not None:
        verb = "runs" if actual.running else "ran"
        text = f"{phase.id} {verb} {phase.months} months (actual; planned {actual.planned.months})"
    if phase.option is None:
        return text
    try:
        modes = cluster.phase(phase.id).modes
    except KeyError:
        return text
    label = next((m.label for m in modes if m.option == phase.option), "")
    return f"{text} ({label or f'option {phase.option}'})"


def _actual_of(cluster: Cluster, phase_id: str):  # -> Actual | None
    try:
        return cluster.phase(phase_id).actual
    except KeyError:
        return None


def _add_lifecycle_edges(
    graph: nx.DiGraph, cluster: Cluster, cluster_plan: ClusterPlan, status: int | None = None
) -> None:
    phases = cluster_plan.phases
    for phase in phases:
        start, end = node_id(cluster.id, phase.id, "start"), node_id(cluster.id, phase.id, "end")
        _add_edge(graph, start, end, LIFECYCLE, phase.months - 1, _phase_text(cluster, phase))
    for before, after in itertools.pairwise(phases):
        try:
            max_wait = cluster.phase(after.id).max_wait
        except KeyError:
            max_wait = 0
        reason = "back to back" if max_wait == 0 else f"may wait up to {max_wait} months"
        u, v = node_id(cluster.id, before.id, "end"), node_id(cluster.id, after.id, "start")
        gap = 1
        done = _actual_of(cluster, before.id)
        finished = done is not None and not done.running
        waits = status is not None and before.actual and not after.actual and finished
        if waits and status - before.end > 1:
            gap = status - before.end
            reason = f"nothing new starts before the status date {month_label(status)}"
        _add_edge(graph, u, v, LIFECYCLE, gap, reason)


def _milestone_node(cluster_plan: ClusterPlan, milestone: Milestone) -> str:
    """The node of a milestone, reading ``entry`` as the first phase's start."""
    if milestone.phase == "entry":
        return node_id(cluster_plan.id, cluster_plan.phases[0].id, "start")
    return node_id(cluster_plan.id, milestone.phase, milestone.edge)


def _add_dependency_edges(graph: nx.DiGraph, cluster: Cluster, cluster_plan: ClusterPlan) -> None:
    for dep in cluster.depends_on:
        source = (
            node_id(dep.cluster, dep.milestone.phase, dep.milestone.edge)
            if dep.milestone.phase != "entry"
            else _entry_node(graph, dep.cluster)
        )
        target = _milestone_node(cluster_plan, dep.this)
        reason = f"depends on {dep.cluster} {dep.milestone} (lag {dep.lag})"
        _add_edge(graph, source, target, DEPENDENCY, dep.offset, reason)


def _entry_node(graph: nx.DiGraph, cluster_id: str) -> str:
    for node, attrs in graph.nodes(data=True):
        if attrs["cluster"] == cluster_id and attrs.get("entry"):
            return node
    return node_id(cluster_id, "entry", "start")


def _entries(pairs: list[tuple[Cluster, ClusterPlan]]) -> list[tuple[int, str]]:
    """(entry month, entry node) for every cluster, by month then scenario order."""
    keyed = [
        (cp.entry, index, node_id(cp.id, cp.phases[0].id, "start"))
        for index, (_, cp) in enumerate(pairs)
    ]
    return [(month, node) for month, _, node in sorted(keyed)]


def _add_stagger_edges(
    graph: nx.DiGraph, scenario: Scenario, pairs: list[tuple[Cluster, ClusterPlan]]
) -> None:
    gap = scenario.policy.stagger_months
    if gap <= 0:
        return
    entries = _entries(pairs)
    reason = f"stagger: entries at least {gap} months apart"
    for (_, before), (_, after) in itertools.pairwise(entries):
        _add_edge(graph, before, after, STAGGER, gap, reason)


def _add_max_entry_edges(
    graph: nx.DiGraph, scenario: Scenario, pairs: list[tuple[Cluster, ClusterPlan]]
) -> None:
    """An entry in year ``y`` when year ``y-1`` is already full cannot move into ``y-1``: an edge
    from the last entry of ``y-1`` with ``min_gap`` reaching the first month of ``y``."""
    limit = scenario.policy.max_entries_per_year
    if not limit:
        return
    horizon = scenario.horizon
    by_year: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for month, node in _entries(pairs):
        by_year[horizon.fiscal_year(month)].append((month, node))
    for year, entries in sorted(by_year.items()):
        previous = by_year.get(year - 1, [])
        if len(previous) < limit:
            continue
        last_month, last_node = previous[-1]
        first_of_year = horizon.fy_months(year)[0]
        reason = f"at most {limit} entries a year: {horizon.fy_label(year - 1)} is full"
        for _, node in entries:
            _add_edge(graph, last_node, node, ENTRIES_PER_YEAR, first_of_year - last_month, reason)


def _add_capacity_edges(graph: nx.DiGraph, scenario: Scenario, plan: Plan) -> None:
    """Phase B using supplier s starts in month t while s was full in t-1 (B would not fit):
    every phase A using s that ends in t-1 is waited for, ``A.end -> B.start``, gap 1."""
    capacity = {s.id: s.capacity for s in scenario.suppliers}
    use = plan.supplier_use()
    phases = [(cp.id, p) for cp in plan.clusters for p in cp.phases]
    for cluster_id, phase in phases:
        for supplier, units in sorted(phase.uses.items()):
            if supplier not in capacity:
                continue
            before = phase.start - 1
            if use[supplier].get(before, 0) + units <= capacity[supplier]:
                continue
            reason = f"waits for {supplier} capacity ({capacity[supplier]})"
            target = node_id(cluster_id, phase.id, "start")
            for other_id, other in phases:
                if other.end == before and supplier in other.uses:
                    source = node_id(other_id, other.id, "end")
                    _add_edge(graph, source, target, SUPPLIER_CAPACITY, 1, reason)


# -- critical chain ------------------------------------------------------------------------------


def critical_chain(
    scenario: Scenario, plan: Plan, graph: nx.DiGraph | None = None
) -> list[ChainLink]:
    """The chain of tight rules behind completion, earliest milestone first.

    It ends at the last phase end that sets completion (the latest last-phase end; ties go to the cluster
    first in the scenario) and is empty when the plan has no schedule.
    """
    pairs = _cluster_pairs(scenario, plan)
    if not plan.has_schedule or not pairs:
        return []
    last = max(pairs, key=lambda pair: pair[1].finish)  # max keeps the first of equals
    return cluster_chain(scenario, plan, last[1].id, graph)


def cluster_chain(
    scenario: Scenario, plan: Plan, cluster_id: str, graph: nx.DiGraph | None = None
) -> list[ChainLink]:
    """The chain of tight rules behind the end of one cluster's last phase, earliest milestone first."""
    if not plan.has_schedule:
        return []
    graph = build_graph(scenario, plan) if graph is None else graph
    cluster_plan = plan.cluster(cluster_id)
    target = node_id(cluster_id, cluster_plan.phases[-1].id, "end")
    return _walk_back(scenario, plan, graph, target)


def _walk_back(scenario: Scenario, plan: Plan, graph: nx.DiGraph, target: str) -> list[ChainLink]:
    order = {cluster.id: index for index, cluster in enumerate(scenario.clusters)}
    links: list[ChainLink] = []
    seen: set[str] = set()
    node = target
    while True:
        seen.add(node)
        month = graph.nodes[node]["month"]
        tight = _tight_edges(graph, node, seen, order)
        if not tight:
            links.append(ChainLink(node, month, _origin_reason(scenario, plan, graph, node)))
            break
        source, data = tight[0]
        links.append(ChainLink(node, month, data["reason"], data["kind"]))
        node = source
    return links[::-1]


def _tight_edges(
    graph: nx.DiGraph, node: str, seen: set[str], order: dict[str, int]
) -> list[tuple[str, dict[str, Any]]]:
    """Incoming edges with no slack, preferred first: by kind (:data:`KINDS`), then the latest
    source, then scenario cluster order and name."""
    edges = [
        (u, data)
        for u, _, data in graph.in_edges(node, data=True)
        if data["slack"] <= 0 and u not in seen
    ]

    def key(item: tuple[str, dict[str, Any]]) -> tuple[int, int, int, str]:
        source, data = item
        attrs = graph.nodes[source]
        return (_RANK[data["kind"]], -attrs["month"], order.get(attrs["cluster"], 0), source)

    return sorted(edges, key=key)


def _origin_reason(scenario: Scenario, plan: Plan, graph: nx.DiGraph, node: str) -> str:
    """Why a milestone that no tight rule holds is where it is."""
    attrs = graph.nodes[node]
    label = attrs["label"]
    if attrs.get("actual"):
        return f"history: started {label} (actual)"
    status = scenario.status_date
    if status is not None and attrs["month"] == status and attrs["edge"] == "start":
        return f"status date {label}: nothing new starts before it"
    if attrs.get("fixed_entry") == label:
        return f"fixed entry {label} (already decided)"
    if attrs.get("earliest_entry") == label:
        return f"earliest entry {label} (readiness)"
    if attrs["month"] == scenario.horizon.start:
        return f"horizon starts {label}"
    uses = _phase_uses(graph, node)
    for supplier in scenario.suppliers:
        if supplier.id in uses and supplier.available_from == attrs["month"]:
            return f"{supplier.id} available from {label}"
    if attrs.get("entry"):
        held = why_not_earlier(scenario, plan, attrs["cluster"])
        if held:
            return held
        return f"chosen by the optimiser (entry window {attrs['entry_window']})"
    return "chosen by the optimiser"


def _phase_uses(graph: nx.DiGraph, node: str) -> set[str]:
    """The suppliers a start milestone's phase uses (read back from its ``uses`` label)."""
    text = graph.nodes[node].get("uses", "")
    return {item.split(":")[0] for item in text.split(";") if item}
