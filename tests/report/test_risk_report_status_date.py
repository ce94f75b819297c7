"""The risk report of the programme as at April 2025 (scenarios/status-2025.yaml)."""

from __future__ import annotations

import csv
import json

import pytest

from scheduler.analysis.risk.simulate import simulate
from scheduler.pipeline import solve
from scheduler.report.risk_report import render_risk, risk_to_dict, write_runs_csv
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions
from scheduler.units import parse_month as m

OPTIONS = SolveOptions(time_limit=30, workers=1, deterministic=True)


@pytest.fixture(scope="module")
def status():
    scenario = load_scenario("scenarios/status-2025.yaml")
    plan = solve(scenario, OPTIONS).plan
    return scenario, plan, simulate(scenario, plan, runs=2000)


def test_status_2025_has_risk_for_what_is_to_come_only(status):
    scenario, _plan, result = status
    assert scenario.risk is not None
    legacy = {(i.cluster, i.name): i for i in result.legacy}
    prism = legacy[("overseas", "Prism")]  # retired 2022-11 by a finished phase
    assert prism.retired == (m("2022-11"),) * 3
    defence = legacy[("defence", "PeopleSoft 8.8 (data-centre exit)")]
    assert defence.late_incurred == 18 and defence.extension_incurred == 7_200_000
    assert defence.extension_cost[0] >= defence.extension_incurred
    synergy = legacy[("synergy", "SSCL ISSC2 outsourcing contracts")]
    assert 0.0 < synergy.p_deadline < 1.0  # its running implementation's months to go vary
    sr21 = next(cap for cap in result.caps if cap.name == "SR21")  # all of it history
    assert sr21.history == sr21.planned == sr21.released_p80 and sr21.p_exceeded == 0.0
    planned = {year: p for year, p, _ in result.spend}
    p80 = {year: q for year, _, q in result.spend}
    for year in (2022, 2023, 2024):  # the years ended before 2025-04
        assert planned[year] == p80[year]


def test_the_report_says_what_the_status_date_holds_fixed(status):
    scenario, _, result = status
    text = " ".join(render_risk(scenario, result).split())  # the paragraph wraps
    assert "As at 2025-04: history is the same in every run" in text
    assert "6 finished phase(s)" in text and "3 running phase(s)" in text
    assert "incurred" in text and "history" in text
    data = json.loads(json.dumps(risk_to_dict(result, scenario)))
    assert data["status_date"] == "2025-04"
    assert data["history"] == {"finished": 6, "running": 3}
    assert {c["name"]: c["history_released"] for c in data["caps"]}["SR21"] == 270_000_000


def test_runs_csv_gives_a_running_phases_months_to_go(status, tmp_path):
    scenario, plan, result = status
    rows = list(csv.DictReader(write_runs_csv(result, tmp_path / "runs.csv").open()))
    assert scenario.status_date == m("2025-04")
    cluster = next(c for c in plan.clusters if c.id == "synergy")
    implement = next(p for p in cluster.phases if p.id == "implement")
    elapsed = scenario.status_date - implement.start  # months it ran before the status date
    whole = [int(row["months synergy implement"]) for row in rows]
    to_go = [int(row["months to go synergy implement"]) for row in rows]
    assert [w - t for w, t in zip(whole, to_go, strict=True)] == [elapsed] * len(rows)
    assert min(to_go) >= 1 and len(set(to_go)) > 1  # sampled from the status date on
    assert "months to go overseas tender" not in rows[0]  # finished history: nothing to go
