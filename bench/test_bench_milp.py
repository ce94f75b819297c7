"""CP-SAT against the MILP backend (``solver="milp"``) on the same scenarios, as a ratio of times.

Skipped while :mod:`scheduler.solve.milp.backend` does not exist. A small generated programme runs in the
fast subset (equal objectives asserted when both prove optimality); 10 and 100 clusters in full
mode. Each case runs once per MILP engine (``engine``: CBC, and HiGHS as ``--milp-engine highs``).
Each solve runs in a fresh process, whose peak RSS is reported (CBC's own process apart; HiGHS
runs inside the solving process).
"""

from __future__ import annotations

import importlib.util

import pytest
from benchutil import generated_solve, isolated

HAVE_MILP = importlib.util.find_spec("scheduler.solve.milp.backend") is not None
pytestmark = pytest.mark.skipif(
    not HAVE_MILP, reason="scheduler.solve.milp.backend not available yet"
)

CASES = {
    "small": (3, 6, 1, 20.0),  # clusters, years, seed, time limit (s)
    "medium": (10, 10, 1, 120.0),
    "large": (100, 10, 1, 300.0),
}


ENGINES = ("cbc", "highs")
_CPSAT: dict[str, object] = {}  # one CP-SAT solve per case, shared by both engines' rows


def _compare(benchmark, record, case: str, engine: str = "cbc") -> None:
    clusters, years, seed, limit = CASES[case]
    if case not in _CPSAT:
        _CPSAT[case] = isolated(generated_solve, clusters, years, seed, limit, "cp-sat")
    cpsat = _CPSAT[case]
    args = (generated_solve, clusters, years, seed, limit, "milp", engine)
    milp = benchmark.pedantic(isolated, args=args, rounds=1, iterations=1)
    info = dict(case=f"{case}: {clusters} clusters, {years} years", engine=engine, limit_s=limit,
                cpsat_status=cpsat.status, milp_status=milp.status,
                cpsat_s=round(cpsat.wall, 3), milp_s=round(milp.wall, 3),
                ratio_milp_to_cpsat=round(milp.wall / max(cpsat.wall, 1e-9), 2),
                cpsat_rss_mb=cpsat.peak_rss_mb, milp_rss_mb=milp.peak_rss_mb,
                cbc_rss_mb=milp.cbc_rss_mb,
                same_objective=cpsat.objective == milp.objective)  # fmt: skip
    benchmark.extra_info.update(info)
    record.row("cp-sat vs milp", **info)
    if cpsat.status == milp.status == "optimal":
        assert cpsat.objective == milp.objective


@pytest.mark.parametrize("engine", ENGINES)
def test_milp_small(benchmark, record, engine: str) -> None:
    _compare(benchmark, record, "small", engine)


@pytest.mark.full
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", ["medium", "large"])
def test_milp_full(benchmark, record, case: str, engine: str) -> None:
    _compare(benchmark, record, case, engine)
