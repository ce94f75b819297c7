"""The CP-SAT backend of the lexicographic driver (:mod:`scheduler.solve.lexico`).

It builds :class:`~scheduler.solve.cpsat.model.CpsatModel`, sets CP-SAT's parameters, minimises
one stage within a budget (wall-clock seconds, or deterministic time with ``deterministic``),
holds a stage at its value, hints every variable from the last solution, completes a hint of the
starting schedule into a hint of every variable, and reads a solution's values.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping

import numpy as np
import ortools
from ortools.sat.python import cp_model, cp_model_helper

from scheduler.rules.evaluate import ClusterDecision
from scheduler.scenario.data import Scenario
from scheduler.solve.common import Values
from scheduler.solve.cpsat import lns
from scheduler.solve.cpsat.lpbound import LpBound, lp_bound
from scheduler.solve.cpsat.lpbound import applicable as lp_applicable
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.cpsat.readout import Readout
from scheduler.solve.cpsat.variables import Assignment, LinearExpr
from scheduler.solve.lexico import Stage, StageResult
from scheduler.solve.options import SolveOptions
from scheduler.solve.trivial import TRIVIAL_BOUND, trivial_bounds

_SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)
LARGE_MODEL = 50_000  # variables; above this, no presolve and the LP bound (see __init__)
BOUND_PATIENCE = 10.0  # seconds without a better bound before CP-SAT yields to the LNS
FIRST_SHARE_LARGE = 0.75  # of what is left, for the first stage of a large model (see __init__)
LNS_LEAST = 5.0  # seconds: a shorter stage of a large model keeps its hinted plan (CP-SAT takes
# about that long to load 1,000 generated clusters, and reading the rows 1-2 s)


class CpsatBackend:
    """One scenario's CP-SAT model and solver, driven stage by stage."""

    name = "cp-sat"
    label = "CP-SAT"
    version = ortools.__version__  # type: ignore[attr-defined]  # set at run time, not in stubs
    least_seconds = 0.01
    counts_work = True
    first_share = 0.5  # the driver's default: half of what is left for the first stage

    def __init__(
        self, scenario: Scenario, options: SolveOptions, should_stop: Callable[[], bool]
    ) -> None:
        self.scenario = scenario
        self.options = options
        self.workers = options.workers
        self.built = CpsatModel(scenario, should_stop=should_stop)
        self.solver = cp_model.CpSolver()
        _set_parameters(self.solver, options, linear=_money_at_stake(scenario))
        if options.workers == 1 and any(cv.assignment for cv in self.built.clusters.values()):
            # A single worker gets the full linearisation that max_lp brings to a portfolio.
            self.solver.parameters.linearization_level = 2
        if self.built.time_indexed:
            _time_indexed_parameters(self.solver, options)
        elif len(self.built.model.proto.variables) > LARGE_MODEL:
            # No presolve, so that the complete starting hint is CP-SAT's first solution at once:
            # on 1,000 generated clusters a one-pass presolve alone outlasted a 30 s first stage
            # (no plan from CP-SAT, so no bound either); without it the first stage improves
            # the greedy plan and reports the LP bound.
            self.solver.parameters.cp_model_presolve = False
        if self._large():
            # The first stage's searches improve it all minute long on 1,000 clusters
            # (bench/README.md), and the later stages are refinements at its value.
            self.first_share = FIRST_SHARE_LARGE
            # a shorter stage could only keep the hinted plan (CP-SAT would not even load it)
            self.least_seconds = LNS_LEAST
        self.hint_lines: list[str] = []
        if options.hint is not None:
            self.solver.parameters.log_search_progress = True
            self.solver.parameters.log_to_stdout = options.log
            self.solver.log_callback = self.hint_lines.append
        self.stages_solved = 0
        self.stopped = False
        self.found: lns.Outcome | None = None  # the last stage's plan, when the LNS found it
        self.running = self.solver  # the solver that stop() stops
        self.flat: _Flat = {}  # each model expression read as terms, once (see _Solution)
        self.readout: Readout | None = None  # the plan's figures as one matrix, made once

    def start_from(self, decisions: Mapping[str, ClusterDecision], seconds: float) -> float:
        """Hint the starting schedule. In the time-indexed form only a warm start is hinted, not
        the greedy schedule: its hint steers the LP worker into the greedy plan's neighbourhood
        (measured on the generated programmes: 100 clusters' first stage took 9.7 s with it and
        1.6 s without, 10 clusters' 2-5 s against 1.1-1.3 s); the driver still returns the
        greedy schedule if CP-SAT finds no plan."""
        if self.built.time_indexed and self.options.hint is None and not self._large():
            return 0.0
        _hint_decisions(self.built, decisions)
        if self.built.time_indexed and self._large():
            # every literal is hinted; completion, the only other variable, is the latest end
            self.built.model.add_hint(self.built.completion, _latest_end(self.built, decisions))
            return 0.0
        self.running = cp_model.CpSolver()
        try:
            return _complete_hint(self.built, self.options, self.running, seconds)
        finally:
            self.running = self.solver

    def minimise(self, stage: Stage, seconds: float) -> StageResult:
        built, solver = self.built, self.solver
        began = time.monotonic()
        built.model.minimize(built.stage(stage))
        _set_limit(solver, self.options, seconds)
        self.found = None
        lp = self._lp_bound(stage, seconds) if self.stages_solved == 0 else None
        rows = lns.read_rows(built.model) if self._large() and seconds >= LNS_LEAST else None
        incumbent = _complete_hint_values(built.model, rows) if rows is not None else None
        work, solved = 0.0, True
        if rows is not None and incumbent is not None:
            status, work = self._with_neighbourhoods(
                rows, incumbent, seconds - (time.monotonic() - began)
            )
        elif self._large() and seconds < LNS_LEAST and self._keep_hint(stage):
            # too short for CP-SAT even to load this model: the hinted plan is the stage's
            status, solved = cp_model.UNKNOWN, False
        else:
            status = solve_model(solver, built.model)
        if self.stages_solved == 0 and self.options.hint is not None:
            solver.log_callback = None
            solver.parameters.log_search_progress = self.options.log
            solver.parameters.log_to_stdout = True
        self.stages_solved += 1
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"internal error: invalid CP-SAT model: {built.model.validate()}")
        found = self.found
        work += solver.deterministic_time if solved else 0.0
        if status not in _SOLVED and found is None:
            name = "INFEASIBLE" if status == cp_model.INFEASIBLE else "UNKNOWN"
            return StageResult(name, work=work)
        proven = solver.best_objective_bound if solved else -math.inf
        bound: int | None = math.ceil(proven - 1e-6) if math.isfinite(proven) else None
        if found is not None:  # the neighbourhood search's plan beat CP-SAT's own
            value = found.objective + round(built.model.proto.objective.offset)
            bound = None if bound is None else min(value, bound)
            name = "OPTIMAL" if bound == value else "FEASIBLE"
        else:
            value = round(solver.objective_value)
            name = solver.status_name(status)
        bound_by = ""
        if lp is not None:
            lp.join()
            if lp.found is not None and (bound is None or lp.found.bound > bound):
                bound, bound_by = (
                    min(value, lp.found.bound),
                    f"LP bound (HiGHS, {lp.found.lp_status})",
                )
                name = "OPTIMAL" if bound == value else name
        floor = _trivial_floor(self.scenario, stage) if self.stages_solved == 1 else None
        if self._large() and floor is not None and (bound is None or floor > bound):
            # CP-SAT had no time for its LP (a loaded machine): the trivial bound still holds
            bound, bound_by = min(value, floor), f"trivial bound ({TRIVIAL_BOUND})"
            name = "OPTIMAL" if bound == value else name
        return StageResult(name, value, bound, work, bound_by)

    def _large(self) -> bool:
        """A time-indexed model too large for CP-SAT's own search to improve the greedy plan
        much within a minute: it starts from the greedy plan and searches neighbourhoods."""
        return self.built.time_indexed and len(self.built.model.proto.variables) > LARGE_MODEL

    def _keep_hint(self, stage: Stage) -> bool:
        """Make the hinted plan the stage's result (``self.found``), when the hint is complete."""
        model = self.built.model
        hint = model.proto.solution_hint
        size = len(model.proto.variables)
        values = np.full(size, -1, dtype=np.int64)
        values[np.array(hint.vars, dtype=np.int64)] = np.array(hint.values, dtype=np.int64)
        for index in np.flatnonzero(values < 0).tolist():
            domain = list(model.proto.variables[index].domain)
            if domain[0] != domain[-1]:
                return False  # a variable neither hinted nor fixed
            values[index] = domain[0]
        objective = _Solution(values, self.flat).value(self.built.stage(stage))
        offset = round(model.proto.objective.offset)
        self.found = lns.Outcome(values, objective - offset, 0, 0, 0.0)
        return True

    def _with_neighbourhoods(
        self, rows: lns.Rows, incumbent: np.ndarray, seconds: float
    ) -> tuple[cp_model.CpSolverStatus, float]:
        """On a large time-indexed model, CP-SAT's own search (one worker fewer, for the bound)
        runs in a thread beside the large-neighbourhood search of :mod:`scheduler.solve.cpsat.lns`
        started from the hinted plan; both get ``seconds``. When the neighbourhood search's plan
        is the better one it is kept in ``self.found`` (its values then come from it). Returns
        CP-SAT's status and the neighbourhood search's deterministic time."""
        solver, options = self.solver, self.options
        solver.parameters.num_workers = max(1, options.workers - 1)
        if solver.parameters.num_workers == 1:
            # one full LP worker, deterministic as it is: no interleaved subsolvers, which on this
            # model would copy it for every neighbourhood they try (3 GB at 1,000 clusters)
            solver.parameters.linearization_level = 2
            solver.parameters.interleave_search = False
        _set_limit(solver, options, max(seconds, 0.05))
        outcome: list[cp_model.CpSolverStatus] = []
        hint = _without_greedy_hint(
            self.built.model, self.stages_solved == 0 and options.hint is None
        )
        # CP-SAT's plans go to the neighbourhood search, which continues from the better one
        # (not with deterministic: when one arrives depends on the timing)
        offer = None if options.deterministic else _Offer()
        thread = threading.Thread(
            target=lambda: outcome.append(solve_model(solver, self.built.model, offer)),
            name="cp-sat",
        )
        thread.start()

        def parameters(small: cp_model.CpSolver, limit: float) -> None:
            params = small.parameters
            params.num_workers = 1
            params.linearization_level = 2
            params.cp_model_presolve = False
            params.random_seed = options.seed
            _set_limit(small, options, limit)

        bounds: list[float] = []  # when CP-SAT's bound last moved (wall-clock), per move
        if not options.deterministic:
            solver.best_bound_callback = lambda _bound: bounds.append(time.monotonic())

        def stop() -> bool:
            """Whether the neighbourhood search must stop: a signal, or (unless deterministic)
            the time limit. Meanwhile, once CP-SAT's bound has moved past its initial one and
            then stood still for ``BOUND_PATIENCE`` seconds, CP-SAT is stopped so that the
            neighbourhood search has the machine (its bound, the root LP's, rarely moves again
            within the minute on 1,000 clusters). Once CP-SAT has proven its plan optimal
            (unless deterministic: when that happens depends on the timing), there is nothing
            left to find and the stage ends."""
            if len(bounds) > 1 and time.monotonic() - bounds[-1] > BOUND_PATIENCE:
                solver.stop_search()
            if self.stopped or (not options.deterministic and outcome[:1] == [cp_model.OPTIMAL]):
                return True
            should_stop = self.built.should_stop
            return not options.deterministic and should_stop is not None and should_stop()

        def workers() -> int:
            """Small solves at once: one beside CP-SAT; all the workers once CP-SAT has yielded
            (never with ``deterministic``, whose search must not depend on the timing)."""
            if options.deterministic or thread.is_alive():
                return 1
            return max(1, options.workers)

        found = lns.search(
            self.built,
            rows,
            incumbent,
            seconds,
            parameters,
            options.deterministic,
            stop,
            workers=workers,
            seed=options.seed,
            offer=(lambda: None) if offer is None else offer.take,
        )
        thread.join()
        if hint is not None:
            _restore_hint(self.built.model, hint)
        solver.best_bound_callback = None
        status = outcome[0]
        offset = self.built.model.proto.objective.offset
        own = solver.objective_value - offset if status in _SOLVED else math.inf
        if found.objective < own:
            self.found = found
        return status, found.work

    def _lp_bound(self, stage: Stage, seconds: float) -> _LpThread | None:
        """On a model too large for the time-indexed form, the safe LP bound of the first stage
        (:mod:`scheduler.solve.cpsat.lpbound`), computed by HiGHS in a thread while CP-SAT
        searches: CP-SAT's own linear worker does not solve that relaxation within a minute
        on 1,000 clusters. Not with ``deterministic`` (HiGHS's limit is wall-clock time)."""
        if (
            self.options.deterministic
            or self.built.time_indexed
            or len(self.built.model.proto.variables) <= LARGE_MODEL
            or not lp_applicable(self.scenario, stage)
        ):
            return None
        thread = _LpThread(self.scenario, stage, seconds)
        thread.start()
        return thread

    def hold(self, stage: Stage, value: int) -> None:
        self.built.model.add(self.built.stage(stage) <= value)

    def hint_last(self) -> None:
        _hint_values(self.built, self._solution())

    def _solution(self) -> list[int]:
        """The last solution's value of every variable."""
        if self.found is not None:
            return self.found.solution.tolist()
        return list(self.solver.response_proto.solution)

    def stop(self) -> None:
        self.stopped = True  # ends the neighbourhood search too
        self.running.stop_search()

    def hint_status(self) -> str:
        """Whether CP-SAT's first solution came from the warm-start hint (from its search log)."""
        if self.options.hint is None:
            return "none"
        used = any(
            "[hint]" in line or "hint is complete and is feasible" in line
            for line in self.hint_lines
        )
        return "used" if used else "not used"

    def values(self) -> Values:
        """The last solution's values (:mod:`scheduler.solve.cpsat.readout`)."""
        if self.readout is None:
            self.readout = Readout(self.built, self.scenario.objective.reported_terms)
        if self.found is not None:
            solution = self.found.solution
        else:
            solution = np.array(self.solver.response_proto.solution, dtype=np.int64)
        return self.readout.values(solution)


