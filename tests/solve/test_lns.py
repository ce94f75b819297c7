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
from scheduler.solve.cpsat.backend import CpsatBackend, _hint_decisions, _latest_end
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
    _hint_decisions(built, greedy)
    built.model.add_hint(built.completion, _latest_end(built, greedy))
    stage = sc.objective.stages[0]
    built.model.minimize(built.stage(stage))
    rows = lns.read_rows(built.model)
    assert rows is not None
    start = backend._complete_hint_values(built.model, rows)
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
