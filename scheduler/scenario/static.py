"""Static feasibility: problems visible before any solving (cycles, lifecycles that cannot fit).

Bounds use each phase's shortest option and no waits, so they never exceed what a plan can do:
a problem reported here is a certain infeasibility, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from scheduler.scenario.clusters import ClusterDraft
from scheduler.scenario.fields import Reader
from scheduler.scenario.model import Cluster, Horizon, Policy
from scheduler.scenario.yamlnodes import child_path, item_path
from scheduler.units import month_label

__all__ = ["Earliest", "check_static", "dependency_cycles", "earliest_starts"]


@dataclass(frozen=True)
class Earliest:
    """Lower bounds on one cluster's phase starts; ``pushed`` when its dependencies raised them."""

    entry: int
    starts: tuple[int, ...]
    finish: int
    pushed: bool

    def end_of(self, cluster: Cluster, phase_id: str) -> int:
        index = cluster.phase_index(phase_id)
        return self.starts[index] + cluster.phases[index].shortest - 1


def _first_drafts(drafts: list[ClusterDraft]) -> dict[str, ClusterDraft]:
    """The first cluster read with each id (a duplicate id is reported elsewhere)."""
    firsts: dict[str, ClusterDraft] = {}
    for draft in drafts:
        if draft.id is not None:
            firsts.setdefault(draft.id, draft)
    return firsts


def dependency_cycles(drafts: list[ClusterDraft]) -> list[list[str]]:
    """One cycle per strongly connected group of the cluster-level ``depends_on`` graph."""
    firsts = _first_drafts(drafts)
    order = {cluster_id: index for index, cluster_id in enumerate(firsts)}
    graph = nx.DiGraph()
    for cluster_id, draft in firsts.items():
        for dep in draft.dependencies:
            if dep.cluster in order and dep.cluster != cluster_id:
                graph.add_edge(cluster_id, dep.cluster)
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        first = min(component, key=order.__getitem__)
        edges = nx.find_cycle(graph.subgraph(component), source=first)
        cycle = [edge[0] for edge in edges]
        start = cycle.index(min(cycle, key=order.__getitem__))
        cycles.append(cycle[start:] + cycle[:start])
    return sorted(cycles, key=lambda cycle: order[cycle[0]])


def earliest_starts(
    horizon: Horizon, clusters: list[Cluster], acyclic: bool
) -> dict[str, Earliest]:
    """Earliest possible phase starts of every cluster, following dependencies when acyclic."""
    by_id = {cluster.id: cluster for cluster in clusters}
    graph = nx.DiGraph()
    graph.add_nodes_from(by_id)
    if acyclic:
        for cluster in clusters:
            for dep in cluster.depends_on:
                if dep.cluster in by_id:
                    graph.add_edge(dep.cluster, cluster.id)
    result: dict[str, Earliest] = {}
    for cluster_id in nx.lexicographical_topological_sort(graph):
        cluster = by_id[cluster_id]
        entry = cluster.fixed_entry
        if entry is None:
            entry = max(cluster.earliest_entry or horizon.start, horizon.start)
        bounds = [0] * len(cluster.phases)
        for dep in cluster.depends_on if acyclic else ():
            other, done = by_id.get(dep.cluster), result.get(dep.cluster)
            if other is None or done is None:
                continue
            index = other.phase_index(dep.milestone.phase)
            month = done.starts[index]
            if dep.milestone.edge == "end":
                month += other.phases[index].shortest - 1
            bound = month + dep.offset
            mine = cluster.phase_index(dep.this.phase)
            if dep.this.edge == "end":
                bound -= max(mode.months for mode in cluster.phases[mine].modes) - 1
            bounds[mine] = max(bounds[mine], bound)
        starts = [max(entry, bounds[0])]
        for index in range(1, len(cluster.phases)):
            previous = starts[-1] + cluster.phases[index - 1].shortest
            starts.append(max(previous, bounds[index]))
        finish = starts[-1] + cluster.phases[-1].shortest - 1
        unpushed = entry + sum(phase.shortest for phase in cluster.phases) - 1
        result[cluster_id] = Earliest(entry, tuple(starts), finish, finish > unpushed)
    return result


