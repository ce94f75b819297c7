"""A greedy schedule: a quick feasible plan to start the solver from, or to fall back on.

A serial schedule-generation scheme. Clusters are placed one at a time, in an order that respects
``depends_on`` (fixed entries first, then by earliest entry), each at the earliest market entry and
first option combination that keeps every rule with the clusters already placed: entry bounds, the
horizon, the programme deadline, hard deadlines, dependencies, supplier windows and capacity in
every month, the stagger and entries-per-year policies, and the budget caps (releases are the least
covering tranches of each year's spend, which also satisfies carry-forward). Phases run back to
back. It may fail (return ``None``) where a cleverer order would succeed; it never returns a
schedule that breaks a rule, because the result is re-evaluated before it is used.

History (a status date and actuals) is placed as it happened and checked against nothing; the
other clusters are checked against it from the status date on, and caps get what the releases
of the years before the status date left (:mod:`scheduler.solve.history`).
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict

import networkx as nx

from scheduler.rules.evaluate import ClusterDecision, evaluate, mode_of
from scheduler.scenario.data import Cluster, Mode, Scenario
from scheduler.solve.history import cap_room, history_funding, min_entry, phase_offsets
from scheduler.units import monthly_spread

MAX_COMBINATIONS = 16


def greedy_schedule(scenario: Scenario) -> dict[str, ClusterDecision] | None:
    """Decisions for every cluster that break no rule, or ``None`` if the greedy pass fails."""
    placer = _Placer(scenario)
    for cluster in _order(scenario):
        decision = placer.place(cluster)
        if decision is None:
            return None
    if evaluate(scenario, placer.decisions).violations:
        return None
    return placer.decisions


def _order(scenario: Scenario) -> list[Cluster]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    position = {c.id: i for i, c in enumerate(scenario.clusters)}
    for cluster in scenario.clusters:
        graph.add_node(cluster.id)
        for dep in cluster.depends_on:
            graph.add_edge(dep.cluster, cluster.id)

    def key(cid: str) -> tuple[int, int, int, int]:
        cluster = scenario.cluster(cid)
        anchor = cluster.fixed_entry if cluster.fixed_entry is not None else cluster.earliest_entry
        fixed = cluster.fixed_entry is None
        return (not cluster.has_actuals, fixed, anchor or scenario.horizon.start, position[cid])

    # Dependency cycles of length zero (entering together) are allowed: order the groups of
    # mutually dependent clusters, and the clusters of a group by the same key (the placement
    # may then fail, which only means no greedy start).
    groups = nx.condensation(graph)
    members = {group: sorted(groups.nodes[group]["members"], key=key) for group in groups}
    first = {group: key(members[group][0]) for group in groups}
    order = nx.lexicographical_topological_sort(groups, key=first.__getitem__)
    return [scenario.cluster(cid) for group in order for cid in members[group]]


class _Placer:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.horizon = scenario.horizon
        self.decisions: dict[str, ClusterDecision] = {}
        self.usage: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.entries: list[int] = []  # sorted
        self.per_year: dict[int, int] = defaultdict(int)
        budget = scenario.budget
        self.tranche = budget.tranche_k if budget else 1
        self.caps = list(budget.caps if budget else ())
        history = history_funding(scenario)  # releases before the status date: facts
        self.cap_room = [cap_room(scenario, cap, history) for cap in self.caps]
        self.cap_used = [0] * len(self.caps)  # by decisions, in £1k
        fiscal_year, past = self.horizon.fiscal_year, scenario.is_history_year
        self.decision_years: list[int | None] = [  # per month of the horizon; None: history
            None if past(fiscal_year(t)) else fiscal_year(t)
            for t in range(self.horizon.start, self.horizon.end + 1)
        ]

    def place(self, cluster: Cluster) -> ClusterDecision | None:
        option_sets = [
            [mode.option for mode in phase.modes] if phase.has_options else [None]
            for phase in cluster.phases
        ]
        combos = list(itertools.islice(itertools.product(*option_sets), MAX_COMBINATIONS))
        first, last = self._entry_range(cluster)
        if not cluster.has_actuals:
            first = max(first, self._dependency_floor(cluster, combos))
        for entry in range(first, last + 1):
            if not cluster.has_actuals and not self._policy_allows(entry):
                continue
            for options in combos:
                modes = [mode_of(p, o) for p, o in zip(cluster.phases, options, strict=True)]
                months = [mode.months for mode in modes]
                offsets = phase_offsets(cluster, months, self.scenario.status_date)
                decision = ClusterDecision(tuple(entry + at for at in offsets), tuple(options))
                releases = self._releases(decision, modes)
                if self._fits(cluster, decision, modes) and self._within_caps(releases):
                    self._commit(cluster, decision, modes, releases)
                    return decision
        return None

    def _dependency_floor(self, cluster: Cluster, combos: list[tuple]) -> int:
        """The least entry at which some option combination keeps every dependency on the
        clusters already placed: ``min_k max_d (that[d] + offset[d] - at_k[d])``, ``at_k[d]`` being
        this cluster's milestone of ``d`` after its entry with combination ``k``. Every earlier
        entry fails :meth:`_fits`'s dependency test for every combination, so starting the scan
        there finds the same placement with fewer tests (a PSPLIB activity waits for its
        predecessors' ends; scanning from the horizon start tested each month before them)."""
        deps = []
        for dep in cluster.depends_on:
            other = self.decisions.get(dep.cluster)
            if other is None:
                continue
            theirs = self.scenario.cluster(dep.cluster)
            modes = [mode_of(p, o) for p, o in zip(theirs.phases, other.options, strict=True)]
            that = _milestone(theirs, other, modes, dep.milestone.phase, dep.milestone.edge)
            deps.append((that + dep.offset, cluster.phase_index(dep.this.phase), dep.this.edge))
        if not deps:
            return -(10**9)
        floor = None
        for options in combos:
            modes = [mode_of(p, o) for p, o in zip(cluster.phases, options, strict=True)]
            offsets = phase_offsets(cluster, [m.months for m in modes], self.scenario.status_date)
            need = max(
                least - offsets[i] - (0 if edge == "start" else modes[i].months - 1)
                for least, i, edge in deps
            )
            floor = need if floor is None else min(floor, need)
        assert floor is not None
        return floor

    def _entry_range(self, cluster: Cluster) -> tuple[int, int]:
        if cluster.actual_entry is not None:
            return cluster.actual_entry, cluster.actual_entry
        if cluster.fixed_entry is not None:
            return cluster.fixed_entry, cluster.fixed_entry
        first = max(self.horizon.start, cluster.earliest_entry or self.horizon.start)
        first = max(first, min_entry(self.scenario, cluster) or first)
        last = self.horizon.end if cluster.latest_entry is None else cluster.latest_entry
        return first, min(last, self.horizon.end)

    def _policy_allows(self, entry: int) -> bool:
        policy = self.scenario.policy
        gap = policy.stagger_months
        if gap and bisect.bisect_left(self.entries, entry + gap) > bisect.bisect_right(
            self.entries, entry - gap
        ):
            return False  # another entry within ``gap`` months (entries are kept sorted)
        limit = policy.max_entries_per_year
        return limit is None or self.per_year[self.horizon.fiscal_year(entry)] < limit

    def _fits(self, cluster: Cluster, decision: ClusterDecision, modes: list[Mode]) -> bool:
        ends = [s + m.months - 1 for s, m in zip(decision.phase_starts, modes, strict=True)]
        if ends[-1] > self.horizon.end:
            return False
        deadline = self.scenario.policy.deadline
        past = [phase.actual is not None for phase in cluster.phases]
        if deadline is not None and ends[-1] > deadline and not past[-1]:
            return False
        index = {phase.id: i for i, phase in enumerate(cluster.phases)}
        for legacy in cluster.legacy:
            if (
                legacy.hard_deadline is not None
                and ends[index[legacy.replaced_by]] > legacy.hard_deadline
                and not past[index[legacy.replaced_by]]
            ):
                return False
        for dep in cluster.depends_on:
            other = self.decisions.get(dep.cluster)
            if other is None:
                continue  # a dependency on a cluster not yet placed cannot happen in this order
            this = _milestone(cluster, decision, modes, dep.this.phase, dep.this.edge)
            theirs_cluster = self.scenario.cluster(dep.cluster)
            theirs_modes = [
                mode_of(p, o) for p, o in zip(theirs_cluster.phases, other.options, strict=True)
            ]
            that = _milestone(
                theirs_cluster, other, theirs_modes, dep.milestone.phase, dep.milestone.edge
            )
            both = (
                past[index[dep.this.phase]]
                and theirs_cluster.phase(dep.milestone.phase).actual is not None
            )
            if this < that + dep.offset and not both:
                return False
        for start, mode, history in zip(decision.phase_starts, modes, past, strict=True):
            if history:
                continue
            for supplier_id, units in mode.uses:
                supplier = self.scenario.supplier(supplier_id)
                end = start + mode.months - 1
                if supplier.available_from is not None and start < supplier.available_from:
                    return False
                if supplier.available_to is not None and end > supplier.available_to:
                    return False
                used = self.usage[supplier_id]
                if any(used[t] + units > supplier.capacity for t in range(start, end + 1)):
                    return False
        return True

    def _releases(self, decision: ClusterDecision, modes: list[Mode]) -> dict[int, int]:
        """Tranches (in £1k) released per year: the least covering each year's spend."""
        if not self.caps:
            return {}
        spend: dict[int, int] = defaultdict(int)
        year_of = self._year_of
        for start, mode in zip(decision.phase_starts, modes, strict=True):
            for offset, amount in enumerate(monthly_spread(mode.cost, mode.months)):
                year = year_of(start + offset)
                if year is not None:  # history's are facts
                    spend[year] += amount
        budget = self.scenario.budget
        if budget is not None and budget.covers_extensions:
            return {}  # extension spend depends on retirement; leave caps to the full check
        return {y: -(-amount // self.tranche) * self.tranche for y, amount in spend.items()}

    def _year_of(self, month: int) -> int | None:
        """The financial year of ``month`` (``None`` for a history year), from a table."""
        at = month - self.horizon.start
        if 0 <= at < len(self.decision_years):
            return self.decision_years[at]
        year = self.horizon.fiscal_year(month)
        return None if self.scenario.is_history_year(year) else year

    def _within_caps(self, releases: dict[int, int]) -> bool:
        for index, cap in enumerate(self.caps):
            if self.cap_used[index] + cap.released([releases]) > self.cap_room[index]:
                return False
        return True

    def _commit(
        self,
        cluster: Cluster,
        decision: ClusterDecision,
        modes: list[Mode],
        releases: dict[int, int],
    ) -> None:
        self.decisions[cluster.id] = decision
        bisect.insort(self.entries, decision.entry)
        self.per_year[self.horizon.fiscal_year(decision.entry)] += 1
        for start, mode in zip(decision.phase_starts, modes, strict=True):
            for supplier_id, units in mode.uses:
                used = self.usage[supplier_id]
                for t in range(start, start + mode.months):
                    used[t] += units
        for index, cap in enumerate(self.caps):
            self.cap_used[index] += cap.released([releases])


def _milestone(
    cluster: Cluster, decision: ClusterDecision, modes: list[Mode], phase_id: str, edge: str
) -> int:
    index = cluster.phase_index(phase_id)
    start = decision.phase_starts[index]
    return start if edge == "start" else start + modes[index].months - 1


__all__ = ["greedy_schedule"]
