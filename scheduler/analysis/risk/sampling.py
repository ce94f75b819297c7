"""Sampled durations: triangular draws rounded half up (at least 1 month), plus discrete events.

For a phase with range ``(a, c, b)`` in months (a percentage range is taken of the planned months
of the phase's chosen option) a run draws ``u ~ U(0, 1)`` and takes the triangular inverse CDF

    x = a + sqrt(u (b - a)(c - a))          if u < (c - a) / (b - a)
    x = b - sqrt((1 - u)(b - a)(b - c))     otherwise

then ``d = max(1, floor(x + 1/2))``. A phase without a range keeps its planned months. An event
happens in a run with its probability (one draw per event per run, shared by every cluster it
names) and then adds its ``delay_months`` to the named phase of each named cluster. Draws are
independent. The random stream is numpy's PCG64 from the seed, consumed in a fixed order (jobs in
plan order, then events), so a seed gives the same runs.

At a status date ``D`` history is not sampled: a finished phase keeps its actual months in every
run, and no event touches it. A running phase that started ``e`` months before ``D`` with ``r``
months to go (as forecast) samples only the months to come: its range, taken as factors of the
planned months ``P`` of the option taken (``(1 + low%, 1 + likely%, 1 + high%)``, or
``(low, likely, high) / P`` for a range in months), scales the remaining months,

    r' = max(1, floor(r * f + 1/2)),   f ~ Triangular(low, likely, high) as factors,

and it runs ``e + r'`` months; an event on its phase adds its delay to the months to come.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.analysis.risk.jobs import Job
from scheduler.scenario.data import Range, Risk

__all__ = [
    "MAX_SEED",
    "Draws",
    "round_half_up",
    "sample",
    "sampled_range",
    "triangular_cdf",
    "triangular_inverse",
]


MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Draws:
    """``months[j, r]``: the months job ``j`` runs in run ``r``; ``uncertain``: the jobs whose
    duration varies (a range or an event), for criticality and tornado reports; ``events[e, r]``:
    whether event ``e`` happened in run ``r``."""

    months: np.ndarray
    uncertain: tuple[int, ...]
    events: np.ndarray

    @property
    def runs(self) -> int:
        return int(self.months.shape[1])


def triangular_inverse(u: np.ndarray, low: float, likely: float, high: float) -> np.ndarray:
    """The triangular distribution's inverse CDF at ``u`` (``low`` everywhere when degenerate)."""
    if high <= low:
        return np.full(u.shape, float(low))
    span = high - low
    cut = (likely - low) / span
    rising = low + np.sqrt(u * span * (likely - low))
    falling = high - np.sqrt((1.0 - u) * span * (high - likely))
    return np.where(u < cut, rising, falling)


def triangular_cdf(x: float, low: float, likely: float, high: float) -> float:
    """``P(X <= x)`` for the triangular distribution (closed form, for tests and reports)."""
    if x <= low:
        return 0.0 if high > low else 1.0
    if x >= high:
        return 1.0
    if x <= likely:
        return (x - low) ** 2 / ((high - low) * (likely - low))
    return 1.0 - (high - x) ** 2 / ((high - low) * (high - likely))


def round_half_up(x: np.ndarray) -> np.ndarray:
    """Whole months, halves up, at least 1."""
    return np.maximum(1, np.floor(x + 0.5)).astype(np.int64)


def job_range(risk: Risk, job: Job) -> tuple[float, float, float] | None:
    value: Range | None = risk.range_of(job.cluster, job.phase)
    return None if value is None else value.months(job.months)


def sampled_range(risk: Risk, job: Job) -> tuple[float, float, float] | None:
    """The three-point range of the months ``job`` samples: the whole phase's, or for a running
    phase its remaining months' (the range as factors of the option's planned months, times the
    remaining months); ``None`` when nothing is sampled (no range, or a finished phase)."""
    if job.finished:
        return None
    if not job.running:
        return job_range(risk, job)
    value: Range | None = risk.range_of(job.cluster, job.phase)
    if value is None:
        return None
    basis = job.basis or job.months
    low, likely, high = (job.remaining * v / basis for v in value.months(basis))
    return (low, likely, high)


def sample(risk: Risk, jobs: tuple[Job, ...], runs: int, seed: int) -> Draws:
    """``runs`` sampled duration sets for ``jobs`` under ``risk``."""
    rng = np.random.default_rng(seed)
    months = np.empty((len(jobs), runs), dtype=np.int64)
    uncertain: set[int] = set()
    for index, job in enumerate(jobs):
        bounds = sampled_range(risk, job)
        before = job.elapsed if job.running else 0  # months already run: facts
        if bounds is None or bounds[0] == bounds[2]:
            fixed = job.months if bounds is None else int(round_half_up(np.array(bounds[0])))
            months[index] = fixed if bounds is None else before + fixed
            continue
        months[index] = before + round_half_up(triangular_inverse(rng.random(runs), *bounds))
        if months[index].min() != months[index].max():
            uncertain.add(index)
    happened = np.zeros((len(risk.events), runs), dtype=bool)
    by_key = {(job.cluster, job.phase): index for index, job in enumerate(jobs)}
    for e, event in enumerate(risk.events):
        happened[e] = rng.random(runs) < event.probability
        clusters = event.clusters or tuple(dict.fromkeys(job.cluster for job in jobs))
        for cluster in clusters:
            hit = by_key.get((cluster, event.phase))
            if hit is None or not event.delay_months or jobs[hit].finished:
                continue
            months[hit] += happened[e] * event.delay_months
            if 0 < event.probability < 1:
                uncertain.add(hit)
    return Draws(months, tuple(sorted(uncertain)), happened)
