"""Which CP-SAT workers a scenario gets (:func:`scheduler.solve.cpsat.solving.set_parameters`).

Where nothing costs anything (a PSPLIB activity network) two workers are two full searches, the
default LP worker and the LP-free one; where money is at stake the ``max_lp`` worker joins the
default portfolio; one worker is one worker either way. The costless portfolio must still give
the optimum, the same plan twice with ``deterministic``.
"""

from __future__ import annotations

import pytest
from builders import cluster, phase, scenario

from scheduler.pipeline import solve
from scheduler.scenario.data import Dependency, Milestone, Objective, Supplier
from scheduler.solve.cpsat.backend import CpsatBackend
from scheduler.solve.options import SolveOptions


def _network(cost: int = 0):
    """Four activities on one supplier of capacity 2, ``b`` and ``c`` after ``a``: 8 unit-months
    on 2 units is at least 4 months, reached by ``a`` and ``d`` first, ``c`` from month 2 beside
    ``d`` then ``b``."""
    after_a = (Dependency("a", Milestone("work", "end"), 0, Milestone("work", "start")),)
    return scenario(
        cluster("a", phase("work", 1, cost, {"r1": 1})),
        cluster("b", phase("work", 2, 0, {"r1": 1}), depends_on=after_a),
        cluster("c", phase("work", 3, 0, {"r1": 1}), depends_on=after_a),
        cluster("d", phase("work", 2, 0, {"r1": 1})),
        suppliers=(Supplier("r1", "resource", 2),),
        start="2024-01",
        end="2024-12",
        objective=Objective(("completion",)),
    )


def _parameters(sc, workers: int, deterministic: bool = False):
    options = SolveOptions(time_limit=5, workers=workers, seed=0, deterministic=deterministic)
    return CpsatBackend(sc, options, lambda: False).solver.parameters


def test_costless_two_workers_are_the_lp_and_the_lp_free_search() -> None:
    params = _parameters(_network(), workers=2)
    assert list(params.subsolvers) == ["default_lp", "no_lp"]
    assert params.num_full_subsolvers == 2
    assert "max_lp" not in params.extra_subsolvers


def test_money_at_stake_keeps_the_default_portfolio_with_max_lp() -> None:
    params = _parameters(_network(cost=100), workers=2)
    assert list(params.subsolvers) == []
    assert list(params.extra_subsolvers) == ["max_lp"]


@pytest.mark.parametrize("cost", [0, 100])
def test_one_worker_is_left_alone(cost: int) -> None:
    params = _parameters(_network(cost), workers=1)
    assert list(params.subsolvers) == [] and params.num_full_subsolvers == 0


def test_costless_portfolio_proves_the_makespan_and_repeats_deterministically() -> None:
    sc = _network()
    options = SolveOptions(time_limit=5, workers=2, seed=0, deterministic=True)
    first, second = solve(sc, options).plan, solve(sc, options).plan
    assert first.status == "optimal"
    completion = first.objective["completion"]
    assert completion - sc.horizon.start + 1 == 4
    assert [c.phases for c in first.clusters] == [c.phases for c in second.clusters]
