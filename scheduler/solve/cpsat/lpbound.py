"""A proven lower bound on an objective stage: the LP relaxation of the time-indexed model, solved
by HiGHS (``highspy``) and made safe by recomputing the bound from the dual values.

For models too large for the time-indexed form (:mod:`scheduler.solve.cpsat.timeindexed`), CP-SAT's
own linear worker does not solve its relaxation within a minute (1,000 generated clusters), so its
bound stays at the presolve value. This module builds the same relaxation directly, with numpy:
one column ``0 <= x[c,e,k] <= 1`` per admissible (cluster, entry, option combination)
(:func:`scheduler.solve.cpsat.assign.admissible_range`), and the rows

- ``sum_{e,k} x[c,e,k] = 1`` per cluster;
- supplier capacity per supplier ``j`` and month ``t``: ``sum units[c,k,j,t-e] x <= cap[j]``;
- the stagger, per window of ``g`` months: ``sum_{a<=e<a+g} x <= 1``; entries per financial
  year: ``sum_{fy(e)=y} x <= n``;
- dependencies: ``sum this[c](e,k) x[c,e,k] - sum other[d](e,k) x[d,e,k] >= offset``, and the
  same month by month, ``sum_{this[c](e,k) <= t} x[c,e,k] <= sum_{other[d](e,k) <= t - offset}
  x[d,e,k]`` for every month ``t`` (valid inequalities that close most of the aggregated row's
  integrality gap, :mod:`scheduler.solve.cpsat.precedence`);
- caps without carry-forward: ``sum tranche ceil(spend[c,y](e,k) / tranche) x <= floor(cap / £1k)``
  (with carry-forward the caps are left out, which only weakens the relaxation);

and minimises the stage, whose terms are then constants per column. A solved LP's objective is
a bound only up to HiGHS's tolerances, so the bound reported is recomputed from its row duals
``y``: for every ``x`` in the box, ``c x = y A x + (c - A^T y) x >= sum_i y_i b_i(y_i) +
sum_j min(0, c_j - A_j^T y)``, with ``b_i`` the row's lower bound where ``y_i > 0`` and its upper
bound where ``y_i < 0`` (Neumaier and Shcherbina's safe bound). It holds for any ``y``, so even
an LP stopped by its time limit gives a valid, if weaker, bound; with ``y = 0`` except the
one-per-cluster rows it is the sum of each cluster's cheapest column.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np

from scheduler.scenario.data import Cluster, Milestone, Mode, Scenario
from scheduler.solve.cpsat.assign import admissible_range, eligible
from scheduler.solve.cpsat.precedence import dependency_rows
from scheduler.solve.highs import quiet_highs
from scheduler.units import monthly_spread, to_thousands

MAX_NONZEROS = 20_000_000  # about 1.5 GB of coordinates; 1,000 generated clusters: 3.8 million
LINEAR_TERMS = frozenset(
    {"extension_cost", "late_months", "delivery_cost", "total_cost", "net_cost"}
)


@dataclass(frozen=True)
class LpBound:
    """A proven lower bound on a stage (model units: pounds, months) and how it was found."""

    bound: int
    lp_status: str  # HiGHS's model status, e.g. "Optimal" or "Time limit reached"
    columns: int
    rows: int
    seconds: float


@dataclass
class _Rows:
    """The constraint matrix in coordinates, and each row's bounds."""

    rows: list[np.ndarray] = field(default_factory=list)
    cols: list[np.ndarray] = field(default_factory=list)
    vals: list[np.ndarray] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)

    def add(self, cols: np.ndarray, vals: np.ndarray, lower: float, upper: float) -> None:
        self.rows.append(np.full(len(cols), len(self.lower), dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=np.float64))
        self.lower.append(lower)
        self.upper.append(upper)


