"""What the solver models take from a scenario's status date and actuals (scenario-format 1.1).

History is fixed, not a decision: a phase with actuals starts at its actual start in its one mode
(the option taken, its actual months and cost); a phase without actuals starts at or after the
status date; the first phase after a finished one therefore waits ``gap`` months more than the
lifecycle says (:func:`history_gap`). Rules bind only where at least one side is a decision, so the
models leave out pairs and months that are all history and give decisions what history left:
supplier units from the status date on (:func:`history_load`, at most the capacity), the distance
from the last past market entry (:func:`last_past_entry`), entries per financial year and cap room
after the releases of the years ended before the status date (:func:`history_funding`).
Used by CP-SAT, the MILP and the greedy schedule; the independent check has its own copy of the
semantics in :mod:`scheduler.rules`.
"""

from __future__ import annotations

from collections import Counter

from scheduler.scenario.data import Cap, Cluster, Scenario
from scheduler.scenario.history import history_releases

__all__ = [
    "cap_room",
    "entries_left",
    "history_funding",
    "history_gap",
    "history_load",
    "last_past_entry",
    "min_entry",
    "phase_offsets",
]


def history_gap(cluster: Cluster, index: int, status: int | None) -> int:
    """Months phase ``index`` (without actuals) must wait beyond its ``max_wait`` window start
    because the phase before it finished before the status date: ``max(0, status - (end + 1))``,
    so that it starts no earlier than the status date. 0 otherwise."""
    if status is None or index == 0:
        return 0
    previous, phase = cluster.phases[index - 1].actual, cluster.phases[index].actual
    if phase is not None or previous is None or previous.running:
        return 0
    return max(0, status - (previous.end + 1))


def phase_offsets(cluster: Cluster, months: list[int], status: int | None) -> list[int]:
    """Phase starts after the market entry for phases lasting ``months`` with no wait of their
    own: back to back, except that phases with actuals start at their actual start and the first
    phase after a finished one waits :func:`history_gap` months."""
    offsets, at = [], 0
    entry = cluster.phases[0].actual.start if cluster.has_actuals else 0
    for index, phase in enumerate(cluster.phases):
        if phase.actual is not None:
            at = phase.actual.start - entry
        else:
            at += history_gap(cluster, index, status)
        offsets.append(at)
        at += months[index]
    return offsets


def min_entry(scenario: Scenario, cluster: Cluster) -> int | None:
    """The least market entry a cluster without actuals may take from history: the status date,
    and the stagger's distance from the last past entry. ``None`` when history sets none."""
    status = scenario.status_date
    if status is None or cluster.has_actuals:
        return None
    bound = status
    last = last_past_entry(scenario)
    if last is not None and scenario.policy.stagger_months:
        bound = max(bound, last + scenario.policy.stagger_months)
    return bound


def last_past_entry(scenario: Scenario) -> int | None:
    """The latest market entry that is history (``None`` if no cluster has actuals)."""
    past = [c.phases[0].actual.start for c in scenario.clusters if c.phases[0].actual is not None]
    return max(past) if past else None


def entries_left(scenario: Scenario, year: int) -> int | None:
    """How many market entries decisions may still make in financial year ``year``:
    ``max(0, max_entries_per_year - past entries in it)`` (``None`` without the policy)."""
    limit = scenario.policy.max_entries_per_year
    if limit is None:
        return None
    past = Counter(
        scenario.horizon.fiscal_year(c.phases[0].actual.start)
        for c in scenario.clusters
        if c.phases[0].actual is not None
    )
    return max(0, limit - past[year])


def history_load(scenario: Scenario) -> dict[str, dict[int, int]]:
    """Units of each supplier that phases with actuals occupy in each month from the status date
    on, at most the supplier's capacity (what history took beyond it is not the decisions' to
    give back)."""
    status = scenario.status_date
    if status is None:
        return {}
    capacity = {s.id: s.capacity for s in scenario.suppliers}
    load: dict[str, dict[int, int]] = {}
    for cluster in scenario.clusters:
        for phase in cluster.phases:
            if phase.actual is None:
                continue
            for sid, units in phase.modes[0].uses:
                months = load.setdefault(sid, {})
                for t in range(max(status, phase.actual.start), phase.actual.end + 1):
                    months[t] = months.get(t, 0) + units
    return {
        sid: {t: min(units, capacity.get(sid, units)) for t, units in sorted(months.items())}
        for sid, months in load.items()
    }


def history_funding(scenario: Scenario) -> dict[str, dict[int, int]]:
    """Releases (pounds) per cluster of the financial years ended before the status date."""
    status = scenario.status_date
    if status is None:
        return {}
    return {
        c.id: history_releases(c, scenario.budget, scenario.horizon, status)
        for c in scenario.clusters
    }


def cap_room(scenario: Scenario, cap: Cap, funding: dict[str, dict[int, int]]) -> int:
    """What decisions may still release under ``cap``, in £1k:
    ``max(0, floor(amount / £1k) - history releases in its years)``."""
    used = sum(
        amount
        for amounts in funding.values()
        for year, amount in amounts.items()
        if cap.first_year <= year <= cap.last_year
    )
    return max(0, cap.amount // 1000 - used // 1000)
