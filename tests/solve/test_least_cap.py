"""The least cap amount and the funding frontier (``solve/cpsat/least_cap.py``) against brute
force (``tests/bruteforce.py``): the least amount is the smallest at which brute force finds a plan
keeping the promise, and £1k less finds none."""

from __future__ import annotations

import dataclasses

import pytest
from bruteforce import feasible_plans, frontier, holds_at, least_cap_amount, with_cap
from builders import Budget, Cap, Objective, cluster, m, phase, scenario

from scheduler.rules.evaluate import Evaluation
from scheduler.scenario.data import Legacy, Target
from scheduler.solve.cpsat.least_cap import (
    SCALE,
    Lever,
    Promise,
    funding_frontier,
    least_amount,
)
from scheduler.solve.options import SolveOptions

OPTIONS = SolveOptions(time_limit=20, workers=1, deterministic=True)


def _tiny(objective: tuple[str, ...] = ("extension_cost", "delivery_cost")):
    """Two clusters competing for an early cap: entering early costs early money but retires the
    legacy systems sooner; one has a faster, dearer option."""
    a = cluster(
        "a",
        phase("tender", 3, 300_000),
        phase("build", options=[(6, 1_200_000, None), (4, 1_500_000, None)]),
        legacy=(Legacy("old-a", m("2025-01"), "build", 50_000, m("2026-06")),),
        earliest_entry="2024-04",
        latest_entry="2025-03",
    )
    b = cluster(
        "b",
        phase("tender", 2, 200_000),
        phase("build", 5, 1_000_000),
        legacy=(Legacy("old-b", m("2025-03"), "build", 30_000),),
        earliest_entry="2024-04",
        latest_entry="2025-03",
    )
    caps = (Cap("early", 2024, 2024, 2_000_000), Cap("later", 2025, 2026, 10_000_000))
    return scenario(
        a,
        b,
        start="2024-04",
        end="2027-03",
        budget=Budget(100_000, caps=caps),
        objective=Objective(objective),
    )


def _late(evaluation: Evaluation) -> int:
    return sum(item.late_months for items in evaluation.legacy.values() for item in items)


def _check_least(sc, promise: Promise, keeps) -> int | None:
    found = least_amount(sc, Lever("early"), promise, OPTIONS)
    want = least_cap_amount(sc, "early", keeps)
    if want is None:
        assert found.status == "infeasible"
        return None
    assert found.status == "optimal"
    assert found.value is not None and 1000 * found.value == want
    assert holds_at(sc, "early", want, keeps)
    assert not holds_at(sc, "early", want - 1000, keeps)
    return want


def test_least_amount_for_a_plan_is_the_brute_force_least():
    sc = _tiny()
    want = _check_least(sc, Promise("plan"), lambda ev: True)
    assert want is not None and 0 < want < 2_000_000


@pytest.mark.parametrize("late", [0, 4, 9])
def test_least_amount_for_late_months(late):
    sc = _tiny()
    _check_least(sc, Promise("expiries", late_months=late), lambda ev: _late(ev) <= late)


def test_least_amount_for_a_target():
    target = Target("a live", m("2025-06"), ("a",))
    sc = dataclasses.replace(_tiny(), targets=(target,))

    def keeps(ev: Evaluation) -> bool:
        return max(item.retired for item in ev.legacy["a"]) <= target.month

    assert _check_least(sc, Promise("target", target=target), keeps) is not None


def test_least_amount_for_the_unlimited_best():
    sc = _tiny()
    best = min(
        ev.objective["extension_cost"] for _, ev in feasible_plans(with_cap(sc, "early", None))
    )
    found = least_amount(sc, Lever("early"), Promise("best"), OPTIONS)
    assert found.best == best
    _check_least(sc, Promise("best"), lambda ev: ev.objective["extension_cost"] <= best)


