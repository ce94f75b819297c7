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

Prints one line per instance (seconds, ``*`` when not proven optimal, makespan) and the totals.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's scheduler
sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchutil, conftest

from benchutil import load_psplib, solve_pyjobshop
from conftest import PSPLIB

from scheduler.instances.from_psplib import makespan_of
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portfolios", help="comma-separated: shipped, default, A+B, pyjobshop")
    parser.add_argument("instances", nargs="+", help="j30 instance names, e.g. j3025_1")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per solve")
    args = parser.parse_args()
    portfolios = args.portfolios.split(",")
    paths = [PSPLIB / "sm" / "j30" / f"{name.removesuffix('.sm')}.sm" for name in args.instances]
    _run(portfolios[0], paths[0], args.limit)  # warm-up: imports and first-call set-up, untimed
    totals = dict.fromkeys(portfolios, 0.0)
    for index, path in enumerate(paths):
        shift = index % len(portfolios)
        results = {p: _run(p, path, args.limit) for p in portfolios[shift:] + portfolios[:shift]}
        cells = []
        for portfolio in portfolios:
            seconds, status, makespan = results[portfolio]
            totals[portfolio] += seconds
            flag = " " if status == "optimal" else "*"
            cells.append(f"{portfolio} {seconds:6.2f}{flag}{makespan}")
        print(f"{path.stem:11} " + "  ".join(cells), flush=True)
    print("total  " + "  ".join(f"{p} {t:.1f} s" for p, t in totals.items()))
    with open("/proc/loadavg", encoding="ascii") as handle:
        print("load average", handle.read().split()[0])


if __name__ == "__main__":
    main()
