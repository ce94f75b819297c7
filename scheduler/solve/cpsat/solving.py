"""One CP-SAT solve: its parameters (the worker portfolio for money-at-stake, scheduling-only and
time-indexed models), its limit (wall-clock or deterministic seconds), and running it from the
main thread or a helper thread without losing Python's Ctrl-C handler.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from ortools.sat.python import cp_model, cp_model_helper

from scheduler.scenario.data import Scenario
from scheduler.solve.options import SolveOptions

__all__ = [
    "SOLVED",
    "money_at_stake",
    "set_limit",
    "set_parameters",
    "solve_model",
    "time_indexed_parameters",
]

SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def solve_model(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> cp_model.CpSolverStatus:
    """One solve (``callback`` told of each solution). In a helper thread (the driver's, while
    the main thread handles signals) CP-SAT must not install its own SIGINT handler; in the main
    thread it may, and Python's is put back after."""
    if threading.current_thread() is not threading.main_thread():
        solver.parameters.catch_sigint_signal = False
        return solver.solve(model, callback)
    with _keep_sigint_handler():
        return solver.solve(model, callback)


@contextlib.contextmanager
def _keep_sigint_handler() -> Iterator[None]:
    """CP-SAT catches Ctrl-C during a solve (to stop gracefully with the best plan so far) but
    leaves its own handler behind; put Python's back so that a later Ctrl-C still raises
    ``KeyboardInterrupt``. Only the main thread may touch signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)


def set_limit(solver: cp_model.CpSolver, options: SolveOptions, seconds: float) -> None:
    """A solve's limit: deterministic seconds with ``options.deterministic``, else wall-clock."""
    if options.deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds


def money_at_stake(scenario: Scenario) -> bool:
    """Whether any phase costs anything or any cluster replaces a legacy system: otherwise (a
    PSPLIB activity network) the objective is a pure scheduling one."""
    return any(
        cluster.legacy or any(mode.cost for phase in cluster.phases for mode in phase.modes)
        for cluster in scenario.clusters
    )


def set_parameters(solver: cp_model.CpSolver, options: SolveOptions, linear: bool) -> None:
    params = solver.parameters
    params.num_workers = max(1, options.workers)
    params.random_seed = options.seed
    params.log_search_progress = options.log
    if options.workers > 1 and linear:
        # The LP worker with full linearisation proves the budget and extension-cost bounds that
        # the default two-worker portfolio leaves open (see bench/README.md). Not where nothing
        # costs anything: on PSPLIB j30 (a makespan over intervals and cumulatives) the default
        # portfolio alone took 20.0 s over every tenth instance against 23.8-30.0 s with it.
        params.extra_subsolvers.append("max_lp")
    elif options.workers > 1:
        _scheduling_portfolio(params)
    if options.deterministic and options.workers > 1:
        params.interleave_search = True


def _scheduling_portfolio(params: cp_model_helper.SatParameters) -> None:
    """Where nothing costs anything (a PSPLIB activity network: a makespan over intervals,
    cumulatives and precedences), two full searches, the default LP worker and the LP-free
    ``no_lp`` worker, rather than the default one full search beside one thread for the
    large-neighbourhood and first-solution subsolvers; further workers run those. On PSPLIB
    j30 the makespan is found early and the time goes into proving it: the LP-free search,
    whose propagation per node is cheaper, proves most instances sooner than the LP worker,
    and each instance gets the sooner of the two proofs (bench/README.md, "PSPLIB")."""
    params.subsolvers.extend(["default_lp", "no_lp"])
    params.num_full_subsolvers = 2


def time_indexed_parameters(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    """Parameters for the time-indexed form (:mod:`scheduler.solve.cpsat.timeindexed`), as
    measured on the generated programmes (bench/README.md):

    - no presolve: on this model it only rewrites the linear rows (and on 10 clusters took longer
      than the whole search after it: 6.2 s to optimal with a light presolve, 1.4 s without);
    - with two or more workers, two of them are full searches, the fully linearised LP worker
      (``max_lp``) and the default LP worker, and only the rest (none with two) run CP-SAT's
      large-neighbourhood and first-solution subsolvers: by default two workers are one full
      search and one thread for all of those, which on this model only takes CPU time from the
      LP worker (measured on two shared cores, bench/README.md: 10 clusters' three stages 1.1 s
      against 2.5-3.6 s, 100 clusters' 3.8-5.7 s against 6.5-11 s). One worker gets
      linearisation level 2, max_lp's setting, from the caller.
    """
    params = solver.parameters
    params.cp_model_presolve = False
    if options.workers > 1:
        params.extra_subsolvers.clear()
        params.subsolvers.extend(["max_lp", "default_lp"])
        params.num_full_subsolvers = 2
