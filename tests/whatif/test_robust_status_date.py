"""`solve --robust` at a status date: a deadline retired by a running phase is history's to hold."""

from __future__ import annotations

import pytest

from scheduler.pipeline import solve
from scheduler.report.robust_report import render_robust
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions
from scheduler.whatif.robust import RobustResult, robust_solve

OPTIONS = SolveOptions(time_limit=30, workers=1, deterministic=True)
SYNERGY = ("synergy", "SSCL ISSC2 outsourcing contracts")
UNITY = ("unity", "SAP ECC 6.0")


@pytest.fixture(scope="module")
def robust() -> RobustResult:
    scenario = load_scenario("scenarios/status-2025.yaml")
    result = robust_solve(scenario, OPTIONS, target=0.8, samples=1000, runs=2000)
    assert isinstance(result, RobustResult)
    return result


def test_a_deadline_retired_by_a_running_phase_gets_no_buffer_and_caps_the_target(robust):
    # Synergy's SSCL contracts retire at the end of its running implementation: no decision
    # moves that, so the loop buys nothing and stops after one round
    assert dict(robust.history) == {SYNERGY: "implement", UNITY: "implement"}
    assert robust.rounds == 1 and not robust.met
    assert robust.capped_by == (SYNERGY,)  # Unity's holds in every run: it caps nothing
    rows = {(row.cluster, row.legacy): row for row in robust.deadlines}
    assert rows[SYNERGY].buffer == 0 and rows[SYNERGY].in_sample < 0.8
    assert rows[UNITY].in_sample == 1.0
    assert robust.plan.objective == robust.deterministic.objective
    text = render_robust(robust)
    assert "retired by synergy implement, which has actuals: history" in text


def test_the_deterministic_plan_is_the_one_robust_starts_from(robust):
    scenario = load_scenario("scenarios/status-2025.yaml")
    assert robust.deterministic.objective == solve(scenario, OPTIONS).plan.objective