@dataclass
class _Block:
    """The columns of one (cluster, option combination): one per admissible entry."""

    cluster: Cluster
    modes: tuple[Mode, ...]
    offsets: tuple[int, ...]
    entries: np.ndarray  # months from the horizon start
    first: int  # index of the first column

    @property
    def cols(self) -> np.ndarray:
        return np.arange(self.first, self.first + len(self.entries))

    def end(self, phase: int) -> np.ndarray:
        return self.entries + self.offsets[phase] + self.modes[phase].months - 1


def applicable(scenario: Scenario, stage: tuple[tuple[str, int], ...]) -> bool:
    """Whether the stage is linear in the columns and every cluster can be assigned."""
    return (
        bool(scenario.clusters)
        and scenario.status_date is None  # the columns assume no history (actuals)
        and all(name in LINEAR_TERMS for name, _ in stage)
        and all(map(eligible, scenario.clusters))
    )


def lp_bound(
    scenario: Scenario,
    stage: tuple[tuple[str, int], ...],
    time_limit: float,
    max_nonzeros: int = MAX_NONZEROS,
) -> LpBound | None:
    """The safe LP bound of ``stage`` (``None`` when not :func:`applicable` or HiGHS is absent).
    When the capacity rows would hold more than ``max_nonzeros`` coefficients, only the
    one-per-cluster rows are kept: the bound is then each cluster's cheapest column, summed."""
    if not applicable(scenario, stage):
        return None
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a dependency
        return None
    started = time.monotonic()
    blocks = _blocks(scenario)
    count = sum(len(b.entries) for b in blocks)
    cost = np.zeros(count)
    for block in blocks:
        cost[block.cols] = _stage_cost(scenario, block, stage)
    scale = math.gcd(*(int(c) for c in np.unique(np.abs(cost)) if c)) or 1
    rows = _Rows()
    _one_per_cluster(scenario, blocks, rows)
    coupled = _capacity_nonzeros(blocks) <= max_nonzeros
    if coupled:
        _capacity(scenario, blocks, rows)
        _stagger_and_years(scenario, blocks, rows)
        _dependencies(scenario, blocks, rows)
        _caps(scenario, blocks, rows)
    row = np.concatenate(rows.rows)
    col = np.concatenate(rows.cols)
    val = np.concatenate(rows.vals)
    order = np.argsort(row, kind="stable")
    row, col, val = row[order], col[order], val[order]
    lower, upper = np.array(rows.lower), np.array(rows.upper)
    starts = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=len(lower)))])
    highs = quiet_highs()
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("time_limit", max(0.1, time_limit - (time.monotonic() - started)))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = count, len(lower)
    lp.col_cost_ = cost / scale
    lp.col_lower_ = np.zeros(count)
    lp.col_upper_ = np.ones(count)
    lp.row_lower_ = np.where(np.isinf(lower), -highspy.kHighsInf, lower)
    lp.row_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = col.astype(np.int32)
    lp.a_matrix_.value_ = val
    highs.passModel(lp)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    duals = np.array(highs.getSolution().row_dual) if highs.getSolution().dual_valid else None
    if duals is None or len(duals) != len(lower):
        duals = np.zeros(len(lower))
    bound = _safe_bound(cost / scale, row, col, val, lower, upper, duals)
    units = math.ceil(bound - 1e-6 * max(1.0, abs(bound)))
    if not coupled:
        status += " (one row per cluster only: the full relaxation is too large)"
    return LpBound(units * scale, status, count, len(lower), time.monotonic() - started)


def _capacity_nonzeros(blocks: list[_Block]) -> int:
    return sum(
        len(block.entries) * sum(mode.months for mode in block.modes if mode.uses)
        for block in blocks
    )


def _safe_bound(cost, row, col, val, lower, upper, duals) -> float:
    """``sum_i y_i b_i + sum_j min(0, c_j - A_j^T y)`` (see the module docstring); a dual whose
    row has no finite bound on its side is taken as 0. The one-per-cluster rows' duals are then
    raised so that each cluster's cheapest reduced cost is 0, which only improves the bound."""
    y = np.where((duals > 0) & np.isfinite(lower), duals, 0.0)
    y = np.where((duals < 0) & np.isfinite(upper), duals, y)
    reduced = cost - np.bincount(col, weights=val * y[row], minlength=len(cost))
    side = np.where(y > 0, np.nan_to_num(lower), np.nan_to_num(upper))
    return float(np.dot(y, np.where(y != 0, side, 0.0)) + np.minimum(reduced, 0).sum())


