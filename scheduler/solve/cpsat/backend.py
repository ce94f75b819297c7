"""Solving a scenario with CP-SAT: lexicographic stages, solver parameters, and the Plan.

Each objective stage is minimised with the stages before it held at the values found (the recipe
of OR-Tools issue #1344): minimise stage 1, add ``stage1 <= value``, hint the solution, minimise
stage 2, and so on. The time limit is shared: the first of several stages may use half of it,
each later one the time left divided by the stages left, so unused time rolls over. The solver
starts from a schedule: the warm start given in the options, else a greedy one, completed into a
hint of every variable; if it finds no plan in time, a feasible starting schedule is the plan.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import ortools
from ortools.sat.python import cp_model

from scheduler.plan import LegacyPlan, PhasePlan, Plan, SolverInfo
from scheduler.rules.evaluate import ClusterDecision, DecisionError, decisions_from_plan, evaluate
from scheduler.scenario.data import Scenario
from scheduler.solve.common import cap_uses, cluster_plan, empty_plan, mode_uses
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.greedy import greedy_schedule
from scheduler.solve.options import SolveOptions

_SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)
LARGE_MODEL = 50_000  # variables; above this, presolve is cut short so that search starts sooner


@dataclass(frozen=True)
class SolveStats:
    """Timings of a solve, for the terminal, logs and benchmarks (not part of the plan)."""

    build_seconds: float
    stages: tuple[StageReport, ...]
    hint: str = "none"  # "none" (no warm start), "used" or "not used" (see SolveOptions.hint)
    fallback: bool = False  # the plan is the starting schedule: the solver found none in time

    @property
    def solve_seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


@dataclass(frozen=True)
class StageReport:
    """How one lexicographic stage went: for logs, benchmarks and the plan's bounds."""

    terms: tuple[tuple[str, int], ...]
    status: str
    value: int | None
    bound: int | None
    seconds: float


def solve_cpsat(scenario: Scenario, options: SolveOptions) -> tuple[Plan, SolveStats]:
    """Solve ``scenario``; the plan's entry windows are left at ``(entry, entry)`` for the caller."""
    started = time.monotonic()
    built = CpsatModel(scenario)
    warm = None
    if options.hint is not None and options.hint.has_schedule:
        warm = decisions_from_plan(options.hint)
    start_from = warm if warm is not None and _feasible(scenario, warm) else None
    if start_from is None:
        start_from = greedy_schedule(scenario)
    if warm is not None or start_from is not None:
        _hint_decisions(built, warm if warm is not None else start_from)
        _complete_hint(built, options)
    build_seconds = time.monotonic() - started
    solver = cp_model.CpSolver()
    _set_parameters(solver, options)
    if options.workers == 1 and any(cv.assignment for cv in built.clusters.values()):
        # A single worker gets the full linearisation that max_lp brings to a portfolio.
        solver.parameters.linearization_level = 2
    if len(built.model.proto.variables) > LARGE_MODEL:
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
    hint_lines: list[str] = []
    if options.hint is not None:
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = options.log
        solver.log_callback = hint_lines.append
    stages = scenario.objective.stages
    reports: list[StageReport] = []
    incumbent: Plan | None = None
    bounds: dict[str, int] = {}
    proven = True
    deterministic_time = 0.0
    for index, stage in enumerate(stages):
        expression = built.stage(stage)
        built.model.minimize(expression)
        left = options.time_limit - (time.monotonic() - started)
        share = max(left, 0.0) / (len(stages) - index)
        if index == 0 and len(stages) > 1:
            share = max(left, 0.0) / 2  # the first plan matters most; unused time rolls over
        if options.deterministic:
            solver.parameters.max_deterministic_time = max(share, 0.01)
        else:
            solver.parameters.max_time_in_seconds = max(share, 0.01)
        stage_start = time.monotonic()
        with _keep_sigint_handler():
            status = solver.solve(built.model)
        deterministic_time += solver.deterministic_time
        if index == 0 and options.hint is not None:
            solver.log_callback = None
            solver.parameters.log_search_progress = options.log
            solver.parameters.log_to_stdout = True
        solved = status in _SOLVED
        value = round(solver.objective_value) if solved else None
        bound = math.ceil(solver.best_objective_bound - 1e-6) if solved else None
        reports.append(
            StageReport(
                stage, solver.status_name(status), value, bound, time.monotonic() - stage_start
            )
        )
        if not solved:
            if index == 0:
                kind = "infeasible" if status == cp_model.INFEASIBLE else "unknown"
                if status == cp_model.MODEL_INVALID:
                    raise RuntimeError(
                        f"internal error: invalid CP-SAT model: {built.model.validate()}"
                    )
                info = _solver_info(options, started, deterministic_time)
                stats = SolveStats(build_seconds, tuple(reports), _hint_status(options, hint_lines))
                if kind == "unknown" and start_from is not None:
                    note = (
                        "CP-SAT found no plan within the time limit; this is the starting "
                        "schedule (greedy or warm start), feasible but not optimised.",
                    )
                    fallback = evaluate(scenario, start_from).to_plan(
                        scenario, "feasible", info, explanation=note
                    )
                    return fallback, dataclasses.replace(stats, fallback=True)
                return empty_plan(scenario, kind, info), stats
            proven = False
            break
        proven = proven and status == cp_model.OPTIMAL
        if len(stage) == 1:
            name = stage[0][0]
            bounds[name] = _to_plan_units(built, name, bound)
        else:
            bounds["weighted"] = bound
        incumbent = _extract(built, solver, scenario, bounds)
        if index + 1 < len(stages):
            built.model.add(expression <= value)
            _hint_from_solution(built, solver)
    assert incumbent is not None
    info = _solver_info(options, started, deterministic_time)
    return (
        Plan(
            scenario=incumbent.scenario,
            status="optimal" if proven else "feasible",
            objective=incumbent.objective,
            solver=info,
            clusters=incumbent.clusters,
            caps=incumbent.caps,
            bounds=dict(bounds),
            fiscal_year_start=scenario.horizon.fiscal_year_start,
        ),
        SolveStats(build_seconds, tuple(reports), _hint_status(options, hint_lines)),
    )


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


