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
    }
    assert years[3]["stages"]["in_competition"] == ["defence"]  # at 2026-03: tendering
    capsys.readouterr()
    assert main(["check", STATUS, str(status_out / "plan.json")]) == 0
    assert "passes every check" in capsys.readouterr().out


def test_check_rejects_an_edited_indicator(status_out, tmp_path, capsys):
    data = json.loads((status_out / "plan.json").read_text(encoding="utf-8"))
    data["indicators"]["years"][6]["on_new_systems"]["users"] = 500_000
    data["indicators"]["years"][0]["legacy"]["retired"] = 0
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", STATUS, str(edited)]) == 6
    out = capsys.readouterr().out
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
