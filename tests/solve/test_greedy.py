"""The greedy starting schedule: it never breaks a rule, it starts the solver, and it is the plan
of last resort when the solver finds none in time."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import cluster, m, phase, scenario
from hypothesis import HealthCheck, given, settings
from strategies import tiny_scenarios

from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.rules.evaluate import evaluate
from scheduler.scenario.data import Dependency, Milestone
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.solve.greedy import greedy_schedule
from scheduler.solve.options import SolveOptions

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["base.yaml", "actual-2023.yaml"])
def test_greedy_schedule_of_the_shipped_scenarios_breaks_no_rule(name):
    scenario = load_scenario(ROOT / "scenarios" / name)
    decisions = greedy_schedule(scenario)
    assert decisions is not None
    assert evaluate(scenario, decisions).violations == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_scenarios())
def test_greedy_schedule_is_none_or_feasible(scenario):
    decisions = greedy_schedule(scenario)
    if decisions is not None:
        assert evaluate(scenario, decisions).violations == []


@pytest.mark.slow
def test_a_thousand_clusters_get_a_checked_plan_even_when_the_solver_runs_out_of_time(solver):
    scenario = load_scenario_text(generate_yaml(1000, 10, seed=1), "generated.yaml")
    outcome = solve(scenario, SolveOptions(time_limit=1.0), solver)  # the pipeline checks it
    assert outcome.plan.status == "feasible"
    assert len(outcome.plan.clusters) == 1000
    assert outcome.stats.fallback


def test_a_warm_start_that_breaks_the_variant_is_not_used_as_a_fallback():
    from scheduler.rules.evaluate import decisions_from_plan
    from scheduler.solve.lexico import feasible_start as _feasible

    base = load_scenario(ROOT / "scenarios" / "base.yaml")
    actual = load_scenario(ROOT / "scenarios" / "actual-2023.yaml")
    plan = solve(base, SolveOptions(time_limit=20)).plan
    assert _feasible(base, decisions_from_plan(plan))
    assert not _feasible(actual, decisions_from_plan(plan))  # its entries are fixed elsewhere


def test_a_dependency_is_met_by_the_earliest_entry_of_any_option_combination():
    """``b``'s second phase may start only after ``a`` ends (month 3 of the horizon). With its
    4-month first option ``b`` can enter at the horizon start; with the 1-month one only in month
    3. The greedy takes the earliest entry, then the first combination that fits there: the scan
    must not skip entries that only some combination can use."""
    after_a = Dependency("a", Milestone("work", "end"), 0, Milestone("run", "start"))
    sc = scenario(
        cluster("a", phase("work", 3)),
        cluster(
            "b",
            phase("prepare", options=[(1, 0, None), (4, 0, None)]),
            phase("run", 2),
            depends_on=(after_a,),
        ),
        start="2024-01",
        end="2024-12",
    )
    decisions = greedy_schedule(sc)
    assert decisions is not None
    assert decisions["a"].phase_starts == (m("2024-01"),)
    assert decisions["b"].phase_starts == (m("2024-01"), m("2024-05"))
    assert decisions["b"].options == (1, None)
    # without the long option, b waits for a: it enters in 2024-03 so that run starts in 2024-04
    short = scenario(
        sc.clusters[0],
        cluster("b", phase("prepare", 1), phase("run", 2), depends_on=(after_a,)),
        start="2024-01",
        end="2024-12",
    )
    assert greedy_schedule(short)["b"].phase_starts == (m("2024-03"), m("2024-04"))
