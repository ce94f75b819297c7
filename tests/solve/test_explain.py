"""Infeasibility explanations: the minimal conflict and what each rule would have to give."""

from __future__ import annotations

from builders import Budget, Cap, Policy, Supplier, cluster, m, phase, scenario

from scheduler.scenario.data import Legacy
from scheduler.solve.explain import explain_infeasible


def test_a_cap_too_small_for_a_fixed_entry_says_how_much_it_needs():
    sc = scenario(
        cluster("alpha", phase("build", 2, 6_000_000), fixed_entry="2024-04"),
        budget=Budget(caps=(Cap("Year one", 2024, 2024, 3_000_000),)),
    )
    lines = explain_infeasible(sc)
    assert "  - cap Year one: at most £3m released over 2024-25..2024-25" in lines
    assert "  - alpha: market entry fixed at 2024-04" in lines
    assert "  - cap Year one: £6m (+£3m) would do" in lines


def test_a_hard_deadline_says_how_late_retirement_must_be():
    sc = scenario(
        cluster(
            "alpha",
            phase("build", 6),
            earliest_entry="2024-06",
            legacy=(Legacy("Old ledger", m("2024-06"), "build", 0, m("2024-08")),),
        ),
        start="2024-01",
    )
    lines = explain_infeasible(sc)
    assert "  - alpha: Old ledger retired by its hard deadline 2024-08" in lines
    assert "  - alpha: Old ledger retired in 2024-11 (3 months later) would do" in lines
    assert "  - alpha: market entry in 2024-03 (3 months earlier) would do" in lines


def test_capacity_and_stagger_conflicts_name_the_figure_that_would_do():
    sc = scenario(
        cluster("alpha", phase("tender", 3, uses={"market": 1}), fixed_entry="2024-05"),
        cluster("beta", phase("tender", 3, uses={"market": 1}), fixed_entry="2024-06"),
        suppliers=(Supplier("market", "ERP market", 1),),
        policy=Policy(stagger_months=3),
    )
    lines = explain_infeasible(sc)
    # Two conflicts (capacity, stagger): a minimal one is reported, and no single rule is enough.
    capacity = "  - supplier market: at most 1 unit(s) in use at once" in lines
    stagger = "  - policy: market entries at least 3 months apart" in lines
    assert capacity != stagger
    assert "  - alpha: market entry fixed at 2024-05" in lines
    assert "  - beta: market entry fixed at 2024-06" in lines
    assert lines[-1].startswith("No single rule of the conflict can give enough")


def test_one_rule_enough_on_its_own():
    sc = scenario(
        cluster("alpha", phase("tender", 3, uses={"market": 1}), fixed_entry="2024-05"),
        cluster("beta", phase("tender", 3, uses={"market": 1}), fixed_entry="2024-05"),
        suppliers=(Supplier("market", "ERP market", 1),),
    )
    lines = explain_infeasible(sc)
    assert "  - supplier market: capacity 2 (+1) would do" in lines


def _too_early_deadline(cid: str, system: str):
    """A cluster whose six-month build cannot retire ``system`` by its 2024-03 hard deadline."""
    legacy = Legacy(system, m("2024-03"), "build", 0, m("2024-03"))
    return cluster(cid, phase("build", 6), legacy=(legacy,))


def test_a_conflict_of_one_rule_is_said_as_one_rule():
    lines = explain_infeasible(
        scenario(_too_early_deadline("alpha", "Old ledger"), start="2024-01")
    )
    assert lines[0].startswith("No plan satisfies every rule. This rule cannot hold, even with")
    assert lines[1:] == [
        "  - alpha: Old ledger retired by its hard deadline 2024-03",
        "Enough on its own, every other rule of the scenario held:",
        "  - alpha: Old ledger retired in 2024-06 (3 months later) would do",
    ]


def test_one_rule_not_enough_on_its_own_is_not_called_several_rules():
    # Two independent one-rule conflicts: the one reported cannot give enough while the other
    # stays, which is said of that one rule (not as if the conflict had several).
    sc = scenario(
        _too_early_deadline("alpha", "Old ledger"),
        _too_early_deadline("beta", "Old payroll"),
        start="2024-01",
    )
    lines = explain_infeasible(sc)
    assert "This rule cannot hold" in lines[0]
    assert len([line for line in lines if line.startswith("  - ")]) == 1
    assert lines[-1] == (
        "Relaxing it alone is not enough, every other rule of the scenario held: the scenario "
        "has further conflicts, so other rules would have to give with it."
    )
    assert not any("No single rule" in line or "several rules" in line for line in lines)
