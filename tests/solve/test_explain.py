"""Infeasibility explanations: the minimal conflict and what each rule would have to give."""

from __future__ import annotations

from builders import Budget, Cap, Policy, Supplier, cluster, m, phase, scenario
from ortools.sat.python import cp_model

from scheduler.scenario.data import Legacy
from scheduler.solve import explain
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


def _two_conflicts():
    """Capacity and stagger both forbid these two fixed entries (two conflicts of two rules)."""
    return scenario(
        cluster("alpha", phase("tender", 3, uses={"market": 1}), fixed_entry="2024-05"),
        cluster("beta", phase("tender", 3, uses={"market": 1}), fixed_entry="2024-06"),
        suppliers=(Supplier("market", "ERP market", 1),),
        policy=Policy(stagger_months=3),
    )


def test_relaxations_cut_short_by_the_time_limit_are_not_called_not_enough(monkeypatch):
    monkeypatch.setattr(explain, "_relax_figure", lambda *args, **kw: explain._Give(settled=False))
    monkeypatch.setattr(explain, "_relax_measure", lambda *args, **kw: explain._Give(settled=False))
    lines = explain_infeasible(_two_conflicts())
    assert lines[-1].startswith("Not settled within the time limit: whether relaxing ")
    assert lines[-1].endswith(" alone would do (a longer --time-limit may tell).")
    assert "beta" in lines[-1] and "alpha" in lines[-1]
    assert not any("not enough" in line or "No single rule" in line for line in lines)


def test_a_conflict_not_shown_minimal_in_time_is_not_called_minimal(monkeypatch):
    solve_with = explain._solve_with
    calls = []

    def first_only(built, rules, deadline, seed):  # later questions time out
        calls.append(len(rules))
        if len(calls) == 1:
            return solve_with(built, rules, deadline, seed)
        return cp_model.UNKNOWN, []

    monkeypatch.setattr(explain, "_solve_with", first_only)
    lines = explain_infeasible(_two_conflicts())
    assert len(calls) > 1  # each rule of the conflict was asked about
    assert "the time ran out before each was shown to be needed" in lines[0]
    assert "minimal" not in lines[0]


def test_a_capacity_more_than_five_units_short_is_still_answered():
    many = [
        cluster(f"c{i}", phase("tender", 3, uses={"market": 1}), fixed_entry="2024-05")
        for i in range(8)
    ]
    lines = explain_infeasible(scenario(*many, suppliers=(Supplier("market", "ERP market", 1),)))
    assert "  - supplier market: capacity 8 (+7) would do" in lines  # before: "not enough"
    assert lines[-1].startswith("Relaxing any other rule of the conflict alone is not enough")
