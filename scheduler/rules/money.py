"""The money rules of a scenario, one function per rule family: spend per financial year, releases
in whole tranches, and caps. Each broken rule is a :class:`~scheduler.rules.kinds.Violation`.

Notation as in :mod:`scheduler.rules.schedule`: ``S[c,y]`` is the spend of cluster ``c`` in
financial year ``y``, ``R[c,y]`` its release, ``tranche`` the release unit. Money is integer pounds;
spend and releases are whole £1k (``units.monthly_spread``, ``units.to_thousands``), as in the
solver models; a cap is taken to the £1k below (:attr:`scheduler.scenario.data.Cap.limit`).
"""

from __future__ import annotations

from collections.abc import Mapping

from scheduler.plan import CapUse, LegacyPlan
from scheduler.rules.kinds import CAP, RELEASES, Violation
from scheduler.rules.schedule import Run
from scheduler.scenario.data import Budget, Scenario
from scheduler.units import money_label, monthly_spread, to_thousands

NO_BUDGET = Budget()


def tranche_of(budget: Budget) -> int:
    """The release unit in pounds, in whole £1k as the model holds it (at least £1k)."""
    return budget.tranche_k * 1000


def ceil_to(amount: int, unit: int) -> int:
    return -(-amount // unit) * unit


def jit_releases(spend: Mapping[int, int], years: tuple[int, ...], tranche: int) -> dict[int, int]:
    """Least just-in-time releases: in each year ``y`` in order, the least multiple of the tranche
    with ``sum_{y'<=y} R[y'] >= sum_{y'<=y} S[y']``: the releases of a carry-forward cluster whose
    releases are not decided elsewhere (a surplus rounded up in one year covers the next)."""
    return _jit_after(spend, years, tranche, 0, lambda _year: False)


def cluster_spend(
    scenario: Scenario, cluster_runs: tuple[Run, ...], legacy: tuple[LegacyPlan, ...]
) -> dict[int, int]:
    """``S[c,y] = 1000 * sum_p sum_{t in p, fy(t) = y} spread_p[t]`` (``units.monthly_spread`` of
    the mode's cost) plus, when the budget covers extensions,
    ``1000 * to_thousands(extension_cost)`` for every late month ``expires+1 .. retired`` of each
    legacy system that lies in ``H`` (as the solver: no spend is counted outside the horizon)."""
    horizon = scenario.horizon
    fy = horizon.fiscal_year
    spend: dict[int, int] = {}
    for run in cluster_runs:
        for offset, amount in enumerate(monthly_spread(run.mode.cost, run.mode.months)):
            if amount:
                year = fy(run.start + offset)
                spend[year] = spend.get(year, 0) + 1000 * amount
    budget = scenario.budget
    if budget is not None and budget.covers_extensions:
        systems = {system.name: system for system in cluster_runs[0].cluster.legacy}
        for item in legacy:
            rate = 1000 * to_thousands(systems[item.name].extension_cost)
            if not rate:
                continue
            first, last = max(item.expires + 1, horizon.start), min(item.retired, horizon.end)
            for t in range(first, last + 1):
                spend[fy(t)] = spend.get(fy(t), 0) + rate
    return spend


def release_rules(
    scenario: Scenario,
    spend: Mapping[str, Mapping[int, int]],
    given: Mapping[str, Mapping[int, int]] | None,
    out: list[Violation],
) -> dict[str, dict[int, int]]:
    """Releases are multiples of the tranche. Without carry-forward
    ``R[c,y] = ceil(S[c,y] / tranche) * tranche``. With carry-forward (releases given)
    ``sum_{y'<=y} R[c,y'] >= sum_{y'<=y} S[c,y']``
    for every year ``y`` of the horizon, and releases only in those years.

    With a status date, the releases of the years ended before it are history:
    ``budget.released`` where given, else ``ceil(S[c,y] / tranche) * tranche``; a plan's
    releases of those years must be these, and the cover rule binds from the first year that
    is a decision on."""
    budget = scenario.budget or NO_BUDGET
    tranche = tranche_of(budget)
    years = scenario.horizon.fiscal_years()
    label = scenario.horizon.fy_label
    history = scenario.is_history_year
    funding = {}
    for cluster in scenario.clusters:
        cid, cs = cluster.id, spend[cluster.id]
        facts = {y: ceil_to(v, tranche) for y, v in cs.items() if v and history(y)}
        facts.update(budget.released_to(cid))
        if not budget.carry_forward:
            derived = {y: ceil_to(v, tranche) for y, v in cs.items() if v and not history(y)}
            funding[cid] = _nonzero_sorted({**derived, **facts})
            continue
        if given is None or cid not in given:
            later = {y: v for y, v in cs.items() if not history(y)}
            prior = sum(facts.values()) - sum(v for y, v in cs.items() if history(y))
            funding[cid] = _nonzero_sorted(
                {**facts, **_jit_after(later, years, tranche, prior, history)}
            )
            continue
        releases = {y: v for y, v in sorted(given[cid].items()) if v}
        funding[cid] = releases
        for year in sorted(set(facts) | {y for y in releases if history(y)}):
            if releases.get(year, 0) != facts.get(year, 0):
                text = (
                    f"{cid}: release in {label(year)} is history, "
                    f"{money_label(facts.get(year, 0))}; the plan has "
                    f"{money_label(releases.get(year, 0))}"
                )
                out.append(Violation(RELEASES, cid, text))
        for year, amount in releases.items():
            if history(year):
                continue
            if amount < 0 or amount % tranche:
                text = (
                    f"{cid}: release of {money_label(amount)} in {label(year)} is not a "
                    f"whole number of tranches of {money_label(tranche)}"
                )
                out.append(Violation(RELEASES, cid, text))
            if year not in years:
                text = f"{cid}: release in {label(year)}, outside the horizon's years"
                out.append(Violation(RELEASES, cid, text))
        released = spent = 0
        for year in years:
            released += releases.get(year, 0)
            spent += cs.get(year, 0)
            if released < spent and not history(year):
                text = (
                    f"{cid}: releases up to {label(year)} total {money_label(released)}, "
                    f"less than its spend up to then {money_label(spent)}"
                )
                out.append(Violation(RELEASES, cid, text))
                break
    return funding


def _nonzero_sorted(amounts: Mapping[int, int]) -> dict[int, int]:
    return {year: amount for year, amount in sorted(amounts.items()) if amount}


def _jit_after(
    spend: Mapping[int, int], years: tuple[int, ...], tranche: int, prior: int, history
) -> dict[int, int]:
    """:func:`jit_releases` over the years that are decisions, starting with a surplus
    ``prior`` (history releases less history spend; a deficit is covered in the first year)."""
    released, spent, out = max(prior, 0), max(-prior, 0), {}
    for year in years:
        if history(year):
            continue
        spent += spend.get(year, 0)
        if spent > released:
            out[year] = ceil_to(spent - released, tranche)
            released += out[year]
    return out


def cap_rules(
    scenario: Scenario,
    budget: Budget,
    funding: Mapping[str, Mapping[int, int]],
    out: list[Violation],
) -> tuple[CapUse, ...]:
    """Each cap: ``sum_c sum_{first <= y <= last} R[c,y] <= floor(amount / £1k) * £1k``
    (:meth:`Cap.released`, :attr:`Cap.limit`); returns every cap's use. The releases of years
    before the status date count, and where they alone exceed the cap (a warning of the loader)
    only a decision's release in its years breaks it."""
    caps = []
    label = scenario.horizon.fy_label
    history = scenario.is_history_year
    for cap in budget.caps:
        released = cap.released(funding.values())
        past = cap.released(
            {y: v for y, v in amounts.items() if history(y)} for amounts in funding.values()
        )
        caps.append(CapUse(cap.name, cap.first_year, cap.last_year, cap.amount, released))
        if released > max(cap.limit, past):
            text = (
                f"cap {cap.name} ({label(cap.first_year)}..{label(cap.last_year)}): "
                f"released {money_label(released)}, cap {money_label(cap.amount)}"
            )
            out.append(Violation(CAP, cap.name, text))
    return tuple(caps)