def _blocks(scenario: Scenario) -> list[_Block]:
    origin, months = scenario.horizon.start, scenario.horizon.months
    blocks, first = [], 0
    for cluster in scenario.clusters:
        for modes in itertools.product(*(phase.modes for phase in cluster.phases)):
            offsets, at = [], 0
            for mode in modes:
                offsets.append(at)
                at += mode.months
            lo, hi = admissible_range(scenario, cluster, modes)
            entries = np.arange(max(0, lo - origin), min(months - at, hi - origin) + 1)
            blocks.append(_Block(cluster, tuple(modes), tuple(offsets), entries, first))
            first += len(entries)
    return blocks


def _term_cost(scenario: Scenario, block: _Block, name: str) -> np.ndarray:
    origin = scenario.horizon.start
    zeros = np.zeros(len(block.entries))
    if name in ("late_months", "extension_cost"):
        total = zeros.copy()
        for legacy in block.cluster.legacy:
            phase = block.cluster.phase_index(legacy.replaced_by)
            late = np.maximum(0, block.end(phase) + origin - legacy.expires)
            total += late * (legacy.extension_cost if name == "extension_cost" else 1)
        return total
    if name == "delivery_cost":
        return zeros + sum(mode.cost for mode in block.modes)
    if name == "total_cost":
        return _term_cost(scenario, block, "delivery_cost") + _term_cost(
            scenario, block, "extension_cost"
        )
    benefits = block.cluster.benefits * (scenario.horizon.months - 1 - block.end(-1))
    return _term_cost(scenario, block, "total_cost") - benefits


def _stage_cost(scenario: Scenario, block: _Block, stage) -> np.ndarray:
    return sum(weight * _term_cost(scenario, block, name) for name, weight in stage)


def _one_per_cluster(scenario: Scenario, blocks: list[_Block], rows: _Rows) -> None:
    by_cluster: dict[str, list[np.ndarray]] = {}
    for block in blocks:
        by_cluster.setdefault(block.cluster.id, []).append(block.cols)
    for cluster in scenario.clusters:
        cols = np.concatenate(by_cluster[cluster.id])
        rows.add(cols, np.ones(len(cols)), 1.0, 1.0)


def _capacity(scenario: Scenario, blocks: list[_Block], rows: _Rows) -> None:
    months = scenario.horizon.months
    per_supplier: dict[str, tuple[list, list, list]] = {}
    for block in blocks:
        for phase, mode in enumerate(block.modes):
            start = block.entries + block.offsets[phase]
            span = np.arange(mode.months)
            for supplier_id, units in mode.uses:
                months_of, cols_of, units_of = per_supplier.setdefault(supplier_id, ([], [], []))
                months_of.append((start[:, None] + span[None, :]).ravel())
                cols_of.append(np.repeat(block.cols, mode.months))
                units_of.append(np.full(len(block.entries) * mode.months, float(units)))
    for supplier_id, parts in sorted(per_supplier.items()):
        capacity = scenario.supplier(supplier_id).capacity
        t, c, u = (np.concatenate(part) for part in parts)
        load = np.bincount(t, weights=u, minlength=months)
        order = np.argsort(t, kind="stable")
        t, c, u = t[order], c[order], u[order]
        bounds = np.searchsorted(t, np.arange(months + 1))
        for month in np.nonzero(load > capacity)[0]:
            lo, hi = bounds[month], bounds[month + 1]
            rows.add(c[lo:hi], u[lo:hi], -np.inf, float(capacity))


