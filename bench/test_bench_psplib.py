"""PSPLIB: j30 against the published optima, j60/j120 samples against best-known bounds, and the
same j30 instances with PyJobShop (its own CP-SAT model) as a ratio of total times.

Every instance goes scenario YAML -> loader -> pipeline (model, solve, entry windows, independent
check), so the times include all of that, not just CP-SAT.
"""

from __future__ import annotations

import time

import pytest
from benchutil import instances, sample, solve_psplib, solve_pyjobshop

from scheduler.instances.from_psplib import read_bounds, read_optima

LIMIT = 10.0  # seconds per instance
FAST_J30 = ("j301_1.sm", "j3025_3.sm", "j3046_10.sm")
FAST_PYJOBSHOP = ("j301_1.sm", "j301_2.sm")
SAMPLE = 20  # fixed-size samples of j60 and j120


def _optimum(psplib_dir, name: str) -> int:
    optima = read_optima(psplib_dir / "bounds" / "psplib_original" / "j30opt.sm")
    par, inst = name[len("j30") : -len(".sm")].split("_")
    return optima[(int(par), int(inst))]


@pytest.mark.parametrize("name", FAST_J30)
def test_j30_fast(benchmark, record, psplib_dir, name: str) -> None:
    run = benchmark.pedantic(
        solve_psplib, args=(psplib_dir / "sm" / "j30" / name, LIMIT), rounds=1, iterations=1
    )
    optimum = _optimum(psplib_dir, name)
    benchmark.extra_info.update(status=run.status, makespan=run.makespan, optimum=optimum)
    record.row("psplib fast", instance=name, solver="scheduler", status=run.status,
               makespan=run.makespan, optimum=optimum, wall_s=round(run.wall, 3))  # fmt: skip
    assert run.status == "optimal"
    assert run.makespan == optimum


@pytest.mark.parametrize("name", FAST_PYJOBSHOP)
def test_pyjobshop_fast(benchmark, record, psplib_dir, name: str) -> None:
    pytest.importorskip("pyjobshop")
    path = psplib_dir / "sm" / "j30" / name
    theirs = benchmark.pedantic(solve_pyjobshop, args=(path, LIMIT), rounds=1, iterations=1)
    ours = solve_psplib(path, LIMIT)
    optimum = _optimum(psplib_dir, name)
    record.row("psplib fast", instance=name, solver="pyjobshop", status=theirs.status,
               makespan=theirs.makespan, optimum=optimum, wall_s=round(theirs.wall, 3),
               ratio_ours_to_theirs=round(ours.wall / max(theirs.wall, 1e-9), 2))  # fmt: skip
    assert theirs.makespan == ours.makespan == optimum


def _run_set(paths, solver) -> tuple[list, float]:
    started = time.perf_counter()
    runs = [solver(path, LIMIT) for path in paths]
    return runs, time.perf_counter() - started


@pytest.mark.full
def test_j30_all(benchmark, record, psplib_dir) -> None:
    paths = instances(psplib_dir, "j30")
    runs, total = benchmark.pedantic(_run_set, args=(paths, solve_psplib), rounds=1, iterations=1)
    optima = {path.name: _optimum(psplib_dir, path.name) for path in paths}
    proven = sum(run.status == "optimal" for run in runs)
    matched = sum(run.makespan == optima[run.name] for run in runs)
    wrong = [
        run.name for run in runs if run.status == "optimal" and run.makespan != optima[run.name]
    ]
    slowest = max(runs, key=lambda run: run.wall)
    info = dict(instances=len(runs), proven_optimal=proven, matched_optimum=matched,
                total_s=round(total, 1), mean_s=round(total / len(runs), 3),
                slowest=f"{slowest.name} {slowest.wall:.2f}s")  # fmt: skip
    benchmark.extra_info.update(info)
    record.row("psplib j30 (480, 10 s limit each)", solver="scheduler", **info)
    record.total("j30:scheduler", total)
    assert not wrong, f"proven 'optimal' but not the published optimum: {wrong}"


@pytest.mark.full
def test_j30_all_pyjobshop(benchmark, record, psplib_dir) -> None:
    pytest.importorskip("pyjobshop")
    paths = instances(psplib_dir, "j30")
    runs, total = benchmark.pedantic(
        _run_set, args=(paths, solve_pyjobshop), rounds=1, iterations=1
    )
    optima = {path.name: _optimum(psplib_dir, path.name) for path in paths}
    proven = sum(run.status == "optimal" for run in runs)
    matched = sum(run.makespan == optima[run.name] for run in runs)
    ours = record.get_total("j30:scheduler")
    info = dict(instances=len(runs), proven_optimal=proven, matched_optimum=matched,
                total_s=round(total, 1), mean_s=round(total / len(runs), 3),
                ratio_ours_to_theirs=round(ours / total, 2) if ours else None)  # fmt: skip
    benchmark.extra_info.update(info)
    record.row("psplib j30 (480, 10 s limit each)", solver="pyjobshop", **info)


@pytest.mark.full
@pytest.mark.parametrize("family", ["j60", "j120"])
def test_sample_gap(benchmark, record, psplib_dir, family: str) -> None:
    bounds = read_bounds(psplib_dir / "derived" / "sm_best_known_bounds.csv")
    paths = sample(instances(psplib_dir, family), SAMPLE)
    runs, total = benchmark.pedantic(_run_set, args=(paths, solve_psplib), rounds=1, iterations=1)
    gaps_ub, gaps_lb = [], []
    for run in runs:
        lb, ub = bounds[run.name]
        if run.makespan is not None:
            gaps_ub.append((run.makespan - ub) / ub)
            gaps_lb.append((run.makespan - lb) / lb)
    info = dict(instances=len(runs), solved=len(gaps_ub),
                proven_optimal=sum(run.status == "optimal" for run in runs),
                at_best_known=sum(g == 0 for g in gaps_ub),
                mean_gap_to_ub=f"{100 * sum(gaps_ub) / max(1, len(gaps_ub)):.2f}%",
                max_gap_to_ub=f"{100 * max(gaps_ub, default=0):.2f}%",
                mean_gap_to_lb=f"{100 * sum(gaps_lb) / max(1, len(gaps_lb)):.2f}%",
                total_s=round(total, 1))  # fmt: skip
    benchmark.extra_info.update(info)
    record.row(f"psplib samples ({SAMPLE} each, {LIMIT:g} s limit)", family=family, **info)
    assert all(g >= 0 for g in gaps_lb), "a makespan below a proven lower bound: a bug"
