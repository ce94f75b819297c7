"""Helpers shared by the benchmark files: timed solves and PSPLIB instance lists."""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import resource
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from scheduler.instances.from_psplib import makespan_of, read_rcpsp, scenario_yaml
from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.options import SolveOptions

WORKERS = int(os.environ.get("SCHEDULER_BENCH_WORKERS", min(2, os.cpu_count() or 1)))


@dataclass(frozen=True)
class Timed:
    """One solve: model build and solver seconds apart, wall seconds including windows and check."""

    status: str
    objective: dict
    build: float
    solve: float
    wall: float
    gaps: tuple[float | None, ...]  # per objective stage: (value - bound) / value
    bound_by: str = ""  # what proved the first stage's bound, when not the solver (an LP bound)
    peak_rss_mb: float | None = None  # of the process that loaded and solved (see isolated)
    cbc_rss_mb: float | None = None  # of the CBC process, for the MILP with CBC
    generate: float | None = None  # seconds to generate the scenario's YAML (generated_solve)
    load: float | None = None  # seconds to load and validate that YAML
    fallback: bool = False  # the plan is the starting (greedy) schedule: no solver plan in time
    first_plan: float | None = None  # seconds into the solve when it first had a plan to return

    @property
    def first_gap(self) -> float | None:
        return self.gaps[0] if self.gaps else None


def gap(value: int | None, bound: int | None) -> float | None:
    if value is None or bound is None:
        return None
    return 0.0 if value == bound else (value - bound) / max(1, abs(value))


def timed_solve(
    scenario: Scenario, time_limit: float, solver: str = "cp-sat", engine: str = "cbc"
) -> Timed:
    """Solve through the pipeline; ``engine`` is the MILP's (``milp_engine``)."""
    options = SolveOptions(time_limit=time_limit, workers=WORKERS, seed=0, milp_engine=engine)
    started = time.perf_counter()
    outcome = solve(scenario, options, solver=solver)
    wall = time.perf_counter() - started
    stats = outcome.stats
    gaps = tuple(gap(stage.value, stage.bound) for stage in stats.stages)
    bound_by = stats.stages[0].bound_by if stats.stages else ""
    if stats.fallback:  # the starting schedule, with the trivial bound (solve/trivial.py)
        bounds, objective = outcome.plan.bounds, outcome.plan.objective
        gaps = tuple(gap(objective.get(name), bound) for name, bound in bounds.items())
        bound_by = "trivial bound" if bounds else ""
    return Timed(
        status=outcome.plan.status,
        objective=dict(outcome.plan.objective),
        build=stats.build_seconds,
        solve=stats.solve_seconds,
        wall=wall,
        gaps=gaps,
        bound_by=bound_by,
        fallback=stats.fallback,
        first_plan=stats.first_plan_seconds,
    )


T = TypeVar("T")


def isolated(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in a fresh process (spawned), so that its peak resident set size is
    its own and not the benchmark session's highest so far."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident set size of this process and of its largest finished child (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def generated_solve(
    clusters: int,
    years: int,
    seed: int,
    time_limit: float,
    solver: str = "cp-sat",
    engine: str = "cbc",
) -> Timed:
    """Generate, load and solve a programme, each step timed, with this process's peak RSS (run
    it isolated)."""
    started = time.perf_counter()
    text = generate_yaml(clusters, years, seed)
    generated = time.perf_counter()
    scenario = load_scenario_text(text, f"generated-{clusters}")
    loaded = time.perf_counter()
    timed = timed_solve(scenario, time_limit, solver, engine)
    own, children = peak_rss_mb()
    cbc = solver == "milp" and engine == "cbc"
    return dataclasses.replace(
        timed,
        peak_rss_mb=round(own),
        cbc_rss_mb=round(children) if cbc else None,
        generate=generated - started,
        load=loaded - generated,
    )


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def load_psplib(path: Path) -> Scenario:
    return load_scenario_text(scenario_yaml(read_rcpsp(path)), str(path))


