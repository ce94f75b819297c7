"""The funding report's frontier table, sentences and chart on hand-made frontiers."""

from __future__ import annotations

from builders import Budget, Cap, Objective, cluster, phase, scenario

from scheduler.report.funding_frontier import frontier_figure, frontier_lines
from scheduler.solve.cpsat.least_cap import Frontier, Lever, Step
from scheduler.whatif.funding import LeverResult


def _scenario():
    sc = scenario(
        cluster("a", phase("p", 2, 1_000_000)),
        budget=Budget(100_000, caps=(Cap("early", 2024, 2024, 3_000_000),)),
        objective=Objective(("extension_cost",)),
    )
    return sc


def _lever(frontier: Frontier) -> LeverResult:
    return LeverResult(Lever("early"), "early", 3_000, (), frontier)


def test_rows_run_from_each_breakpoint_to_the_next_and_the_last_says_and_above():
    steps = (Step(1_000, 500_000, 9), Step(2_000, 200_000, 4), Step(4_000, 0, 0))
    frontier = Frontier(0, 5_000, 1_000, steps, (0, 0), True, True, 0.1)
    text = "\n".join(frontier_lines(_scenario(), _lever(frontier)))
    rows = [line.split() for line in text.splitlines() if line.strip().startswith("£")]
    assert rows == [
        ["£1m", "£2m", "£500k", "9"],
        ["£2m", "£4m", "£200k", "4"],
        ["£4m", "and", "above", "£0", "0"],
    ]
    assert "early needs at least £4m for extension cost to reach its best, £0" in text
    assert "A plan exists, and with it every hard deadline holds, down to £1m" in text
    assert "No legacy expiry is missed from £4m on" in text
    assert "At the scenario's own £3m, extension cost is £200k: £200k above that best" in text
    figure = frontier_figure(_scenario(), _lever(frontier))
    (ax, twin) = figure.axes
    assert ax.get_xlabel() == "early cap" and twin.get_ylabel() == "late months (legacy)"


def test_a_frontier_that_stops_at_the_upper_bound_says_more_may_help():
    steps = (Step(1_000, 500_000, 9), Step(2_000, 200_000, 4))
    frontier = Frontier(0, 2_500, 1_000, steps, (0, 0), False, True, 0.1)
    text = "\n".join(frontier_lines(_scenario(), _lever(frontier)))
    assert "£2.5m (the upper bound)" in text
    assert "does not reach its best with the cap unlimited (£0) by £2.5m" in text
    assert "price of the funding gap" not in text  # no best reached: no price claimed


def test_no_plan_in_the_range_names_the_least_amount_with_one():
    frontier = Frontier(0, 500, 1_000, (), (0, 0), False, True, 0.1)
    text = "\n".join(frontier_lines(_scenario(), _lever(frontier)))
    assert "No amount up to £500k gives a plan: the least with one" in text
    assert "is £1m" in text
