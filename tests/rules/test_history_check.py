"""The independent check with a status date: history stays as it happened, new phases start at or
after the status date, and late months split into incurred and to come."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import m
from loading import write

from scheduler.pipeline import solve
from scheduler.plan import Plan
from scheduler.rules.check import check_plan
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions

TEXT = """\
name: t
status_date: 2025-04
horizon: {start: 2023-04, end: 2030-03}
policy: {stagger_months: 3}
suppliers: [{id: market, capacity: 1}]
budget:
  tranche: £1m
  released: {a: {2023-24: £10m}}
  caps: [{name: SR, from: 2023-24, to: 2025-26, amount: £200m}]
lifecycle:
  - {id: tender, months: 12, cost: £6m, uses: [market]}
  - id: implement
    months: 24
    cost: £48m
    options: [{name: standard}, {name: fast, months: 18, cost: £60m}]
clusters:
  - id: a
    phases:
      tender: {actual_start: 2023-06, actual_end: 2024-08}
      implement: {actual_start: 2024-09, remaining_months: 20, option: fast}
    legacy: [{name: L, expires: 2024-10, extension_cost: £1m}]
  - id: b
    phases:
      tender: {actual_start: 2023-09, actual_end: 2024-08}
  - id: c
"""


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    sc = load_scenario(write(tmp_path_factory.mktemp("h"), TEXT))
    return sc, solve(sc, SolveOptions(time_limit=10, workers=1)).plan


def _phase(plan: Plan, cid: str, pid: str, **changes) -> Plan:
    clusters = []
    for cp in plan.clusters:
        if cp.id == cid:
            phases = tuple(replace(p, **changes) if p.id == pid else p for p in cp.phases)
            cp = replace(cp, phases=phases, entry=phases[0].start)
        clusters.append(cp)
    return replace(plan, clusters=tuple(clusters))


def test_the_plan_keeps_history_and_passes(solved):
    sc, plan = solved
    assert plan.status == "optimal" and check_plan(sc, plan) == []
    tender, implement = plan.cluster("a").phases
    assert (tender.start, tender.end, tender.actual) == (m("2023-06"), m("2024-08"), True)
    assert (implement.end, implement.option) == (m("2025-04") + 19, 1)
    b_implement = plan.cluster("b").phases[1]
    assert not b_implement.actual and b_implement.start == m("2025-04")  # waits for the status date
    assert plan.cluster("c").entry >= m("2025-04")
    (legacy,) = plan.cluster("a").legacy
    # retired 2026-11, expired 2024-10: 25 late months, 5 of them (2024-11..2025-03) incurred
    assert (legacy.late_months, legacy.late_incurred, legacy.late_to_come) == (25, 5, 20)
    assert (legacy.extension_incurred, legacy.extension_to_come) == (5_000_000, 20_000_000)
    assert plan.cluster("a").funding[2023] == 10_000_000  # the release given as history


def test_check_rejects_a_moved_finished_phase(solved):
    sc, plan = solved
    moved = _phase(plan, "b", "tender", start=m("2023-10"), end=m("2024-09"))
    assert any("b tender is history: it ran 2023-09..2024-08" in p for p in check_plan(sc, moved))


def test_check_rejects_a_changed_option(solved):
    sc, plan = solved
    changed = _phase(plan, "a", "implement", option=0)
    assert any("took option 'fast'" in p for p in check_plan(sc, changed))


def test_check_rejects_a_new_phase_before_the_status_date(solved):
    sc, plan = solved
    c = plan.cluster("c")
    early = replace(
        plan,
        clusters=tuple(
            replace(
                cp,
                entry=cp.entry - 3,
                entry_window=(cp.entry - 3, cp.entry - 3),
                phases=tuple(replace(p, start=p.start - 3, end=p.end - 3) for p in cp.phases),
            )
            if cp.id == "c"
            else cp
            for cp in plan.clusters
        ),
    )
    assert c.entry - 3 < m("2025-04")
    problems = check_plan(sc, early)
    assert any("c tender starts" in p and "before the status date 2025-04" in p for p in problems)


def test_check_rejects_a_wrong_actual_flag_or_split(solved):
    sc, plan = solved
    assert any(
        "reported as a decision" in p
        for p in check_plan(sc, _phase(plan, "a", "tender", actual=False))
    )
    cp = plan.cluster("a")
    wrong = replace(cp, legacy=(replace(cp.legacy[0], late_incurred=0),))
    bad = replace(plan, clusters=tuple(wrong if c.id == "a" else c for c in plan.clusters))
    assert any("late_incurred reported as 0, recomputed 5" in p for p in check_plan(sc, bad))


def test_plan_json_round_trip(solved):
    _sc, plan = solved
    data = plan.to_dict()
    assert data["status_date"] == "2025-04"
    assert [p["actual"] for p in data["clusters"][0]["phases"]] == [True, True]
    assert data["clusters"][0]["legacy"][0]["late_months_incurred"] == 5
    assert Plan.from_dict(data) == plan


def test_milp_agrees(solved):
    sc, plan = solved
    other = solve(sc, SolveOptions(time_limit=30, workers=1), solver="milp").plan
    assert other.objective == plan.objective
