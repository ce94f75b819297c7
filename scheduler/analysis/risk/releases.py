"""The releases each run needs and what they put against each cap, with history as facts.

As :func:`scheduler.rules.money.release_rules` for the least releases, over runs: ``S[c,y]`` is a
run's spend of cluster ``c`` in financial year ``y`` and ``t`` the tranche. The years ended before
the status date are history: their releases are ``budget.released`` where given, else
``ceil(S[c,y] / t) * t`` (the same in every run, since the spend before the status date is).
From the first year that is a decision on, a run needs, without carry-forward,
``R[c,y] = ceil(S[c,y] / t) * t``; with carry-forward the least whole tranches keeping the
cumulative releases at or above the cumulative spend, starting from history's surplus
``h = sum_hist R - sum_hist S`` (a deficit is covered first):

    sum_{y' <= y} R[c,y'] = r0 + t * max(0, ceil((s0 + sum_{y' <= y} S[c,y'] - r0) / t))

with ``r0 = max(h, 0)``, ``s0 = max(-h, 0)``, sums over decision years. A cap's releases are the
sum over its years; it is exceeded when they pass ``max(limit, history)``, ``history`` being its
years' releases before the status date: as in the check, history alone breaks no cap (a loader
warning says so), only what is still to be released does.
"""

from __future__ import annotations

import numpy as np

from scheduler.scenario.data import Scenario

__all__ = ["cap_releases", "releases"]

Spend = dict[str, dict[int, np.ndarray]]


def _ceil(amount: np.ndarray | int, unit: int) -> np.ndarray:
    return np.asarray(-(-np.asarray(amount) // unit) * unit)


def releases(scenario: Scenario, spend: Spend) -> dict[str, dict[int, np.ndarray]]:
    """Per cluster and financial year, the least releases each run needs (history: the facts)."""
    budget = scenario.budget
    if budget is None:
        return {}
    tranche = budget.tranche_k * 1000
    history = scenario.is_history_year
    out: dict[str, dict[int, np.ndarray]] = {}
    for cluster in scenario.clusters:
        years = spend.get(cluster.id, {})
        facts: dict[int, np.ndarray] = {
            y: _ceil(v, tranche) for y, v in years.items() if history(y)
        }
        for year, amount in budget.released_to(cluster.id).items():
            facts[year] = np.asarray(amount)
        later = sorted(y for y in years if not history(y))
        own = dict(facts)
        if not budget.carry_forward:
            own.update({y: _ceil(years[y], tranche) for y in later})
        elif later:
            surplus = sum(facts.values(), start=np.asarray(0)) - sum(
                (v for y, v in years.items() if history(y)), start=np.asarray(0)
            )
            r0, s0 = np.maximum(surplus, 0), np.maximum(-surplus, 0)
            spent = s0 + np.cumsum([years[y] for y in later], axis=0)
            covered = r0 + np.maximum(0, _ceil(spent - r0, tranche))
            steps = np.diff(covered, axis=0, prepend=np.broadcast_to(r0, covered[:1].shape))
            own.update(dict(zip(later, steps, strict=True)))
        out[cluster.id] = own
    return out


def cap_releases(scenario: Scenario, spend: Spend) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Per cap, each run's releases in its years, and the part of them that is history."""
    budget = scenario.budget
    if budget is None or not budget.caps:
        return {}, {}
    funding = releases(scenario, spend)
    runs = max(
        (
            int(np.asarray(v).shape[0])
            for years in spend.values()
            for v in years.values()
            if np.ndim(v)
        ),
        default=0,
    )
    history = scenario.is_history_year
    released, past = {}, {}
    for cap in budget.caps:
        total = np.zeros(runs, dtype=np.int64)
        before = 0
        for years in funding.values():
            for year, amount in years.items():
                if cap.covers(year):
                    total = total + amount
                    if history(year):
                        before += int(np.max(amount))
        released[cap.name] = total
        past[cap.name] = before
    return released, past
