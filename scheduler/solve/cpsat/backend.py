"""The CP-SAT backend of the lexicographic driver (:mod:`scheduler.solve.lexico`).

It builds :class:`~scheduler.solve.cpsat.model.CpsatModel`, sets CP-SAT's parameters, minimises
one stage within a budget (wall-clock seconds, or deterministic time with ``deterministic``),
holds a stage at its value, hints every variable from the last solution, completes a hint of the
starting schedule into a hint of every variable, and reads a solution's values. The parameters,
limits and the solve call itself are :mod:`scheduler.solve.cpsat.solving`'s; the hints
:mod:`scheduler.solve.cpsat.hints`'.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping

import numpy as np
import ortools
from ortools.sat.python import cp_model, cp_model_helper

from scheduler.rules.evaluate import ClusterDecision
from scheduler.scenario.data import Scenario
from scheduler.solve.common import Values
from scheduler.solve.cpsat import lns
from scheduler.solve.cpsat.hints import (
    complete_hint,
    complete_hint_values,
    hint_decisions,
    hint_values,
    latest_end,
    restore_hint,
    without_greedy_hint,
)
from scheduler.solve.cpsat.lpbound import LpBound, lp_bound
from scheduler.solve.cpsat.lpbound import applicable as lp_applicable
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.cpsat.readout import Readout
from scheduler.solve.cpsat.solving import (
    SOLVED,
    money_at_stake,
    set_limit,
    set_parameters,
    solve_model,
    time_indexed_parameters,
)
from scheduler.solve.cpsat.variables import LinearExpr
from scheduler.solve.lexico import Stage, StageResult
from scheduler.solve.options import SolveOptions
from scheduler.solve.trivial import TRIVIAL_BOUND, trivial_bounds

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
        set_parameters(self.solver, options, linear=money_at_stake(scenario))
        if options.workers == 1 and any(cv.assignment for cv in self.built.clusters.values()):
            # A single worker gets the full linearisation that max_lp brings to a portfolio.
            self.solver.parameters.linearization_level = 2
        if self.built.time_indexed:
            time_indexed_parameters(self.solver, options)
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
        hint_decisions(self.built, decisions)
        if self.built.time_indexed and self._large():
            # every literal is hinted; completion, the only other variable, is the latest end
            self.built.model.add_hint(self.built.completion, latest_end(self.built, decisions))
            return 0.0
        self.running = cp_model.CpSolver()
        try:
            return complete_hint(self.built, self.options, self.running, seconds)
        finally:
            self.running = self.solver

    def minimise(self, stage: Stage, seconds: float) -> StageResult:
        built, solver = self.built, self.solver
        began = time.monotonic()
        built.model.minimize(built.stage(stage))
        set_limit(solver, self.options, seconds)
        self.found = None
        lp = self._lp_bound(stage, seconds) if self.stages_solved == 0 else None
        rows = lns.read_rows(built.model) if self._large() and seconds >= LNS_LEAST else None
        incumbent = complete_hint_values(built.model) if rows is not None else None
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
        if status not in SOLVED and found is None:
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
        values = complete_hint_values(self.built.model)
        if values is None:
            return False
        objective = _Solution(values, self.flat).value(self.built.stage(stage))
        offset = round(self.built.model.proto.objective.offset)
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
        set_limit(solver, options, max(seconds, 0.05))
        outcome: list[cp_model.CpSolverStatus] = []
        hint = without_greedy_hint(
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
            set_limit(small, options, limit)

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
            restore_hint(self.built.model, hint)
        solver.best_bound_callback = None
        status = outcome[0]
        offset = self.built.model.proto.objective.offset
        own = solver.objective_value - offset if status in SOLVED else math.inf
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
        hint_values(self.built, self._solution())

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
