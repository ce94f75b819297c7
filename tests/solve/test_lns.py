"""The large-neighbourhood search of large time-indexed models (:mod:`scheduler.solve.cpsat.lns`).

Forced on small generated programmes (``LARGE_MODEL = 0``): every plan it gives must pass the
independent check (the pipeline raises otherwise), never be worse than the greedy start, never
beat the proven optimum, and be the same plan twice with ``deterministic``.
"""

from __future__ import annotations

import numpy as np
import pytest

from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.rules.evaluate import evaluate
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.cpsat import backend, lns
from scheduler.solve.cpsat.backend import CpsatBackend
from scheduler.solve.cpsat.hints import complete_hint_values, hint_decisions, latest_end
from scheduler.solve.greedy import greedy_schedule
from scheduler.solve.options import SolveOptions


def generated(clusters: int, years: int, seed: int) -> Scenario:
    return load_scenario_text(generate_yaml(clusters, years, seed), f"generated-{clusters}")


def _rows_hold(rows: lns.Rows, solution: np.ndarray) -> bool:
    """Every row of the model within its domain, every variable within its own."""
    activity = np.bincount(
        rows.row_of, weights=rows.coef_of * solution[rows.var_of], minlength=len(rows.domains)
    )
    rows_ok = all(
        any(lo <= a <= hi for lo, hi in zip(d[::2], d[1::2], strict=True))
        for a, d in zip(activity, rows.domains, strict=True)
    )
    return rows_ok and all(
        d[0] <= v <= d[-1] for v, d in zip(solution, rows.var_domains, strict=True)
    )


@pytest.mark.slow
@pytest.mark.parametrize("programme", [(30, 10, 1)], ids=str)
def test_search_improves_the_greedy_plan_within_the_rules(programme) -> None:
    sc = generated(*programme)
    options = SolveOptions(time_limit=60, workers=1, deterministic=True)
    back = CpsatBackend(sc, options, lambda: False)
    built = back.built
    greedy = greedy_schedule(sc)
    hint_decisions(built, greedy)
    built.model.add_hint(built.completion, latest_end(built, greedy))
    stage = sc.objective.stages[0]
    built.model.minimize(built.stage(stage))
    rows = lns.read_rows(built.model)
    assert rows is not None
    start = complete_hint_values(built.model)
    assert start is not None and _rows_hold(rows, start)

    def parameters(solver, limit) -> None:
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = limit

    found = lns.search(built, rows, start, 5.0, parameters, True, lambda: False, size=10)
    assert _rows_hold(rows, found.solution)
    greedy_value = evaluate(sc, greedy).objective["extension_cost"]
    assert found.tried > 0
    assert found.objective <= greedy_value
    optimum = solve(sc, SolveOptions(time_limit=60, workers=2)).plan
    assert found.objective >= optimum.objective["extension_cost"]


@pytest.mark.slow
def test_large_path_gives_checked_deterministic_plans(monkeypatch) -> None:
    """The backend's large-model path (CP-SAT beside the neighbourhood search), forced on 40
    clusters: a checked plan, at least as good as the greedy one, the same twice."""
    monkeypatch.setattr(backend, "LARGE_MODEL", 0)
    sc = generated(40, 10, 5)
    options = SolveOptions(time_limit=12, workers=2, deterministic=True)  # stage 1: 6 s
    first = solve(sc, options)
    again = solve(sc, options)
    assert first.plan.has_schedule and first.plan.status in ("optimal", "feasible")
    assert first.plan == again.plan
    greedy = evaluate(sc, greedy_schedule(sc)).objective
    assert first.plan.objective["extension_cost"] <= greedy["extension_cost"]


def test_shift_keeps_infinite_ends() -> None:
    assert lns._shift([lns.INT64_MIN, 10], 3) == [lns.INT64_MIN, 7]
    assert lns._shift([1, 1], 1) == [0, 0]
    assert lns._shift([0, lns.INT64_MAX], -5) == [5, lns.INT64_MAX]


def test_stage_too_short_to_load_keeps_the_greedy_plan(monkeypatch) -> None:
    """A large model's stage shorter than ``LNS_LEAST`` is not started (the backend's
    ``least_seconds``): the plan is the greedy one, re-checked by the pipeline, with the trivial
    bound and a note saying why, and the solve ends there rather than at the time limit."""
    monkeypatch.setattr(backend, "LARGE_MODEL", 0)
    sc = generated(40, 10, 5)
    outcome = solve(sc, SolveOptions(time_limit=backend.LNS_LEAST, workers=2))
    greedy = evaluate(sc, greedy_schedule(sc)).to_plan(sc)
    assert outcome.plan.status == "feasible" and outcome.stats.fallback
    assert outcome.plan.objective == greedy.objective
    assert outcome.stats.stages == ()
    assert "less than the 5 s CP-SAT needs" in outcome.plan.explanation[0]
    assert "extension_cost" in outcome.plan.bounds


def test_large_model_gives_the_first_stage_most_of_the_time(monkeypatch) -> None:
    """The driver's first-stage share: three quarters on a model that takes the large path, the
    default half otherwise."""
    sc = generated(10, 10, 5)
    options = SolveOptions(time_limit=10, workers=2)
    assert CpsatBackend(sc, options, lambda: False).first_share == 0.5
    monkeypatch.setattr(backend, "LARGE_MODEL", 0)
    assert CpsatBackend(sc, options, lambda: False).first_share == backend.FIRST_SHARE_LARGE


def _rows(objective_vars: list[int], objective_coefs: list[int], variables: int) -> lns.Rows:
    empty = np.zeros(0, dtype=np.int64)
    return lns.Rows(
        empty, empty, empty, [], [[0, 1]] * variables,
        np.array(objective_vars, dtype=np.int64), np.array(objective_coefs, dtype=np.int64),
    )  # fmt: skip


