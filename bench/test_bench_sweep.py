"""Sweep throughput (variants per second): 1 and 2 local worker processes, a Dask cluster of 1 and
2 workers, on one small fixed sweep of the base case (SR21 £250m..£400m in £50m steps, 4
variants, one solver thread per variant; 2 variants in a plain ``pytest`` run, where benchmarks
are disabled and every test runs once).

Local figures include starting the worker processes (every sweep starts its own pool); Dask figures
exclude starting the cluster (``sweep --dask`` connects to one that is already running). Ratios are
taken within the session (``benchmark.extra_info``) and never asserted on: with 2 cores and
sub-second solves, start-up and shipping costs are a large share. Rows must be identical whatever
the executor (asserted).

    pytest bench/test_bench_sweep.py --benchmark-enable -s
"""

from __future__ import annotations

import time

import pytest
from conftest import REPO

from scheduler.solve.options import SolveOptions
from scheduler.whatif.executors import dask_runner, local_runner
from scheduler.whatif.sweep import grid_spec, parse_vary, rows_of, run_sweep

OPTIONS = SolveOptions(time_limit=20.0, workers=1, deterministic=True)
VARY = "budget.caps.SR21.amount=£250m..£400m/£50m"
QUICK_VARY = "budget.caps.SR21.amount=£250m,£400m"  # a plain pytest run (benchmarks disabled)
_RESULTS: dict[str, tuple[float, list]] = {}  # executor -> (variants per second, rows)


@pytest.fixture(scope="module")
def spec(pytestconfig):
    enabled = pytestconfig.getoption("benchmark_enable") or not pytestconfig.getoption(
        "benchmark_disable"
    )
    vary = VARY if enabled else QUICK_VARY
    return grid_spec(str(REPO / "scenarios" / "base.yaml"), [], [parse_vary(vary)])


def _measure(spec, runner) -> tuple[float, list]:
    started = time.perf_counter()
    result = run_sweep(spec, OPTIONS, runner)
    assert not result.interrupted
    # the base solve runs in this process before the variants: time the variants only
    seconds = result.seconds or (time.perf_counter() - started)
    return len(result.rows) / seconds, rows_of(result.rows)


def _ratios(benchmark, record, key: str) -> None:
    rate, rows = _RESULTS[key]
    info = {"executor": key, "variants": len(rows), "variants_per_s": round(rate, 3)}
    for other, (other_rate, other_rows) in _RESULTS.items():
        assert other_rows == rows, f"rows differ between {key} and {other}"
        if other != key:
            info[f"x_vs_{other}"] = round(rate / other_rate, 3)
    benchmark.extra_info.update(info)
    record.row("sweep throughput", **info)


@pytest.mark.parametrize("jobs", [1, 2])
def test_sweep_local_jobs(benchmark, record, spec, jobs: int) -> None:
    key = f"local-{jobs}"
    _RESULTS[key] = benchmark.pedantic(
        _measure, args=(spec, local_runner(jobs)), rounds=1, iterations=1
    )
    _ratios(benchmark, record, key)


def test_sweep_dask_workers(benchmark, record, spec) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        runner = dask_runner(cluster.scheduler_address)
        client.run(lambda: __import__("scheduler.pipeline"))  # warm the worker's imports
        _RESULTS["dask-1"] = _measure(spec, runner)
        cluster.scale(2)
        client.wait_for_workers(2, timeout=60)
        client.run(lambda: __import__("scheduler.pipeline"))
        _RESULTS["dask-2"] = benchmark.pedantic(
            _measure, args=(spec, runner), rounds=1, iterations=1
        )
    _ratios(benchmark, record, "dask-2")
    rate, rows = _RESULTS["dask-1"]
    record.row(
        "sweep throughput",
        executor="dask-1",
        variants=len(rows),
        variants_per_s=round(rate, 3),
        **{
            f"x_vs_{other}": round(rate / other_rate, 3)
            for other, (other_rate, _) in _RESULTS.items()
            if other != "dask-1"
        },
    )
