"""Risk at a status date: history is the same in every run, a running phase samples only its
months to come, nothing new starts before the status date, and spend before it is a fact."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from builders import Budget, Cap, Supplier, as_at, cluster, m, phase, scenario
from risk_runs import every_run_keeps_the_rules

from scheduler.analysis.risk.sampling import triangular_cdf
from scheduler.analysis.risk.simulate import run_samples, simulate
from scheduler.pipeline import solve
from scheduler.plan import Plan
from scheduler.rules.check import check_plan
from scheduler.scenario.data import Legacy, Range, Risk, RiskEvent, Scenario
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions

OPTIONS = SolveOptions(time_limit=20, workers=1, deterministic=True)
STATUS = "2025-04"
FY_HISTORY, FY_NEXT = 2024, 2025  # 2024-25 ended before the status date; 2025-26 contains it


def _status_scenario(
    risk: Risk | None,
    build_cost: int = 12_000_000,
    released: tuple[tuple[str, int, int], ...] = (),
) -> tuple[Scenario, Plan]:
    """Cluster a: tender finished (2024-04..2024-09), build running since 2024-10 with 6 of its
    12 months to go (to 2025-09), retiring ``old`` (hard deadline 2025-10). Cluster b: a new
    build after a's on the one integrator (capacity 1), no earlier than the status date."""
    base = scenario(
        cluster(
            "a",
            phase("tender", 6, 600_000),
            phase("build", 12, build_cost, uses={"integrator": 1}),
            legacy=(Legacy("old", m("2025-06"), "build", 100_000, m("2025-10")),),
        ),
        cluster("b", phase("build", 6, 0, uses={"integrator": 1}), earliest_entry=STATUS),
        start="2024-04",
        end="2028-03",
        suppliers=(Supplier("integrator", "Integrator", 1),),
        budget=Budget(
            tranche=1_000_000,
            caps=(
                Cap("past", FY_HISTORY, FY_HISTORY, 10_000_000),
                Cap("next", FY_NEXT, FY_NEXT, 7_000_000),
            ),
            released=released,
        ),
    )
    sc = as_at(
        base, STATUS, {("a", "tender"): ("2024-04", "2024-09"), ("a", "build"): ("2024-10", 6)}
    )
    sc = dataclasses.replace(sc, risk=risk)
    plan = solve(sc, OPTIONS).plan
    assert plan.has_schedule and not check_plan(sc, plan)
    return sc, plan


def _event(probability: float, delay: int, phase_id: str) -> RiskEvent:
    return RiskEvent(f"{phase_id} slips", probability, delay, phase_id, ("a",))


WIDE = Risk(
    runs=20_000,
    seed=3,
    phases=(("tender", Range(-50, 0, 50, True)), ("build", Range(-50, 0, 100, True))),
    events=(_event(1.0, 5, "tender"),),
)


def test_a_finished_phase_never_varies_and_no_event_touches_it() -> None:
    sc, plan = _status_scenario(WIDE)
    runs = run_samples(sc, plan)
    j = next(i for i, job in enumerate(runs.jobs) if job.label == "a tender")
    assert set(runs.schedule.start[j]) == {m("2024-04")}
    assert set(runs.schedule.end[j]) == {m("2024-09")}
    assert j not in runs.draws.uncertain


def test_a_running_phase_samples_its_remaining_months_scaled_by_the_range() -> None:
    sc, plan = _status_scenario(WIDE)
    runs = run_samples(sc, plan)
    j = next(i for i, job in enumerate(runs.jobs) if job.label == "a build")
    assert set(runs.schedule.start[j]) == {m("2024-10")}  # its start is history
    to_come = runs.draws.months[j] - 6  # 6 months ran before the status date
    # -50%..+100% of the 6 months to go: triangular (3, 6, 12), rounded half up
    assert to_come.min() == 3 and to_come.max() == 12
    expected = triangular_cdf(6.5, 3, 6, 12)
    share = float(np.mean(to_come <= 6))
    assert share == pytest.approx(expected, abs=4 * math.sqrt(expected * (1 - expected) / 20_000))
    assert np.all(runs.schedule.end[j] == m(STATUS) + to_come - 1)


def test_a_range_in_months_scales_the_remainder_by_the_option_s_planned_months() -> None:
    risk = Risk(runs=5_000, phases=(("build", Range(10, 12, 18)),))
    sc, plan = _status_scenario(risk)
    runs = run_samples(sc, plan)
    j = next(i for i, job in enumerate(runs.jobs) if job.label == "a build")
    to_come = runs.draws.months[j] - 6
    # 10/12/18 months of a 12-month plan: factors 5/6, 1, 3/2 of the 6 months to go: (5, 6, 9)
    assert to_come.min() == 5 and to_come.max() == 9


def test_no_run_starts_anything_new_before_the_status_date_or_moves_history() -> None:
    sc, plan = _status_scenario(WIDE)
    runs = run_samples(sc, plan)
    for j, job in enumerate(runs.jobs):
        if job.actual:
            assert set(runs.schedule.start[j]) == {job.start}
        else:
            assert runs.schedule.start[j].min() >= m(STATUS)
    a_build = next(i for i, job in enumerate(runs.jobs) if job.label == "a build")
    b_build = next(i for i, job in enumerate(runs.jobs) if job.label == "b build")
    assert np.all(runs.schedule.start[b_build] > runs.schedule.end[a_build])  # capacity 1


