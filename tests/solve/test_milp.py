"""The MILP backend (PuLP + CBC) against CP-SAT: same status and same objective on small scenarios.

Both plans go through ``scheduler.pipeline.solve``, so each is also re-checked by the independent
check; a disagreement in any objective term means one model reads the contract differently.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import Budget, Cap, Objective, Policy, cluster, m, phase, scenario
from cases import three_clusters, waits

from scheduler.errors import OptionError, ScenarioError
from scheduler.pipeline import solve
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"
OPTIONS = SolveOptions(time_limit=20, workers=2)
# Each rule binds in at least one case (checked by relaxing it and re-solving with CP-SAT while
# writing these): the cap, supplier capacity and window, the dependencies and the hard deadline in
# "default objective"; the caps with carry-forward; stagger in "covers extensions" and "net cost";
# entries per year in "late months"; the waits in "waits" (infeasible without them).
CASES = {
    "default objective": three_clusters,
    "late months, October years, entries per year": lambda: three_clusters(
        fy_start=10,
        policy=Policy(stagger_months=3, max_entries_per_year=1),
        objective=Objective(("late_months", "delivery_cost", "completion")),
    ),
    "carry-forward, funding": lambda: three_clusters(
        budget=Budget(
            tranche=5_000_000,
            carry_forward=True,
            caps=(
                Cap("early", 2023, 2023, 5_000_000),
                Cap("SR", 2024, 2024, 35_000_000),
                Cap("later", 2025, 2026, 45_000_000),
            ),
        ),
        objective=Objective(("extension_cost", "funding", "completion")),
    ),
    "covers extensions, total cost": lambda: three_clusters(
        budget=Budget(
            tranche=1_000_000,
            covers_extensions=True,
            caps=(Cap("SR", 2024, 2024, 45_000_000), Cap("later", 2025, 2026, 70_000_000)),
        ),
        policy=Policy(stagger_months=6),
        objective=Objective(("total_cost", "completion", "funding")),
    ),
    "net cost with benefits": lambda: three_clusters(
        benefits=900_000,
        policy=Policy(stagger_months=6),
        objective=Objective(("net_cost", "funding")),
    ),
    "weights": lambda: three_clusters(
        objective=Objective(
            ("extension_cost", "delivery_cost", "completion"),
            (("extension_cost", 3), ("delivery_cost", 1), ("completion", 400_000)),
        )
    ),
    "waits, entries per year, deadline": waits,
}


def run(sc: Scenario, solver: str):
    outcome = solve(sc, OPTIONS, solver=solver)
    return outcome.plan, outcome.stats


@pytest.mark.parametrize("name", sorted(CASES))
def test_milp_matches_cpsat(name: str) -> None:
    sc = CASES[name]()
    cp_plan, _ = run(sc, "cp-sat")
    milp_plan, milp_stats = run(sc, "milp")
    assert cp_plan.status == "optimal"
    assert milp_plan.status == "optimal", milp_stats
    assert milp_plan.solver.name == "milp-cbc"
    assert milp_plan.objective == cp_plan.objective
    assert set(milp_plan.objective) == set(sc.objective.reported_terms)
    assert [s.value for s in milp_stats.stages] == [s.bound for s in milp_stats.stages]
    for cp in milp_plan.clusters:
        assert cp.entry_window[0] <= cp.entry <= cp.entry_window[1]


@pytest.mark.parametrize(
    "sc",
    [
        three_clusters(
            budget=Budget(tranche=1_000_000, caps=(Cap("all", 2023, 2026, 60_000_000),))
        ),
        three_clusters(policy=Policy(stagger_months=3, deadline=m("2025-01"))),
    ],
    ids=["cap too small", "deadline before any finish"],
)
def test_infeasible_agrees(sc: Scenario) -> None:
    cp_plan, _ = run(sc, "cp-sat")
    milp_plan, _ = run(sc, "milp")
    assert cp_plan.status == milp_plan.status == "infeasible"
    assert milp_plan.clusters == ()
    assert milp_plan.explanation  # the pipeline explains it (with CP-SAT)


def test_deterministic_solves_are_reproducible(solver: str) -> None:
    sc = CASES["waits, entries per year, deadline"]()
    options = SolveOptions(time_limit=20, deterministic=True, seed=7)
    first = solve(sc, options, solver=solver).plan.to_dict()
    again = solve(sc, options, solver=solver).plan.to_dict()
    assert first == again
    assert first["solver"]["seconds"] is None


def test_too_many_wait_patterns_is_refused() -> None:
    sc = scenario(
        cluster(
            "a",
            phase("p1", 1),
            *(phase(f"p{i}", 1, max_wait=9) for i in range(2, 7)),
        ),
        start="2024-01",
        end="2030-12",
    )
    with pytest.raises(ScenarioError, match="use the cp-sat solver"):
        run(sc, "milp")


def test_base_scenario_matches_cpsat() -> None:
    sc = load_scenario(BASE)
    cp_plan, _ = run(sc, "cp-sat")
    milp_plan, _ = run(sc, "milp")
    assert cp_plan.status == milp_plan.status == "optimal"
    assert milp_plan.objective == cp_plan.objective


HIGHS = SolveOptions(time_limit=20, workers=2, milp_engine="highs")


@pytest.mark.parametrize("name", sorted(CASES))
def test_highs_engine_matches_cbc(name: str) -> None:
    """``--milp-engine highs``: the same model through HiGHS proves the same optimum as CBC, stage
    by stage, and its plan passes the independent check (the pipeline raises otherwise)."""
    sc = CASES[name]()
    cbc = solve(sc, OPTIONS, solver="milp")
    highs = solve(sc, HIGHS, solver="milp")
    assert cbc.plan.status == highs.plan.status == "optimal", highs.stats
    assert (cbc.plan.solver.name, highs.plan.solver.name) == ("milp-cbc", "milp-highs")
    assert "highspy" in highs.plan.solver.version
    assert highs.plan.objective == cbc.plan.objective
    assert highs.plan.bounds == cbc.plan.bounds
    assert [s.value for s in highs.stats.stages] == [s.bound for s in highs.stats.stages]


def test_highs_engine_agrees_on_infeasible_and_base() -> None:
    infeasible = three_clusters(policy=Policy(stagger_months=3, deadline=m("2025-01")))
    assert solve(infeasible, HIGHS, solver="milp").plan.status == "infeasible"
    base = load_scenario(BASE)
    plan = solve(base, HIGHS, solver="milp").plan
    assert plan.status == "optimal"
    assert plan.objective == solve(base, OPTIONS, solver="milp").plan.objective


def test_highs_engine_is_reproducible_and_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    """Deterministic solves give the same plan, and HiGHS prints nothing (stdout is the
    terminal report's, or the JSON of ``--json -``)."""
    sc = CASES["waits, entries per year, deadline"]()
    options = SolveOptions(time_limit=20, deterministic=True, seed=7, milp_engine="highs")
    first = solve(sc, options, solver="milp").plan.to_dict()
    again = solve(sc, options, solver="milp").plan.to_dict()
    assert first == again
    out, err = capfd.readouterr()
    assert out == err == ""


def test_milp_engine_is_validated() -> None:
    with pytest.raises(OptionError, match=r"--milp-engine: expected 'cbc' or 'highs', got 'glpk'"):
        SolveOptions(milp_engine="glpk")