def _hint_status(options: SolveOptions, log_lines: list[str]) -> str:
    """Whether CP-SAT's first solution came from the warm-start hint (read from its search log)."""
    if options.hint is None:
        return "none"
    used = any("[hint]" in line or "hint is complete and is feasible" in line for line in log_lines)
    return "used" if used else "not used"


def _set_parameters(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    params = solver.parameters
    params.num_workers = max(1, options.workers)
    params.random_seed = options.seed
    params.log_search_progress = options.log
    if options.workers > 1:
        # The LP worker with full linearisation proves the budget and extension-cost bounds that
        # the default two-worker portfolio leaves open (see bench/README.md).
        params.extra_subsolvers.append("max_lp")
    if options.deterministic and options.workers > 1:
        params.interleave_search = True


def _solver_info(options: SolveOptions, started: float, deterministic_time: float) -> SolverInfo:
    return SolverInfo(
        name="cp-sat",
        version=ortools.__version__,
        seconds=None if options.deterministic else round(time.monotonic() - started, 2),
        workers=options.workers,
        seed=options.seed,
        deterministic=options.deterministic,
        deterministic_time=round(deterministic_time, 3) if options.deterministic else None,
    )


def _to_plan_units(built: CpsatModel, term: str, value: int | None) -> int | None:
    if value is None:
        return None
    return value + built.origin if term == "completion" else value


def _hint_from_solution(built: CpsatModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in the solution just found."""
    solution = list(solver.response_proto.solution)
    built.model.clear_hints()
    hint = built.model.proto.solution_hint
    hint.vars.extend(range(len(solution)))
    hint.values.extend(solution)


def _feasible(scenario: Scenario, decisions: Mapping[str, ClusterDecision]) -> bool:
    """Whether a warm start breaks no rule of this scenario (it may come from another one)."""
    if set(decisions) != {cluster.id for cluster in scenario.clusters}:
        return False
    try:
        return not evaluate(scenario, decisions).violations
    except (DecisionError, KeyError, IndexError):
        return False


def _complete_hint(built: CpsatModel, options: SolveOptions) -> None:
    """Turn a hint of the decisions into a hint of every variable (spend, releases, late months,
    ...): solve once with the hinted variables fixed and no presolve, which is quick because
    propagation alone settles the rest. A complete, feasible hint is CP-SAT's first solution."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.cp_model_presolve = False
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = options.seed
    if options.deterministic:
        solver.parameters.max_deterministic_time = max(0.05, options.time_limit / 10)
    else:
        solver.parameters.max_time_in_seconds = max(0.05, options.time_limit / 10)
    with _keep_sigint_handler():
        status = solver.solve(built.model)
    if status in _SOLVED:
        _hint_from_solution(built, solver)


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
            built.model.add_hint(pv.start, start - built.origin)
            position = next((i for i, mode in enumerate(pv.modes) if mode.option == option), 0)
            positions.append(position)
            if len(pv.modes) > 1:
                for i, literal in enumerate(pv.chosen):
                    built.model.add_hint(literal, int(i == position))
        if cv.assignment is not None:
            chosen = (decision.entry - built.origin, tuple(positions))
            for (e, k), literal in cv.assignment.literals.items():
                built.model.add_hint(literal, int((e, cv.assignment.combos[k]) == chosen))


def _extract(
    built: CpsatModel, solver: cp_model.CpSolver, scenario: Scenario, bounds: dict[str, int]
) -> Plan:
    """Read the solver's values into a solver-independent Plan (windows left for the caller)."""
    origin = built.origin
    budget = scenario.budget
    tranche = budget.tranche_k * 1000 if budget else 1000
    clusters = []
    for cluster in scenario.clusters:
        cv = built.clusters[cluster.id]
        phases = []
        for phase in cluster.phases:
            pv = cv.phases[phase.id]
            mode = next(m for m, lit in zip(pv.modes, pv.chosen, strict=True) if solver.value(lit))
            phases.append(
                PhasePlan(
                    id=phase.id,
                    start=origin + solver.value(pv.start),
                    end=origin + solver.value(pv.end),
                    option=mode.option,
                    uses=mode_uses(mode),
                    cost=mode.cost,
                )
            )
        legacy = []
        for system in cluster.legacy:
            late = solver.value(cv.late[system.name])
            legacy.append(
                LegacyPlan(
                    name=system.name,
                    expires=system.expires,
                    retired=origin + solver.value(cv.phases[system.replaced_by].end),
                    late_months=late,
                    extension_cost=late * system.extension_cost,
                )
            )
        spend = {y: 1000 * solver.value(e) for y, e in cv.spend.items()}
        funding = {y: tranche * solver.value(n) for y, n in cv.tranches.items()}
        clusters.append(cluster_plan(cluster.id, phases, legacy, spend, funding))
    caps = cap_uses(scenario, clusters)
    objective = {
        name: _to_plan_units(built, name, int(solver.value(built.term(name))))
        for name in scenario.objective.reported_terms
    }
    return Plan(
        scenario=scenario.name,
        status="feasible",
        objective=objective,
        solver=SolverInfo(),
        clusters=tuple(clusters),
        caps=caps,
        bounds=dict(bounds),
        fiscal_year_start=scenario.horizon.fiscal_year_start,
    )
