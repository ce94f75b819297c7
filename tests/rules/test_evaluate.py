"""evaluate(): each rule and each objective term on hand-computed cases."""

from __future__ import annotations

import pytest
from builders import Budget, Cap, Objective, Policy, Supplier, cluster, m, phase, scenario

from scheduler.rules.evaluate import ClusterDecision, DecisionError, evaluate, tranche_of
from scheduler.scenario.data import Dependency, Legacy, Milestone


def run(sc, entries, releases=None, options=None, waits=None):
    decisions = {
        c.id: ClusterDecision.back_to_back(
            c,
            m(entries[c.id]),
            (options or {}).get(c.id),
            (waits or {}).get(c.id),
        )
        for c in sc.clusters
    }
    return evaluate(sc, decisions, releases)


# -- phases and plans ---------------------------------------------------------------------------


def test_phases_run_back_to_back_and_plan_fields():
    sc = scenario(
        cluster("a", phase("tender", 3, 6_000, {"mkt": 1}), phase("build", 4, 10_000)),
        suppliers=(Supplier("mkt", "Market", 1),),
    )
    ev = run(sc, {"a": "2024-05"})
    assert ev.violations == []
    tender, build = (run.plan() for run in ev.runs["a"])
    assert (tender.start, tender.end, tender.uses, tender.cost) == (
        m("2024-05"),
        m("2024-07"),
        {"mkt": 1},
        6_000,
    )
    assert (build.start, build.end, build.option, build.uses) == (
        m("2024-08"),
        m("2024-11"),
        None,
        {},
    )
    plan = ev.to_plan(sc)
    assert plan.clusters[0].entry == m("2024-05")
    assert plan.clusters[0].entry_window == (m("2024-05"), m("2024-05"))
    assert set(plan.objective) == {"extension_cost", "delivery_cost", "completion"}


def test_options_choose_the_mode():
    sc = scenario(cluster("a", phase("p", options=[(2, 10_000, None), (4, 5_000, {"s": 2})])))
    ev = run(sc, {"a": "2024-04"}, options={"a": (1,)})
    p = ev.runs["a"][0].plan()
    assert (p.end, p.option, p.cost, p.uses) == (m("2024-07"), 1, 5_000, {"s": 2})
    with pytest.raises(DecisionError):
        run(sc, {"a": "2024-04"}, options={"a": (2,)})
    with pytest.raises(DecisionError):
        evaluate(sc, {})


# -- sequence rules -----------------------------------------------------------------------------


def test_entry_bounds():
    sc = scenario(
        cluster("a", phase("p", 2), earliest_entry="2024-06", latest_entry="2024-08"),
        cluster("b", phase("p", 2), fixed_entry="2024-09"),
    )
    assert run(sc, {"a": "2024-06", "b": "2024-09"}).violations == []
    assert run(sc, {"a": "2024-05", "b": "2024-10"}).violations == [
        "a: enters the market 2024-05, before its earliest entry 2024-06",
        "b: enters the market 2024-10, not at its fixed entry 2024-09",
    ]
    assert run(sc, {"a": "2024-09", "b": "2024-09"}).violations == [
        "a: enters the market 2024-09, after its latest entry 2024-08"
    ]


def test_waits_and_overlaps():
    sc = scenario(cluster("a", phase("p", 2), phase("q", 2, max_wait=2)))
    assert run(sc, {"a": "2024-04"}, waits={"a": (0, 2)}).violations == []
    assert run(sc, {"a": "2024-04"}, waits={"a": (0, 3)}).violations == [
        "a q starts 2024-09, 3 months after p ends 2024-05 (max_wait 2)"
    ]
    decisions = {"a": ClusterDecision((m("2024-04"), m("2024-05")), (None, None))}
    assert evaluate(sc, decisions).violations == ["a q starts 2024-05, before p ends 2024-05"]


def test_phases_inside_the_horizon():
    sc = scenario(cluster("a", phase("p", 3)))
    assert run(sc, {"a": "2026-01"}).violations == []
    assert run(sc, {"a": "2026-02"}).violations == [
        "a p runs 2026-02..2026-04, outside the horizon 2024-04..2026-03"
    ]
    assert run(sc, {"a": "2024-03"}).violations == [
        "a p runs 2024-03..2024-05, outside the horizon 2024-04..2026-03"
    ]


