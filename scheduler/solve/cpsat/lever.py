"""What a least-amount question frees, the *lever*: one cap's amount, or every cap's amount
scaled by one factor; and the lever's rule in the CP-SAT model in place of the caps' own
(:mod:`scheduler.solve.cpsat.least_cap` minimises it). Notation as in
:mod:`scheduler.solve.cpsat.model`; the budget rules count whole £1k. For cap ``c`` (years
``Y_c``, history releases ``H_c`` pounds in its years, from
:func:`scheduler.solve.history.history_funding`) its amount ``A`` (£1k) is exactly the cap's
``floor(amount / £1k)`` (:attr:`scheduler.scenario.data.Cap.limit_k`); the scale factor ``f`` is
counted in ``1/SCALE`` (basis points), cap ``c``'s amount at ``f`` being ``floor(a_c f / SCALE)``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.scenario.data import Cap, Scenario
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.cpsat.variables import LinearExpr
from scheduler.solve.history import history_funding

__all__ = ["SCALE", "Lever", "add_lever"]

SCALE = 10_000  # the scale factor is counted in basis points: 10,000 is the scenario's amounts
_INT_SAFE = 2**62  # every coefficient times its variable's range stays below this


@dataclass(frozen=True)
class Lever:
    """What a least-amount question frees: the amount of cap ``cap``, or (``cap`` ``None``)
    every cap's amount scaled by one factor. Values are in the lever's unit: £1k for a cap,
    basis points of a factor (``SCALE`` = the scenario's own amounts) for the scale."""

    cap: str | None = None

    @property
    def scale(self) -> bool:
        return self.cap is None

    def caps(self, scenario: Scenario) -> tuple[Cap, ...]:
        """The caps the lever sets (``KeyError`` for a cap the scenario does not have)."""
        caps = scenario.budget.caps if scenario.budget is not None else ()
        if self.cap is None:
            return caps
        for cap in caps:
            if cap.name == self.cap:
                return (cap,)
        raise KeyError(self.cap)

    def freed(self, scenario: Scenario) -> Scenario:
        """The scenario without the caps the lever sets (the lever unlimited)."""
        if scenario.budget is None:
            return scenario
        names = {cap.name for cap in self.caps(scenario)}
        kept = tuple(cap for cap in scenario.budget.caps if cap.name not in names)
        return dataclasses.replace(scenario, budget=dataclasses.replace(scenario.budget, caps=kept))

    def current(self, scenario: Scenario) -> int:
        """The lever's value at the scenario's own amounts."""
        return SCALE if self.scale else self.caps(scenario)[0].limit_k

    def floor(self, scenario: Scenario) -> int:
        """The least value the lever can take: what history already released in the caps'
        years (``ceil(H_c / £1k)``; for the scale, the least factor keeping every cap at or
        above its history)."""
        if not self.scale:
            return -(-_history_k(scenario, self.caps(scenario)[0])[0] // 1000)
        return max(
            (
                -(-SCALE * _history_k(scenario, cap)[0] // cap.amount)
                for cap in self.caps(scenario)
                if cap.amount > 0
            ),
            default=0,
        )

    def amounts(self, scenario: Scenario, value: int) -> dict[str, int]:
        """Each cap's amount in pounds at lever value ``value``."""
        if self.scale:
            return {cap.name: cap.amount * value // SCALE for cap in self.caps(scenario)}
        return {self.caps(scenario)[0].name: 1000 * value}

    def at(self, scenario: Scenario, value: int) -> Scenario:
        """The scenario with the caps at lever value ``value`` (what the plan is solved on)."""
        budget = scenario.budget
        if budget is None:
            return scenario
        amounts = self.amounts(scenario, value)
        caps = tuple(
            dataclasses.replace(cap, amount=amounts[cap.name]) if cap.name in amounts else cap
            for cap in budget.caps
        )
        return dataclasses.replace(scenario, budget=dataclasses.replace(budget, caps=caps))


def _history_k(scenario: Scenario, cap: Cap) -> tuple[int, int]:
    """(pounds, floor £1k) released before the status date in the cap's years (as ``add_caps``)."""
    funding = history_funding(scenario)
    pounds = sum(
        amount
        for amounts in funding.values()
        for year, amount in amounts.items()
        if cap.covers(year)
    )
    floor_k = sum(
        amount // 1000
        for amounts in funding.values()
        for year, amount in amounts.items()
        if cap.covers(year)
    )
    return pounds, floor_k


def _releases(built: CpsatModel, cap: Cap) -> tuple[LinearExpr, int]:
    """The decisions' releases in the cap's years, ``sum_k sum_{y in Y_c} tranche n[k,y]`` (£1k),
    and an upper bound of it (every count at the top of its range)."""
    budget = built.scenario.budget
    tranche = budget.tranche_k if budget is not None else 1
    carry = budget is not None and budget.carry_forward
    terms: list[LinearExpr] = []
    most = 0
    for cv in built.clusters.values():
        total = sum(cv.spend_max.values())
        for year in built.years:
            if not cap.covers(year) or year not in cv.tranches:
                continue
            terms.append(tranche * cv.tranches[year])
            spend = total if carry else cv.spend_max.get(year, 0)
            most += tranche * -(-spend // tranche)
    return sum(terms), most


def add_lever(built: CpsatModel, scenario: Scenario, lever: Lever) -> cp_model.IntVar:
    """The lever's variable, with its rule over the caps it sets in place of theirs."""
    rows = []
    for cap in lever.caps(scenario):
        history, history_k = _history_k(scenario, cap)
        released, most = _releases(built, cap)
        rows.append((cap, history, history_k, released, most))
    if not lever.scale:
        return _cap_amount_rule(built, *rows[0])
    return _scale_factor_rule(built, rows)


def _cap_amount_rule(
    built: CpsatModel, cap: Cap, history: int, history_k: int, released: LinearExpr, most: int
) -> cp_model.IntVar:
    """The cap's amount ``A`` (£1k) a decision, ``ceil(H_c / £1k) <= A``, and its rule

    ``sum_k sum_{y in Y_c} tranche n[k,y] + floor(H_c / £1k) <= A``

    (``history`` ``H_c`` pounds, ``history_k`` its floor in £1k, ``released`` the decisions'
    releases in the cap's years and ``most`` their upper bound)."""
    low = -(-history // 1000)
    amount = built.model.new_int_var(low, max(low, history_k + most), f"least:{cap.name}")
    built.model.add(released + history_k <= amount)
    return amount


def _scale_factor_rule(
    built: CpsatModel, rows: list[tuple[Cap, int, int, LinearExpr, int]]
) -> cp_model.IntVar:
    """One factor ``f`` (basis points, ``SCALE`` the scenario's own amounts) scaling every cap
    ``c`` of amount ``a_c`` pounds, and for each

    ``SCALE * 1000 (sum_k sum_{y in Y_c} tranche n[k,y] + floor(H_c / £1k)) <= a_c f`` and
    ``SCALE H_c <= a_c f``

    (``rows``: each cap with ``H_c``, its floor in £1k, its releases and their upper bound).
    ``ValueError`` when a coefficient times its variable's range would pass ``2**62``."""
    low, high = 0, 0
    for cap, history, history_k, _, most in rows:
        if cap.amount > 0:
            low = max(low, -(-SCALE * history // cap.amount))
            high = max(high, -(-SCALE * 1000 * (history_k + most) // cap.amount))
    high = max(low, high)
    factor = built.model.new_int_var(low, high, "least:scale")
    for cap, history, history_k, released, most in rows:
        if SCALE * 1000 * (history_k + most) > _INT_SAFE or cap.amount * high > _INT_SAFE:
            raise ValueError(f"cap {cap.name}: amounts too large to scale exactly")
        built.model.add(SCALE * 1000 * (released + history_k) <= cap.amount * factor)
        built.model.add(SCALE * history <= cap.amount * factor)
    return factor
