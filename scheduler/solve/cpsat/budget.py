"""The budget rules of the CP-SAT model: spend per financial year, releases in tranches, caps.

Notation as in :mod:`scheduler.solve.cpsat.model`; all amounts here are whole £1k.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.rules.kinds import CAP
from scheduler.solve.cpsat.assign import assigned_spend, extension_spend
from scheduler.solve.cpsat.variables import (
    ClusterVars,
    LinearExpr,
    ModelCore,
    PhaseVars,
    TableSums,
)
from scheduler.solve.history import cap_room
from scheduler.units import money_label, monthly_spread, to_thousands


def domain_bounds(var: LinearExpr) -> tuple[int, int]:
    """The smallest and largest value in a variable's domain (a variable of the interval form)."""
    assert isinstance(var, cp_model.IntVar), "the time-indexed form has no phase variables"
    domain = list(var.proto.domain)
    return domain[0], domain[-1]


def add_spend(built: ModelCore) -> None:
    """Spend per financial year ``S[c,y]`` in £1k; each phase's cost is spread by
    ``units.monthly_spread``.

    For a cluster assigned to (entry, option combination), ``S[c,y] = sum spend[e,k,y] x[c,e,k]``
    (:mod:`scheduler.solve.cpsat.assign`). Otherwise by table lookup per phase:
    ``S[c,y] = sum_p table[p,y][s[c,p], m]``. When the budget covers extensions, the late months
    of each legacy system falling in ``y`` times its monthly rate are added (a lookup on the
    retirement month)."""
    budget = built.scenario.budget
    covers_extensions = budget is not None and budget.covers_extensions
    for cid, cv in built.clusters.items():
        per_year: dict[int, list[LinearExpr]] = {}
        maxima: dict[int, int] = {}
        if cv.assignment is not None:
            _assigned_spend(built, cv, covers_extensions)
            continue
        for pid, pv in cv.phases.items():
            _phase_spend(built, f"{cid}.{pid}", pv, per_year, maxima)
        if covers_extensions:
            for legacy in cv.cluster.legacy:
                _extension_spend(built, cid, cv, legacy, per_year, maxima)
        cv.spend = {year: sum(parts) for year, parts in per_year.items()}
        cv.spend_max = maxima


def _assigned_spend(built: ModelCore, cv: ClusterVars, covers_extensions: bool) -> None:
    """``S[c,y] = sum spend[e,k,y] x[c,e,k]`` (see :mod:`scheduler.solve.cpsat.assign`)."""
    tables = assigned_spend(built, cv)
    if covers_extensions:
        for legacy in cv.cluster.legacy:
            for year, amounts in extension_spend(built, cv, legacy).items():
                tables[year] = tables[year] + amounts if year in tables else amounts
    assignment = cv.assignment
    assert assignment is not None  # only assigned clusters are asked
    cv.spend = TableSums(assignment, tables)
    for year, table in sorted(tables.items()):
        cv.spend_max[year] = int(table.max())
    cv.spend_table = tables


def _lookup(
    built: ModelCore, name: str, index: LinearExpr, table: list[int], year: int, per_year, maxima
):
    low, high = min(table), max(table)
    if low == high:
        per_year.setdefault(year, []).append(low)
    else:
        spend = built.model.new_int_var(low, high, name)
        built.model.add_element(index, table, spend)
        per_year.setdefault(year, []).append(spend)
    maxima[year] = maxima.get(year, 0) + high


def _phase_spend(
    built: ModelCore, name: str, pv: PhaseVars, per_year: dict, maxima: dict[int, int]
) -> None:
    if not any(mode.cost for mode in pv.modes):
        return  # no spend in any year (a PSPLIB activity): nothing to look up
    lo = pv.start_lo
    _, hi = domain_bounds(pv.start)
    tables: dict[int, list[int]] = {}
    for start in range(lo, hi + 1):
        for mode_index, mode in enumerate(pv.modes):
            position = (start - lo) * len(pv.modes) + mode_index
            for offset, amount in enumerate(monthly_spread(mode.cost, mode.months)):
                t = start + offset
                if amount and 0 <= t < built.months:
                    table = tables.setdefault(built.fy_of[t], [0] * ((hi - lo + 1) * len(pv.modes)))
                    table[position] += amount
    index = (pv.start - lo) * len(pv.modes) + pv.mode_index()
    for year, table in sorted(tables.items()):
        _lookup(built, f"{name}.spend{year}", index, table, year, per_year, maxima)


