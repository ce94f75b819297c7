"""Static feasibility: problems visible before any solving (cycles, lifecycles that cannot fit).

Bounds use each phase's shortest option and no waits, so they never exceed what a plan can do:
a problem reported here is a certain infeasibility, never a guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from scheduler.scenario.clusters import ClusterDraft
from scheduler.scenario.data import Budget, Cluster, Horizon, Mode, Policy, Supplier
from scheduler.scenario.fields import Reader
from scheduler.scenario.yamlnodes import child_path, item_path
from scheduler.units import money_label, month_label, monthly_spread

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


def _cluster_graph(drafts: list[ClusterDraft]) -> tuple[nx.DiGraph, dict[str, int]]:
    """The cluster-level ``depends_on`` graph (an edge from a cluster to each it depends on)."""
    firsts = _first_drafts(drafts)
    order = {cluster_id: index for index, cluster_id in enumerate(firsts)}
    graph: nx.DiGraph[str] = nx.DiGraph()
    for cluster_id, draft in firsts.items():
        for dep in draft.dependencies:
            if dep.cluster in order and dep.cluster != cluster_id:
                graph.add_edge(cluster_id, dep.cluster)
    return graph, order


def _milestone_graph(clusters: Iterable[Cluster]) -> nx.DiGraph:
    """Difference constraints between the milestones of ``clusters``: an edge ``u -> v`` of
    weight ``w`` says ``t(v) >= t(u) + w`` in every plan. For each phase ``i`` of a cluster

    * ``end_i >= start_i + shortest_i - 1`` and ``start_i >= end_i - (longest_i - 1)``;
    * ``start_{i+1} >= end_i + 1`` and ``end_i >= start_{i+1} - 1 - max_wait_{i+1}``;

    and for each dependency ``this >= other + offset``. A cycle of positive total weight makes a
    milestone later than itself: no plan exists (every bound holds whichever options are chosen,
    so this is never a guess). A cycle of weight zero or less can be met (for example two clusters
    whose entries must each be no earlier than the other's: they enter together)."""
    graph: nx.DiGraph[tuple[str, str, str]] = nx.DiGraph()
    ids = {cluster.id for cluster in clusters}
    for cluster in clusters:
        for index, phase in enumerate(cluster.phases):
            start, end = (cluster.id, phase.id, "start"), (cluster.id, phase.id, "end")
            longest = max(mode.months for mode in phase.modes)
            graph.add_edge(start, end, weight=phase.shortest - 1)
            graph.add_edge(end, start, weight=-(longest - 1))
            if index + 1 < len(cluster.phases):
                after = cluster.phases[index + 1]
                following = (cluster.id, after.id, "start")
                graph.add_edge(end, following, weight=1)
                graph.add_edge(following, end, weight=-(1 + after.max_wait))
        for dep in cluster.depends_on:
            if dep.cluster in ids:
                other = (dep.cluster, dep.milestone.phase, dep.milestone.edge)
                this = (cluster.id, dep.this.phase, dep.this.edge)
                weight = max(
                    graph.get_edge_data(other, this, {}).get("weight", dep.offset), dep.offset
                )
                graph.add_edge(other, this, weight=weight)
    return graph


def _positive_cycle(clusters: list[Cluster]) -> int | None:
    """The length in months of a positive-length milestone cycle among ``clusters``, if any."""
    graph = _milestone_graph(clusters)
    negated: nx.DiGraph[tuple[str, str, str]] = nx.DiGraph()
    negated.add_weighted_edges_from((u, v, -d["weight"]) for u, v, d in graph.edges(data=True))
    source = ("", "", "")
    negated.add_weighted_edges_from((source, node, 0) for node in list(graph.nodes))
    try:
        cycle = nx.find_negative_cycle(negated, source)
    except nx.NetworkXError:
        return None
    return sum(graph[u][v]["weight"] for u, v in itertools.pairwise(cycle))


def dependency_cycles(drafts: list[ClusterDraft]) -> list[tuple[list[str], int | None]]:
    """Each strongly connected group of the cluster-level ``depends_on`` graph whose milestones
    form a cycle of positive length (:func:`_milestone_graph`): one cycle of cluster ids through
    it and that length (``None`` when a cluster in it has problems of its own, so its phases are
    unknown). Groups whose cycles all have length zero or less are satisfiable and left out."""
    graph, order = _cluster_graph(drafts)
    firsts = _first_drafts(drafts)
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        members = [firsts[cluster_id].cluster for cluster_id in component]
        built = [cluster for cluster in members if cluster is not None]
        if len(built) < len(members):
            continue  # a cluster in the group has problems of its own, reported as such
        length = _positive_cycle(built)
        if length is None:
            continue
        first = min(component, key=order.__getitem__)
        edges = nx.find_cycle(graph.subgraph(component), source=first)
        cycle = [edge[0] for edge in edges]
        start = cycle.index(min(cycle, key=order.__getitem__))
        cycles.append((cycle[start:] + cycle[:start], length))
    return sorted(cycles, key=lambda item: order[item[0][0]])


def earliest_starts(
    horizon: Horizon, clusters: list[Cluster], acyclic: bool, status: int | None = None
) -> dict[str, Earliest]:
    """Earliest possible phase starts of every cluster, following dependencies when acyclic.
    A phase with actuals starts at its actual start; a phase without starts no earlier than
    the status date."""
    by_id = {cluster.id: cluster for cluster in clusters}
    graph: nx.DiGraph[str] = nx.DiGraph()
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
        if cluster.has_actuals:
            entry = cluster.phases[0].actual.start
        elif status is not None:
            entry = max(entry, status)
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
        starts = [entry if cluster.has_actuals else max(entry, bounds[0])]
        for index in range(1, len(cluster.phases)):
            phase = cluster.phases[index]
            previous = starts[-1] + cluster.phases[index - 1].shortest
            if phase.actual is not None:
                starts.append(phase.actual.start)
            elif cluster.phases[index - 1].actual is not None and status is not None:
                starts.append(max(previous, bounds[index], status))
            else:
                starts.append(max(previous, bounds[index]))
        finish = starts[-1] + cluster.phases[-1].shortest - 1
        unpushed = entry + sum(phase.shortest for phase in cluster.phases) - 1
        result[cluster_id] = Earliest(entry, tuple(starts), finish, finish > unpushed)
    return result


def _cycles(reader: Reader, drafts: list[ClusterDraft]) -> bool:
    """Report each dependency cycle of positive length; whether the cluster graph is acyclic
    (cycles of length zero or less are allowed, but earliest starts then ignore dependencies)."""
    firsts = _first_drafts(drafts)
    for cycle, length in dependency_cycles(drafts):
        draft = firsts[cycle[0]]
        target = cycle[1]
        dep = next(dep for dep in draft.dependencies if dep.cluster == target)
        node, path = dep.fields.at("cluster")
        named = " -> ".join([*cycle, cycle[0]])
        months = "month" if length == 1 else "months"
        message = (
            f"dependency cycle: {named}: its milestones must each be at least {length} {months} "
            "after themselves (a cycle of length zero, such as entering together, is allowed)"
        )
        reader.error(node, path, message)
    return nx.is_directed_acyclic_graph(_cluster_graph(drafts)[0])


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
        if legacy.hard_deadline is None or cluster.phase(legacy.replaced_by).actual is not None:
            continue  # a retirement that is history cannot be infeasible (it is a warning)
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
    if cluster.phases[-1].actual is not None:
        return  # history
    message = (
        f"{month_label(policy.deadline)} is before the earliest possible finish of "
        f"'{cluster.id}' ({month_label(earliest.finish)})"
    )
    reader.error(None, "policy.deadline", message, reader.line_of("policy.deadline"))


def _entry_reachable(reader: Reader, draft: ClusterDraft, earliest: Earliest) -> None:
    cluster = draft.cluster
    assert cluster is not None
    last = cluster.fixed_entry if cluster.fixed_entry is not None else cluster.latest_entry
    if last is None or earliest.starts[0] <= last or cluster.has_actuals:
        return
    key = "fixed_entry" if cluster.fixed_entry is not None else "latest_entry"
    path = child_path(draft.path, key)
    allowed = month_label(earliest.starts[0])
    message = f"{month_label(last)} is before the earliest entry its depends_on allow, {allowed}"
    reader.error(None, path, message, reader.line_of(path))


def _phase_path(draft: ClusterDraft, phase_id: str) -> str:
    """The key path of a cluster's phase: its item in a list of phases, else ``phases.<id>``."""
    entry = draft.fields.get("phases")
    if entry is not None and entry[0].is_seq:
        for index, item in enumerate(entry[0].value):
            ident = item.value.get("id") if item.is_map else None
            if ident is not None and ident.value == phase_id:
                return item_path(entry[1], index)
    return child_path(draft.fields.key_path("phases"), phase_id)


def _window(supplier: Supplier) -> str:
    first, last = supplier.available_from, supplier.available_to
    if first is not None and last is not None:
        return f"{month_label(first)}..{month_label(last)}"
    if first is not None:
        return f"from {month_label(first)}"
    return f"until {month_label(last)}" if last is not None else "always"


def _mode_blocked(
    mode: Mode, start: int, horizon: Horizon, suppliers: dict[str, Supplier]
) -> str | None:
    """Why ``mode`` cannot run when its phase starts no earlier than ``start`` (its suppliers'
    windows or the horizon); ``None`` when it may run."""
    months = mode.months
    if start + months - 1 > horizon.end:
        end = month_label(horizon.end)
        return f"needs {months} months from {month_label(start)} but the horizon ends {end}"
    for supplier_id, _ in mode.uses:
        supplier = suppliers.get(supplier_id)
        if supplier is None:
            continue
        first, last = supplier.available_from, supplier.available_to
        needs = f"needs '{supplier_id}' (available {_window(supplier)}) for {months} months"
        if first is not None and last is not None and last - first + 1 < months:
            return f"{needs}, but it is available for only {last - first + 1}"
        if last is not None and start + months - 1 > last:
            return f"{needs}, but cannot start before {month_label(start)}"
        if first is not None and first + months - 1 > horizon.end:
            return f"{needs}, but the horizon ends {month_label(horizon.end)}"
    windowed = [
        supplier
        for supplier in (suppliers.get(sid) for sid, _ in mode.uses)
        if supplier is not None
        and (supplier.available_from is not None or supplier.available_to is not None)
    ]
    froms = [s.available_from for s in windowed if s.available_from is not None]
    tos = [s.available_to for s in windowed if s.available_to is not None]
    if max([start, *froms]) + months - 1 > min([horizon.end, *tos]):
        named = " and ".join(f"'{s.id}' (available {_window(s)})" for s in windowed)
        return f"needs {named} at once for {months} months, but they never overlap so long"
    return None


def _supplier_windows(
    reader: Reader,
    draft: ClusterDraft,
    earliest: Earliest,
    horizon: Horizon,
    suppliers: dict[str, Supplier],
) -> None:
    """A phase none of whose modes fits inside the windows of the suppliers it uses."""
    cluster = draft.cluster
    assert cluster is not None
    for index, phase in enumerate(cluster.phases):
        start = earliest.starts[index]
        if start + phase.shortest - 1 > horizon.end:
            return  # the cluster cannot fit at all: reported by _fit
        if phase.actual is not None:
            continue  # history: outside a window is a warning
        reasons = [_mode_blocked(mode, start, horizon, suppliers) for mode in phase.modes]
        texts = [reason for reason in reasons if reason is not None]
        if len(texts) < len(reasons):
            continue
        # The shortest mode fits the horizon, so a supplier's window blocks at least that one.
        if phase.has_options:
            parts = [
                f"option {mode.label!r} {text}"
                for mode, text in zip(phase.modes, texts, strict=True)
            ]
            message = "no option can run: " + "; ".join(parts)
        else:
            message = texts[0]
        path = _phase_path(draft, phase.id)
        reader.error(None, path, message, reader.line_of(path))


def _fixed_releases(cluster: Cluster, horizon: Horizon, tranche_k: int) -> dict[int, int] | None:
    """The least releases (£1k) per financial year of a cluster whose every start is fixed, or
    ``None`` when its entry, option choices or waits are still open."""
    if cluster.fixed_entry is None or cluster.has_actuals:
        return None
    if any(phase.has_options or len(phase.modes) != 1 for phase in cluster.phases):
        return None
    if any(phase.max_wait for phase in cluster.phases[1:]):
        return None
    spend: dict[int, int] = {}
    start = cluster.fixed_entry
    for phase in cluster.phases:
        mode = phase.modes[0]
        for offset, amount in enumerate(monthly_spread(mode.cost, mode.months)):
            month = start + offset
            if amount and horizon.start <= month <= horizon.end:
                year = horizon.fiscal_year(month)
                spend[year] = spend.get(year, 0) + amount
        start += mode.months
    return {year: -(-amount // tranche_k) * tranche_k for year, amount in spend.items()}


_CAP_ITEM = re.compile(r"budget\.caps\[(\d+)\]")


def _caps(
    reader: Reader, drafts: list[ClusterDraft], horizon: Horizon, budget: Budget | None
) -> None:
    """A cap below what the fully fixed clusters (fixed entry, no options, no waits) release."""
    if budget is None or budget.carry_forward or not budget.caps:
        return
    items = {int(match.group(1)) for key in reader.lines if (match := _CAP_ITEM.fullmatch(key))}
    if items != set(range(len(budget.caps))):
        return  # a cap was not read, so positions in the file are unknown: reported elsewhere
    fixed: list[tuple[str, dict[int, int]]] = []
    for draft in drafts:
        cluster = draft.cluster
        if cluster is None:
            continue
        releases = _fixed_releases(cluster, horizon, budget.tranche_k)
        if releases:
            fixed.append((cluster.id, releases))
    for index, cap in enumerate(budget.caps):
        path = child_path(item_path("budget.caps", index), "amount")
        item = item_path("budget.caps", index)
        if any(p.key == item or p.key.startswith(item + ".") for p in reader.problems):
            continue
        needs: list[tuple[str, int]] = []
        for cluster_id, releases in fixed:
            inside = cap.released([releases])
            if inside:
                needs.append((cluster_id, inside))
        need = 1000 * sum(amount for _, amount in needs)
        if need <= cap.limit:
            continue
        shown, wanted = money_label(cap.amount), money_label(need)
        if shown == wanted:
            shown, wanted = f"£{cap.amount:,}", f"£{need:,}"
        names = ", ".join(sorted(cluster_id for cluster_id, _ in needs))
        message = (
            f"cap {cap.name} of {shown} is below the {wanted} that the fixed entries alone need "
            f"({names})"
        )
        reader.error(None, path, message, reader.line_of(path))


def check_static(
    reader: Reader,
    drafts: list[ClusterDraft],
    horizon: Horizon | None,
    policy: Policy,
    *,
    suppliers: Iterable[Supplier] = (),
    budget: Budget | None = None,
    status: int | None = None,
) -> None:
    """Record every certain infeasibility among the clusters that were read without problems.

    ``suppliers`` (the valid ones) and ``budget`` enable the supplier-window and cap checks."""
    acyclic = _cycles(reader, drafts)
    if horizon is None:
        return
    windows = {supplier.id: supplier for supplier in suppliers}
    built = [draft for draft in drafts if draft.cluster is not None]
    clusters = [draft.cluster for draft in built if draft.cluster is not None]
    earliest = earliest_starts(horizon, clusters, acyclic, status)
    for draft in built:
        cluster = draft.cluster
        assert cluster is not None
        _fit(reader, draft, earliest[cluster.id], horizon)
        _legacy(reader, draft, earliest[cluster.id])
        _deadline(reader, policy, cluster, earliest[cluster.id])
        _entry_reachable(reader, draft, earliest[cluster.id])
        _supplier_windows(reader, draft, earliest[cluster.id], horizon, windows)
    _caps(reader, built, horizon, budget)
