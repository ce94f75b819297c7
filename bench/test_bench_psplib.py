"""PSPLIB: j30 against the published optima, j60/j120 samples against best-known bounds, and the
same j30 instances with PyJobShop (its own CP-SAT model, the same number of CP-SAT workers),
solved instance by instance back to back with ours (alternating which goes first), as a ratio of
total times and per-instance ratios.

Every instance goes scenario YAML -> loader -> pipeline (model, solve, entry windows, independent
check), so the times include all of that, not just CP-SAT.
"""

from __future__ import annotations

import os
import time

import pytest
from benchutil import instances, pair_summary, sample, solve_pairs, solve_psplib, solve_pyjobshop

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


def _j30_paths(psplib_dir) -> list:
    """All 480 j30 instances, or every n-th with ``SCHEDULER_BENCH_J30_EVERY=n`` (a quick look)."""
    every = int(os.environ.get("SCHEDULER_BENCH_J30_EVERY", "1"))
    return instances(psplib_dir, "j30")[::every]


def _scores(runs, optima) -> dict:
    return dict(
        proven_optimal=sum(run.status == "optimal" for run in runs),
        matched_optimum=sum(run.makespan == optima[run.name] for run in runs),
    )


@pytest.mark.full
def test_j30_all(benchmark, record, psplib_dir) -> None:
    """Every j30 instance with our pipeline and with PyJobShop (same CP-SAT worker count), each
    instance solved by both back to back, alternating which goes first: the ratio of total times
    and the per-instance ratios are taken on the same load."""
    pytest.importorskip("pyjobshop")
    paths = _j30_paths(psplib_dir)
    load = _loadavg()
    pairs = benchmark.pedantic(solve_pairs, args=(paths, LIMIT), rounds=1, iterations=1)
    optima = {path.name: _optimum(psplib_dir, path.name) for path in paths}
    ours = [pair.ours for pair in pairs]
    theirs = [pair.theirs for pair in pairs]
    wrong = [
        run.name
        for run in ours + theirs
        if run.status == "optimal" and run.makespan != optima[run.name]
    ]
    summary = pair_summary(pairs)
    benchmark.extra_info.update(
        summary,
        load_before=load,
        load_after=_loadavg(),
        ours=_scores(ours, optima),
        theirs=_scores(theirs, optima),
        per_instance=[
            dict(instance=p.ours.name, ours_s=round(p.ours.wall, 3),
                 theirs_s=round(p.theirs.wall, 3), ratio=round(p.ratio, 3),
                 ours_status=p.ours.status, theirs_status=p.theirs.status,
                 ours_makespan=p.ours.makespan, theirs_makespan=p.theirs.makespan,
                 optimum=optima[p.ours.name], ours_first=p.ours_first)
            for p in pairs
        ],
    )  # fmt: skip
    table = f"psplib j30 ({len(paths)}, {LIMIT:g} s limit each, interleaved)"
    for solver, runs, total in (
        ("scheduler", ours, summary["total_ours_s"]),
        ("pyjobshop", theirs, summary["total_theirs_s"]),
    ):
        record.row(table, solver=solver, instances=len(runs), **_scores(runs, optima),
                   total_s=total, mean_s=round(total / max(1, len(runs)), 3))  # fmt: skip
    record.row(f"{table}: ratio ours / PyJobShop", load=f"{load} -> {_loadavg()}", **summary)
    by_gap = sorted(pairs, key=lambda p: p.ours.wall - p.theirs.wall)
    for pair in by_gap[:5] + by_gap[-5:]:  # where each solver gained most
        record.row(f"{table}: largest differences", instance=pair.ours.name,
                   ours_s=round(pair.ours.wall, 3), theirs_s=round(pair.theirs.wall, 3),
                   ratio=round(pair.ratio, 2), ours=f"{pair.ours.status} {pair.ours.makespan}",
                   theirs=f"{pair.theirs.status} {pair.theirs.makespan}",
                   optimum=optima[pair.ours.name])  # fmt: skip
    assert not wrong, f"proven 'optimal' but not the published optimum: {wrong}"


def _loadavg() -> str:
    """The 1-minute load average, as ``/proc/loadavg`` gives it ("?" where there is none)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return handle.read().split()[0]
    except OSError:
        return "?"


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
