"""The serial schedule generator: re-time a plan under sampled durations, all runs at once.

A run keeps the plan's decisions (market entries, options, the order in which phases take each
supplier) and moves only what the sampled durations push. Jobs are placed one by one in a fixed
order (a topological order of the rules below, earliest planned start first), every run at once
as numpy arrays over runs. Job ``j`` of run ``r`` starts at the least month ``s >= est`` where
its suppliers have room for its units in every month ``s .. s + d[j,r] - 1``, with

    est = max( planned start of j, status date D           (never earlier than planned; at a
                                                            status date nothing new before D)
             , e[prev] + 1                                 (the cluster's previous phase)
             , other + offset (- d + 1 for an ``.end``)     (each ``depends_on``)
             , E[previous entry] + stagger                 (entries keep their planned order)
             , s[i] for each i planned earlier on a supplier of j   (the plan's order kept) )

A fixed market entry does not move: its first phase starts at its planned month and holds its
supplier units from the start of every pass. Nor does history: a phase with actuals starts at its
actual start and holds its units for its (sampled, if running) months from the start of every
pass, so a run keeps history exactly as :mod:`scheduler.rules.check` demands.

If the rules form a cycle (zero-length dependency cycles), jobs are placed in planned-start order
and the pass repeats with the starts raised to what the rules demand until nothing changes.

``driver[j, r]`` is the job whose month set ``s[j,r]`` (the tight rule, in the order above; for a
supplier, the job that freed the units), ``-1`` when ``j`` is at its planned start by itself;
``through_end[j, r]`` says whether the driver holds ``j`` by its end (the previous phase, an
``.end`` dependency, freed units), so that its months matter, or only by its start (stagger, the
supplier order, a ``.start`` dependency).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from scheduler.analysis.risk.jobs import Job, job_index
from scheduler.scenario.data import Scenario

__all__ = ["Network", "Schedule", "retime"]

MAX_PASSES = 50
NONE = -1


@dataclass(frozen=True)
class Schedule:
    """Per job and run: start and (inclusive) end month, and the job that set the start."""

    start: np.ndarray
    end: np.ndarray
    driver: np.ndarray
    through_end: np.ndarray  # the driver holds j by its end (True) or by its start (False)
    passes: int = 1


@dataclass
class Network:
    """The rules between jobs that a run keeps, and the order jobs are placed in."""

    jobs: tuple[Job, ...]
    prev: list[int]
    deps: list[list[tuple[int, str, int, str]]]  # (other job, other edge, offset, this edge)
    stagger_prev: list[int]
    stagger: int
    earlier_on: list[list[int]]  # jobs planned to start earlier on a supplier this job uses
    capacity: dict[str, int]
    earliest: list[int] = field(default_factory=list)  # least start: planned, and >= D if new
    order: list[int] = field(default_factory=list)
    acyclic: bool = True

    @classmethod
    def build(cls, scenario: Scenario, jobs: tuple[Job, ...]) -> Network:
        index = job_index(jobs)
        prev = [NONE] * len(jobs)
        for j, job in enumerate(jobs):
            if job.position > 0:
                prev[j] = j - 1
        deps: list[list[tuple[int, str, int, str]]] = [[] for _ in jobs]
        for cluster in scenario.clusters:
            for dep in cluster.depends_on:
                this = index[(cluster.id, dep.this.phase)]
                other = index[(dep.cluster, dep.milestone.phase)]
                deps[this].append((other, dep.milestone.edge, dep.offset, dep.this.edge))
        firsts = sorted((job.start, j) for j, job in enumerate(jobs) if job.position == 0)
        stagger = scenario.policy.stagger_months
        stagger_prev = [NONE] * len(jobs)
        if stagger > 0:
            for (_, before), (_, after) in itertools.pairwise(firsts):
                stagger_prev[after] = before
        earlier_on: list[list[int]] = [[] for _ in jobs]
        for j, job in enumerate(jobs):
            suppliers = {sid for sid, _ in job.uses}
            earlier_on[j] = [
                i
                for i, other in enumerate(jobs)
                if other.start < job.start and suppliers & {sid for sid, _ in other.uses}
            ]
        capacity = {s.id: s.capacity for s in scenario.suppliers}
        status = scenario.status_date
        earliest = [
            job.start if job.fixed or status is None else max(job.start, status) for job in jobs
        ]
        network = cls(jobs, prev, deps, stagger_prev, stagger, earlier_on, capacity, earliest)
        network.order, network.acyclic = network._order()
        return network

    def _order(self) -> tuple[list[int], bool]:
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(range(len(self.jobs)))
        for j in range(len(self.jobs)):
            for i in (self.prev[j], self.stagger_prev[j]):
                if i != NONE:
                    graph.add_edge(i, j)
            for other, *_ in self.deps[j]:
                graph.add_edge(other, j)
            if self.earlier_on[j]:
                latest = max(self.earlier_on[j], key=lambda i: (self.jobs[i].start, i))
                graph.add_edge(latest, j)
        key = {j: (job.start, j) for j, job in enumerate(self.jobs)}
        try:
            return list(nx.lexicographical_topological_sort(graph, key=key.__getitem__)), True
        except nx.NetworkXUnfeasible:
            return sorted(range(len(self.jobs)), key=key.__getitem__), False


class _Usage:
    """Units of each supplier in use per run and month (months from ``origin``), growable.
    ``used_end`` is the first month offset after the last one any run uses."""

    def __init__(self, suppliers: list[str], runs: int, origin: int, months: int) -> None:
        self.origin = origin
        self.use = {sid: np.zeros((runs, months), dtype=np.int32) for sid in suppliers}
        self.months = months
        self.used_end = 0

    def _ensure(self, last: int) -> None:
        if last <= self.months:
            return
        grow = max(last - self.months, self.months // 2, 12)
        for sid, array in self.use.items():
            self.use[sid] = np.pad(array, ((0, 0), (0, grow)))
        self.months += grow

    def add(self, sid: str, units: int, start: np.ndarray, months: np.ndarray) -> None:
        offset = start - self.origin
        lo, hi = int(offset.min()), int((offset + months).max())
        self._ensure(hi)
        columns = np.arange(lo, hi)
        inside = (columns >= offset[:, None]) & (columns < (offset + months)[:, None])
        self.use[sid][:, lo:hi] += units * inside.astype(np.int32)
        self.used_end = max(self.used_end, hi)

    def earliest(
        self,
        uses: tuple[tuple[str, int], ...],
        capacity: dict[str, int],
        est: np.ndarray,
        months: np.ndarray,
    ) -> np.ndarray:
        """Per run, the least start ``>= est`` with room for ``uses`` over ``months`` months."""
        offset = est - self.origin
        lo, hi = int(offset.min()), self.used_end
        if hi <= lo:
            return est
        blocked = np.zeros((est.shape[0], hi - lo), dtype=bool)
        for sid, units in uses:
            blocked |= self.use[sid][:, lo:hi] + units > capacity[sid]
        width = hi - lo
        free = np.iinfo(np.int64).max // 2  # no blocked month from here on
        marks = np.where(blocked, np.arange(width), free)
        next_blocked = np.minimum.accumulate(marks[:, ::-1], axis=1)[:, ::-1]
        t = offset - lo
        rows = np.arange(est.shape[0])
        for _ in range(width + 1):
            inside = t < width
            nb = np.full(t.shape, free)
            nb[inside] = next_blocked[rows[inside], t[inside]]
            bad = nb < t + months
            if not bad.any():
                break
            t = np.where(bad, nb + 1, t)
        return t + lo + self.origin


def retime(network: Network, months: np.ndarray) -> Schedule:
    """Re-time every run: ``months[j, r]`` are the sampled durations."""
    runs = months.shape[1]
    lower = np.array(network.earliest, dtype=np.int64)[:, None].repeat(runs, axis=1)
    passes = 0
    while True:
        passes += 1
        schedule = _pass(network, months, lower, passes)
        required = _required(network, schedule, months)
        short = schedule.start < required
        if not short.any() or passes >= MAX_PASSES or network.acyclic:
            return schedule
        lower = np.maximum(lower, required)


def _pass(network: Network, months: np.ndarray, lower: np.ndarray, passes: int) -> Schedule:
    jobs = network.jobs
    runs = months.shape[1]
    suppliers = sorted({sid for job in jobs for sid, _ in job.uses})
    origin = min(job.start for job in jobs)
    span = max(job.start + job.months for job in jobs) - origin
    extra = int(np.maximum(months - np.array([[job.months] for job in jobs]), 0).sum(axis=0).max())
    usage = _Usage(suppliers, runs, origin, span + extra + 24)
    start = np.zeros_like(months)
    end = np.zeros_like(months)
    driver = np.full(months.shape, NONE, dtype=np.int64)
    through_end = np.zeros(months.shape, dtype=bool)
    placed = np.zeros(len(jobs), dtype=bool)
    for j, job in enumerate(jobs):
        if job.fixed:
            start[j] = job.start
            end[j] = job.start + months[j] - 1
            for sid, units in job.uses:
                usage.add(sid, units, start[j], months[j])
    on_supplier: dict[str, list[int]] = {sid: [] for sid in suppliers}
    for j in network.order:
        job = jobs[j]
        if job.fixed:
            placed[j] = True
            for sid, _ in job.uses:
                on_supplier[sid].append(j)
            continue
        est = lower[j].copy()
        who = np.full(runs, NONE, dtype=np.int64)
        via_end = np.zeros(runs, dtype=bool)
        candidates: list[tuple[np.ndarray, int, bool]] = []
        if network.prev[j] != NONE:
            candidates.append((end[network.prev[j]] + 1, network.prev[j], True))
        for other, edge, offset, this_edge in network.deps[j]:
            if not placed[other]:
                continue
            value = (start[other] if edge == "start" else end[other]) + offset
            if this_edge == "end":
                value = value - months[j] + 1
            candidates.append((value, other, edge == "end"))
        stagger_prev = network.stagger_prev[j]
        if stagger_prev != NONE and placed[stagger_prev]:
            candidates.append((start[stagger_prev] + network.stagger, stagger_prev, False))
        for i in network.earlier_on[j]:
            if placed[i]:
                candidates.append((start[i], i, False))
        for value, _, _ in candidates:
            est = np.maximum(est, value)
        for value, source, by_end in reversed(candidates):  # the first listed wins a tie
            tight = value == est
            who = np.where(tight, source, who)
            via_end = np.where(tight, by_end, via_end)
        if job.uses:
            begin = usage.earliest(job.uses, network.capacity, est, months[j])
            pushed = begin > est
            if pushed.any():
                who = np.where(pushed, NONE, who)
                via_end = np.where(pushed, True, via_end)
                for sid, _ in job.uses:
                    for i in on_supplier[sid]:
                        freed = pushed & (end[i] == begin - 1) & (who == NONE)
                        who = np.where(freed, i, who)
            est = begin
        start[j] = est
        end[j] = est + months[j] - 1
        driver[j] = who
        through_end[j] = via_end
        placed[j] = True
        for sid, units in job.uses:
            usage.add(sid, units, start[j], months[j])
            on_supplier[sid].append(j)
    return Schedule(start, end, driver, through_end, passes)


def _required(network: Network, schedule: Schedule, months: np.ndarray) -> np.ndarray:
    """The least start each job's precedence rules demand, given every other job's months."""
    start, end = schedule.start, schedule.end
    required = start.copy()
    for j, job in enumerate(network.jobs):
        if job.fixed:
            continue
        need = np.full(start.shape[1], network.earliest[j], dtype=np.int64)
        if network.prev[j] != NONE:
            need = np.maximum(need, end[network.prev[j]] + 1)
        for other, edge, offset, this_edge in network.deps[j]:
            value = (start[other] if edge == "start" else end[other]) + offset
            if this_edge == "end":
                value = value - months[j] + 1
            need = np.maximum(need, value)
        if network.stagger_prev[j] != NONE:
            need = np.maximum(need, start[network.stagger_prev[j]] + network.stagger)
        for i in network.earlier_on[j]:
            need = np.maximum(need, start[i])
        required[j] = need
    return required
