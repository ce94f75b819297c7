"""The trivial bound (:mod:`scheduler.solve.trivial`): never above the optimum, exact for a
cluster alone, and what a plan reports when the solver's model could not be built in time."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from builders import Objective, Policy, cluster, scenario
from cases import INTEGRATORS, MARKET, legacy, lifecycle, three_clusters, waits

from scheduler.pipeline import solve
from scheduler.scenario.load import load_scenario
from scheduler.solve.common import BuildStopped
from scheduler.solve.lexico import solve_lexico
from scheduler.solve.options import SolveOptions
from scheduler.solve.trivial import TRIVIAL_BOUND, trivial_bounds

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"
OPTIONS = SolveOptions(time_limit=20, workers=2)
OBJECTIVES = {
    "extension cost": ("extension_cost", "delivery_cost", "completion"),
    "late months": ("late_months", "completion"),
    "delivery cost": ("delivery_cost", "completion"),
    "total cost": ("total_cost", "completion"),
    "completion": ("completion", "delivery_cost"),
}


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
@pytest.mark.parametrize("make", [three_clusters, waits], ids=["three clusters", "waits"])
def test_never_above_the_optimum(make, name: str) -> None:
    sc = dataclasses.replace(make(), objective=Objective(OBJECTIVES[name]))
    plan = solve(sc, OPTIONS).plan
    assert plan.status == "optimal"
    (term,) = trivial_bounds(sc)
    assert trivial_bounds(sc)[term] <= plan.objective[term]


def test_exact_for_a_cluster_alone() -> None:
    """One cluster with nothing around it: the earliest entry and the quicker option are the
    optimum of extension cost (the accelerated implementation costs more, so delivery cost's
    bound is the standard one's, and both bounds are met by the optimum of each stage alone)."""
    sc = scenario(
        cluster("a", *lifecycle(), legacy=legacy("2024-06", 1_000_000), earliest_entry="2024-03"),
        start="2024-01",
        end="2027-12",
        suppliers=(MARKET, INTEGRATORS),
        policy=Policy(),
    )
    plan = solve(sc, OPTIONS).plan
    assert trivial_bounds(sc) == {"extension_cost": plan.objective["extension_cost"]}


def test_weighted_stage_and_what_it_leaves_out() -> None:
    weighted = Objective(
        ("extension_cost", "delivery_cost"), (("extension_cost", 2), ("delivery_cost", 1))
    )
    sc = three_clusters(objective=weighted)
    plan = solve(sc, OPTIONS).plan
    (value,) = trivial_bounds(sc).values()
    assert set(trivial_bounds(sc)) == {"weighted"}
    assert value <= 2 * plan.objective["extension_cost"] + plan.objective["delivery_cost"]
    assert trivial_bounds(three_clusters(objective=Objective(("funding", "completion")))) == {}


def test_a_model_that_cannot_be_built_reports_the_trivial_bound() -> None:
    """The fallback plan (the greedy schedule) carries the bound and says what it is."""
    sc = load_scenario(BASE)

    def build(scenario, options, should_stop):
        while not should_stop():
            time.sleep(0.01)
        raise BuildStopped("scripted")

    plan, stats = solve_lexico(sc, SolveOptions(time_limit=0.2), build)
    assert stats.fallback
    bound = plan.bounds["extension_cost"]
    assert 0 <= bound <= 72_600_000 <= plan.objective["extension_cost"]  # base's optimum
    assert TRIVIAL_BOUND in plan.explanation[0]
