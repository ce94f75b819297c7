"""The indicators per financial year on every surface: the plan JSON (read back field by field and
re-checked by ``check``), the terminal report, ``indicators.csv``, the xlsx sheet and the HTML
board pack."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from builders import Budget, Cap, cluster, m, phase, plan_of, scenario

from scheduler.analysis.indicators import indicators
from scheduler.cli.main import main
from scheduler.errors import ScenarioError
from scheduler.pipeline import indicator_mismatches
from scheduler.report.csv import indicator_rows
from scheduler.report.outputs import plan_json
from scheduler.report.terminal import render_plan
from scheduler.rules.plan_file import plan_from_json
from scheduler.scenario.data import Legacy

STATUS = "scenarios/status-2025.yaml"


def _tiny(users: int | None = 300):
    a = cluster(
        "a",
        phase("tender", 3, 300_000),
        phase("build", 6, 600_000),
        legacy=(Legacy("old", m("2025-03"), "build"),),
        departments=("D1",),
        users=100,
    )
    b = cluster("b", phase("tender", 4, 400_000), phase("build", 12, 1_200_000), users=users)
    budget = Budget(tranche=100_000, caps=(Cap("C1", 2024, 2025, 3_000_000),))
    sc = scenario(a, b, start="2024-04", end="2027-03", budget=budget)
    return sc, plan_of(sc, {"a": "2024-06", "b": "2025-01"})


@pytest.fixture(scope="module")
def status_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("status")
    assert main([STATUS, "--deterministic", "--out", str(out)]) == 0
    return out


def test_plan_json_carries_indicators_and_check_accepts_them(status_out, capsys):
    data = json.loads((status_out / "plan.json").read_text(encoding="utf-8"))
    years = data["indicators"]["years"]
    assert [y["year"] for y in years][:3] == ["2022-23", "2023-24", "2024-25"]
    assert [y["history"] for y in years][:4] == [True, True, True, False]
    assert data["indicators"]["totals"] == {
        "clusters": 5,
        "departments": 10,
        "users": 477_000,
        "legacy": 5,
        "legacy_instances": 19,  # Matrix's 15 instances and four single systems
        "platforms": ["Oracle Cloud", "SAP", "Workday"],
    }
    assert years[3]["stages"]["in_competition"] == ["defence"]  # at 2026-03: tendering
    capsys.readouterr()
    assert main(["check", STATUS, str(status_out / "plan.json")]) == 0
    assert "passes every check" in capsys.readouterr().out


def _check_rejects(data: dict, tmp_path, capsys) -> str:
    """``check`` of the edited plan ``data`` against status-2025: exit 6 ("does not fit"); its
    report."""
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", STATUS, str(edited)]) == 6
    return capsys.readouterr().out


def test_check_rejects_an_edited_indicator(status_out, tmp_path, capsys):
    data = json.loads((status_out / "plan.json").read_text(encoding="utf-8"))
    data["indicators"]["years"][6]["on_new_systems"]["users"] = 500_000
    data["indicators"]["years"][0]["legacy"]["retired"] = 0
    out = _check_rejects(data, tmp_path, capsys)
    assert "indicators.years[6].on_new_systems.users: reported as 500000, recomputed 417000" in out
    assert "indicators.years[0].legacy.retired: reported as 0, recomputed 1" in out


def test_plan_reader_names_a_bad_indicator_by_key_path():
    sc, plan = _tiny()
    data = json.loads(plan_json(plan, sc))
    data["indicators"]["years"][1]["spend"] = "lots"
    data["indicators"]["years"][0]["milestones"][0]["month"] = "soon"
    del data["indicators"]["years"][2]["legacy"]["due"]
    with pytest.raises(ScenarioError) as caught:
        plan_from_json(data, "p.json")
    messages = sorted(f"{p.key}: {p.message}" for p in caught.value.problems)
    assert messages == [
        'indicators.years[0].milestones[0].month: expected a month like 2025-10, got "soon"',
        'indicators.years[1].spend: expected whole pounds, got "lots"',
        "indicators.years[2].legacy.due: required but missing",
    ]


def test_recomputed_indicators_match_and_a_stale_block_does_not():
    sc, plan = _tiny()
    given = json.loads(plan_json(plan, sc))["indicators"]
    assert indicator_mismatches(sc, plan, given) == []
    later = plan_of(sc, {"a": "2024-06", "b": "2025-02"})  # b a month later: its award moves
    stale = indicator_mismatches(sc, later, given)
    assert (
        'indicators.years[1].milestones[0].month: reported as "2025-04", recomputed "2025-05"'
        in stale
    )


def test_not_given_is_null_in_json_and_said_in_the_report():
    sc, plan = _tiny(users=None)
    data = json.loads(plan_json(plan, sc))["indicators"]
    assert data["totals"]["users"] is None
    assert data["not_given"]["users"] == "not given for b (no users in the scenario)"
    assert data["years"][2]["on_new_systems"]["users"] is None  # b live: its users unknown
    assert plan_from_json(json.loads(plan_json(plan, sc))).indicators == data
    text = render_plan(sc, plan)
    assert "not given" in text
    assert "users: not given for b (no users in the scenario)" in text
    found = indicators(sc, plan)
    assert found is not None
    rows = indicator_rows(found)
    assert rows[2]["users"] == "not given" and rows[0]["users"] == 100


def test_terminal_report_has_the_indicator_tables(status_out):
    text = (status_out / "report.txt").read_text(encoding="utf-8")
    assert "Indicators per financial year, at each year's end" in text
    assert "Milestones per financial year" in text
    lines = text.splitlines()
    row = next(line for line in lines if line.strip().startswith("2028-29 ") and "%" in line)
    # at 2029-03: defence implementing, unity transitioning, overseas, matrix and synergy live
    assert row.split()[1:6] == ["0", "0", "1", "1", "3"]
    assert "417,000 (87%)" in row
    start = lines.index("Indicators per financial year, at each year's end")
    end = lines.index("Milestones per financial year")
    assert all(len(line) <= 120 for line in lines[start:end])


def test_indicators_csv_one_row_per_year(status_out):
    text = (status_out / "indicators.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 11  # 2022-23 .. 2032-33
    first = rows[0]
    assert (first["year"], first["history"], first["live"]) == ("2022-23", "yes", "1")
    assert first["SR21: released to date"] == "15000000"
    assert rows[3]["SR21: released to date"] == ""  # SR21 does not cover 2025-26
    assert rows[3]["Later SRs (assumed): released to date"] == "165000000"
    assert "2026-01 defence market entry" in rows[3]["milestones"]
    assert rows[-1]["users_share"] == "1.0"


def test_indicators_sheet_in_the_workbook(status_out):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(status_out / "plan.xlsx")
    sheet = book["Indicators"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["year", "year end", "history"]
    values = {header[i]: cell.value for i, cell in enumerate(sheet[5])}  # 2025-26
    assert values["year"] == "2025-26" and values["in competition"] == 1
    assert values["users on new systems"] == 15_000
    assert values["Later SRs (assumed) released to date"] == 165_000_000


def test_indicators_section_in_the_board_pack(status_out):
    html = (status_out / "report.html").read_text(encoding="utf-8")
    assert 'id="indicators"' in html
    assert "Indicators per financial year" in html
    assert "2024-25 (history)" in html


def test_indicators_follow_the_plan_not_typed_in():
    sc, plan = _tiny()
    moved = plan_of(sc, {"a": "2024-09", "b": "2025-01"})  # a three months later
    first = json.loads(plan_json(plan, sc))["indicators"]["years"][0]
    later = json.loads(plan_json(moved, sc))["indicators"]["years"][0]
    assert first["stages"]["implementing"] == [] and later["stages"]["implementing"] == ["a"]


def test_a_figure_claimed_not_given_must_be_so():
    sc, plan = _tiny()
    given = json.loads(plan_json(plan, sc))["indicators"]
    given["not_given"]["users"] = "not given for b"  # b gives its users
    given["years"][0]["remark"] = "a later version's field"  # unknown keys are ignored
    assert indicator_mismatches(sc, plan, given) == [
        "indicators.not_given.users: reported as not given, but the scenario gives it"
    ]


# --- convergence: ERP platforms in use and legacy instances (status-2025 names both) -----------
# status-2025: Overseas live on Oracle Cloud (2022-11); Matrix (Workday, its 15 instances) goes
# live in 2027-28; Synergy (Oracle Cloud) and Unity (SAP) in 2028-29; Defence (Oracle Cloud) last.


def test_plan_json_and_check_carry_platforms_and_instances(status_out, tmp_path, capsys):
    data = json.loads((status_out / "plan.json").read_text(encoding="utf-8"))
    years = {y["year"]: y for y in data["indicators"]["years"]}
    assert years["2025-26"]["platforms"] == {
        "in_use": ["Oracle Cloud"],
        "count": 1,
        "live_without_platform": 0,
    }
    assert years["2028-29"]["platforms"]["in_use"] == ["Oracle Cloud", "SAP", "Workday"]
    legacy = years["2027-28"]["legacy"]
    assert (legacy["retired_in_year"], legacy["instances_retired_in_year"]) == (1, 15)
    assert (legacy["instances_retired"], legacy["instances_in_service"]) == (16, 3)
    years["2028-29"]["platforms"]["count"] = 2
    years["2027-28"]["legacy"]["instances_in_service"] = 18
    out = _check_rejects(data, tmp_path, capsys)
    assert "indicators.years[6].platforms.count: reported as 2, recomputed 3" in out
    assert "indicators.years[5].legacy.instances_in_service: reported as 18, recomputed 3" in out


def test_plan_reader_checks_the_new_figures_and_accepts_a_file_without_them():
    sc, plan = _tiny()
    data = json.loads(plan_json(plan, sc))
    data["indicators"]["years"][0]["platforms"]["in_use"] = "Oracle"
    data["indicators"]["years"][1]["legacy"]["instances_retired"] = -1
    with pytest.raises(ScenarioError) as caught:
        plan_from_json(data, "p.json")
    assert sorted(f"{p.key}: {p.message}" for p in caught.value.problems) == [
        'indicators.years[0].platforms.in_use: expected a list of text or null, got "Oracle"',
        "indicators.years[1].legacy.instances_retired: expected a whole number 0 or more, got -1",
    ]
    older = json.loads(plan_json(plan, sc))  # as written before platforms and instances
    for year in older["indicators"]["years"]:
        del year["platforms"]
        for key in ("instances_retired_in_year", "instances_retired", "instances_in_service"):
            del year["legacy"][key]
    del older["indicators"]["totals"]["platforms"]
    assert plan_from_json(older, "old.json").indicators == older["indicators"]
    # check recomputes them: a file without them is told what they are, not silently passed
    assert "indicators.years[0].platforms: missing, recomputed" in " ".join(
        indicator_mismatches(sc, plan, older["indicators"])
    )


def test_terminal_csv_xlsx_and_html_show_platforms_and_instances(status_out):
    text = (status_out / "report.txt").read_text(encoding="utf-8")
    assert "Convergence per financial year: distinct ERP platforms in use" in text
    lines = text.splitlines()
    start = lines.index(
        "Convergence per financial year: distinct ERP platforms in use among the clusters gone live"
    )
    block = lines[start : start + 20]
    row = next(line for line in block if line.strip().startswith("2027-28"))
    assert row.split()[1:] == ["2:", "Oracle", "Cloud,", "Workday", "0", "15", "16/19", "3"]
    assert all(len(line) <= 120 for line in block)
    rows = list(csv.DictReader(io.StringIO((status_out / "indicators.csv").read_text("utf-8-sig"))))
    assert rows[6]["year"] == "2028-29"
    assert rows[6]["platforms"] == "Oracle Cloud;SAP;Workday" and rows[6]["platform_count"] == "3"
    assert rows[5]["legacy_instances_retired_in_year"] == "15"
    assert rows[5]["legacy_instances_in_service"] == "3"
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(status_out / "plan.xlsx")["Indicators"]
    header = [cell.value for cell in sheet[1]]
    values = {header[i]: cell.value for i, cell in enumerate(sheet[7])}  # 2027-28
    assert values["platforms in use"] == "Oracle Cloud; Workday"
    assert values["platform count"] == 2
    assert values["legacy instances retired in year"] == 15
    html = (status_out / "report.html").read_text(encoding="utf-8")
    assert "Distinct ERP platforms in use among the clusters gone live" in html
    assert "3: Oracle Cloud, SAP, Workday" in html and "16/19" in html


def test_platforms_not_given_on_every_surface():
    sc, plan = _tiny()  # no cluster names a platform
    data = json.loads(plan_json(plan, sc))["indicators"]
    assert data["not_given"]["platforms"] == "not given (no cluster has a platform in the scenario)"
    assert data["years"][0]["platforms"] == {
        "in_use": None,
        "count": None,
        "live_without_platform": 1,  # a is live at 2025-03, naming no platform
    }
    text = render_plan(sc, plan)
    assert "platforms: not given (no cluster has a platform in the scenario)" in text
    found = indicators(sc, plan)
    assert found is not None
    row = indicator_rows(found)[0]
    assert (row["platforms"], row["platform_count"]) == ("not given", "not given")


def test_a_solve_computes_the_indicators_once_for_every_output(tmp_path, monkeypatch):
    """``solve --json --out`` shows the same indicators in the plan JSON, the terminal report,
    report.txt, report.html, indicators.csv and plan.xlsx: they are computed once and passed
    along (each surface used to compute them again: on 1,000 clusters 0.2-0.7 s each)."""
    import scheduler.analysis.indicators as module
    import scheduler.cli.solve as solve_cli
    import scheduler.report.html.report as html_report
    import scheduler.report.outputs as outputs
    import scheduler.report.terminal as terminal
    import scheduler.report.xlsx as xlsx

    calls = []

    def counted(scenario, plan):
        calls.append(plan.scenario)
        return module.indicators(scenario, plan)

    for where in (solve_cli, outputs, terminal, html_report, xlsx):
        monkeypatch.setattr(where, "indicators", counted)
    out, plan_file = tmp_path / "out", tmp_path / "plan.json"
    args = [STATUS, "--deterministic", "--json", str(plan_file), "--out", str(out)]
    assert main(args) == 0
    assert len(calls) == 1
    given = json.loads(plan_file.read_text())["indicators"]
    assert json.loads((out / "plan.json").read_text())["indicators"] == given
    assert (out / "indicators.csv").exists() and (out / "plan.xlsx").exists()
