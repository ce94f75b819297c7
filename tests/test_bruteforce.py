"""The brute-force optimiser on tiny scenarios with answers worked out by hand."""

from __future__ import annotations

import pytest
from bruteforce import brute_force, cluster_candidates
from builders import Budget, Cap, Objective, Policy, Supplier, cluster, m, phase, plan_of, scenario

from scheduler.rules.check import check_plan
from scheduler.scenario.data import Dependency, Legacy, Milestone


def solved(sc):
    values, decisions = brute_force(sc)
    assert decisions is not None
    assert check_plan(sc, plan_of(sc, decisions)) == []
    return values, decisions


def test_one_supplier_forces_sequencing():
    tender = phase("t", 3, uses={"s": 1})
    sc = scenario(
        cluster("a", tender),
        cluster("b", tender),
        suppliers=(Supplier("s", "S", 1),),
        objective=Objective(("completion",)),
        start="2024-04",
        end="2024-12",
    )
    values, decisions = solved(sc)
    assert values == [m("2024-09")]
    assert sorted(d.entry for d in decisions.values()) == [m("2024-04"), m("2024-07")]
    wider = scenario(*sc.clusters, suppliers=(Supplier("s", "S", 2),), objective=sc.objective)
    assert brute_force(wider)[0] == [m("2024-06")]


def test_a_cap_forces_a_later_entry():
    sc = scenario(
        cluster("a", phase("p", 6, 6_000_000)),
        budget=Budget(caps=(Cap("c", 2024, 2024, 3_000_000),)),
        objective=Objective(("completion",)),
    )
    values, decisions = solved(sc)
    assert values == [m("2025-06")]  # at most 3 of the 6 £1m months in 2024-25
    assert decisions["a"].entry == m("2025-01")


def test_legacy_extension_cost():
    legacy = Legacy("old", m("2024-08"), "p", 1_000_000)
    sc = scenario(
        cluster("a", phase("p", 6, 2_000_000), earliest_entry="2024-06", legacy=(legacy,))
    )
    values, _ = solved(sc)
    assert values == [3_000_000, 2_000_000, m("2024-11")]


def test_options_follow_the_objective_order():
    options = [(6, 10_000_000, None), (3, 20_000_000, None)]
    fast = scenario(
        cluster("a", phase("p", options=options)),
        objective=Objective(("completion", "delivery_cost")),
    )
    cheap = scenario(*fast.clusters, objective=Objective(("delivery_cost", "completion")))
    assert solved(fast)[0] == [m("2024-06"), 20_000_000]
    assert solved(cheap)[0] == [10_000_000, m("2024-09")]


def test_weighted_objective_is_one_stage():
    options = [(6, 10_000, None), (3, 20_000, None)]
    sc = scenario(
        cluster("a", phase("p", options=options)),
        objective=Objective(weights=(("delivery_cost", 1), ("completion", 0))),
    )
    assert solved(sc)[0] == [10_000]


def test_stagger_spreads_entries():
    sc = scenario(
        cluster("a", phase("p", 2)),
        cluster("b", phase("p", 2)),
        cluster("c", phase("p", 2)),
        policy=Policy(2),
        objective=Objective(("completion",)),
        start="2024-04",
        end="2024-12",
    )
    assert solved(sc)[0] == [m("2024-09")]  # entries 04, 06, 08


def test_tranche_rounding_shapes_the_plan():
    sc = scenario(
        cluster("a", phase("p", 2, 4_000), earliest_entry="2025-03"),
        budget=Budget(tranche=4_000),
        objective=Objective(("funding", "completion")),
    )
    # Entering 2025-03 splits £2k + £2k over two years: two £4k tranches. 2025-04 needs one.
    assert solved(sc)[0] == [4_000, m("2025-05")]


def test_benefits_in_net_cost():
    options = [(4, 10_000, None), (2, 13_000, None)]
    sc = scenario(
        cluster("a", phase("p", options=options), benefits=1_000),
        objective=Objective(("net_cost",)),
        start="2024-04",
        end="2025-03",
    )
    # Option 0 ends 2024-07 (8 months of benefits): 10k - 8k; option 1 ends 2024-05: 13k - 10k.
    assert solved(sc)[0] == [2_000]


def test_dependency_and_waits():
    dep = Dependency("a", Milestone("q", "end"), 1, Milestone("q", "start"))
    sc = scenario(
        cluster("a", phase("p", 2), phase("q", 2, max_wait=2)),
        cluster("b", phase("p", 1), phase("q", 1, max_wait=3), depends_on=(dep,)),
        objective=Objective(("completion",)),
        start="2024-04",
        end="2024-12",
    )
    # a: p 04-05, q 06-07; b's q may start from 2024-09, b enters by 2024-05 and waits.
    values, decisions = solved(sc)
    assert values == [m("2024-09")]
    assert decisions["b"].phase_starts[1] == m("2024-09")


def test_infeasible():
    sc = scenario(
        cluster("a", phase("p", 1, 5_000)),
        budget=Budget(caps=(Cap("c", 2024, 2025, 4_000),)),
    )
    assert brute_force(sc) == (None, None)


def test_candidates_respect_bounds_and_refuse_carry_forward():
    c = cluster("a", phase("p", 3), earliest_entry="2025-12")
    sc = scenario(c)
    assert [d.entry for d in cluster_candidates(sc, c)] == [m("2025-12"), m("2026-01")]
    with pytest.raises(ValueError):
        brute_force(scenario(c, budget=Budget(carry_forward=True)))