def test_a_promise_no_amount_keeps_is_infeasible():
    target = Target("too soon", m("2024-08"), ("b",))  # tender 2 + build 5 months: 2024-10 at best
    sc = dataclasses.replace(_tiny(), targets=(target,))
    found = least_amount(sc, Lever("early"), Promise("target", target=target), OPTIONS)
    assert found.status == "infeasible" and found.value is None


def test_scaled_caps_least_factor():
    """Every cap scaled by f: the least f (basis points) is the least at which a plan fits under
    every cap at once, brute force over the plans' releases."""
    sc = _tiny()
    found = least_amount(sc, Lever(None), Promise("plan"), OPTIONS)
    freed = with_cap(with_cap(sc, "early", None), "later", None)
    caps = sc.budget.caps
    want = min(
        max(-(-SCALE * cap.released(ev.funding.values()) // cap.amount) for cap in caps)
        for _, ev in feasible_plans(freed)
    )
    assert found.status == "optimal" and found.value == want
    at = Lever(None).at(sc, want)
    assert any(True for _ in feasible_plans(at))
    below = Lever(None).at(sc, want - 1)
    assert not any(True for _ in feasible_plans(below))


def test_frontier_breakpoints_match_brute_force():
    sc = _tiny()
    lever = Lever("early")
    found = funding_frontier(sc, lever, 0, 5_000, OPTIONS)
    want = frontier(sc, "early", lambda ev: (ev.objective["extension_cost"], _late(ev)))
    assert found.complete and found.reached
    got = [(1000 * step.value, (step.stage, step.late)) for step in found.steps]
    assert got == want
    assert found.least is not None and 1000 * found.least == want[0][0]


def test_frontier_stops_at_the_upper_bound():
    sc = _tiny()
    full = funding_frontier(sc, Lever("early"), 0, 5_000, OPTIONS)
    assert len(full.steps) >= 3
    cut = full.steps[1].value
    part = funding_frontier(sc, Lever("early"), 0, cut, OPTIONS)
    assert [s.value for s in part.steps] == [s.value for s in full.steps[:2]]
    assert not part.reached


def test_scaled_frontier_matches_brute_force():
    sc = _tiny()
    found = funding_frontier(sc, Lever(None), 0, 3 * SCALE, OPTIONS)
    freed = with_cap(with_cap(sc, "early", None), "later", None)
    needs = sorted(
        (
            max(
                -(-SCALE * cap.released(ev.funding.values()) // cap.amount)
                for cap in sc.budget.caps
            ),
            (ev.objective["extension_cost"], _late(ev)),
        )
        for _, ev in feasible_plans(freed)
    )
    want: list[tuple[int, tuple[int, int]]] = []
    for factor, value in needs:  # by factor, then value: the first at a factor is its best
        if not want or value < want[-1][1]:
            want.append((factor, value))
    assert found.complete
    assert [(step.value, (step.stage, step.late)) for step in found.steps] == want


def test_least_amount_when_the_budget_covers_extensions():
    """Late months are spend too (``covers_extensions``): the least amount counts them."""
    sc = _tiny()
    sc = dataclasses.replace(sc, budget=dataclasses.replace(sc.budget, covers_extensions=True))
    _check_least(sc, Promise("plan"), lambda ev: True)
    _check_least(sc, Promise("expiries", late_months=6), lambda ev: _late(ev) <= 6)


def test_least_amount_with_carry_forward_is_the_least_a_normal_solve_accepts():
    """Releases are decisions with carry-forward (brute force does not enumerate them): the
    least amount has a plan when solved as ``solve`` does, and £1k less has none."""
    from scheduler.pipeline import solve

    sc = _tiny()
    sc = dataclasses.replace(sc, budget=dataclasses.replace(sc.budget, carry_forward=True))
    found = least_amount(sc, Lever("early"), Promise("plan"), OPTIONS)
    assert found.status == "optimal" and found.value is not None
    assert solve(Lever("early").at(sc, found.value), OPTIONS).plan.has_schedule
    assert solve(Lever("early").at(sc, found.value - 1), OPTIONS).plan.status == "infeasible"
