"""Property-based tests: on random tiny scenarios, each backend's plan passes the independent check
and its objective equals the optimum found by brute-force enumeration (the ``solver`` fixture runs
every test once on CP-SAT and once on the MILP)."""

from __future__ import annotations

import pytest
from bruteforce import brute_force
from hypothesis import HealthCheck, assume, given, settings
from strategies import tiny_scenarios

from scheduler.pipeline import solve
from scheduler.rules.evaluate import stage_value
from scheduler.solve.options import SolveOptions
from scheduler.units import month

START = month(2024, 4)


def _check_against_brute_force(sc, solver):
    try:
        optimum, _ = brute_force(sc)
    except ValueError:
        assume(False)
    outcome = solve(sc, SolveOptions(time_limit=20, workers=1), solver)  # raises if check fails
    plan = outcome.plan
    if optimum is None:
        assert plan.status == "infeasible"
        assert plan.explanation
        return
    assert plan.status == "optimal"
    values = [stage_value(stage, plan.objective) for stage in sc.objective.stages]
    assert values == list(optimum)


# The solver fixture is a constant per test run, so reusing it across examples is sound.
HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@settings(max_examples=40, deadline=None, suppress_health_check=HEALTH)
@given(sc=tiny_scenarios())
def test_solver_matches_brute_force_on_random_tiny_scenarios(solver, sc):
    _check_against_brute_force(sc, solver)


@pytest.mark.slow
@settings(max_examples=250, deadline=None, suppress_health_check=HEALTH)
@given(sc=tiny_scenarios())
def test_solver_matches_brute_force_many(solver, sc):
    _check_against_brute_force(sc, solver)