_Flat = dict[int, tuple[LinearExpr, np.ndarray, np.ndarray, int]]
"""Expressions by ``id`` as (the expression, variable indices, coefficients, offset): the entry
keeps its expression alive, so an ``id`` is never reused while it is cached."""


class _Solution:
    """A solution as an array of variable values, read like a solver's (``value``). Reading an
    expression's terms is the costly part (1,000 clusters: 29,000 expressions after every stage),
    so each expression is read once per backend, in ``flat``."""

    def __init__(self, values: np.ndarray, flat: _Flat) -> None:
        self.array = values
        self.flat = flat

    def value(self, expression: LinearExpr) -> int:
        if isinstance(expression, int):
            return expression
        terms = self.flat.get(id(expression))
        if terms is None:
            flat = cp_model_helper.FlatIntExpr(expression)
            indices = np.fromiter((var.index for var in flat.vars), dtype=np.int64)
            coeffs = np.asarray(flat.coeffs, dtype=np.int64)
            terms = (expression, indices, coeffs, int(flat.offset))
            self.flat[id(expression)] = terms
        _, indices, coeffs, offset = terms
        return int(np.dot(self.array[indices], coeffs)) + offset


class _LpThread(threading.Thread):
    """:func:`scheduler.solve.cpsat.lpbound.lp_bound` in the background."""

    def __init__(self, scenario: Scenario, stage: Stage, seconds: float) -> None:
        super().__init__(name="lp-bound", daemon=True)
        self.args = (scenario, stage, seconds)
        self.found: LpBound | None = None

    def run(self) -> None:
        self.found = lp_bound(*self.args)


