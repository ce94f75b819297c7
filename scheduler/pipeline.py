"""From a validated scenario to a checked plan: solve, entry windows, independent check, and an
explanation when there is no plan. The one place that strings the stages together."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from scheduler.analysis.indicators import indicators
from scheduler.analysis.targets import target_results
from scheduler.analysis.total_float import phase_floats
from scheduler.analysis.window import entry_windows
from scheduler.errors import PlanCheckError, Problem
from scheduler.plan import Plan, SolverInfo
from scheduler.rules.check import check_plan, claim_mismatches
from scheduler.rules.plan_file import PlanFile
from scheduler.scenario.data import Scenario
from scheduler.scenario.gcpause import gc_paused
from scheduler.scenario.validate import infeasibilities, require_valid
from scheduler.solve.common import empty_plan, with_history
from scheduler.solve.explain import explain_infeasible
from scheduler.solve.interrupt import Interrupt
from scheduler.solve.lexico import BackendFactory, SolveStats, solve_lexico
from scheduler.solve.options import SolveOptions
from scheduler.terms import term_text
from scheduler.units import window_text

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
    build: BackendFactory | None = None,
) -> Outcome:
    """Solve ``scenario``; a plan with a schedule is given its entry windows and floats
    (:mod:`scheduler.analysis.total_float`) and re-checked by
    :func:`scheduler.rules.check.check_plan`, and a failed check raises :class:`PlanCheckError`.
    ``interrupt`` (from :func:`scheduler.solve.interrupt.interruptible`) lets Ctrl-C and SIGTERM
    end the solve early with the best plan found. ``build`` replaces the solver's backend (a
    model with constraints of its own, such as :func:`scheduler.solve.cpsat.least_cap.promise_backend`;
    the check is still against ``scenario``'s rules alone).

    A scenario built or changed in Python is validated first (:mod:`scheduler.scenario.validate`):
    its problems raise :class:`ScenarioError` by key path, as the loader's do by file and line
    (a scenario that is only infeasible is solved, and its plan explains why).

    Python's cyclic garbage collector is paused meanwhile (:mod:`scheduler.scenario.gcpause`):
    with it, the greedy schedule, model build, windows and check of 5,000 clusters took about
    twice as long."""
    with gc_paused():
        return _solve(scenario, options, solver, interrupt, build)


def _solve(
    scenario: Scenario,
    options: SolveOptions,
    solver: str,
    interrupt: Interrupt | None,
    build: BackendFactory | None,
) -> Outcome:
    require_valid(scenario, static=False)
    impossible = infeasibilities(scenario)
    if impossible:
        return _statically_infeasible(scenario, options, solver, impossible)
    plan, stats = solve_lexico(scenario, options, build or backend(solver), interrupt)
    plan = with_history(scenario, plan)  # the status date on plans without a schedule too
    if plan.has_schedule:
        plan = plan.with_windows(entry_windows(scenario, plan))
        plan = plan.with_floats(phase_floats(scenario, plan))
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


@dataclass(frozen=True)
class Verdict:
    """What ``check`` found for a saved plan: ``violations`` (the plan does not fit the scenario),
    ``unverified`` (claims it could not confirm), and ``notes`` (what was confirmed, and how)."""

    violations: tuple[str, ...]
    unverified: tuple[str, ...]
    notes: tuple[str, ...]


def verify_plan(scenario: Scenario, plan_file: PlanFile, time_limit: float = 10.0) -> Verdict:
    """Every figure and claim of a saved plan against ``scenario``, without trusting the plan:

    - the scenario's name, every rule and every reported figure (:func:`check_plan`), the award,
      go-live and finish each cluster states (:func:`claim_mismatches`);
    - every entry window, recomputed (:func:`entry_windows`) from the plan's decisions;
    - the ``indicators`` per financial year, when the file has them, recomputed from the checked
      plan and the scenario (:func:`indicator_mismatches`), and its ``targets``, met or missed
      (:func:`target_mismatches`);
    - a plan without a schedule (``infeasible``, ``unknown``) by solving the scenario for up to
      ``time_limit`` seconds (deterministic): a plan found refutes it; infeasibility proven
      confirms it; neither leaves the claim unverified.
    """
    plan = plan_file.plan
    violations: list[str] = []
    unverified: list[str] = []
    notes: list[str] = []
    if plan.scenario != scenario.name:
        violations.append(
            f"the plan is for scenario {plan.scenario!r}, but this scenario is {scenario.name!r}"
        )
    violations += check_plan(scenario, plan)
    violations += claim_mismatches(plan, plan_file.claims)
    if plan.has_schedule and not violations:
        windows = entry_windows(scenario, plan)
        for cluster in plan.clusters:
            want = windows[cluster.id]
            if tuple(cluster.entry_window) != tuple(want):
                violations.append(
                    f"{cluster.id}: entry window reported as {window_text(cluster.entry_window)}, "
                    f"recomputed {window_text(want)}"
                )
    if plan_file.indicators is not None and plan.has_schedule and not violations:
        violations += indicator_mismatches(scenario, plan, plan_file.indicators)
    if plan_file.targets is not None and plan.has_schedule and not violations:
        violations += target_mismatches(scenario, plan, plan_file.targets)
    if plan.status == "optimal" and not violations:
        notes.append(
            "optimality is the solver's proof: the bounds are consistent with the values, "
            "but not proven again here"
        )
    if not plan.has_schedule and not violations:
        options = SolveOptions(time_limit=time_limit, workers=1, deterministic=True)
        found = solve(scenario, options).plan
        if found.has_schedule:
            violations.append(
                f"the plan claims {plan.status}, but a {found.status} plan was found in "
                f"{time_limit:g} s or less: {_terms_text(found)}"
            )
        elif found.status == "infeasible":
            notes.append(f"confirmed: no plan satisfies every rule (the plan says {plan.status})")
        else:
            unverified.append(
                f"the plan claims {plan.status}: no plan was found in {time_limit:g} s, and "
                "the scenario was not proven infeasible, so the claim was not verified"
            )
    if plan_file.indicators and not plan.has_schedule:
        violations.append(f"indicators: a plan with status {plan.status} has no indicators")
    if plan_file.targets and not plan.has_schedule:
        violations.append(f"targets: a plan with status {plan.status} meets or misses none")
    return Verdict(tuple(violations), tuple(unverified), tuple(notes))


def indicator_mismatches(scenario: Scenario, plan: Plan, given: dict[str, Any]) -> list[str]:
    """Each figure of a plan file's ``indicators`` that differs from the indicators of its
    (checked) plan and the scenario, by key path; a plan without a schedule has none. Keys the
    recomputation does not have are ignored (as the plan reader ignores them), except in
    ``not_given``: a figure claimed not given must be so."""
    found = indicators(scenario, plan)
    return _figure_mismatches(given, {} if found is None else found.to_dict(), "indicators")


def target_mismatches(scenario: Scenario, plan: Plan, given: list[Any]) -> list[str]:
    """Each figure of a plan file's ``targets`` that differs from the targets of its (checked)
    plan and the scenario, met or missed, by key path (``targets[0].met: reported as true,
    recomputed false``)."""
    want = [result.to_dict() for result in target_results(scenario, plan)]
    return _figure_mismatches(given, want, "targets")


def _figure_mismatches(given: Any, want: Any, root: str) -> list[str]:
    """The key paths at which ``given`` differs from the recomputed ``want``."""
    out: list[str] = []

    def walk(got: Any, expected: Any, path: str) -> None:
        if isinstance(expected, dict) and isinstance(got, dict):
            if path.endswith(".not_given"):  # every key is a claim: none may be added
                out.extend(
                    f"{path}.{key}: reported as not given, but the scenario gives it"
                    for key in got
                    if key not in expected
                )
            for key in expected:  # other keys it does not know are ignored, as by the reader
                if key not in got:
                    out.append(f"{path}.{key}: missing, recomputed {json.dumps(expected[key])}")
                else:
                    walk(got[key], expected[key], f"{path}.{key}")
        elif isinstance(expected, list) and isinstance(got, list) and len(got) == len(expected):
            for index, (a, b) in enumerate(zip(got, expected, strict=True)):
                walk(a, b, f"{path}[{index}]")
        elif got != expected or type(got) is not type(expected):
            shown = [_short(json.dumps(value, ensure_ascii=False)) for value in (got, expected)]
            out.append(f"{path}: reported as {shown[0]}, recomputed {shown[1]}")

    walk(given, want, root)
    return out


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def _terms_text(plan: Plan) -> str:
    return ", ".join(f"{name} {term_text(name, value)}" for name, value in plan.objective.items())