def _stagger_and_years(scenario: Scenario, blocks: list[_Block], rows: _Rows) -> None:
    policy, months = scenario.policy, scenario.horizon.months
    if len(scenario.clusters) < 2:
        return
    entries = np.concatenate([b.entries for b in blocks])
    cols = np.concatenate([b.cols for b in blocks])
    gap = policy.stagger_months
    if gap > 0:
        for a in range(max(1, months - gap + 1)):
            inside = cols[(entries >= a) & (entries < a + gap)]
            if len(inside) > 1:
                rows.add(inside, np.ones(len(inside)), -np.inf, 1.0)
    if policy.max_entries_per_year is not None:
        horizon = scenario.horizon
        fy = np.array([horizon.fiscal_year(horizon.start + e) for e in range(months)])
        for year in np.unique(fy):
            inside = cols[fy[entries] == year]
            if len(inside) > policy.max_entries_per_year:
                rows.add(inside, np.ones(len(inside)), -np.inf, float(policy.max_entries_per_year))


def _milestone(block: _Block, phase: int, edge: str) -> np.ndarray:
    start = block.entries + block.offsets[phase]
    return start if edge == "start" else start + block.modes[phase].months - 1


def _dependencies(scenario: Scenario, blocks: list[_Block], rows: _Rows) -> None:
    """Each dependency's row, then its rows month by month."""
    by_cluster: dict[str, list[_Block]] = {}
    for block in blocks:
        by_cluster.setdefault(block.cluster.id, []).append(block)
    for cluster in scenario.clusters:
        for dep in cluster.depends_on:
            this_cols, this_month = _milestones(by_cluster[cluster.id], dep.this)
            other_cols, other_month = _milestones(by_cluster[dep.cluster], dep.milestone)
            rows.add(
                np.concatenate([this_cols, other_cols]),
                np.concatenate([this_month, -other_month]).astype(float),
                float(dep.offset),
                np.inf,
            )
            for cols, vals, upper in dependency_rows(
                this_cols, this_month, other_cols, other_month, dep.offset
            ):
                rows.add(cols, vals, -np.inf, upper)


def _milestones(blocks: list[_Block], milestone: Milestone) -> tuple[np.ndarray, np.ndarray]:
    """A cluster's columns and the month of ``milestone`` under each."""
    cols, months = [], []
    for block in blocks:
        cols.append(block.cols)
        months.append(_milestone(block, block.cluster.phase_index(milestone.phase), milestone.edge))
    return np.concatenate(cols), np.concatenate(months)


def _caps(scenario: Scenario, blocks: list[_Block], rows: _Rows) -> None:
    budget = scenario.budget
    if budget is None or budget.carry_forward or not budget.caps:
        return
    horizon, months = scenario.horizon, scenario.horizon.months
    fy = np.array([horizon.fiscal_year(horizon.start + t) for t in range(months)])
    years = sorted(set(fy.tolist()))
    year_index = np.searchsorted(np.array(years), fy)
    tranche = budget.tranche_k
    released: list[np.ndarray] = []  # per block: (entries, years) tranches in £1k
    for block in blocks:
        profile = np.concatenate([monthly_spread(m.cost, m.months) for m in block.modes])
        spend = np.zeros((len(block.entries), len(years)))
        at = block.entries[:, None] + np.arange(len(profile))[None, :]
        np.add.at(spend, (np.repeat(np.arange(len(block.entries)), len(profile)),
                          year_index[at].ravel()), np.tile(profile, len(block.entries)))  # fmt: skip
        if budget.covers_extensions:
            for legacy in block.cluster.legacy:
                rate = to_thousands(legacy.extension_cost)
                expires = legacy.expires - horizon.start
                retired = block.end(block.cluster.phase_index(legacy.replaced_by))
                for t in range(max(0, expires + 1), months):
                    spend[:, year_index[t]] += rate * (retired >= t)
        released.append(tranche * np.ceil(spend / tranche))
    for cap in budget.caps:
        inside = [i for i, year in enumerate(years) if cap.first_year <= year <= cap.last_year]
        if not inside:
            continue
        cols = np.concatenate([b.cols for b in blocks])
        vals = np.concatenate([r[:, inside].sum(axis=1) for r in released])
        rows.add(cols, vals, -np.inf, float(cap.amount // 1000))
