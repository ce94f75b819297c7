"""Solving a scenario as a MILP with PuLP and CBC: the cross-check of the CP-SAT backend.

The model is :class:`~scheduler.solve.milp.model.MilpModel` (time-indexed, one binary per cluster,
entry month and option/wait pattern). Objective stages are solved lexicographically as in
:mod:`scheduler.solve.cpsat.backend`: minimise stage 1, add ``stage1 <= value``, warm-start from the
solution, minimise stage 2, and so on, sharing the time limit the same way. Each stage's objective
is divided by the gcd of its (integer) coefficients and solved to an absolute gap below one unit,
so that "optimal" means optimal to the pound.

CBC always runs on one thread, whatever ``options.workers`` says: the CBC 2.10.3 bundled with PuLP
sometimes deadlocks with ``threads > 1`` and then idles until the time limit (coin-or/pulp#737,
coin-or/Cbc#640; seen here on the small test scenarios). One thread also makes every solve
reproducible for a given seed; CBC has no deterministic time, so the wall-clock limit still applies.
A warm-start plan (``options.hint``) is not used by this backend (``SolveStats.hint == "none"``).
"""

from __future__ import annotations

import math
import time
import warnings

import pulp

from scheduler.plan import LegacyPlan, PhasePlan, Plan, SolverInfo
from scheduler.scenario.data import Scenario
from scheduler.solve.common import cap_uses, cluster_plan, empty_plan, mode_uses
from scheduler.solve.cpsat.backend import SolveStats, StageReport
from scheduler.solve.milp.model import Candidate, MilpModel
from scheduler.solve.options import SolveOptions

_STATUS = {pulp.LpSolutionOptimal: "OPTIMAL", pulp.LpSolutionIntegerFeasible: "FEASIBLE"}


def solve_milp(scenario: Scenario, options: SolveOptions) -> tuple[Plan, SolveStats]:
    """Solve ``scenario`` with CBC; the plan's entry windows are left at ``(entry, entry)``."""
    started = time.monotonic()
    built = MilpModel(scenario)
    build_seconds = time.monotonic() - started
    stages = scenario.objective.stages
    reports: list[StageReport] = []
    if built.empty:
        reports.append(StageReport(stages[0], "INFEASIBLE", None, None, 0.0))
        plan = empty_plan(scenario, "infeasible", _solver_info(options, started))
        return plan, SolveStats(build_seconds, tuple(reports))
    incumbent: Plan | None = None
    bounds: dict[str, int] = {}
    proven = True
    for index, stage in enumerate(stages):
        expression, scale, constant = _scaled(built.stage(stage))
        built.problem.setObjective(expression)
        left = options.time_limit - (time.monotonic() - started)
        share = max(left, 0.0) / (len(stages) - index)
        stage_start = time.monotonic()
        built.problem.solve(_cbc(options, max(share, 1.0), warm=index > 0))
        status = _status(built.problem)
        solved = status in ("OPTIMAL", "FEASIBLE")
        terms = _term_values(built) if solved else {}
        value = sum(weight * terms[name] for name, weight in stage) if solved else None
        bound = value if status == "OPTIMAL" else None
        reports.append(StageReport(stage, status, value, bound, time.monotonic() - stage_start))
        if not solved:
            if index == 0:
                kind = "infeasible" if status == "INFEASIBLE" else "unknown"
                plan = empty_plan(scenario, kind, _solver_info(options, started))
                return plan, SolveStats(build_seconds, tuple(reports))
            proven = False
            break
        proven = proven and status == "OPTIMAL"
        key = stage[0][0] if len(stage) == 1 else "weighted"
        if bound is not None:
            bounds[key] = bound + built.origin if key == "completion" else bound
        incumbent = _extract(built, scenario, terms, bounds)
        if index + 1 < len(stages):
            assert value is not None
            if len(expression):
                built.problem += expression <= (value - constant) // scale, f"stage_{index}"
            for variable in built.problem.variables():
                variable.setInitialValue(round(variable.varValue or 0))
            built.completion.setInitialValue(terms["completion"])  # exact, for the warm start
    assert incumbent is not None
    return (
        Plan(
            scenario=incumbent.scenario,
            status="optimal" if proven else "feasible",
            objective=incumbent.objective,
            solver=_solver_info(options, started),
            clusters=incumbent.clusters,
            caps=incumbent.caps,
            bounds=dict(bounds),
            fiscal_year_start=scenario.horizon.fiscal_year_start,
        ),
        SolveStats(build_seconds, tuple(reports)),
    )


