"""Dependencies month by month: the strong time-indexed form of a dependency, as valid
inequalities over the (cluster, entry, option combination) columns of the LP bound
(:mod:`scheduler.solve.cpsat.lpbound`).

Over those columns (as over the time-indexed model's literals) a dependency ``this[c] >=
other[d] + offset`` is one row over both clusters' literals, ``sum m_c(e,k) x[c,e,k] - sum
m_d(e,k) x[d,e,k] >= offset``, where ``m(e,k)`` is the milestone's month for entry ``e`` and
option combination ``k``. Its LP relaxation is weak: half of a literal early and half late
averages to any month, so the LP lets ``c`` start "on average" after ``d`` while much of ``c``
starts before it. The month-by-month form says, for every month ``t``, that ``c`` reaching its
milestone by ``t`` needs ``d`` to have reached its own by ``t - offset``:

    P_c(t) <= P_d(t - offset),   P_c(t) = sum_{m_c(e,k) <= t} x[c,e,k]

(``P`` is 0 or 1 in a plan, as exactly one literal of each cluster is true; ``P_c(t) = 1`` means
``m_c <= t``, so ``m_d <= m_c - offset <= t - offset``). Every plan satisfies it, so adding it
changes no optimum. It is the disaggregated precedence of time-indexed scheduling
(Christofides, Alvarez-Valdes and Tamarit, 1987), whose LP relaxation is far tighter than the
aggregated row's. Only months ``t`` that are some milestone month of ``c`` give rows not implied by
others (between them ``P_c`` stands still while ``P_d`` only grows); rows with
``P_d(t - offset) = 1`` for every literal of ``d`` are trivially true; and each side is written over
whichever of its prefix ``P`` or suffix ``S = 1 - P`` has fewer literals (the same row, given
exactly one literal per cluster).

Measured on the generated 10-year programmes (bench/README.md, issue 11, `bench/bound_gap.py`):
dropping each rule family in turn from the 100-cluster relaxation left its gap to the first
stage's optimum (extension cost, 494.05m) at 3.25-5.0% (the caps, the ERP market, the integrator
pools), dropping the dependencies made it 0.13%: the aggregated rows were the integrality gap.
With the month-by-month rows the LP is 0.08% below the optimum on 100 clusters and 0.05-0.25% on
200-500; on 1,000 clusters it is £5.077bn against the plain LP's £4.948bn (the optimum, proven by
CP-SAT on the same rows, £5.0796bn).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["dependency_rows"]


def dependency_rows(
    this_cols: np.ndarray,
    this_month: np.ndarray,
    other_cols: np.ndarray,
    other_month: np.ndarray,
    offset: int,
) -> Iterator[tuple[np.ndarray, np.ndarray, float]]:
    """The rows ``P_c(t) - P_d(t - offset) <= 0`` of one dependency of ``c`` (columns
    ``this_cols``, its milestone's month under each in ``this_month``) on ``d`` (``other_cols``,
    ``other_month``), as (columns, coefficients, upper bound), for every month ``t`` that is a
    milestone month of ``c`` and where ``d`` may still be short of its milestone by
    ``t - offset`` (see the module docstring)."""
    this_order, other_order = (
        np.argsort(this_month, kind="stable"),
        np.argsort(other_month, kind="stable"),
    )
    this_cols, this_month = this_cols[this_order], this_month[this_order]
    other_cols, other_month = other_cols[other_order], other_month[other_order]
    for t in np.unique(this_month).tolist():
        this_in = int(np.searchsorted(this_month, t, side="right"))  # P_c(t) is [:this_in]
        other_in = int(np.searchsorted(other_month, t - offset, side="right"))
        if other_in == len(other_cols):
            continue  # d surely reached its milestone by t - offset
        cols, coeffs, rhs = _side(this_cols, this_in, 1)
        more, more_coeffs, more_rhs = _side(other_cols, other_in, -1)
        yield np.concatenate([cols, more]), np.concatenate([coeffs, more_coeffs]), rhs + more_rhs


def _side(cols: np.ndarray, prefix: int, sign: int) -> tuple[np.ndarray, np.ndarray, float]:
    """``sign * P`` over the first ``prefix`` columns, as terms and the right-hand side's share:
    the prefix itself, or, when shorter, ``sign * (1 - S)`` over the rest (``-sign`` on each of
    them and ``-sign`` moved to the right-hand side)."""
    if prefix <= len(cols) - prefix:
        return cols[:prefix], np.full(prefix, float(sign)), 0.0
    rest = cols[prefix:]
    return rest, np.full(len(rest), float(-sign)), float(-sign)