def _complete_hint_values(model: cp_model.CpModel, rows: lns.Rows) -> np.ndarray | None:
    """The hint as a value per variable (fixed ones at their value), if it gives every other
    variable one."""
    hint = model.proto.solution_hint
    values = np.array([domain[0] for domain in rows.var_domains], dtype=np.int64)
    hinted = np.array([domain[0] == domain[-1] for domain in rows.var_domains], dtype=bool)
    indices = np.array(hint.vars, dtype=np.int64)
    values[indices] = np.array(hint.values, dtype=np.int64)
    hinted[indices] = True
    return values if hinted.all() else None


def _trivial_floor(scenario: Scenario, stage: Stage) -> int | None:
    """The first stage's trivial bound (:mod:`scheduler.solve.trivial`) in model units, where
    those are the plan's: a stage of money terms and late months (not completion, which the
    model counts from the horizon start)."""
    if any(name == "completion" for name, _ in stage):
        return None
    bounds = trivial_bounds(scenario)
    if len(stage) == 1:
        name, weight = stage[0]
        return weight * bounds[name] if name in bounds else None
    return bounds.get("weighted")


def _without_greedy_hint(model: cp_model.CpModel, drop: bool) -> tuple[list[int], list[int]] | None:
    """With ``drop``, take the hint off the model and return it (variables, values) for
    :func:`_restore_hint`. On the first stage of a large model the hint is the greedy plan, which
    the neighbourhood search starts from; CP-SAT's own search started from it stays there
    (1,000 generated clusters, one worker, 60 s at load 4: the greedy £7.302bn throughout),
    while without it CP-SAT's LP-guided search finds and proves the optimum (£5.0796bn in 37 s)."""
    if not drop:
        return None
    hint = model.proto.solution_hint
    saved = (list(hint.vars), list(hint.values))
    model.clear_hints()
    return saved


