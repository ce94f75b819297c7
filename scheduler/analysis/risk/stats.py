"""Statistics of the runs: percentiles, probabilities, criticality and tornado drivers.

- A percentile ``Pq`` of a month or an amount is the least value ``v`` with ``P(X <= v) >= q``
  over the runs (the inverse of the empirical CDF: numpy's ``inverted_cdf``), so it is always a
  value some run took.
- A probability is the share of runs; its standard error is ``sqrt(p (1 - p) / n)``.
- The criticality index of a phase is the share of runs in which its months are on the chain
  that sets completion or the retirement of a legacy system whose hard deadline the run breaks:
  the chain walks back along the job that set each start (``ssg.Schedule.driver``); a phase the
  chain reaches only through its start (the stagger, the supplier order) does not count, since
  its months move nothing. At a status date a finished phase has index 0 (:mod:`.simulate`): its
  months are history, the same in every run; a running phase counts, its months to go vary.
- A driver of a legacy system's retirement is a phase whose sampled months correlate with the
  retirement month over the runs (Pearson); the tornado lists the largest ``|r|`` first.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["chains", "correlations", "percentile", "standard_error"]

PERCENTILES = (0.5, 0.8, 0.9)


def percentile(values: np.ndarray, q: float) -> int:
    return int(np.quantile(values, q, method="inverted_cdf"))


def standard_error(p: float, runs: int) -> float:
    return math.sqrt(max(p * (1 - p), 0.0) / runs) if runs else 0.0


def chains(
    driver: np.ndarray, through_end: np.ndarray, ends: list[np.ndarray], active: list[np.ndarray]
) -> np.ndarray:
    """``on[j, r]``: job ``j``'s months are on a chain ending at job ``ends[k][r]`` in a run where
    ``active[k][r]`` holds. The chain walks back through every driver; a job reached only by its
    start (stagger, supplier order, a ``.start`` dependency) is passed through, not counted."""
    jobs, runs = driver.shape
    on = np.zeros((jobs, runs), dtype=bool)
    rows = np.arange(runs)
    for cur, live in zip(ends, active, strict=True):
        cur, live = cur.copy(), live.copy()
        counted = live.copy()
        for _ in range(jobs + 1):
            if not live.any():
                break
            mark = live & counted
            on[cur[mark], rows[mark]] = True
            nxt = driver[cur, rows]
            counted = through_end[cur, rows]
            live &= nxt >= 0
            cur = np.where(live, nxt, cur)
    return on


def correlations(draws: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Pearson ``r`` of each row of ``draws`` with ``outcome`` (0 where either is constant)."""
    x = draws - draws.mean(axis=1, keepdims=True)
    y = outcome - outcome.mean()
    scale = np.sqrt((x * x).sum(axis=1) * (y * y).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (x @ y) / scale
    return np.where(scale > 0, r, 0.0)
