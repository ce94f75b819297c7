"""``funding`` benchmarks (issue 13's speed targets): every promise of the base scenario's SR21
cap (target under 10 s), and the exact funding frontier of SR21 between £100m and £500m (target
under 30 s), each as the command runs it (one solver thread, deterministic, plans included for the
promises). One and two workers are both timed, in the same session, for the ratio (the frontier on
two workers, about 20 s, only with ``SCHEDULER_BENCH=full``).

    SCHEDULER_BENCH=full pytest bench/test_bench_funding.py --benchmark-enable -s
"""

from __future__ import annotations

import time

import pytest
from conftest import REPO

from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions
from scheduler.whatif.funding import funding

_SECONDS: dict[str, float] = {}


@pytest.fixture(scope="module")
def base():
    return load_scenario(REPO / "scenarios" / "base.yaml")


def _timed(benchmark, record, key: str, call):
    started = time.perf_counter()
    result = benchmark.pedantic(call, rounds=1, iterations=1)
    seconds = time.perf_counter() - started
    _SECONDS[key] = seconds
    info = {"case": key, "seconds": round(seconds, 2)}
    name, _, workers = key.rpartition(" workers=")
    other = _SECONDS.get(f"{name} workers={'2' if workers == '1' else '1'}")
    if other:
        info["x_vs_other_workers"] = round(other / seconds, 2)
    benchmark.extra_info.update(info)
    record.row("funding", **info)
    return result


@pytest.mark.parametrize("workers", [1, 2])
def test_bench_all_promises_base_sr21(benchmark, record, base, workers) -> None:
    options = SolveOptions(time_limit=60, workers=workers, deterministic=True)
    key = f"base SR21, every promise workers={workers}"
    result = _timed(benchmark, record, key, lambda: funding(base, ["SR21"], options=options))
    answers = {answer.key: answer for answer in result.levers[0].promises}
    assert answers["plan"].least.status == "optimal" and answers["best"].kept


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.full)])
def test_bench_frontier_base_sr21_100_500(benchmark, record, base, workers) -> None:
    options = SolveOptions(time_limit=60, workers=workers, deterministic=True)
    key = f"base SR21 frontier £100m..£500m workers={workers}"

    def call():
        return funding(base, ["SR21"], options=options, frontier=(100_000_000, 500_000_000))

    result = _timed(benchmark, record, key, call)
    frontier = result.levers[0].frontier
    assert frontier is not None and frontier.complete and frontier.reached
