"""The time-indexed form of the CP-SAT model and the LP bound of the same relaxation.

The time-indexed form (every rule over the assignment literals, no intervals) must give the same
plans' objective as the interval form on the same scenario, and the LP bound must never exceed
the proven optimum of the stage it bounds.
"""

from __future__ import annotations

import pytest

from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.cpsat import timeindexed
from scheduler.solve.cpsat.lpbound import applicable, lp_bound
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.options import SolveOptions

OPTIONS = SolveOptions(time_limit=60, workers=2, deterministic=True)
# (clusters, years, seed): caps, hard deadlines, dependencies, stagger and entries per year
PROGRAMMES = [(3, 6, 1), (5, 6, 2), (6, 7, 3)]


def generated(clusters: int, years: int, seed: int) -> Scenario:
    return load_scenario_text(generate_yaml(clusters, years, seed), f"generated-{clusters}")


@pytest.mark.parametrize("programme", PROGRAMMES, ids=str)
def test_same_optimum_as_the_interval_form(programme, monkeypatch) -> None:
    sc = generated(*programme)
    built = CpsatModel(sc)
    assert built.time_indexed
    constraints = built.model.proto.constraints
    assert not any(
        c.has_interval() or c.has_cumulative() or c.has_no_overlap() for c in constraints
    )
    assert not any(c.has_lin_max() for c in constraints)  # completion is bounded, not a max
    fast = solve(sc, OPTIONS).plan
    monkeypatch.setattr(timeindexed, "MAX_PAIRS", 0)
    assert not CpsatModel(sc).time_indexed
    slow = solve(sc, OPTIONS).plan
    assert fast.status == slow.status == "optimal"
    assert fast.objective == slow.objective


def test_relaxable_model_keeps_the_interval_form() -> None:
    """Infeasibility explanations guard each rule group by a literal, on the interval form."""
    assert not CpsatModel(generated(3, 6, 1), relaxable=True).time_indexed


@pytest.mark.parametrize("programme", PROGRAMMES, ids=str)
def test_lp_bound_is_below_the_optimum(programme) -> None:
    sc = generated(*programme)
    outcome = solve(sc, OPTIONS)
    plan, stats = outcome.plan, outcome.stats
    assert plan.status == "optimal"
    for report in stats.stages:
        if not applicable(sc, report.terms):
            continue
        found = lp_bound(sc, report.terms, 30.0)
        assert found is not None and found.lp_status == "Optimal"
        assert found.bound <= report.value
        trivial = _cheapest_per_cluster(sc, report.terms)
        assert found.bound >= trivial


def _cheapest_per_cluster(sc: Scenario, stage) -> int:
    """The sum of each cluster's cheapest admissible column: the bound with every rule across
    clusters dropped, which the safe LP bound can only improve on."""
    from scheduler.solve.cpsat import lpbound

    total = 0
    blocks = lpbound._blocks(sc)
    for cluster in sc.clusters:
        costs = [
            lpbound._stage_cost(sc, block, stage).min()
            for block in blocks
            if block.cluster.id == cluster.id and len(block.entries)
        ]
        total += int(min(costs))
    return total


def test_lp_bound_not_for_completion() -> None:
    assert lp_bound(generated(3, 6, 1), (("completion", 1),), 5.0) is None
