"""The time-indexed form of the CP-SAT model: every rule over the assignment literals alone.

When every cluster is assigned to (market entry, option combination) by literals ``x[c,e,k]``
(:mod:`scheduler.solve.cpsat.assign`), each rule across clusters is linear in those literals, and
the interval variables and their propagators only cost time: the LP relaxation of this form is the
MILP's (:mod:`scheduler.solve.milp.model`), which CP-SAT's linear worker then tightens with its own
cuts. Measured on the generated 10-year programmes (bench/README.md), this form with CP-SAT's
presolve off proves 100 clusters optimal several times faster than CBC proves the MILP.

In this form a pair ``(e, k)`` that breaks a rule of one cluster alone (entry bounds, fixed entry,
a supplier's window, the programme deadline, a hard legacy deadline) gets no literal (the same as
fixing it to 0, which the presolve would otherwise have to discover), and:

- supplier capacity, per supplier ``j`` and month ``t``:
  ``sum_{c,e,k} units[c,k,j,t-e] x[c,e,k] <= cap[j]``;
- the stagger ``g``, per window of ``g`` months ``a .. a+g-1``: ``sum_{c,k} sum_{a<=e<a+g} x <= 1``
  (two entries closer than ``g`` share the window starting at the earlier one);
- at most ``n`` entries per financial year: ``sum_{c,k} sum_{fy(e)=y} x[c,e,k] <= n``.

It is used only for a model that is not relaxable (an infeasibility explanation guards each rule
group with a literal, which the interval form does).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

import numpy as np
from ortools.sat.python import cp_model

from scheduler.scenario.data import Cluster, Scenario
from scheduler.solve.cpsat.assign import admissible_range, new_assignment
from scheduler.solve.cpsat.variables import ClusterVars, LinearExpr, ModelCore, PhaseVars


def use_time_indexed(
    scenario: Scenario, relaxable: bool, assignable: Callable[[Cluster], bool]
) -> bool:
    """Whether to build the time-indexed form: every cluster can be assigned (``assignable``, the
    rule of :func:`scheduler.solve.cpsat.assign.eligible`), no rule has to be relaxable, and at
    most ``MAX_PAIRS`` admissible (entry, combination) pairs
    (:func:`scheduler.solve.cpsat.assign.admissible_range`). The capacity rows hold one term per
    literal and month it uses a supplier, 3.5 million at 1,000 generated clusters (78,000 pairs);
    10,000 clusters keep the interval form. A scenario with a status date (actuals, the history
    of :mod:`scheduler.solve.history`) keeps it too."""
    if relaxable or not scenario.clusters or not all(map(assignable, scenario.clusters)):
        return False
    if scenario.status_date is not None:  # history (actuals) keeps the interval form
        return False
    months, origin = scenario.horizon.months, scenario.horizon.start
    pairs = 0
    for cluster in scenario.clusters:
        for modes in itertools.product(*(phase.modes for phase in cluster.phases)):
            lo, hi = admissible_range(scenario, cluster, modes)
            length = sum(mode.months for mode in modes)
            pairs += max(0, min(months - length, hi - origin) - max(0, lo - origin) + 1)
        if pairs > MAX_PAIRS:
            return False
    return True


MAX_PAIRS = 200_000  # admissible pairs; 1,000 generated clusters over 10 years: 78,000


def time_indexed_cluster(built: ModelCore, cluster: Cluster, entry_lo: int) -> ClusterVars:
    """A cluster of the time-indexed form: its assignment literals ``x[c,e,k]`` (entries from
    ``entry_lo``), and each phase's start, end and option choice as sums over them,
    ``s[c,p] = sum (e + offset[k,p]) x``, ``e[c,p] = sum (e + offset[k,p] + months[k,p] - 1) x``,
    ``x[c,p,m] = sum_{k: k_p = m} x``, with no variable of their own."""
    assignment = new_assignment(built, cluster, entry_lo)
    combos = np.array(assignment.combos, dtype=np.int64).reshape(len(assignment.combos), -1)
    phases: dict[str, PhaseVars] = {}
    for index, phase in enumerate(cluster.phases):
        start = assignment.entries + assignment.offset_of[:, index]
        mode_of = combos[assignment.combo_of, index]
        months = np.array([mode.months for mode in phase.modes], dtype=np.int64)[mode_of]
        if len(phase.modes) == 1:
            chosen: tuple[LinearExpr, ...] = (built.model.new_constant(1),)
        else:
            chosen = tuple(
                assignment.weighted_array((mode_of == m).astype(np.int64))
                for m in range(len(phase.modes))
            )
        phases[phase.id] = PhaseVars(
            assignment.weighted_array(start),
            assignment.weighted_array(start + months - 1),
            phase.modes,
            chosen,
            (),
            entry_lo + assignment.offsets[0][index],
        )
    return ClusterVars(cluster, phases, assignment=assignment)


def add_capacity_by_month(built: ModelCore) -> None:
    """``sum_{c,e,k} units[c,k,j,t-e] x[c,e,k] <= cap[j]`` for every supplier ``j`` and month ``t``
    where the clusters together could exceed the capacity (the sum over clusters of each one's
    most units at ``t`` is above ``cap[j]``). Built with numpy, straight into the model's rows:
    on 1,000 generated clusters these rows hold 3.5 million terms, which took 9 s as Python
    expressions. Rows are in (supplier, month) order, each row's terms in variable order."""
    suppliers = sorted(
        {
            sid
            for c in built.scenario.clusters
            for p in c.phases
            for m in p.modes
            for sid, _ in m.uses
        }
    )
    terms = _capacity_terms(built, {sid: i for i, sid in enumerate(suppliers)})
    if terms is None:
        return
    row, cluster, var, units = terms
    # the most units each cluster can hold in a row, summed over the clusters
    cell = np.argsort(row * len(built.clusters) + cluster, kind="stable")  # by row, cluster
    cell_row, cell_cluster = row[cell], cluster[cell]
    fresh = np.ones(len(cell), dtype=bool)
    fresh[1:] = (cell_row[1:] != cell_row[:-1]) | (cell_cluster[1:] != cell_cluster[:-1])
    starts = np.flatnonzero(fresh)
    most = np.maximum.reduceat(units[cell], starts)
    rows, first = np.unique(row, return_index=True)
    demand = np.bincount(np.searchsorted(rows, cell_row[starts]), weights=most, minlength=len(rows))
    bounds = np.append(first, len(var))
    proto = built.model.proto
    for r, key in enumerate(rows.tolist()):
        capacity = built.scenario.supplier(suppliers[key // built.months]).capacity
        if demand[r] <= capacity:
            continue
        lo, hi = bounds[r], bounds[r + 1]
        linear = proto.constraints.add().linear
        linear.vars.extend(var[lo:hi].tolist())
        linear.coeffs.extend(units[lo:hi].tolist())
        linear.domain.extend([INT64_MIN, capacity])


def _capacity_terms(
    built: ModelCore, code: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Every term of the capacity rows, one per (row, variable) with its units summed, sorted by
    row (``supplier code * months + month``) then variable: the arrays row, cluster (its position),
    variable index and units; ``None`` when no mode uses a supplier."""
    # each (cluster, combination) of a mode using a supplier: a segment of that combination
    # (phase offset, months, supplier row base, units); its literals then expand into terms
    seg_combo, seg_offset, seg_months, seg_base, seg_units = [], [], [], [], []
    lit_combo, lit_entry, lit_var, lit_cluster = [], [], [], []
    combos_before = 0
    for position, cv in enumerate(built.clusters.values()):
        assignment = cv.assignment
        assert assignment is not None  # every cluster is assigned in this form
        phases = list(cv.phases.values())
        for k, combo in enumerate(assignment.combos):
            for i, pv in enumerate(phases):
                mode = pv.modes[combo[i]]
                for supplier_id, count in mode.uses:
                    seg_combo.append(combos_before + k)
                    seg_offset.append(assignment.offsets[k][i])
                    seg_months.append(mode.months)
                    seg_base.append(code[supplier_id] * built.months)
                    seg_units.append(count)
        lit_combo.append(combos_before + assignment.combo_of)
        lit_entry.append(assignment.entries)
        lit_var.append(assignment.index)
        lit_cluster.append(np.full(len(assignment.entries), position, dtype=np.int64))
        combos_before += len(assignment.combos)
    if not seg_combo:
        return None
    segments = _Segments(seg_combo, seg_offset, seg_months, seg_base, seg_units, combos_before)
    row, cluster, var, units = segments.terms(
        np.concatenate(lit_combo),
        np.concatenate(lit_entry),
        np.concatenate(lit_var),
        np.concatenate(lit_cluster),
    )
    order = np.argsort(row * (int(var.max()) + 1) + var, kind="stable")  # by row, variable
    row, cluster, var, units = row[order], cluster[order], var[order], units[order]
    fresh = np.ones(len(var), dtype=bool)
    fresh[1:] = (row[1:] != row[:-1]) | (var[1:] != var[:-1])
    starts = np.flatnonzero(fresh)
    return row[starts], cluster[starts], var[starts], np.add.reduceat(units, starts)


class _Segments:
    """The supplier use of every (cluster, combination), as segments sorted by combination: a
    literal of combination ``k`` holds ``units`` of a supplier in months ``e + offset ..
    e + offset + months - 1`` of each of ``k``'s segments."""

    def __init__(
        self,
        combo: list[int],
        offset: list[int],
        months: list[int],
        base: list[int],
        units: list[int],
        combos: int,
    ) -> None:
        self.offset = np.array(offset, dtype=np.int64)
        self.months = np.array(months, dtype=np.int64)
        self.base = np.array(base, dtype=np.int64)
        self.units = np.array(units, dtype=np.int64)
        self.count = np.bincount(np.array(combo, dtype=np.int64), minlength=combos)
        self.first = np.concatenate([[0], np.cumsum(self.count)[:-1]])

    def terms(
        self, combo: np.ndarray, entry: np.ndarray, var: np.ndarray, cluster: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One term per literal, segment and month: (row, cluster, variable, units), unsorted."""
        per_literal = self.count[combo]
        segment = _ranges(self.first[combo], per_literal)  # each literal's segments in turn
        entry, var, cluster = (np.repeat(a, per_literal) for a in (entry, var, cluster))
        months = self.months[segment]
        month = _ranges(entry + self.offset[segment], months)  # each segment's months in turn
        return (
            np.repeat(self.base[segment], months) + month,
            np.repeat(cluster, months),
            np.repeat(var, months),
            np.repeat(self.units[segment], months),
        )


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[0] .. starts[0] + lengths[0] - 1``, then the next range, ... as one array."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    step = np.ones(total, dtype=np.int64)
    nonempty = lengths > 0
    at = (ends - lengths)[nonempty]
    previous_end = np.concatenate([[0], (starts + lengths)[nonempty][:-1]])
    step[at] = starts[nonempty] - previous_end + 1
    step[0] = starts[nonempty][0]
    return np.cumsum(step)


INT64_MIN = -(2**63)  # the lower end of a ``<=`` row's domain, as CP-SAT's own ``add`` writes it


def add_stagger_windows(built: ModelCore) -> None:
    """``sum_{c,k} sum_{a<=e<a+g} x[c,e,k] <= 1`` for every window ``a .. a+g-1`` of the stagger."""
    gap = built.scenario.policy.stagger_months
    if gap <= 0 or len(built.clusters) < 2:
        return
    by_entry = _literals_by_entry(built.clusters.values())
    for a in range(max(1, built.months - gap + 1)):
        window = [(cid, lit) for e in range(a, a + gap) for cid, lit in by_entry.get(e, ())]
        if len({cid for cid, _ in window}) > 1:
            built.model.add(sum(lit for _, lit in window) <= 1)


def add_entries_per_year_by_literals(built: ModelCore) -> None:
    """``sum_{c,k} sum_{fy(e)=y} x[c,e,k] <= n`` for every financial year ``y``."""
    limit = built.scenario.policy.max_entries_per_year
    if limit is None:
        return
    in_year: dict[int, list[tuple[str, cp_model.IntVar]]] = {}
    for e, pairs in _literals_by_entry(built.clusters.values()).items():
        in_year.setdefault(built.fy_of[e], []).extend(pairs)
    for pairs in in_year.values():
        if len({cid for cid, _ in pairs}) > limit:
            built.model.add(sum(lit for _, lit in pairs) <= limit)


def _literals_by_entry(
    clusters: Iterable[ClusterVars],
) -> dict[int, list[tuple[str, cp_model.IntVar]]]:
    out: dict[int, list[tuple[str, cp_model.IntVar]]] = {}
    for cv in clusters:
        assert cv.assignment is not None  # every cluster is assigned in this form
        for (e, _), literal in cv.assignment.literals.items():
            out.setdefault(e, []).append((cv.cluster.id, literal))
    return out


def _weighted(pairs: list[tuple[cp_model.IntVar, int]]) -> LinearExpr:
    return cp_model.LinearExpr.weighted_sum([p[0] for p in pairs], [p[1] for p in pairs])
