"""check_plan(): sound plans pass; tampered plans are caught, each with a specific message."""

from __future__ import annotations

from dataclasses import replace

from builders import Budget, Cap, Objective, Supplier, cluster, m, phase, plan_of, scenario

from scheduler.plan import CapUse, Plan
from scheduler.rules.check import check_plan
from scheduler.rules.evaluate import ClusterDecision
from scheduler.scenario.data import Legacy


def base():
    legacy = Legacy("old", m("2024-09"), "build", 1_000_000)
    sc = scenario(
        cluster(
            "a",
            phase("tender", 3, 3_000_000, {"mkt": 1}),
            phase("build", options=[(4, 8_000_000, None), (6, 6_000_000, {"si": 1})]),
            legacy=(legacy,),
        ),
        cluster("b", phase("tender", 3, 3_000_000, {"mkt": 1}), phase("build", 2, 1_000_000)),
        suppliers=(Supplier("mkt", "Market", 1), Supplier("si", "SI", 1)),
        budget=Budget(tranche=2_000_000, caps=(Cap("SR", 2024, 2024, 20_000_000),)),
        objective=Objective(("extension_cost", "delivery_cost", "completion", "funding")),
    )
    plan = plan_of(sc, {"a": "2024-04", "b": "2024-07"})
    return sc, plan


def edit_cluster(plan: Plan, cid: str, **changes) -> Plan:
    clusters = tuple(replace(c, **changes) if c.id == cid else c for c in plan.clusters)
    return replace(plan, clusters=clusters)


def edit_phase(plan: Plan, cid: str, index: int, **changes) -> Plan:
    phases = list(plan.cluster(cid).phases)
    phases[index] = replace(phases[index], **changes)
    return edit_cluster(plan, cid, phases=tuple(phases))


def test_a_sound_plan_passes():
    sc, plan = base()
    assert check_plan(sc, plan) == []
    assert plan.objective["extension_cost"] == 1_000_000  # build ends 2024-10, expires 2024-09


def test_json_round_trip_passes():
    sc, plan = base()
    again = Plan.from_dict(plan.to_dict())
    assert check_plan(sc, again) == []
    assert again.to_dict() == plan.to_dict()


def test_moved_phase():
    sc, plan = base()
    moved = edit_phase(plan, "a", 1, start=m("2024-08"))  # end left at 2024-10
    problems = check_plan(sc, moved)
    assert "a build: runs 2024-08..2024-10, but it lasts 4 months (end 2024-11)" in problems
    assert "a build starts 2024-08, 1 months after tender ends 2024-06 (max_wait 0)" in problems


def test_moved_cluster_breaks_capacity_and_reported_figures():
    sc, plan = base()
    moved = plan_of(sc, {"a": "2024-04", "b": "2024-06"}, windows=False)
    tampered = edit_cluster(plan, "b", phases=moved.cluster("b").phases, entry=m("2024-06"))
    tampered = edit_cluster(tampered, "b", entry_window=(m("2024-06"), m("2024-06")))
    problems = check_plan(sc, tampered)
    assert "supplier mkt: 2 units in use in 2024-06, capacity 1 (a tender, b tender)" in problems
    assert any(
        p.startswith("objective: completion reported as 2024-11, recomputed") for p in problems
    )


def test_wrong_spend():
    sc, plan = base()
    spend = dict(plan.cluster("a").spend)
    spend[2024] += 1_000
    problems = check_plan(sc, edit_cluster(plan, "a", spend=spend))
    assert problems == ["a: spend in 2024-25 reported as £11,001,000, recomputed £11,000,000"]


def test_wrong_funding_without_carry_forward():
    sc, plan = base()
    funding = dict(plan.cluster("b").funding)
    funding[2024] += 2_000_000
    problems = check_plan(sc, edit_cluster(plan, "b", funding=funding))
    assert "b: funding in 2024-25 reported as £6,000,000, recomputed £4,000,000" in problems


