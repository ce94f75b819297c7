"""CP-SAT against the MILP backend (``solver="milp"``) on the same scenarios, as a ratio of times.

Skipped while :mod:`scheduler.solve.milp.backend` does not exist. A small generated programme runs in the
fast subset (equal objectives asserted when both prove optimality); a medium one in full mode.
"""

from __future__ import annotations

import importlib.util

import pytest
from benchutil import timed_solve

from scheduler.instances.generate import generate_yaml
from scheduler.scenario.load import load_scenario_text

HAVE_MILP = importlib.util.find_spec("scheduler.solve.milp.backend") is not None
pytestmark = pytest.mark.skipif(
    not HAVE_MILP, reason="scheduler.solve.milp.backend not available yet"
)

CASES = {
    "small": (3, 6, 1, 20.0),  # clusters, years, seed, time limit (s)
    "medium": (10, 10, 1, 120.0),
}


def _compare(benchmark, record, case: str) -> None:
    clusters, years, seed, limit = CASES[case]
    scenario = load_scenario_text(generate_yaml(clusters, years, seed), f"generated-{case}")
    cpsat = timed_solve(scenario, limit, "cp-sat")
    milp = benchmark.pedantic(timed_solve, args=(scenario, limit, "milp"), rounds=1, iterations=1)
    info = dict(case=f"{case}: {clusters} clusters, {years} years", limit_s=limit,
                cpsat_status=cpsat.status, milp_status=milp.status,
                cpsat_s=round(cpsat.wall, 3), milp_s=round(milp.wall, 3),
                ratio_milp_to_cpsat=round(milp.wall / max(cpsat.wall, 1e-9), 2),
                same_objective=cpsat.objective == milp.objective)  # fmt: skip
    benchmark.extra_info.update(info)
    record.row("cp-sat vs milp", **info)
    if cpsat.status == milp.status == "optimal":
        assert cpsat.objective == milp.objective


def test_milp_small(benchmark, record) -> None:
    _compare(benchmark, record, "small")


@pytest.mark.full
def test_milp_medium(benchmark, record) -> None:
    _compare(benchmark, record, "medium")