def _restore_hint(model: cp_model.CpModel, saved: tuple[list[int], list[int]]) -> None:
    hint = model.proto.solution_hint
    hint.vars.extend(saved[0])
    hint.values.extend(saved[1])


def _set_limit(solver: cp_model.CpSolver, options: SolveOptions, seconds: float) -> None:
    """A solve's limit: deterministic seconds with ``options.deterministic``, else wall-clock."""
    if options.deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds


def _latest_end(built: CpsatModel, decisions: Mapping[str, ClusterDecision]) -> int:
    """The last phase end of a schedule, in months from the horizon start."""
    latest = 0
    for cluster in built.scenario.clusters:
        decision = decisions[cluster.id]
        last = cluster.phases[-1]
        mode = next(m for m in last.modes if m.option == decision.options[-1])
        latest = max(latest, decision.phase_starts[-1] + mode.months - 1 - built.origin)
    return latest


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


class _Offer(cp_model.CpSolverSolutionCallback):
    """CP-SAT's latest plan (a value per variable), offered to the neighbourhood search."""

    def __init__(self) -> None:
        super().__init__()
        self.latest: np.ndarray | None = None

    def on_solution_callback(self) -> None:
        self.latest = np.array(self.response_proto.solution, dtype=np.int64)

    def take(self) -> np.ndarray | None:
        latest, self.latest = self.latest, None
        return latest


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


