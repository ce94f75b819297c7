"""From a validated scenario to a checked plan: solve, entry windows, independent check, and an
explanation when there is no plan. The one place that strings the stages together."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from scheduler.analysis.window import entry_windows
from scheduler.errors import PlanCheckError, Problem
from scheduler.plan import Plan, SolverInfo
from scheduler.rules.check import check_plan
from scheduler.scenario.data import Scenario
from scheduler.scenario.validate import infeasibilities, require_valid
from scheduler.solve.common import empty_plan, with_history
from scheduler.solve.explain import explain_infeasible
from scheduler.solve.interrupt import Interrupt
from scheduler.solve.lexico import BackendFactory, SolveStats, solve_lexico
from scheduler.solve.options import SolveOptions

SOLVERS = ("cp-sat", "milp")


@dataclass(frozen=True)
class Outcome:
    """A checked plan and how the solve went."""

    plan: Plan
    stats: SolveStats


def backend(solver: str) -> BackendFactory:
    """The backend of ``solver`` (``cp-sat`` or ``milp``), imported only when asked for."""
    if solver == "cp-sat":
        from scheduler.solve.cpsat.backend import CpsatBackend

        return CpsatBackend
    if solver == "milp":
        from scheduler.solve.milp.backend import MilpBackend

        return MilpBackend
    raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")


def solve(
    scenario: Scenario,
    options: SolveOptions,
    solver: str = "cp-sat",
    interrupt: Interrupt | None = None,
) -> Outcome:
    """Solve ``scenario``; a plan with a schedule is given its entry windows and re-checked by
    :func:`scheduler.rules.check.check_plan`, and a failed check raises :class:`PlanCheckError`.
    ``interrupt`` (from :func:`scheduler.solve.interrupt.interruptible`) lets Ctrl-C and SIGTERM
    end the solve early with the best plan found.

    A scenario built or changed in Python is validated first (:mod:`scheduler.scenario.validate`):
    its problems raise :class:`ScenarioError` by key path, as the loader's do by file and line
    (a scenario that is only infeasible is solved, and its plan explains why)."""
    require_valid(scenario, static=False)
    impossible = infeasibilities(scenario)
    if impossible:
        return _statically_infeasible(scenario, options, solver, impossible)
    plan, stats = solve_lexico(scenario, options, backend(solver), interrupt)
    plan = with_history(scenario, plan)  # the status date on plans without a schedule too
    if plan.has_schedule:
        plan = plan.with_windows(entry_windows(scenario, plan))
        violations = check_plan(scenario, plan)
        if violations:
            raise PlanCheckError(violations)
    elif plan.status == "infeasible":
        budget = max(5.0, min(30.0, options.time_limit))
        lines = explain_infeasible(scenario, time_limit=budget, seed=options.seed)
        plan = dataclasses.replace(plan, explanation=tuple(lines))
    elif stats.interrupted:
        plan = dataclasses.replace(
            plan,
            explanation=(
                f"The solve was interrupted ({stats.interrupted}) before any plan was found; "
                "the scenario was not proven infeasible.",
            ),
        )
    else:
        plan = dataclasses.replace(
            plan,
            explanation=(
                f"No plan was found within the time limit of {options.time_limit:g} s; "
                "the scenario was not proven infeasible. Try a longer --time-limit.",
            ),
        )
    return Outcome(plan, stats)


STATIC_HEADING = "No plan can satisfy every rule; this is certain before any solving:"


def _statically_infeasible(
    scenario: Scenario, options: SolveOptions, solver: str, impossible: list[Problem]
) -> Outcome:
    """The infeasible plan of a scenario the static checks already rule out (nothing solved):
    its explanation is what they found, each with its file, line and key."""
    info = SolverInfo(
        name=solver, seed=options.seed, workers=options.workers, deterministic=options.deterministic
    )
    lines = (STATIC_HEADING, *(f"  - {problem}" for problem in impossible))
    plan = dataclasses.replace(empty_plan(scenario, "infeasible", info), explanation=lines)
    return Outcome(plan, SolveStats(0.0, ()))
