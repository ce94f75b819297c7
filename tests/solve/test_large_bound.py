"""CP-SAT's own search on a large time-indexed model's first stage (the thread beside the
neighbourhood search, :mod:`scheduler.solve.cpsat.backend`): it starts without the greedy hint,
which the neighbourhood search starts from, and the hint is back on the model afterwards."""

from __future__ import annotations

import time

import numpy as np
import pytest
from ortools.sat.python import cp_model

from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.cpsat import backend, hints, lns
from scheduler.solve.options import SolveOptions
from scheduler.solve.trivial import trivial_bounds


def test_hint_taken_off_and_put_back() -> None:
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_int_var(0, 5, "y")
    model.add_hint(x, 1)
    model.add_hint(y, 4)
    saved = hints.without_greedy_hint(model, True)
    assert saved is not None and len(model.proto.solution_hint.vars) == 0
    hints.restore_hint(model, saved)
    hint = model.proto.solution_hint
    assert list(hint.vars) == [x.index, y.index] and list(hint.values) == [1, 4]
    assert hints.without_greedy_hint(model, False) is None
    assert len(model.proto.solution_hint.vars) == 2


@pytest.mark.slow
def test_first_stage_search_starts_without_the_greedy_hint(monkeypatch) -> None:
    """Forced large path (``LARGE_MODEL = 0``) on 30 generated clusters: CP-SAT's search of the
    first stage sees no hint, the later stages' see the complete hint of the last plan, and
    the plan (re-checked by the pipeline) is the same as the ordinary path's optimum."""
    sc = load_scenario_text(generate_yaml(30, 10, 1), "generated-30")
    optimum = solve(sc, SolveOptions(time_limit=60, workers=2)).plan
    monkeypatch.setattr(backend, "LARGE_MODEL", 0)
    hinted: list[int] = []
    solve_model = backend.solve_model

    def recording(solver, model, *callback):
        if (
            solver.parameters.num_workers == 1
            and not solver.parameters.fix_variables_to_their_hinted_value
        ):
            hinted.append(len(model.proto.solution_hint.vars))
        return solve_model(solver, model, *callback)

    monkeypatch.setattr(backend, "solve_model", recording)
    options = SolveOptions(time_limit=30, workers=2, deterministic=True)
    outcome = solve(sc, options)
    stages = len(sc.objective.stages)
    assert len(hinted) == stages
    assert hinted[0] == 0
    assert all(count > 0 for count in hinted[1:])
    assert outcome.plan.objective["extension_cost"] == optimum.objective["extension_cost"]


@pytest.mark.slow
def test_stage_ends_once_cpsat_proves_it(monkeypatch) -> None:
    """Forced large path, not deterministic, on 30 generated clusters, with a neighbourhood
    search that never gives up by itself (it waits for ``should_stop``): the stage ends once
    CP-SAT has proven it (a second or two), not at the end of its share (over 40 s), and the
    plan is CP-SAT's proven optimum."""
    monkeypatch.setattr(backend, "LARGE_MODEL", 0)

    def patient(built, rows, incumbent, seconds, parameters, deterministic, should_stop, **_):
        began = time.monotonic()
        while not should_stop() and time.monotonic() - began < seconds:
            time.sleep(0.05)
        objective = int(np.dot(rows.objective_coefs, incumbent[rows.objective_vars]))
        return lns.Outcome(incumbent, objective, 0, 0, 0.0)

    monkeypatch.setattr(lns, "search", patient)
    sc = load_scenario_text(generate_yaml(30, 10, 1), "generated-30")
    outcome = solve(sc, SolveOptions(time_limit=90, workers=2))
    assert outcome.plan.status == "optimal"
    first = outcome.stats.stages[0]
    assert first.status == "OPTIMAL"
    assert first.seconds < 20


def test_trivial_floor_is_the_trivial_bound_in_model_units() -> None:
    sc = load_scenario_text(generate_yaml(10, 10, 1), "generated-10")
    bounds = trivial_bounds(sc)
    assert backend._trivial_floor(sc, (("extension_cost", 3),)) == 3 * bounds["extension_cost"]
    assert backend._trivial_floor(sc, (("completion", 1),)) is None


@pytest.mark.slow
def test_trivial_bound_when_cpsat_has_no_time_for_its_lp(monkeypatch) -> None:
    """Forced large path where CP-SAT's own search is given no time (as on a loaded machine):
    the first stage's bound is the trivial one, said so, and never above the plan."""
    monkeypatch.setattr(backend, "LARGE_MODEL", 0)
    solve_model = backend.solve_model

    def hurried(solver, model, *callback):
        if (
            solver.parameters.num_workers == 1
            and not solver.parameters.fix_variables_to_their_hinted_value
        ):
            solver.parameters.max_time_in_seconds = 0.0
        return solve_model(solver, model, *callback)

    monkeypatch.setattr(backend, "solve_model", hurried)
    sc = load_scenario_text(generate_yaml(30, 10, 1), "generated-30")
    outcome = solve(sc, SolveOptions(time_limit=20, workers=2))
    first = outcome.stats.stages[0]
    assert first.bound_by.startswith("trivial bound")
    expected = trivial_bounds(sc)["extension_cost"]
    assert first.bound == expected <= first.value
    assert outcome.plan.bounds["extension_cost"] == expected
