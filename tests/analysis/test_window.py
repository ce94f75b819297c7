"""Entry windows: hand-made cases, equality with a naive evaluate-per-shift version, and speed."""

from __future__ import annotations

import random

import pytest
from bruteforce import naive_windows
from builders import (
    Budget,
    Cap,
    Objective,
    Policy,
    Supplier,
    cluster,
    large_plan,
    m,
    phase,
    plan_of,
    scenario,
)

from scheduler.analysis.window import entry_windows
from scheduler.plan import Plan
from scheduler.rules.evaluate import (
    ClusterDecision,
    evaluate,
    jit_releases,
    tranche_of,
)
from scheduler.scenario.data import (
    Cluster,
    Dependency,
    Horizon,
    Legacy,
    Milestone,
    Scenario,
)
from scheduler.terms import OBJECTIVE_TERMS

# -- hand-made cases ----------------------------------------------------------------------------


def test_free_cluster_spans_the_horizon():
    sc = scenario(cluster("a", phase("p", 3)))
    plan = plan_of(sc, {"a": "2024-09"})
    assert plan.cluster("a").entry_window == (m("2024-04"), m("2026-01"))


def test_entry_bounds_and_fixed_entry():
    sc = scenario(
        cluster("a", phase("p", 3), earliest_entry="2024-06", latest_entry="2024-10"),
        cluster("b", phase("p", 3), fixed_entry="2025-01"),
    )
    plan = plan_of(sc, {"a": "2024-08", "b": "2025-01"})
    assert entry_windows(sc, plan) == {
        "a": (m("2024-06"), m("2024-10")),
        "b": (m("2025-01"), m("2025-01")),
    }


def test_stagger_and_capacity_limit_the_window():
    sc = scenario(
        cluster("a", phase("t", 2, uses={"s": 1})),
        cluster("b", phase("t", 2, uses={"s": 1})),
        suppliers=(Supplier("s", "S", 1),),
        policy=Policy(4),
        start="2024-04",
        end="2025-03",
    )
    plan = plan_of(sc, {"a": "2024-06", "b": "2024-12"})
    # a: stagger keeps it <= 2024-08; b: >= 2024-10 and its tender must end by 2025-03.
    assert entry_windows(sc, plan) == {
        "a": (m("2024-04"), m("2024-08")),
        "b": (m("2024-10"), m("2025-02")),
    }


def test_capacity_alone():
    sc = scenario(
        cluster("a", phase("t", 3, uses={"s": 1})),
        cluster("b", phase("t", 3, uses={"s": 1})),
        suppliers=(Supplier("s", "S", 1),),
        start="2024-04",
        end="2025-03",
    )
    plan = plan_of(sc, {"a": "2024-05", "b": "2024-10"})
    assert entry_windows(sc, plan) == {
        "a": (m("2024-04"), m("2024-07")),
        "b": (m("2024-08"), m("2025-01")),
    }


def test_objective_stage_limits_the_window():
    sc = scenario(
        cluster("a", phase("p", 3)),
        cluster("b", phase("p", 6)),
        objective=Objective(("completion",)),
    )
    plan = plan_of(sc, {"a": "2024-05", "b": "2024-06"})  # completion 2024-11, set by b
    windows = entry_windows(sc, plan)
    assert windows["a"] == (m("2024-04"), m("2024-09"))  # a may end up to 2024-11
    assert windows["b"] == (m("2024-04"), m("2024-06"))  # earlier is better, later worse


def test_legacy_extension_cost_limits_the_window():
    legacy = Legacy("old", m("2024-08"), "p", 1_000)
    sc = scenario(cluster("a", phase("p", 3), legacy=(legacy,)))
    plan = plan_of(sc, {"a": "2024-06"})  # retired 2024-08, on time
    assert plan.cluster("a").entry_window == (m("2024-04"), m("2024-06"))


def test_dependency_limits_both_sides():
    dep = Dependency("a", Milestone("p", "end"), 0, Milestone("p", "start"))
    sc = scenario(cluster("a", phase("p", 2)), cluster("b", phase("p", 2), depends_on=(dep,)))
    plan = plan_of(sc, {"a": "2024-06", "b": "2024-10"})
    windows = entry_windows(sc, plan)
    assert windows["a"] == (m("2024-04"), m("2024-08"))  # a ends by 2024-09
    assert windows["b"] == (m("2024-08"), m("2026-02"))


