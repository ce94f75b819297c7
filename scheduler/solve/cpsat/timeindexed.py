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

from collections.abc import Callable, Iterable

from ortools.sat.python import cp_model

from scheduler.scenario.data import Cluster, Mode, Scenario
from scheduler.solve.cpsat.variables import ClusterVars, LinearExpr, ModelCore


def use_time_indexed(
    scenario: Scenario, relaxable: bool, assignable: Callable[[Cluster], bool]
) -> bool:
    """Whether to build the time-indexed form: every cluster can be assigned (``assignable``, the
    rule of :func:`scheduler.solve.cpsat.assign.eligible`) and no rule has to be relaxable."""
    return not relaxable and bool(scenario.clusters) and all(map(assignable, scenario.clusters))


def admissible(built: ModelCore, cluster: Cluster, entry: int, modes: Iterable[Mode]) -> bool:
    """Whether entering in month ``entry`` (from the horizon start) with one mode per phase breaks
    no rule of the cluster alone: ``earliest <= e <= latest``, ``e = fixed``, each mode using
    supplier ``j`` inside ``from[j] .. to[j]``, the last phase ending by the programme deadline and
    each legacy system retired by its hard deadline (the horizon is the caller's range)."""
    month = built.origin + entry
    if cluster.earliest_entry is not None and month < cluster.earliest_entry:
        return False
    if cluster.latest_entry is not None and month > cluster.latest_entry:
        return False
    if cluster.fixed_entry is not None and month != cluster.fixed_entry:
        return False
    ends: dict[str, int] = {}
    at = month
    for phase, mode in zip(cluster.phases, modes, strict=True):
        start, end = at, at + mode.months - 1
        for supplier_id, _ in mode.uses:
            supplier = built.scenario.supplier(supplier_id)
            if supplier.available_from is not None and start < supplier.available_from:
                return False
            if supplier.available_to is not None and end > supplier.available_to:
                return False
        ends[phase.id] = end
        at = end + 1
    deadline = built.scenario.policy.deadline
    if deadline is not None and at - 1 > deadline:
        return False
    return all(
        legacy.hard_deadline is None or ends[legacy.replaced_by] <= legacy.hard_deadline
        for legacy in cluster.legacy
    )


def add_capacity_by_month(built: ModelCore) -> None:
    """``sum_{c,e,k} units[c,k,j,t-e] x[c,e,k] <= cap[j]`` for every supplier ``j`` and month ``t``
    where the clusters together could exceed the capacity."""
    usage: dict[tuple[str, int], dict[str, dict]] = {}
    for cid, cv in built.clusters.items():
        phases = list(cv.phases.values())
        for (e, k), literal in cv.assignment.literals.items():
            combo = cv.assignment.combos[k]
            for index, pv in enumerate(phases):
                mode = pv.modes[combo[index]]
                start = e + cv.assignment.offsets[k][index]
                for supplier_id, units in mode.uses:
                    for t in range(start, start + mode.months):
                        row = usage.setdefault((supplier_id, t), {}).setdefault(cid, {})
                        row[literal] = row.get(literal, 0) + units
    for (supplier_id, _), per_cluster in sorted(usage.items()):
        capacity = built.scenario.supplier(supplier_id).capacity
        if sum(max(row.values()) for row in per_cluster.values()) <= capacity:
            continue
        pairs = [(lit, units) for row in per_cluster.values() for lit, units in row.items()]
        built.model.add(_weighted(pairs) <= capacity)


def add_stagger_windows(built: ModelCore) -> None:
    """``sum_{c,k} sum_{a<=e<a+g} x[c,e,k] <= 1`` for every window ``a .. a+g-1`` of the stagger."""
    gap = built.scenario.policy.stagger_months
    if gap <= 0 or len(built.clusters) < 2:
        return
    by_entry = _literals_by_entry(built.clusters.values())
    for a in range(max(1, built.months - gap + 1)):
        window = [(cid, lit) for e in range(a, a + gap) for cid, lit in by_entry.get(e, ())]
        if len({cid for cid, _ in window}) > 1:
            built.model.add_at_most_one(lit for _, lit in window)


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
        for (e, _), literal in cv.assignment.literals.items():
            out.setdefault(e, []).append((cv.cluster.id, literal))
    return out


def _weighted(pairs: list[tuple[cp_model.IntVar, int]]) -> LinearExpr:
    return cp_model.LinearExpr.weighted_sum([p[0] for p in pairs], [p[1] for p in pairs])
