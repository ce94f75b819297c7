"""``solve --robust P``: a plan whose hard deadlines hold with probability P, and its price."""

from __future__ import annotations

import dataclasses
import math
import textwrap
from pathlib import Path

import pytest

from scheduler.cli.main import main
from scheduler.rules.check import check_plan
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions
from scheduler.whatif.robust import RobustResult, robust_solve

TWO_WAYS = """\
name: Two ways to build
horizon: {start: 2024-04, end: 2028-03}
lifecycle:
  - {id: tender, months: 3, cost: £3m}
  - id: build
    options:
      - {name: standard, months: 12, cost: £12m}
      - {name: fast, months: 8, cost: £16m}
clusters:
  - id: alpha
    earliest_entry: 2024-04
    legacy:
      - {name: Old ledger, expires: 2027-01, replaced_by: build, hard_deadline: 2025-06}
risk:
  runs: 4000
  seed: 3
  phases:
    build: {low: 0%, likely: 10%, high: 30%}
"""
OPTIONS = SolveOptions(time_limit=20, workers=1, deterministic=True)


def _scenario(tmp_path: Path, text: str = TWO_WAYS):
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_scenario(path), path


def test_the_robust_plan_holds_out_of_sample_and_says_its_price(tmp_path: Path) -> None:
    scenario, _ = _scenario(tmp_path)
    result = robust_solve(scenario, OPTIONS, 0.8, samples=1000)
    assert isinstance(result, RobustResult) and result.met
    (row,) = result.deadlines
    assert row.deterministic < 0.8  # the cheapest plan (standard build) is fragile
    error = math.sqrt(0.8 * 0.2 / result.runs)
    assert row.out_of_sample >= 0.8 - 3 * error
    assert result.plan.cluster("alpha").phase("build").option == 1  # fast
    price = result.plan.objective["delivery_cost"] - result.deterministic.objective["delivery_cost"]
    assert price == 4_000_000
    assert check_plan(scenario, result.plan) == []


def test_an_unreachable_target_names_the_deadline_that_caps_it(tmp_path: Path) -> None:
    scenario, _ = _scenario(
        tmp_path, TWO_WAYS.replace("likely: 10%, high: 30%", "likely: 60%, high: 90%")
    )
    result = robust_solve(scenario, OPTIONS, 0.9, samples=500)
    assert isinstance(result, RobustResult) and not result.met
    assert result.capped_by == (("alpha", "Old ledger"),)
    assert result.plan.cluster("alpha").phase("build").option == 1  # the best it can do


def test_a_certain_scenario_needs_no_buffer(tmp_path: Path) -> None:
    scenario, _ = _scenario(tmp_path)
    scenario = dataclasses.replace(scenario, risk=None)
    result = robust_solve(scenario, OPTIONS, 0.99, samples=50, runs=50)
    assert result.met and result.deadlines[0].buffer == 0
    assert result.plan.objective == result.deterministic.objective


def test_solve_robust_prints_the_plan_and_its_price(tmp_path: Path, capsys) -> None:
    _, path = _scenario(tmp_path)
    args = [str(path), "--robust", "0.8", "--robust-samples", "500", "--deterministic"]
    assert main([*args, "--json", str(tmp_path / "p.json")]) == 0
    out = capsys.readouterr().out
    assert "Robust plan: every hard deadline to hold with probability at least 80.0%" in out
    assert "The price of robustness" in out and "+£4m" in out
    assert main(["check", str(path), str(tmp_path / "p.json")]) == 0


@pytest.mark.parametrize(
    ("value", "message"), [("1.5", "--robust: must be a probability"), ("x", "--robust: must be")]
)
def test_a_bad_target_is_bad_input(tmp_path: Path, capsys, value: str, message: str) -> None:
    _, path = _scenario(tmp_path)
    assert main([str(path), "--robust", value]) == 2
    assert message in capsys.readouterr().err
