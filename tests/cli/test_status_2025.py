"""The shipped programme as at April 2025: a checked plan that keeps every actual, splits the
late months, reports the 2028 target; compare attributes Synergy's slip to its actuals."""

from __future__ import annotations

import pytest

from scheduler.pipeline import solve
from scheduler.report.terminal import render_plan
from scheduler.rules.check import check_plan
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions
from scheduler.units import parse_month as m
from scheduler.whatif.compare import compare
from scheduler.whatif.compare_types import Subject

OPTIONS = SolveOptions(time_limit=30, workers=1, deterministic=True)


@pytest.fixture(scope="module")
def status():
    scenario = load_scenario("scenarios/status-2025.yaml")
    return scenario, solve(scenario, OPTIONS).plan


def test_the_plan_keeps_every_actual(status):
    scenario, plan = status
    assert plan.status == "optimal" and check_plan(scenario, plan) == []
    for cluster in scenario.clusters:
        for phase, planned in zip(cluster.phases, plan.cluster(cluster.id).phases, strict=True):
            if phase.actual is not None:
                assert (planned.start, planned.end) == (phase.actual.start, phase.actual.end)
    synergy = plan.cluster("synergy")
    assert synergy.phase("implement").end == m("2028-08")  # 40 planned + the 8-month slip
    assert plan.cluster("defence").entry >= m("2026-01")  # the contract deferred to 2026
    defence = plan.cluster("defence").legacy[0]
    assert defence.late_incurred == 18  # 2023-10 .. 2025-03, before the status date


def test_the_report_shows_history_split_lateness_and_the_target(status):
    scenario, plan = status
    text = render_plan(scenario, plan)
    assert "Status date: 2025-04" in text and "History as at 2025-04" in text
    assert "late incurred" in text and "All departments on cloud systems by 2028" in text
    assert "2022-23 (history)" in text


@pytest.mark.slow
def test_compare_attributes_synergys_slip_to_its_implementation_actuals(status):
    base_scenario = load_scenario("scenarios/base.yaml")
    base = Subject("base", "base", "scenario", base_scenario, solve(base_scenario, OPTIONS).plan)
    scenario, plan = status
    now = Subject("status-2025", "s", "scenario", scenario, plan)
    (story,) = compare([base, now]).summary
    text = story.text
    assert "implement runs 8 months longer than base planned (actual)" in text
    assert (
        "synergy: award 2024-08 (+3 months), go-live 2028-08 (+11 months): +11 months from " in text
    )
    assert "accelerated not" not in text and "not accelerated" not in text


def test_check_reads_a_status_date_plan_file(status, tmp_path):
    """``check SCENARIO PLAN.json`` reads the status date, the actual flags and the incurred
    late months back from the plan JSON and passes the plan."""
    from scheduler.rules.plan_file import read_plan_file

    scenario, plan = status
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    read = read_plan_file(path).plan
    assert read.status_date == plan.status_date
    assert [p.actual for p in read.cluster("synergy").phases] == [True, True, False]
    assert read.cluster("defence").legacy[0].late_incurred == 18
    assert check_plan(scenario, read) == []
