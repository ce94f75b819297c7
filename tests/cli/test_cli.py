"""End-to-end tests of the command line: what a planner types and what comes back."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from itertools import combinations
from pathlib import Path

import pytest

from scheduler.cli.main import main
from scheduler.units import parse_month

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"
ACTUAL = ROOT / "scenarios" / "actual-2023.yaml"

TINY = """\
name: Tiny
horizon: {start: 2024-01, end: 2026-12}
suppliers:
  - {id: market, capacity: 1}
lifecycle:
  - {id: tender, months: 6, cost: £6m, uses: [market]}
  - {id: build, months: 6, cost: £12m}
clusters:
  - id: alpha
    earliest_entry: 2024-01
    legacy:
      - {name: Old ledger, expires: 2024-12, extension_cost: £1m, hard_deadline: HARD}
  - id: beta
    earliest_entry: 2024-01
"""


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_base_scenario_gives_an_optimal_staggered_checked_plan(tmp_path, capsys):
    plan_path = tmp_path / "plan.json"
    code = main([str(BASE), "--json", str(plan_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Status: optimal" in out
    plan = json.loads(plan_path.read_text())
    assert plan["format"] == "scheduler-plan/1"
    assert plan["status"] == "optimal"
    assert len(plan["clusters"]) == 5
    for cluster in plan["clusters"]:
        first, last = cluster["entry_window"]
        assert first <= cluster["entry"] <= last
    entries = [parse_month(c["entry"]) for c in plan["clusters"]]
    for a, b in combinations(entries, 2):
        assert abs(a - b) >= 3, "base.yaml staggers market entries by at least 3 months"
    assert main(["check", str(BASE), str(plan_path)]) == 0


def test_out_directory_holds_plan_csv_report_and_graphs(tmp_path, capsys):
    out = tmp_path / "out"
    assert main([str(BASE), "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out.strip().endswith("optimal")
    names = {p.name for p in out.iterdir()}
    assert {
        "plan.json",
        "plan.csv",
        "report.txt",
        "report.html",
        "funding.csv",
        "plan.xlsx",
        "plan.xml",
        "plan.mmd",
        "graph.graphml",
        "graph.dot",
        "graph.json",
    } <= names
    assert "synergy" in (out / "plan.csv").read_text(encoding="utf-8-sig")
    assert not any(name.endswith(".tmp") for name in names), "no temporary file left behind"


def test_both_scenarios_solve_and_bunched_entry_costs_more(tmp_path):
    base, actual = tmp_path / "base.json", tmp_path / "actual.json"
    assert main([str(BASE), "--json", str(base), "--quiet"]) == 0
    assert main([str(ACTUAL), "--json", str(actual), "--quiet"]) == 0
    base_plan, actual_plan = json.loads(base.read_text()), json.loads(actual.read_text())
    fixed = {c["id"]: c["entry"] for c in actual_plan["clusters"]}
    assert (fixed["synergy"], fixed["matrix"], fixed["unity"]) == ("2023-06", "2023-07", "2023-12")
    assert actual_plan["objective"]["extension_cost"] >= base_plan["objective"]["extension_cost"]


def test_deterministic_mode_gives_byte_identical_plans(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path in (first, second):
        assert main([str(BASE), "--deterministic", "--json", str(path), "--quiet"]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text())["solver"]["seconds"] is None
    assert "first_plan_seconds" not in json.loads(first.read_text())["solver"]  # wall-clock


def test_same_seed_gives_same_plan_in_default_mode(tmp_path):
    plans = []
    for name in ("a.json", "b.json"):
        path = tmp_path / name
        assert main([str(BASE), "--seed", "3", "--json", str(path), "--quiet"]) == 0
        data = json.loads(path.read_text())
        seconds, first = data["solver"].pop("seconds"), data["solver"].pop("first_plan_seconds")
        assert 0 <= first <= seconds  # the first plan (the starting schedule) within the solve
        plans.append(data)
    assert plans[0] == plans[1]


def test_bad_scenario_reports_file_line_and_key_without_traceback(tmp_path, capsys):
    path = write(
        tmp_path,
        """\
        name: Broken
        horizon: {start: 2024-01, end: 2026-12}
        clusters:
          - id: alpha
            phases:
              tender: {months: -3}
        """,
    )
    code = main([str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}:6: clusters[0].phases.tender.months" in err
    assert "Traceback" not in err


def test_missing_file_is_bad_input(tmp_path, capsys):
    assert main([str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--time-limit", "0"),
        ("--time-limit", "-1"),
        ("--time-limit", "nan"),
        ("--time-limit", "inf"),
        ("--workers", "0"),
        ("--workers", "100000"),
        ("--seed", "-1"),
        ("--seed", "2147483648"),
    ],
)
def test_out_of_range_solve_options_are_one_line_of_bad_input(capsys, option, value):
    assert main([str(BASE), option, value, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {option}: expected ") and err.count("\n") == 1
    assert "internal error" not in err


def test_milp_engine_highs_solves_and_is_refused_without_the_milp(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    assert main([str(BASE), "--solver", "milp", "--milp-engine", "highs", "--quiet",
                 "--json", str(plan)]) == 0  # fmt: skip
    assert json.loads(plan.read_text())["solver"]["name"] == "milp-highs"
    assert capsys.readouterr().out.endswith(": optimal\n")
    assert main([str(BASE), "--milp-engine", "highs", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == "error: --milp-engine: applies only with --solver milp, not cp-sat\n"


def test_infeasible_scenario_exits_3_and_names_the_conflicting_rules(tmp_path, capsys):
    # One market slot, six-month tenders: both clusters cannot enter by 2024-03.
    scenario = TINY.replace("HARD", "2025-12").replace(
        "    earliest_entry: 2024-01\n", "    earliest_entry: 2024-01\n    latest_entry: 2024-03\n"
    )
    code = main([str(write(tmp_path, scenario))])
    out = capsys.readouterr().out
    assert code == 3
    assert "infeasible" in out.lower()
    assert "cannot all hold together" in out
    assert "supplier market" in out
    assert "capacity 2 (+1) would do" in out


def test_a_deadline_before_the_earliest_retirement_is_infeasible_with_a_plan(tmp_path, capsys):
    # alpha's legacy can retire at the earliest at the end of build, 2024-12: a 2024-06 hard
    # deadline is certainly impossible, found before solving; exit 3, not bad input.
    path = write(tmp_path, TINY.replace("HARD", "2024-06"))
    out_json = tmp_path / "plan.json"
    code = main([str(path), "--json", str(out_json)])
    out = capsys.readouterr().out
    assert code == 3
    plan = json.loads(out_json.read_text(encoding="utf-8"))
    assert plan["status"] == "infeasible" and plan["clusters"] == []
    assert plan["explanation"][0].startswith("No plan can satisfy every rule; this is certain")
    assert (
        f"{path}:12: clusters[0].legacy[0].hard_deadline: 2024-06 is before the earliest "
        "possible retirement 2024-12 (end of build)" in plan["explanation"][1]
    )
    assert "before the earliest possible retirement" in out


def test_a_statically_infeasible_variant_is_an_infeasible_row(tmp_path, capsys):
    path = write(tmp_path, TINY.replace("HARD", "2026-12"))
    out_csv = tmp_path / "rows.csv"
    argv = ["sweep", str(path), "--vary", "clusters.alpha.legacy.0.hard_deadline=2024-06,2025-06"]
    assert main([*argv, "--quiet", "--csv", str(out_csv), "--jobs", "1"]) == 0
    rows = out_csv.read_text(encoding="utf-8").splitlines()[1:]
    assert [row.split(",")[3] for row in rows] == ["infeasible", "optimal"]
    assert "certain before any solving" in rows[0]


def test_no_plan_in_time_exits_4(monkeypatch, capsys):
    import scheduler.cli.solve as solve_command
    from scheduler.pipeline import Outcome
    from scheduler.plan import Plan, SolverInfo
    from scheduler.solve.lexico import SolveStats

    def no_plan(scenario, options, solver="cp-sat", interrupt=None):
        return Outcome(Plan(scenario.name, "unknown", {}, SolverInfo()), SolveStats(0.0, ()))

    monkeypatch.setattr(solve_command, "solve", no_plan)
    assert main([str(BASE)]) == 4


def test_check_command_rejects_a_tampered_plan(tmp_path, capsys):
    plan_path = tmp_path / "plan.json"
    assert main([str(BASE), "--json", str(plan_path), "--quiet"]) == 0
    data = json.loads(plan_path.read_text())
    data["clusters"][2]["phases"][0]["start"] = "2022-04"
    plan_path.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["check", str(BASE), str(plan_path)]) == 6  # does not fit; 5 is the tool's bug
    assert "does not fit" in capsys.readouterr().out


def test_check_command_reports_a_broken_plan_file(tmp_path, capsys):
    plan_path = write(tmp_path, "{not json", "plan.json")
    assert main(["check", str(BASE), str(plan_path)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_help_documents_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        from scheduler.cli.main import build_parser

        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert "3  infeasible" in out and "4  no plan within the time limit" in out
    assert "6  check: the plan does not fit this scenario" in out


def test_python_dash_m_runs_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-m", "scheduler", str(BASE), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "optimal" in result.stdout
