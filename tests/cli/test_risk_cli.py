"""``python -m scheduler risk``: what a planner types and what comes back."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scheduler.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"

TINY = """\
name: Tiny
horizon: {start: 2024-01, end: 2027-12}
suppliers:
  - {id: market, capacity: 1}
lifecycle:
  - {id: tender, months: 6, cost: £6m, uses: [market]}
  - {id: build, months: 6, cost: £12m}
clusters:
  - id: alpha
    earliest_entry: 2024-01
    legacy:
      - {name: Old ledger, expires: 2024-12, extension_cost: £1m, hard_deadline: 2025-06}
  - id: beta
    earliest_entry: 2024-01
    phases:
      build: {risk: {low: 5, likely: 6, high: 12}}
risk:
  runs: 2000
  seed: 1
  phases:
    build: {low: 0%, likely: 0%, high: +50%}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_risk_solves_simulates_and_writes_every_output(tmp_path, capsys):
    path = write(tmp_path, TINY)
    out_dir = tmp_path / "out"
    code = main(["risk", str(path), "--out", str(out_dir), "--json", str(tmp_path / "r.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2,000 runs, seed 1" in out
    assert "Most at risk: alpha (Old ledger) meets its hard deadline 2025-06 in" in out
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "risk.csv",
        "risk.json",
        "risk.png",
        "risk.txt",
        "runs.csv",
    ]
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["format"] == "scheduler-risk/1"
    assert data["most_at_risk"]["cluster"] == "alpha"
    assert 0 < data["legacy"][0]["p_hard_deadline_holds"] <= 1
    assert (out_dir / "risk.png").read_bytes()[:4] == b"\x89PNG"
    assert len((out_dir / "runs.csv").read_text().splitlines()) == 2001


def test_risk_of_a_saved_plan_with_other_runs_and_seed(tmp_path, capsys):
    path = write(tmp_path, TINY)
    plan = tmp_path / "plan.json"
    assert main([str(path), "--json", str(plan)]) == 0
    capsys.readouterr()
    args = ["risk", str(path), "--plan", str(plan), "--runs", "300", "--risk-seed", "4"]
    assert main([*args, "--json", str(tmp_path / "a.json")]) == 0
    assert main([*args, "--json", str(tmp_path / "b.json")]) == 0
    out = capsys.readouterr().out
    assert "300 runs, seed 4" in out
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


def test_a_plan_of_another_scenario_is_refused(tmp_path, capsys):
    path = write(tmp_path, TINY)
    plan = tmp_path / "plan.json"
    assert main([str(path), "--json", str(plan)]) == 0
    other = tmp_path / "other.yaml"
    other.write_text(TINY.replace("months: 6, cost: £6m", "months: 7, cost: £6m"))
    assert main(["risk", str(other), "--plan", str(plan)]) == 5
    assert "breaks" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runs", "0"], "--runs: must be 1 to 1,000,000, got 0"),
        (["--risk-seed", "-1"], "--risk-seed: must be 0 to"),
    ],
)
def test_bad_options_are_bad_input(tmp_path, capsys, args, message):
    assert main(["risk", str(write(tmp_path, TINY)), *args]) == 2
    assert message in capsys.readouterr().err


def test_a_bad_risk_section_is_bad_input_naming_file_line_and_key(tmp_path, capsys):
    path = write(tmp_path, TINY.replace("high: +50%", "high: -50%"))
    assert main(["risk", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:21: risk.phases.build: needs low <= likely <= high, got 0%, 0%, -50%" in err


@pytest.mark.slow
def test_risk_of_the_base_scenario_names_the_cluster_most_at_risk(capsys):
    assert main(["risk", str(BASE), "--runs", "2000"]) == 0
    out = capsys.readouterr().out
    assert "Most at risk: " in out and "hard deadline" in out
    assert "Criticality index" in out and "Top drivers" in out