# -- suppliers ----------------------------------------------------------------------------------


def test_supplier_capacity_names_the_phases():
    tender = phase("tender", 1, uses={"erp-market": 1})
    sc = scenario(
        cluster("synergy", tender),
        cluster("matrix", tender),
        cluster("unity", tender),
        suppliers=(Supplier("erp-market", "ERP", 2),),
    )
    assert run(sc, {"synergy": "2024-05", "matrix": "2024-05", "unity": "2024-06"}).feasible
    ev = run(sc, {"synergy": "2024-05", "matrix": "2024-05", "unity": "2024-05"})
    assert ev.violations == [
        "supplier erp-market: 3 units in use in 2024-05, capacity 2 "
        "(synergy tender, matrix tender, unity tender)"
    ]


def test_supplier_units_count():
    sc = scenario(
        cluster("a", phase("p", 3, uses={"s": 2})),
        cluster("b", phase("p", 3, uses={"s": 1})),
        suppliers=(Supplier("s", "S", 2),),
    )
    assert run(sc, {"a": "2024-04", "b": "2024-07"}).feasible
    ev = run(sc, {"a": "2024-04", "b": "2024-06"})
    assert ev.violations == ["supplier s: 3 units in use in 2024-06, capacity 2 (a p, b p)"]


def test_supplier_availability():
    sc = scenario(
        cluster("a", phase("p", 3, uses={"ccs": 1})),
        suppliers=(Supplier("ccs", "CCS", 3, m("2024-06"), m("2024-12")),),
    )
    assert run(sc, {"a": "2024-06"}).feasible
    assert run(sc, {"a": "2024-10"}).feasible
    assert run(sc, {"a": "2024-05"}).violations == [
        "supplier ccs: a p runs 2024-05..2024-07, outside its availability 2024-06..2024-12"
    ]
    assert not run(sc, {"a": "2024-11"}).feasible


# -- policy -------------------------------------------------------------------------------------


def test_stagger():
    sc = scenario(cluster("a", phase("p", 1)), cluster("b", phase("p", 1)), policy=Policy(3))
    assert run(sc, {"a": "2024-04", "b": "2024-07"}).feasible
    assert run(sc, {"a": "2024-07", "b": "2024-04"}).feasible
    assert run(sc, {"a": "2024-06", "b": "2024-04"}).violations == [
        "b and a enter the market 2 months apart (2024-04, 2024-06); stagger is 3 months"
    ]


def test_max_entries_per_year():
    sc = scenario(cluster("a", phase("p", 1)), cluster("b", phase("p", 1)), policy=Policy(0, 1))
    assert run(sc, {"a": "2024-04", "b": "2025-04"}).feasible
    assert run(sc, {"a": "2024-04", "b": "2025-03"}).violations == [
        "2 market entries in 2024-25 (a, b), at most 1 allowed"
    ]


def test_programme_deadline():
    sc = scenario(cluster("a", phase("p", 2), phase("q", 2)), policy=Policy(deadline=m("2024-07")))
    assert run(sc, {"a": "2024-04"}).feasible
    assert run(sc, {"a": "2024-05"}).violations == [
        "a: q ends 2024-08, after the programme deadline 2024-07"
    ]


# -- dependencies -------------------------------------------------------------------------------


def test_dependency_on_an_end_adds_one_month():
    dep = Dependency("a", Milestone("tender", "end"), 2, Milestone("tender", "start"))
    sc = scenario(
        cluster("a", phase("tender", 3)), cluster("b", phase("tender", 1), depends_on=(dep,))
    )
    # a's tender ends 2024-06; b may enter from 2024-06 + 2 + 1 = 2024-09.
    assert run(sc, {"a": "2024-04", "b": "2024-09"}).feasible
    assert run(sc, {"a": "2024-04", "b": "2024-08"}).violations == [
        "b: tender.start is 2024-08, before 2024-09 (a tender.end 2024-06 + lag 2)"
    ]