def _scaled(expression: pulp.LpAffineExpression) -> tuple[pulp.LpAffineExpression, int, int]:
    """``(sum_v a_v v) / g`` for an expression ``sum_v a_v v + b`` with integer ``a_v``, ``g`` the
    gcd of the ``a_v``, and ``g`` and ``b``: minimising it minimises the expression, and
    ``expression <= value`` is ``scaled <= floor((value - b) / g)``."""
    coefficients = {var: round(coef) for var, coef in expression.items()}
    scale = math.gcd(*coefficients.values()) or 1
    scaled = {var: coef // scale for var, coef in coefficients.items() if coef}
    return pulp.LpAffineExpression(scaled), scale, round(expression.constant)


def _status(problem: pulp.LpProblem) -> str:
    """CBC's outcome as a CP-SAT-style status name: a solution proven optimal, a solution not
    proven optimal (time limit), proven infeasible (``Infeasible`` or ``Integer infeasible``), or
    no solution found."""
    if problem.sol_status in _STATUS:
        return _STATUS[problem.sol_status]
    return "INFEASIBLE" if problem.status == pulp.LpStatusInfeasible else "UNKNOWN"


def _cbc(options: SolveOptions, seconds: float, warm: bool) -> pulp.PULP_CBC_CMD:
    """The bundled CBC, one thread (see the module docstring), solving to an absolute gap below one
    unit of the scaled objective; the seed is shifted by one since CBC reads 0 as "the clock"."""
    seed = options.seed % 2_147_483_646 + 1
    with warnings.catch_warnings():  # PuLP 3.x deprecates PULP_CBC_CMD in favour of cbcbox
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(
            msg=options.log,
            timeLimit=seconds,
            threads=1,
            gapRel=0,
            gapAbs=0.5,
            warmStart=warm,
            options=[f"randomCbcSeed {seed}", f"randomSeed {seed}"],
        )


def _solver_info(options: SolveOptions, started: float) -> SolverInfo:
    return SolverInfo(
        name="milp-cbc",
        version=f"pulp {pulp.__version__}",
        seconds=None if options.deterministic else round(time.monotonic() - started, 2),
        workers=1,
        seed=options.seed,
        deterministic=options.deterministic,
    )


def _chosen(built: MilpModel) -> dict[str, Candidate]:
    """The candidate ``y[c,t,k] = 1`` of every cluster."""
    return {
        cid: max(cm.candidates, key=lambda cand: cand.var.varValue or 0)
        for cid, cm in built.clusters.items()
    }


def _value(expression: pulp.LpAffineExpression) -> int:
    """An integer expression's value, each variable rounded to its integer value first."""
    total = sum(coef * round(var.varValue or 0) for var, coef in expression.items())
    return round(total + expression.constant)


def _term_values(built: MilpModel) -> dict[str, int]:
    """Every objective term in model units; ``completion`` is ``max_c e[c,last]`` as chosen (the
    variable is only a bound on it)."""
    chosen = _chosen(built)
    terms = {
        name: _value(built.term(name))
        for name in ("extension_cost", "late_months", "delivery_cost", "net_cost", "funding")
    }
    terms["total_cost"] = terms["delivery_cost"] + terms["extension_cost"]
    last = {cid: len(cm.cluster.phases) - 1 for cid, cm in built.clusters.items()}
    terms["completion"] = max(cand.end(last[cid]) for cid, cand in chosen.items())
    return terms


def _extract(
    built: MilpModel, scenario: Scenario, terms: dict[str, int], bounds: dict[str, int]
) -> Plan:
    """Read the solution into a solver-independent Plan (windows left for the caller)."""
    origin = built.origin
    tranche = built.tranche * 1000
    chosen = _chosen(built)
    clusters = []
    for cluster in scenario.clusters:
        cm, cand = built.clusters[cluster.id], chosen[cluster.id]
        phases = []
        for index, phase in enumerate(cluster.phases):
            mode = cand.pattern.modes[index]
            phases.append(
                PhasePlan(
                    id=phase.id,
                    start=origin + cand.start(index),
                    end=origin + cand.end(index),
                    option=mode.option,
                    uses=mode_uses(mode),
                    cost=mode.cost,
                )
            )
        legacy = []
        for system in cluster.legacy:
            late = cm.late(system, origin)[cand]
            legacy.append(
                LegacyPlan(
                    name=system.name,
                    expires=system.expires,
                    retired=origin + cand.end(cluster.phase_index(system.replaced_by)),
                    late_months=late,
                    extension_cost=late * system.extension_cost,
                )
            )
        spend = {y: 1000 * v for y, v in cm.spend[cand].items()}
        funding = {y: tranche * _value(n) for y, n in cm.tranches.items()}
        clusters.append(cluster_plan(cluster.id, phases, legacy, spend, funding))
    caps = cap_uses(scenario, clusters)
    objective = {
        name: terms[name] + (origin if name == "completion" else 0)
        for name in scenario.objective.reported_terms
    }
    return Plan(
        scenario=scenario.name,
        status="feasible",
        objective=objective,
        solver=SolverInfo(name="milp-cbc"),
        clusters=tuple(clusters),
        caps=caps,
        bounds=dict(bounds),
        fiscal_year_start=scenario.horizon.fiscal_year_start,
    )