def test_cap_limits_the_window():
    sc = scenario(
        cluster("a", phase("p", 6, 6_000_000)),
        budget=Budget(caps=(Cap("c", 2024, 2024, 3_000_000),)),
    )
    plan = plan_of(sc, {"a": "2025-01"})
    assert plan.cluster("a").entry_window == (m("2025-01"), m("2025-10"))


def test_carry_forward_window_uses_just_in_time_releases():
    sc = scenario(
        cluster("a", phase("p", 3, 3_000)),
        cluster("b", phase("p", 3, 3_000)),
        budget=Budget(2_000, carry_forward=True, caps=(Cap("c", 2024, 2024, 6_000),)),
        objective=Objective(("funding",)),
    )
    # b releases 4k early in 2024-25 for spend in 2025-26; a then has 2k left in 2024-25.
    plan = plan_of(sc, {"a": "2025-06", "b": "2025-06"}, releases={"b": {2024: 4_000}})
    assert plan.objective["funding"] == 8_000
    assert naive_windows(sc, plan) == entry_windows(sc, plan)
    # a may spend at most £2k (one tranche) in 2024-25: enter no earlier than 2025-02.
    assert entry_windows(sc, plan)["a"] == (m("2025-02"), m("2026-01"))


# -- the incremental windows equal the naive ones -----------------------------------------------


def random_scenario(rng: random.Random) -> Scenario:
    start = m("2024-04") + rng.randrange(12)
    horizon = Horizon(start, start + rng.randint(18, 30), rng.choice((4, 4, 1)))
    suppliers = tuple(
        Supplier(
            f"s{i}",
            f"S{i}",
            rng.randint(1, 3),
            start + rng.randint(0, 4) if rng.random() < 0.3 else None,
            horizon.end - rng.randint(0, 4) if rng.random() < 0.3 else None,
        )
        for i in range(rng.randint(0, 2))
    )

    def uses():
        if not suppliers or rng.random() < 0.4:
            return None
        return {rng.choice(suppliers).id: rng.randint(1, 2)}

    clusters: list[Cluster] = []
    for index in range(rng.randint(1, 4)):
        phases = []
        for p in range(rng.randint(1, 3)):
            wait = rng.choice((0, 0, 1, 2)) if p else 0
            if rng.random() < 0.3:
                options = [(rng.randint(1, 5), rng.randrange(0, 20_000, 500), uses()) for _ in "ab"]
                phases.append(phase(f"p{p}", max_wait=wait, options=options))
            else:
                months, cost = rng.randint(1, 6), rng.randrange(0, 20_000, 500)
                phases.append(phase(f"p{p}", months, cost, uses(), wait))
        fields = {}
        if rng.random() < 0.3:
            fields["earliest_entry"] = start + rng.randint(0, 6)
        if rng.random() < 0.2:
            fields["latest_entry"] = start + rng.randint(8, 16)
        if rng.random() < 0.4:
            system = Legacy(
                "old",
                start + rng.randint(0, 18),
                rng.choice(phases).id,
                rng.randrange(0, 3_000, 250),
                horizon.end - rng.randint(0, 6) if rng.random() < 0.3 else None,
            )
            fields["legacy"] = (system,)
        if clusters and rng.random() < 0.4:
            other = rng.choice(clusters)
            dep = Dependency(
                other.id,
                Milestone(rng.choice(other.phases).id, rng.choice(("start", "end"))),
                rng.randint(0, 2),
                Milestone(rng.choice(phases).id, rng.choice(("start", "end"))),
            )
            fields["depends_on"] = (dep,)
        fields["benefits"] = rng.choice((0, 0, 100, 700))
        clusters.append(cluster(f"c{index}", *phases, **fields))
    policy = Policy(
        rng.choice((0, 0, 1, 2, 3)),
        rng.choice((None, None, 1, 2)),
        horizon.end - rng.randint(0, 5) if rng.random() < 0.2 else None,
    )
    budget = None
    if rng.random() < 0.7:
        years = horizon.fiscal_years()
        caps = []
        for i in range(rng.randint(0, 2)):
            first = rng.choice(years)
            last = rng.choice([y for y in years if y >= first])
            caps.append(Cap(f"cap{i}", first, last, rng.randrange(5_000, 60_000, 500)))
        budget = Budget(
            rng.choice((1_000, 2_000, 5_000)),
            rng.random() < 0.5,
            tuple(caps),
            rng.random() < 0.5,
        )
    if rng.random() < 0.3:
        terms = rng.sample(OBJECTIVE_TERMS, 2)
        objective = Objective(weights=((terms[0], rng.randint(1, 3)), (terms[1], 1)))
    else:
        objective = Objective(tuple(rng.sample(OBJECTIVE_TERMS, 3)))
    return Scenario("random", horizon, tuple(clusters), "", budget, suppliers, policy, objective)