def _money_at_stake(scenario: Scenario) -> bool:
    """Whether any phase costs anything or any cluster replaces a legacy system: otherwise (a
    PSPLIB activity network) the objective is a pure scheduling one."""
    return any(
        cluster.legacy or any(mode.cost for phase in cluster.phases for mode in phase.modes)
        for cluster in scenario.clusters
    )


def _set_parameters(solver: cp_model.CpSolver, options: SolveOptions, linear: bool) -> None:
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


def _time_indexed_parameters(solver: cp_model.CpSolver, options: SolveOptions) -> None:
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


def _hint_from_solution(built: CpsatModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in the solution just found."""
    _hint_values(built, list(solver.response_proto.solution))


def _hint_values(built: CpsatModel, solution: list[int]) -> None:
    """Hint every variable with its value in ``solution``."""
    built.model.clear_hints()
    hint = built.model.proto.solution_hint
    hint.vars.extend(range(len(solution)))
    hint.values.extend(solution)


def _complete_hint(
    built: CpsatModel, options: SolveOptions, solver: cp_model.CpSolver, seconds: float
) -> float:
    """Turn a hint of the decisions into a hint of every variable (spend, releases, late months,
    ...): solve once with the hinted variables fixed and no presolve, which is quick because
    propagation alone settles the rest. A complete, feasible hint is CP-SAT's first solution.
    Returns the deterministic time used."""
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.cp_model_presolve = False
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = options.seed
    if options.deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds
    status = solve_model(solver, built.model)
    if status in _SOLVED:
        _hint_from_solution(built, solver)
    return solver.deterministic_time


def _hint_decisions(built: CpsatModel, decisions: Mapping[str, ClusterDecision]) -> None:
    """Hint phase starts, option literals and assignment literals from a schedule (a warm start
    from an earlier plan, or the greedy schedule)."""
    for cluster_id, decision in decisions.items():
        cv = built.clusters.get(cluster_id)
        if cv is None or len(decision.phase_starts) != len(cv.phases):
            continue
        positions = []
        for pv, start, option in zip(
            cv.phases.values(), decision.phase_starts, decision.options, strict=True
        ):
            position = next((i for i, mode in enumerate(pv.modes) if mode.option == option), 0)
            positions.append(position)
            if built.time_indexed:
                continue  # phases are sums over the assignment literals, hinted below
            assert isinstance(pv.start, cp_model.IntVar)
            built.model.add_hint(pv.start, start - built.origin)
            if len(pv.modes) > 1:
                for i, literal in enumerate(pv.chosen):
                    assert isinstance(literal, cp_model.IntVar)
                    built.model.add_hint(literal, int(i == position))
        if cv.assignment is not None:
            _hint_assignment(built, cv.assignment, decision.entry - built.origin, positions)


def _hint_assignment(
    built: CpsatModel, assignment: Assignment, entry: int, positions: list[int]
) -> None:
    """Hint one cluster's assignment literals: 1 for (entry, its combination), 0 for the rest (in
    the literals' order, written to the hint at once)."""
    combo = tuple(positions)
    k = next((k for k, c in enumerate(assignment.combos) if c == combo), -1)
    values = ((assignment.entries == entry) & (assignment.combo_of == k)).astype(np.int64)
    hint = built.model.proto.solution_hint
    hint.vars.extend(assignment.index.tolist())
    hint.values.extend(values.tolist())