def _extension_spend(built: ModelCore, cid: str, cv: ClusterVars, legacy, per_year, maxima) -> None:
    rate = to_thousands(legacy.extension_cost)
    if rate == 0:
        return
    end = cv.phases[legacy.replaced_by].end
    lo, hi = domain_bounds(end)
    expires = legacy.expires - built.origin
    tables: dict[int, list[int]] = {}
    for retired in range(lo, hi + 1):
        for t in range(max(0, expires + 1), retired + 1):
            if t < built.months:
                table = tables.setdefault(built.fy_of[t], [0] * (hi - lo + 1))
                table[retired - lo] += rate
    for year, table in sorted(tables.items()):
        _lookup(built, f"{cid}.extension{year}", end - lo, table, year, per_year, maxima)


def add_releases(built: ModelCore) -> None:
    """Releases ``R[c,y] = tranche n[c,y]`` covering spend. Without carry-forward the least
    covering multiple: ``S <= R <= S + tranche - 1`` (for an assigned cluster, exactly
    ``n[c,y] = sum ceil(spend[e,k,y] / tranche) x[c,e,k]``). With carry-forward, cumulative cover:
    ``sum_{y'<=y} R[c,y'] >= sum_{y'<=y} S[c,y']`` for every ``y``.

    The releases of years ended before the status date are facts (``built.history_funding``,
    :func:`scheduler.solve.history.history_funding`): no variable, no cover rule for those
    years; with carry-forward they count in the cumulative cover of later years. A year in which
    the cluster can spend nothing releases nothing: ``n[c,y] = 0``, a constant, with no rule (a
    PSPLIB activity, which costs nothing, gets no release variable at all)."""
    budget = built.scenario.budget
    tranche = budget.tranche_k if budget else 1
    carry = budget is not None and budget.carry_forward
    scenario = built.scenario
    for cid, cv in built.clusters.items():
        total_max = sum(cv.spend_max.values())
        history = built.history_funding.get(cid, {})
        released: list[LinearExpr] = []
        spent: list[LinearExpr] = []
        for year in built.years:
            if not carry and cv.assignment is not None and not scenario.is_history_year(year):
                table = cv.spend_table.get(year)
                cv.tranches[year] = (
                    0 if table is None else cv.assignment.weighted_array(-(-table // tranche))
                )
                continue
            spend = cv.spend.get(year, 0)
            if scenario.is_history_year(year):
                released.append(history.get(year, 0) // 1000)
                spent.append(spend)
                continue
            most = total_max if carry else cv.spend_max.get(year, 0)
            if most == 0:  # nothing to cover (no cost, or none that can fall in this year)
                cv.tranches[year] = 0
                released.append(0)
                spent.append(spend)
                continue
            count = built.model.new_int_var(0, -(-most // tranche), f"{cid}.tranches{year}")
            cv.tranches[year] = count
            if carry:
                released.append(tranche * count)
                spent.append(spend)
                built.model.add(sum(released) >= sum(spent))
            else:
                built.model.add(tranche * count >= spend)
                built.model.add(tranche * count <= spend + tranche - 1)


def add_caps(built: ModelCore) -> None:
    """Each cap: ``sum_c sum_{y in cap} R[c,y] <= floor(amount / £1k)`` (rule ``cap:<name>``);
    the decisions' releases get what history left, ``cap_room`` (history releases count)."""
    budget = built.scenario.budget
    if budget is None:
        return
    tranche = budget.tranche_k
    for cap in budget.caps:
        counts = [
            cv.tranches[year]
            for cv in built.clusters.values()
            for year in built.years
            if cap.covers(year) and year in cv.tranches
        ]
        room = cap_room(built.scenario, cap, built.history_funding)
        used = sum(  # £1k released in the cap's years before the status date
            amount // 1000
            for amounts in built.history_funding.values()
            for year, amount in amounts.items()
            if cap.first_year <= year <= cap.last_year
        )
        if counts:  # tranche * the sum of the counts, made once over every cluster and year
            released = cp_model.LinearExpr.weighted_sum(counts, [tranche] * len(counts))
            rule = built.rule(
                f"{CAP}:{cap.name}",
                f"cap {cap.name}: at most {money_label(cap.amount)} released over "
                f"{built.scenario.horizon.fy_label(cap.first_year)}.."
                f"{built.scenario.horizon.fy_label(cap.last_year)}",
                1000 * (released + used),
                "<=",
                1000 * (room + used),
                "money",
            )
            built.enforce(built.model.add(released <= room), rule)