def test_invalid_option():
    sc, plan = base()
    assert check_plan(sc, edit_phase(plan, "a", 1, option=2)) == [
        "a build: option 2 does not exist (options 0..1)"
    ]
    assert check_plan(sc, edit_phase(plan, "b", 0, option=0)) == [
        "b tender: has no options, plan gives 0"
    ]


def test_other_option_than_its_figures():
    sc, plan = base()
    problems = check_plan(sc, edit_phase(plan, "a", 1, option=1))
    assert "a build: runs 2024-07..2024-10, but it lasts 6 months (end 2024-12)" in problems
    assert "a build: uses {} reported, the scenario says {'si': 1}" in problems
    assert "a build: cost £8,000,000 reported, the scenario says £6,000,000" in problems


def test_wrong_clusters_and_phases():
    sc, plan = base()
    assert check_plan(sc, replace(plan, clusters=plan.clusters[:1])) == [
        "cluster b is missing from the plan"
    ]
    renamed = edit_cluster(plan, "b", id="c")
    assert check_plan(sc, renamed) == [
        "cluster b is missing from the plan",
        "the plan lists cluster c, which the scenario lacks",
    ]
    swapped = edit_cluster(plan, "b", phases=plan.cluster("b").phases[::-1])
    assert check_plan(sc, swapped) == [
        "b: phases are build, tender; the scenario's are tender, build"
    ]


def test_wrong_legacy_caps_objective_and_window():
    sc, plan = base()
    legacy = (replace(plan.cluster("a").legacy[0], late_months=0),)
    assert check_plan(sc, edit_cluster(plan, "a", legacy=legacy)) == [
        "a: old late_months reported as 0, recomputed 1"
    ]
    caps = (replace(plan.caps[0], released=1),)
    assert check_plan(sc, replace(plan, caps=caps)) == [
        "cap SR: released reported as £1, recomputed £16,000,000"
    ]
    assert check_plan(sc, replace(plan, caps=())) == ["cap SR is missing from the plan"]
    extra = (*plan.caps, CapUse("X", 2024, 2024, 1, 0))
    assert check_plan(sc, replace(plan, caps=extra)) == ["cap X is not in the scenario"]
    objective = {**plan.objective, "delivery_cost": 1}
    assert check_plan(sc, replace(plan, objective=objective)) == [
        "objective: delivery_cost reported as £1, recomputed £15,000,000"
    ]
    window = edit_cluster(plan, "a", entry_window=(m("2024-05"), m("2024-06")))
    assert check_plan(sc, window) == [
        "a: entry window 2024-05..2024-06 does not contain its entry 2024-04"
    ]


def test_infeasible_plan_has_no_clusters():
    sc, plan = base()
    assert check_plan(sc, replace(plan, status="infeasible", clusters=())) == []
    assert check_plan(sc, replace(plan, status="unknown")) == [
        "a plan with status unknown lists clusters"
    ]


def test_carry_forward_reads_the_plans_releases():
    sc = scenario(cluster("a", phase("p", 3, 10_000)), budget=Budget(5_000, carry_forward=True))
    early = plan_of(sc, {"a": "2025-02"}, releases={"a": {2024: 15_000}})
    assert early.cluster("a").funding == {2024: 15_000}
    assert check_plan(sc, early) == []
    short = edit_cluster(early, "a", funding={2024: 5_000, 2025: 5_000})
    assert check_plan(sc, short) == [
        "a: releases up to 2024-25 total £5k, less than its spend up to then £7k"
    ]


def test_plan_with_waits_passes():
    sc = scenario(cluster("a", phase("p", 2), phase("q", 2, max_wait=3)))
    decision = ClusterDecision.back_to_back(sc.clusters[0], m("2024-04"), waits=(0, 3))
    assert check_plan(sc, plan_of(sc, {"a": decision})) == []