def test_dependency_on_a_start_of_another_phase():
    dep = Dependency("a", Milestone("build", "start"), 1, Milestone("build", "end"))
    sc = scenario(
        cluster("a", phase("tender", 2), phase("build", 3)),
        cluster("b", phase("tender", 1), phase("build", 1), depends_on=(dep,)),
    )
    # a builds from 2024-06; b's build must end no earlier than 2024-07.
    assert run(sc, {"a": "2024-04", "b": "2024-06"}).feasible
    assert not run(sc, {"a": "2024-04", "b": "2024-05"}).feasible


# -- legacy -------------------------------------------------------------------------------------


def test_legacy_hard_deadline_and_lateness():
    legacy = Legacy("SSCL ISSC2 contract", m("2025-10"), "implement", 20_000_000, m("2028-10"))
    sc = scenario(
        cluster("synergy", phase("tender", 12), phase("implement", 22), legacy=(legacy,)),
        start="2022-04",
        end="2031-03",
    )
    ev = run(sc, {"synergy": "2026-04"})
    assert ev.violations == [
        "synergy: SSCL ISSC2 contract retired 2029-01, after its hard deadline 2028-10"
    ]
    item = ev.legacy["synergy"][0]
    assert (item.retired, item.late_months, item.extension_cost) == (m("2029-01"), 39, 780_000_000)
    assert ev.objective["late_months"] == 39
    assert ev.objective["extension_cost"] == 780_000_000
    early = run(sc, {"synergy": "2023-01"}).legacy["synergy"][0]  # retired 2024-10
    assert (early.late_months, early.extension_cost) == (0, 0)


# -- spend, releases and caps -------------------------------------------------------------------


def test_spend_spread_and_tranche_rounding():
    sc = scenario(cluster("a", phase("p", 3, 10_000)), budget=Budget(tranche=5_000))
    ev = run(sc, {"a": "2025-02"})  # £4k Feb, £3k Mar (2024-25), £3k Apr (2025-26)
    assert ev.spend["a"] == {2024: 7_000, 2025: 3_000}
    assert ev.funding["a"] == {2024: 10_000, 2025: 5_000}
    assert ev.objective["funding"] == 15_000


def test_spend_rounds_to_thousands_but_cost_is_exact():
    sc = scenario(cluster("a", phase("p", 3, 10_500)))
    ev = run(sc, {"a": "2025-02"})  # 11 x £1k: 4, 4 | 3
    assert ev.spend["a"] == {2024: 8_000, 2025: 3_000}
    assert ev.funding["a"] == {2024: 8_000, 2025: 3_000}  # no budget: £1k releases
    assert ev.objective["delivery_cost"] == 10_500
    assert ev.objective["funding"] == 11_000


def test_tranche_is_whole_thousands():
    assert tranche_of(Budget(tranche=5_000_000)) == 5_000_000
    assert tranche_of(Budget(tranche=2_500)) == 3_000
    assert tranche_of(Budget()) == 1_000


def test_carry_forward_releases():
    sc = scenario(cluster("a", phase("p", 3, 10_000)), budget=Budget(5_000, carry_forward=True))
    assert run(sc, {"a": "2025-02"}).funding["a"] == {2024: 10_000}  # just in time: 10k covers 7+3
    ok = run(sc, {"a": "2025-02"}, releases={"a": {2024: 15_000}})
    assert ok.feasible and ok.objective["funding"] == 15_000
    assert run(sc, {"a": "2025-02"}, releases={"a": {2024: 5_000, 2025: 5_000}}).violations == [
        "a: releases up to 2024-25 total £5k, less than its spend up to then £7k"
    ]
    assert run(sc, {"a": "2025-02"}, releases={"a": {2024: 12_000}}).violations == [
        "a: release of £12k in 2024-25 is not a whole number of tranches of £5k"
    ]
    assert run(sc, {"a": "2025-02"}, releases={"a": {2024: 10_000, 2026: 5_000}}).violations == [
        "a: release in 2026-27, outside the horizon's years"
    ]


