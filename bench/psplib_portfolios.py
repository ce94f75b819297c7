"""CP-SAT worker portfolios on PSPLIB j30 instances, side by side on the same load.

    SCHEDULER_SHARED_DATA=../shared/data python bench/psplib_portfolios.py \
        shipped,default,pyjobshop j3025_1 j3029_2 ...

Each instance is solved through the pipeline (import, YAML, load, solve, windows, check) once per
portfolio, the portfolios' order rotated from one instance to the next so that a change of the
shared machine's load hits each alike; the last column set is PyJobShop's own model. Portfolios
(two workers, seed 0, 10 s per instance unless ``--limit``):

- ``shipped``: what the backend sets (``default_lp`` and ``no_lp`` as the two full searches);
- ``default``: CP-SAT's default two-worker portfolio (one full ``default_lp`` search, one thread
  for the neighbourhood and first-solution subsolvers), the backend's choice before;
- ``A+B``: the two full searches ``A`` and ``B`` (CP-SAT subsolver names, e.g.
  ``default_lp+objective_lb_search``, ``no_lp+quick_restart_no_lp``);
- ``pyjobshop``: PyJobShop's model and its call of CP-SAT (``benchutil.solve_pyjobshop``).

Prints one line per instance (seconds, ``*`` when not proven optimal, makespan), the totals and
each portfolio's gap to the best-known upper bounds (``derived/sm_best_known_bounds.csv``).
``--sample j60`` (or ``j120``) takes the benchmark's fixed sample of 20 instead of names.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's scheduler
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchutil, conftest

from benchutil import instances, load_psplib, sample, solve_pyjobshop
from conftest import PSPLIB

from scheduler.instances.from_psplib import makespan_of, read_bounds
from scheduler.pipeline import solve
from scheduler.solve.cpsat.backend import CpsatBackend
from scheduler.solve.options import SolveOptions


def _factory(portfolio: str):  # type: ignore[no-untyped-def]
    def build(scenario, options, should_stop):  # type: ignore[no-untyped-def]
        backend = CpsatBackend(scenario, options, should_stop)
        params = backend.solver.parameters
        if portfolio != "shipped":
            params.subsolvers.clear()
            params.clear_num_full_subsolvers()
        if portfolio not in ("shipped", "default"):
            names = portfolio.split("+")
            params.subsolvers.extend(names)
            params.num_full_subsolvers = len(names)
        return backend

    return build


def _run(portfolio: str, path: Path, limit: float) -> tuple[float, str, int | None]:
    started = time.perf_counter()
    if portfolio == "pyjobshop":
        run = solve_pyjobshop(path, limit)
        return time.perf_counter() - started, run.status, run.makespan
    options = SolveOptions(time_limit=limit, workers=2, seed=0)
    plan = solve(load_psplib(path), options, build=_factory(portfolio)).plan
    makespan = makespan_of(plan.objective["completion"]) if plan.has_schedule else None
    return time.perf_counter() - started, plan.status, makespan


def _family(name: str) -> str:
    return next(f for f in ("j120", "j30", "j60", "j90") if name.startswith(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portfolios", help="comma-separated: shipped, default, A+B, pyjobshop")
    parser.add_argument("instances", nargs="*", help="instance names, e.g. j3025_1, j6013_4")
    parser.add_argument(
        "--sample", metavar="FAMILY", help="the bench's fixed sample of 20 (j60, j120) instead"
    )
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per solve")
    args = parser.parse_args()
    portfolios = args.portfolios.split(",")
    if args.sample:
        paths = sample(instances(PSPLIB, args.sample), 20)
    else:
        paths = [
            PSPLIB / "sm" / _family(name) / f"{name.removesuffix('.sm')}.sm"
            for name in args.instances
        ]
    bounds = read_bounds(PSPLIB / "derived" / "sm_best_known_bounds.csv")
    gaps: dict[str, list[float]] = {p: [] for p in portfolios}
    _run(portfolios[0], paths[0], args.limit)  # warm-up: imports and first-call set-up, untimed
    totals = dict.fromkeys(portfolios, 0.0)
    for index, path in enumerate(paths):
        shift = index % len(portfolios)
        results = {p: _run(p, path, args.limit) for p in portfolios[shift:] + portfolios[:shift]}
        cells = []
        for portfolio in portfolios:
            seconds, status, makespan = results[portfolio]
            totals[portfolio] += seconds
            upper = bounds[path.name][1]
            gaps[portfolio].append(math.inf if makespan is None else (makespan - upper) / upper)
            flag = " " if status == "optimal" else "*"
            cells.append(f"{portfolio} {seconds:6.2f}{flag}{makespan}")
        print(f"{path.stem:11} " + "  ".join(cells), flush=True)
    print("total  " + "  ".join(f"{p} {t:.1f} s" for p, t in totals.items()))
    for portfolio, found in gaps.items():
        at = sum(gap == 0 for gap in found)
        mean = 100 * sum(found) / len(found)
        print(f"{portfolio}: at the best-known upper bound {at}/{len(found)}, mean gap "
              f"{mean:.2f}%, max {100 * max(found):.2f}%")  # fmt: skip
    with open("/proc/loadavg", encoding="ascii") as handle:
        print("load average", handle.read().split()[0])


if __name__ == "__main__":
    main()
