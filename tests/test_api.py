"""The front door, ``import scheduler as sch``: what a notebook user calls."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import scheduler as sch
from scheduler.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"


def _readme_example() -> tuple[str, str]:
    """The Python API section's code block and the output block that follows it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    output = re.search(r"prints\n\n```text\n(.*?)```", section, re.S)
    assert code and output, "README.md's Python API section needs a python block and its output"
    return code.group(1), output.group(1)


@pytest.mark.slow
def test_the_readme_example_runs_and_prints_what_the_readme_says():
    code, expected = _readme_example()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run(
        [sys.executable, "-"], input=code, capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == expected


def test_importing_the_package_is_light():
    heavy = ("ortools", "pulp", "networkx", "matplotlib", "yaml")
    code = f"import sys, scheduler; print([m for m in {heavy!r} if m in sys.modules])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.strip() == "[]", run.stderr


def test_solve_stays_the_function_after_its_room_is_imported():
    import scheduler.solve.options  # noqa: F401 - binds scheduler.solve, if it were not already

    assert callable(sch.solve)


def test_load_with_overrides_is_set(tmp_path):
    scenario = sch.load(BASE, {"budget.caps.SR21.amount": "£403m", "policy.stagger_months": 0})
    assert scenario == load_scenario(
        BASE, [("budget.caps.SR21.amount", "£403m"), ("policy.stagger_months", "0")]
    )
    assert scenario.budget.caps[0].amount == 403_000_000
    assert scenario.policy.stagger_months == 0


def test_with_overrides_reports_problems_by_key_path_like_set():
    scenario = sch.load(BASE)
    with pytest.raises(sch.ScenarioError) as caught:
        scenario.with_overrides({"budget.caps.SR21.amount": "lots", "policy.stagger": 1})
    shown = {str(problem) for problem in caught.value.problems}
    assert shown == {
        "--set: budget.caps[0].amount: expected an amount of money like £5m, 1.2bn or 750k, "
        "got 'lots'",
        "--set: policy.stagger: unknown key 'stagger'; did you mean 'stagger_months'?",
    }


def test_with_overrides_on_a_scenario_changed_in_python_writes_it_out_first():
    scenario = sch.load(BASE)
    edited = dataclasses.replace(scenario, name="edited")
    path = "clusters.synergy.phases.implement.options.accelerated.months"
    changed = edited.with_overrides({path: 36, "budget.caps.SR21.amount": "£403m"})
    assert changed.name == "edited"
    assert changed.cluster("synergy").phases[1].modes[1].months == 36
    assert changed.budget.caps[0].amount == 403_000_000
    assert changed.source == "<scenario>"
    with pytest.raises(sch.ScenarioError) as caught:
        edited.with_overrides({"suppliers.integrators.capacity": 1})
    assert str(caught.value.problems[0]) == (
        "<scenario>: clusters[2].phases.implement.options[1].uses: option 'accelerated' needs 2 "
        "units of 'integrators' but its capacity is 1"
    )


def test_with_overrides_needs_a_loader_behind_the_scenario():
    built = dataclasses.replace(sch.load(BASE), origin=None)
    with pytest.raises(sch.ScenarioError, match="built in Python"):
        built.with_overrides({"policy.stagger_months": 0})


def test_a_scenario_shows_itself_in_one_line():
    assert repr(sch.load(BASE)) == (
        "<Scenario 'Government shared services, base case (December 2022)' from "
        f"{BASE}: 5 clusters, 2 suppliers, horizon 2022-04..2032-03, objective "
        "extension_cost > delivery_cost > completion>"
    )


def test_solve_check_and_months_print_as_months():
    scenario = sch.load(BASE)
    plan = sch.solve(scenario, time_limit=10, deterministic=True).plan
    assert plan.status == "optimal"
    completion = plan.objective["completion"]
    assert isinstance(completion, sch.Month) and isinstance(completion, int)
    assert str(completion) == repr(completion) == "2030-03"
    assert completion == sch.Month.parse("2030-03")
    assert sch.check(scenario, plan) == []
    moved = dataclasses.replace(
        plan, clusters=tuple(dataclasses.replace(c, entry=c.entry + 1) for c in plan.clusters)
    )
    assert sch.check(scenario, moved)


def test_check_reads_a_plan_file(tmp_path):
    scenario = sch.load(BASE)
    plan = sch.solve(scenario, time_limit=10, deterministic=True).plan
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    assert sch.check(BASE, path) == []


def test_compare_takes_labelled_scenarios_and_plans():
    scenario = sch.load(BASE)
    plan = sch.solve(scenario, time_limit=10, deterministic=True).plan
    no_stagger = scenario.with_overrides({"policy.stagger_months": 0})
    comparison = sch.compare({"base": (scenario, plan), "no stagger": no_stagger}, time_limit=10)
    assert [s.label for s in comparison.subjects] == ["base", "no stagger"]
    assert [s.kind for s in comparison.subjects] == ["plan", "scenario"]
    assert comparison.summary[0].subject == "no stagger"
    assert comparison.summary[0].baseline == "base"
    with pytest.raises(ValueError, match="at least two"):
        sch.compare({"base": plan})


def test_sweep_varies_a_loaded_scenario():
    scenario = sch.load(BASE)
    result = sch.sweep(scenario, {"policy.stagger_months": "0,3"}, time_limit=10)
    assert [row.name for row in result.rows] == [
        "policy.stagger_months=0",
        "policy.stagger_months=3",
    ]
    assert all(row.result.status == "optimal" for row in result.rows)
    base_plan = sch.solve(scenario, time_limit=10, deterministic=True).plan
    assert result.rows[1].result.objective == base_plan.objective


def test_solve_options_are_checked_as_on_the_command_line():
    with pytest.raises(sch.OptionError, match="--time-limit"):
        sch.solve(BASE, time_limit=float("nan"))


def test_validate_reports_bad_input_and_leaves_infeasibility_to_the_solver():
    scenario = sch.load(BASE)
    late = dataclasses.replace(scenario, policy=dataclasses.replace(scenario.policy, deadline=0))
    assert sch.validate(late) == []
    assert sch.solve(late, time_limit=10).plan.status == "infeasible"
    unknown = dataclasses.replace(scenario, suppliers=scenario.suppliers[:1])
    assert {p.message for p in sch.validate(unknown)} == {"unknown supplier 'integrators'"}


def test_indicators_per_year_of_a_plan():
    scenario = sch.load("scenarios/status-2025.yaml")
    plan = sch.solve(scenario, time_limit=20, deterministic=True, workers=1).plan
    found = sch.indicators(scenario, plan)
    assert found is not None
    year = next(y for y in found.years if y.label == "2025-26")
    assert year.stages["in_competition"] == ("defence",)
    assert (year.users.value, year.users.total) == (15_000, 477_000)
    assert found.to_dict()["years"][0]["history"] is True