def _cycles(reader: Reader, drafts: list[ClusterDraft]) -> bool:
    firsts = _first_drafts(drafts)
    cycles = dependency_cycles(drafts)
    for cycle in cycles:
        draft = firsts[cycle[0]]
        target = cycle[1]
        dep = next(dep for dep in draft.dependencies if dep.cluster == target)
        node, path = dep.fields.get("cluster")
        named = " -> ".join([*cycle, cycle[0]])
        reader.error(node, path, f"dependency cycle: {named}")
    return not cycles


def _fit(reader: Reader, draft: ClusterDraft, earliest: Earliest, horizon: Horizon) -> None:
    cluster = draft.cluster
    assert cluster is not None
    if earliest.finish <= horizon.end:
        return
    end = month_label(horizon.end)
    if earliest.pushed:
        finish = month_label(earliest.finish)
        message = f"cannot finish before {finish} given its depends_on, but the horizon ends {end}"
    else:
        months = earliest.finish - earliest.entry + 1
        start = month_label(earliest.entry)
        message = f"needs {months} months from {start} but the horizon ends {end}"
    path = draft.path
    reader.error(None, path, f"cluster '{cluster.id}' {message}", reader.line_of(path))


def _legacy(reader: Reader, draft: ClusterDraft, earliest: Earliest) -> None:
    cluster = draft.cluster
    assert cluster is not None
    for index, legacy in enumerate(cluster.legacy):
        if legacy.hard_deadline is None:
            continue
        retire = earliest.end_of(cluster, legacy.replaced_by)
        if legacy.hard_deadline < retire:
            path = child_path(item_path(child_path(draft.path, "legacy"), index), "hard_deadline")
            message = (
                f"{month_label(legacy.hard_deadline)} is before the earliest possible retirement "
                f"{month_label(retire)} (end of {legacy.replaced_by})"
            )
            reader.error(None, path, message, reader.line_of(path))


def _deadline(reader: Reader, policy: Policy, cluster: Cluster, earliest: Earliest) -> None:
    if policy.deadline is None or policy.deadline >= earliest.finish:
        return
    message = (
        f"{month_label(policy.deadline)} is before the earliest possible finish of "
        f"'{cluster.id}' ({month_label(earliest.finish)})"
    )
    reader.error(None, "policy.deadline", message, reader.line_of("policy.deadline"))


def _entry_reachable(reader: Reader, draft: ClusterDraft, earliest: Earliest) -> None:
    cluster = draft.cluster
    assert cluster is not None
    last = cluster.fixed_entry if cluster.fixed_entry is not None else cluster.latest_entry
    if last is None or earliest.starts[0] <= last:
        return
    key = "fixed_entry" if cluster.fixed_entry is not None else "latest_entry"
    path = child_path(draft.path, key)
    allowed = month_label(earliest.starts[0])
    message = f"{month_label(last)} is before the earliest entry its depends_on allow, {allowed}"
    reader.error(None, path, message, reader.line_of(path))


def check_static(
    reader: Reader, drafts: list[ClusterDraft], horizon: Horizon | None, policy: Policy
) -> None:
    """Record every certain infeasibility among the clusters that were read without problems."""
    acyclic = _cycles(reader, drafts)
    if horizon is None:
        return
    built = [draft for draft in drafts if draft.cluster is not None]
    clusters = [draft.cluster for draft in built if draft.cluster is not None]
    earliest = earliest_starts(horizon, clusters, acyclic)
    for draft in built:
        cluster = draft.cluster
        assert cluster is not None
        _fit(reader, draft, earliest[cluster.id], horizon)
        _legacy(reader, draft, earliest[cluster.id])
        _deadline(reader, policy, cluster, earliest[cluster.id])
        _entry_reachable(reader, draft, earliest[cluster.id])