def test_without_carry_forward_releases_are_derived():
    sc = scenario(cluster("a", phase("p", 3, 10_000)), budget=Budget(5_000))
    ev = run(sc, {"a": "2025-02"}, releases={"a": {2024: 15_000}})
    assert ev.funding["a"] == {2024: 10_000, 2025: 5_000}


def test_covers_extensions():
    legacy = Legacy("old", m("2024-05"), "p", 1_500)
    lc = cluster("a", phase("p", 2), legacy=(legacy,))
    covered = run(scenario(lc, budget=Budget(covers_extensions=True)), {"a": "2024-06"})
    assert covered.legacy["a"][0].late_months == 2
    assert covered.objective["extension_cost"] == 3_000  # exact pounds in the objective
    assert covered.spend["a"] == {2024: 4_000}  # £2k (to_thousands(£1.5k)) per late month
    assert run(scenario(lc, budget=Budget()), {"a": "2024-06"}).spend["a"] == {}


def test_extension_spend_counts_only_late_months_in_the_horizon():
    legacy = Legacy("old", m("2024-01"), "p", 1_000)
    sc = scenario(
        cluster("a", phase("p", 2), legacy=(legacy,)), budget=Budget(covers_extensions=True)
    )
    ev = run(sc, {"a": "2024-04"})
    assert ev.legacy["a"][0].late_months == 4  # 2024-02 .. 2024-05
    assert ev.spend["a"] == {2024: 2_000}  # 2024-04, 2024-05


def test_cap_message_and_release_total():
    sc = scenario(
        cluster("a", phase("build", 1, 305_000_000)),
        start="2022-04",
        end="2025-03",
        budget=Budget(caps=(Cap("SR21", 2022, 2024, 300_000_000),)),
    )
    ev = run(sc, {"a": "2023-05"})
    assert ev.violations == ["cap SR21 (2022-23..2024-25): released £305m, cap £300m"]
    assert ev.caps[0].released == 305_000_000


def test_cap_amount_is_floored_to_thousands():
    cap = Cap("c", 2024, 2024, 300_500)
    ok = scenario(cluster("a", phase("p", 1, 300_000)), budget=Budget(caps=(cap,)))
    over = scenario(cluster("a", phase("p", 1, 300_600)), budget=Budget(caps=(cap,)))
    assert run(ok, {"a": "2024-04"}).feasible
    assert run(over, {"a": "2024-04"}).violations == [
        "cap c (2024-25..2024-25): released £301k, cap £300.5k"
    ]


def test_cap_counts_only_its_years():
    cap = Cap("c", 2025, 2025, 5_000)
    sc = scenario(cluster("a", phase("p", 3, 30_000)), budget=Budget(caps=(cap,)))
    assert run(sc, {"a": "2025-01"}).feasible  # 30k in 2024-25
    ev = run(sc, {"a": "2025-03"})  # 10k in 2024-25, 20k in 2025-26
    assert ev.caps[0].released == 20_000 and not ev.feasible


# -- objective ----------------------------------------------------------------------------------


def test_all_objective_terms():
    legacy = Legacy("L", m("2024-05"), "p1", 2_000)
    sc = scenario(
        cluster("a", phase("p1", 3, 30_000), legacy=(legacy,), benefits=1_000),
        cluster("b", phase("q", options=[(2, 10_000, None), (4, 5_000, None)]), benefits=500),
    )
    ev = run(sc, {"a": "2024-06", "b": "2024-04"}, options={"b": (1,)})
    assert ev.feasible
    # a: 2024-06..2024-08, 3 late months; b: 2024-04..2024-07.
    # benefits: a 19 months x £1k, b 20 months x £500 up to 2026-03.
    assert ev.objective == {
        "extension_cost": 6_000,
        "late_months": 3,
        "delivery_cost": 35_000,
        "total_cost": 41_000,
        "net_cost": 41_000 - 19_000 - 10_000,
        "completion": m("2024-08"),
        "funding": 35_000,
    }
    weighted = Objective(weights=(("delivery_cost", 2), ("late_months", 1000)))
    assert ev.stage_values(weighted) == (73_000,)
    assert ev.stage_values(Objective()) == (6_000, 35_000, m("2024-08"))