def random_plan(sc: Scenario, rng: random.Random, tries: int = 300) -> Plan | None:
    horizon = sc.horizon
    carry = sc.budget is not None and sc.budget.carry_forward
    for _ in range(tries):
        decisions = {}
        for c in sc.clusters:
            options = tuple(
                rng.randrange(len(p.modes)) if p.has_options else None for p in c.phases
            )
            waits = tuple(rng.randint(0, p.max_wait) for p in c.phases)
            entry = rng.randint(horizon.start, horizon.end)
            decisions[c.id] = ClusterDecision.back_to_back(c, entry, options, waits)
        releases = None
        if carry:
            first = evaluate(sc, decisions)
            tranche = tranche_of(sc.budget)
            releases = {}
            for cid, spend in first.spend.items():
                jit = jit_releases(spend, horizon.fiscal_years(), tranche)
                if jit and rng.random() < 0.5:  # release one tranche a year early
                    year = rng.choice(sorted(jit))
                    jit[year - 1 if year - 1 in horizon.fiscal_years() else year] = (
                        jit.get(year - 1, 0) + tranche
                    )
                releases[cid] = jit
        ev = evaluate(sc, decisions, releases)
        if ev.feasible:
            return ev.to_plan(sc)
    return None


def test_incremental_windows_equal_naive_windows():
    rng = random.Random(20240401)
    compared = carried = 0
    for _ in range(200):
        sc = random_scenario(rng)
        plan = random_plan(sc, rng)
        if plan is None:
            continue
        assert entry_windows(sc, plan) == naive_windows(sc, plan), sc
        compared += 1
        carried += sc.budget is not None and sc.budget.carry_forward
    assert compared >= 60 and carried >= 10


# -- speed --------------------------------------------------------------------------------------


@pytest.mark.parametrize("objective", [("extension_cost",), ("funding", "net_cost")])
def test_windows_of_a_thousand_clusters_contain_their_entries(objective):
    sc, plan = large_plan()
    sc = Scenario(
        sc.name,
        sc.horizon,
        sc.clusters,
        "",
        sc.budget,
        sc.suppliers,
        sc.policy,
        Objective(objective),
    )
    windows = entry_windows(sc, plan)  # its speed is measured in bench/test_bench_window.py
    assert len(windows) == 1000
    assert all(first <= c.entry <= last for c in plan.clusters for first, last in [windows[c.id]])


def test_why_not_earlier_names_the_cap_that_holds_an_entry():
    # £6m spread over 2 months from 2025-03: a month earlier puts £3m into 2024-25, over its cap.
    sc = scenario(
        cluster("alpha", phase("build", 2, 6_000_000), earliest_entry="2024-04"),
        budget=Budget(caps=(Cap("Year one", 2024, 2024, 3_000_000),)),
    )
    plan = plan_of(sc, {"alpha": "2025-03"})
    from scheduler.analysis.window import why_not_earlier

    assert why_not_earlier(sc, plan, "alpha") == (
        "a month earlier would break: cap Year one (2024-25..2024-25): released £6m, cap £3m"
    )
    free = plan_of(sc, {"alpha": "2025-06"})
    assert why_not_earlier(sc, free, "alpha") is None