@dataclass(frozen=True)
class RcpspRun:
    name: str
    status: str
    makespan: int | None
    wall: float


def solve_psplib(path: Path, time_limit: float) -> RcpspRun:
    """Import, solve with the pipeline, and read the makespan; wall time includes the import."""
    started = time.perf_counter()
    scenario = load_psplib(path)
    outcome = solve(scenario, SolveOptions(time_limit=time_limit, workers=WORKERS, seed=0))
    wall = time.perf_counter() - started
    plan = outcome.plan
    completion = plan.objective.get("completion") if plan.has_schedule else None
    makespan = makespan_of(completion) if completion is not None else None
    return RcpspRun(path.name, plan.status, makespan, wall)


def solve_pyjobshop(path: Path, time_limit: float) -> RcpspRun:
    """The same instance with PyJobShop's OR-Tools backend (its own model, same worker count)."""
    import pyjobshop

    started = time.perf_counter()
    data = pyjobshop.read(path, instance_format="psplib")
    model = pyjobshop.Model.from_data(data)
    result = model.solve("ortools", time_limit=time_limit, display=False, num_workers=WORKERS)
    wall = time.perf_counter() - started
    status = result.status.value if hasattr(result.status, "value") else str(result.status)
    makespan = round(result.objective) if result.objective is not None else None
    return RcpspRun(path.name, str(status).lower(), makespan, wall)


@dataclass(frozen=True)
class Pair:
    """One instance solved by us and by PyJobShop back to back (``ours_first``: which went first)."""

    ours: RcpspRun
    theirs: RcpspRun
    ours_first: bool

    @property
    def ratio(self) -> float:
        return self.ours.wall / max(self.theirs.wall, 1e-9)


def solve_pairs(paths: list[Path], time_limit: float) -> list[Pair]:
    """Each instance with both solvers, one right after the other, alternating which goes first
    (ours on even positions), so that a change of the shared machine's load hits both alike. The
    first instance is solved once by each beforehand, untimed, so that neither pays for imports
    and first-call set-up in the figures."""
    if paths:
        solve_psplib(paths[0], time_limit)
        solve_pyjobshop(paths[0], time_limit)
    pairs = []
    for index, path in enumerate(paths):
        ours_first = index % 2 == 0
        if ours_first:
            ours = solve_psplib(path, time_limit)
            theirs = solve_pyjobshop(path, time_limit)
        else:
            theirs = solve_pyjobshop(path, time_limit)
            ours = solve_psplib(path, time_limit)
        pairs.append(Pair(ours, theirs, ours_first))
    return pairs


def pair_summary(pairs: list[Pair]) -> dict[str, object]:
    """Totals, their ratio, and the per-instance ratios summarised (geometric mean, median,
    how many instances each solver was faster on)."""
    ours = sum(pair.ours.wall for pair in pairs)
    theirs = sum(pair.theirs.wall for pair in pairs)
    ratios = sorted(pair.ratio for pair in pairs)
    geometric = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None
    return dict(
        total_ours_s=round(ours, 1),
        total_theirs_s=round(theirs, 1),
        ratio_of_totals=round(ours / theirs, 3) if theirs else None,
        geomean_ratio=round(geometric, 3) if geometric else None,
        median_ratio=round(statistics.median(ratios), 3) if ratios else None,
        ours_faster=sum(r < 1 for r in ratios),
        theirs_faster=sum(r > 1 for r in ratios),
    )


def instances(root: Path, family: str) -> list[Path]:
    """The instance files of a family, in PSPLIB order (par, inst)."""

    def key(path: Path) -> tuple[int, int]:
        par, inst = path.stem[len(family) :].split("_")
        return int(par), int(inst)

    return sorted((root / "sm" / family).glob("*.sm"), key=key)


def sample(paths: list[Path], count: int) -> list[Path]:
    """``count`` instances evenly spread over the list (fixed, so runs are comparable)."""
    step = max(1, len(paths) // count)
    return paths[::step][:count]