def test_potential_is_each_clusters_objective_above_its_least() -> None:
    """What a neighbourhood could gain per cluster: its literal's objective less its cheapest
    literal's; a group of clusters all at their least is skipped unless another variable (say,
    completion) is in the objective."""
    owner = np.array([0, 0, 1, 1, 2])  # variable 4 is no cluster's literal
    rows = _rows([0, 1, 3], [5, 2, 7], 5)
    potential = lns._Potential(rows, owner, 2)
    assert potential.of(np.array([1, 0, 1, 0, 0])).tolist() == [3, 0]
    assert potential.of(np.array([0, 1, 0, 1, 0])).tolist() == [0, 7]
    assert not potential.other
    assert lns._Potential(_rows([0, 4], [5, 1], 5), owner, 2).other


def test_row_starts_are_the_distinct_rows_in_order() -> None:
    touched, first = lns._row_starts(np.array([2, 2, 5, 7, 7, 7]))
    assert touched.tolist() == [2, 5, 7] and first.tolist() == [0, 2, 3]
    touched, first = lns._row_starts(np.zeros(0, dtype=np.int64))
    assert len(touched) == 0 and len(first) == 0


def _one_shared_row() -> lns.Rows:
    """Two 0/1 variables, one row ``x0 + x1 <= 1``, the objective ``-x0 - x1``."""
    return lns.Rows(
        row_of=np.array([0, 0]),
        var_of=np.array([0, 1]),
        coef_of=np.array([1, 1]),
        domains=[[lns.INT64_MIN, 1]],
        var_domains=[[0, 1], [0, 1]],
        objective_vars=np.array([0, 1]),
        objective_coefs=np.array([-1, -1]),
    )


def test_a_neighbourhood_solved_beside_another_is_taken_only_if_its_rows_still_hold() -> None:
    """Two neighbourhoods built from the same incumbent (``x0 + x1 <= 1``, minimise
    ``-x0 - x1``): the first improvement is taken, the second would break the row it shares
    with the first and is counted as a clash, not taken."""
    rows = _one_shared_row()
    state = lns._Incumbent(rows, np.array([0, 0]))
    shared = np.zeros(2, dtype=bool)
    first = state.build(np.array([0]), np.array([True, False]), shared)
    second = state.build(np.array([1]), np.array([False, True]), shared)
    assert state.take(first, np.array([1]))
    assert not state.take(second, np.array([1]))
    assert state.solution.tolist() == [1, 0] and state.objective == -1 and state.clashes == 1
    assert state.activity.tolist() == [1]


@pytest.mark.slow
def test_search_with_two_small_solves_at_once_stays_within_every_row() -> None:
    """Two neighbourhoods at a time (the default mode once CP-SAT has yielded): the search's
    plan still keeps every row and is no worse than the start."""
    sc = generated(30, 10, 1)
    back = CpsatBackend(sc, SolveOptions(time_limit=60, workers=2), lambda: False)
    built = back.built
    greedy = greedy_schedule(sc)
    hint_decisions(built, greedy)
    built.model.add_hint(built.completion, latest_end(built, greedy))
    built.model.minimize(built.stage(sc.objective.stages[0]))
    rows = lns.read_rows(built.model)
    assert rows is not None
    start = complete_hint_values(built.model)
    assert start is not None

    def parameters(solver, limit) -> None:
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = limit

    found = lns.search(
        built, rows, start, 4.0, parameters, False, lambda: False, size=5, workers=lambda: 2
    )
    assert found.tried > 1
    assert _rows_hold(rows, found.solution)
    assert found.objective <= evaluate(sc, greedy).objective["extension_cost"]


def test_a_better_solution_offered_is_continued_from() -> None:
    """Another search's solution (CP-SAT's, beside) is adopted when it is better, with each
    row's value recomputed; a worse one is not."""
    rows = _one_shared_row()
    state = lns._Incumbent(rows, np.array([0, 0]))
    assert state.adopt(np.array([0, 1]))
    assert state.objective == -1 and state.activity.tolist() == [1] and state.adopted == 1
    assert not state.adopt(np.array([0, 0]))
    assert state.solution.tolist() == [0, 1]


@pytest.mark.slow
def test_search_offered_the_optimum_ends_there() -> None:
    """Offered CP-SAT's proven optimum of the first stage, the search continues from it and
    can find nothing better: its plan is the optimum, within every row."""
    sc = generated(30, 10, 1)
    back = CpsatBackend(sc, SolveOptions(time_limit=60, workers=2), lambda: False)
    built = back.built
    built.model.minimize(built.stage(sc.objective.stages[0]))
    solver = backend.cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(built.model) == backend.cp_model.OPTIMAL
    optimum = np.array(solver.response_proto.solution, dtype=np.int64)
    greedy = greedy_schedule(sc)
    hint_decisions(built, greedy)
    built.model.add_hint(built.completion, latest_end(built, greedy))
    rows = lns.read_rows(built.model)
    assert rows is not None
    start = complete_hint_values(built.model)
    assert start is not None
    offers = [optimum]

    def parameters(small, limit) -> None:
        small.parameters.num_workers = 1
        small.parameters.max_time_in_seconds = limit

    found = lns.search(
        built, rows, start, 3.0, parameters, False, lambda: False, size=10,
        offer=lambda: offers.pop() if offers else None,
    )  # fmt: skip
    assert found.adopted == 1
    assert found.objective == round(solver.objective_value - built.model.proto.objective.offset)
    assert _rows_hold(rows, found.solution)