def test_history_spend_and_releases_are_the_same_in_every_run() -> None:
    sc, plan = _status_scenario(WIDE)
    runs = run_samples(sc, plan)
    planned = sum(c.spend.get(FY_HISTORY, 0) for c in plan.clusters)
    assert set(runs.outcomes.spend[FY_HISTORY]) == {planned} == {6_600_000}
    assert set(runs.outcomes.cap_released["past"]) == {7_000_000}
    result = simulate(sc, plan)
    past = next(cap for cap in result.caps if cap.name == "past")
    assert past.history == 7_000_000 and past.p_exceeded == 0.0
    (old,) = result.legacy
    assert old.late_incurred == 0  # expires 2025-06, after the status date


def test_a_certain_run_at_a_status_date_is_the_plan_to_the_pound() -> None:
    sc, plan = _status_scenario(None, build_cost=12_345_000)  # remainders in the spread
    result = simulate(sc, plan, runs=20)
    assert all(planned == p80 for _, planned, p80 in result.spend)
    assert all(cap.planned == cap.released_p80 for cap in result.caps)
    assert [i.retired for i in result.legacy] == [(m("2025-09"),) * 3]


def test_a_two_outcome_case_gives_the_hand_computed_probabilities() -> None:
    """Build certain, an event (p = 0.3) adds 3 months to its months to go: it retires ``old``
    2025-09 or 2025-12 (deadline 2025-10 holds with p = 0.7) and spends £6m or £9m (pro rata,
    £1m a month) in 2025-26, against the £7m cap: exceeded with p = 0.3."""
    risk = Risk(runs=20_000, seed=11, phases=(("build", Range(0, 0, 0, True)),))
    risk = dataclasses.replace(risk, events=(_event(0.3, 3, "build"),))
    sc, plan = _status_scenario(risk)
    result = simulate(sc, plan)
    (old,) = result.legacy
    tolerance = 4 * math.sqrt(0.21 / 20_000)
    assert old.p_deadline == pytest.approx(0.7, abs=tolerance)
    assert sorted(set(result.detail.outcomes.retired[("a", "old")])) == [m("2025-09"), m("2025-12")]
    nxt = next(cap for cap in result.caps if cap.name == "next")
    assert nxt.p_exceeded == pytest.approx(0.3, abs=tolerance)
    assert nxt.p_exceeded == pytest.approx(1 - old.p_deadline)  # the same runs
    assert sorted(set(result.detail.outcomes.spend[FY_NEXT])) == [6_000_000, 9_000_000]


def test_the_same_seed_gives_the_same_runs_and_another_seed_other_runs() -> None:
    sc, plan = _status_scenario(WIDE)
    first, again = run_samples(sc, plan, 500, 7), run_samples(sc, plan, 500, 7)
    other = run_samples(sc, plan, 500, 8)
    assert np.array_equal(first.draws.months, again.draws.months)
    assert np.array_equal(first.schedule.start, again.schedule.start)
    assert not np.array_equal(first.draws.months, other.draws.months)


def test_given_history_releases_count_against_a_cap_but_alone_break_none() -> None:
    """``budget.released`` gives £12m for 2024-25 (history), above the £10m ``past`` cap: every
    run releases those £12m there, and the cap is not exceeded by any run (only releases still to
    come can break a cap, as in the check)."""
    sc, plan = _status_scenario(WIDE, released=(("a", FY_HISTORY, 12_000_000),))
    result = simulate(sc, plan)
    past = next(cap for cap in result.caps if cap.name == "past")
    assert past.history == 12_000_000 == past.released_p80 == past.planned
    assert past.p_exceeded == 0.0
    assert set(result.detail.outcomes.cap_released["past"]) == {12_000_000}


def test_every_run_keeps_history_and_the_rules_as_the_evaluation_demands() -> None:
    sc, plan = _status_scenario(dataclasses.replace(WIDE, runs=400))
    every_run_keeps_the_rules(sc, plan, sample=100)


def test_every_run_of_status_2025_keeps_history_and_the_rules() -> None:
    sc = load_scenario("scenarios/status-2025.yaml")
    assert sc.risk is not None
    sc = dataclasses.replace(sc, risk=dataclasses.replace(sc.risk, runs=300))
    every_run_keeps_the_rules(sc, solve(sc, OPTIONS).plan, sample=60)


def test_a_finished_phase_that_holds_the_next_start_has_no_criticality() -> None:
    """Cluster c's tender finished 2025-03 and its build starts at the status date right after
    it, so the tender is the build's driver in every run; its months are history, index 0."""
    base = scenario(
        cluster("c", phase("tender", 3), phase("build", 6)),
        start="2024-04",
        end="2027-03",
    )
    sc = as_at(base, STATUS, {("c", "tender"): ("2025-01", "2025-03")})
    risk = Risk(runs=200, phases=(("build", Range(-20, 0, 50, True)),))
    sc = dataclasses.replace(sc, risk=risk)
    plan = solve(sc, OPTIONS).plan
    assert plan.cluster("c").phase("build").start == m(STATUS)
    runs = run_samples(sc, plan)
    assert set(runs.schedule.driver[1]) == {0}  # the tender set the build's start...
    index = dict(simulate(sc, plan).criticality)
    assert index == {"c tender": 0.0, "c build": 1.0}  # ...but only the build's months vary
