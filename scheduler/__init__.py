"""scheduler: a procurement scheduling optimiser on OR-Tools CP-SAT.

The front door for notebooks and scripts (the command line is ``python -m scheduler``)::

    import scheduler as sch

    scenario = sch.load("scenarios/base.yaml")
    plan = sch.solve(scenario, time_limit=10).plan
    richer = scenario.with_overrides({"budget.caps.SR21.amount": "£403m"})
    comparison = sch.compare({"base": plan, "£403m": richer})

Importing the package is light: the solver, the reports and the what-if machinery are imported
when a function here first needs them (OR-Tools only when something is solved).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The subpackage scheduler.solve is imported (it is empty) before the function solve below is
# defined: importing a subpackage for the first time binds it on this package under its own name,
# which would otherwise replace sch.solve once anything imported scheduler.solve.* later.
from scheduler import solve as _solve_room  # noqa: F401
from scheduler.errors import OptionError, PlanCheckError, Problem, ScenarioError
from scheduler.units import Month

__version__ = "0.2.0"  # the one source of the version (pyproject.toml reads it)

if TYPE_CHECKING:
    from scheduler.analysis.indicators import Indicators
    from scheduler.pipeline import Outcome
    from scheduler.plan import Plan
    from scheduler.scenario.data import Scenario
    from scheduler.whatif.compare_types import Comparison
    from scheduler.whatif.funding import FundingResult
    from scheduler.whatif.sweep import SweepResult

__all__ = [
    "Month",
    "OptionError",
    "Outcome",
    "Plan",
    "PlanCheckError",
    "Problem",
    "Scenario",
    "ScenarioError",
    "__version__",
    "check",
    "compare",
    "funding",
    "indicators",
    "load",
    "solve",
    "sweep",
    "validate",
]

_LAZY = {
    "Plan": "scheduler.plan",
    "Scenario": "scheduler.scenario.data",
    "Outcome": "scheduler.pipeline",
}


def __getattr__(name: str) -> Any:
    """``sch.Plan``, ``sch.Scenario`` and ``sch.Outcome``, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'scheduler' has no attribute {name!r}")


def load(path: str | Path, overrides: Mapping[str, object] | None = None) -> Scenario:
    """Read and validate a scenario file; problems raise :class:`ScenarioError` with file, line and
    key. ``overrides`` (``{"policy.stagger_months": 0}``) are applied like ``--set``."""
    from scheduler.scenario.load import load_scenario

    scenario = load_scenario(path)
    return scenario.with_overrides(overrides) if overrides else scenario


def validate(scenario: Scenario) -> list[Problem]:
    """Every problem that makes a scenario built or changed in Python bad input, by key path on
    the data (the loader's rules and messages); empty when sound. A scenario that is valid but
    certainly infeasible (a deadline before any finish, ...) loads, as from a file: solving it
    gives an ``infeasible`` plan that says why."""
    from scheduler.scenario.validate import validate as validate_data

    return validate_data(scenario, static=False)


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return load(scenario) if isinstance(scenario, str | Path) else scenario


def solve(
    scenario: Scenario | str | Path,
    time_limit: float = 60.0,
    solver: str = "cp-sat",
    *,
    seed: int = 0,
    deterministic: bool = False,
    workers: int = 2,
    log: bool = False,
    hint: Plan | None = None,
) -> Outcome:
    """Solve a scenario (or a scenario file); ``.plan`` is the checked plan, ``.stats`` how the
    solve went. The options are the command line's (``--time-limit``, ``--solver cp-sat|milp``,
    ``--seed``, ``--deterministic``, ``--workers``, ``--log``), checked as there (a bad one
    raises :class:`OptionError`); ``hint`` is a warm-start plan.

    A scenario built or changed in Python is validated first (problems raise
    :class:`ScenarioError` by key path). An infeasible scenario gives a plan with status
    ``infeasible`` whose ``explanation`` names the conflicting rules."""
    from scheduler.pipeline import solve as solve_checked
    from scheduler.solve.options import SolveOptions

    options = SolveOptions(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        log=log,
        hint=hint,
    )
    return solve_checked(_scenario(scenario), options, solver)


def _plan(plan: Plan | str | Path) -> Plan:
    if isinstance(plan, str | Path):
        from scheduler.plan import Plan

        return Plan.read(plan)
    return plan


def check(scenario: Scenario | str | Path, plan: Plan | str | Path) -> list[str]:
    """Re-check a plan (or a plan JSON file) against a scenario without any solver: every rule
    broken and every reported figure that differs from the recomputation; empty when sound."""
    from scheduler.rules.check import check_plan
    from scheduler.scenario.validate import require_valid

    scenario = _scenario(scenario)
    require_valid(scenario, static=False)
    return check_plan(scenario, _plan(plan))


def indicators(scenario: Scenario | str | Path, plan: Plan | str | Path) -> Indicators | None:
    """The plan's indicators per financial year (clusters by stage at each year's end, departments
    and users on the new systems, legacy retired against due, spend and releases against the caps,
    benefits, milestones), from the plan and the scenario; ``None`` for a plan without a schedule.
    ``.to_dict()`` is the plan JSON's ``indicators``."""
    from scheduler.analysis.indicators import indicators as plan_indicators

    return plan_indicators(_scenario(scenario), _plan(plan))


def compare(
    subjects: Mapping[str, Any],
    *,
    time_limit: float = 60.0,
    solver: str = "cp-sat",
    seed: int = 0,
    deterministic: bool = True,
    workers: int = 2,
) -> Comparison:
    """Compare plans side by side, the first being the baseline: ``{label: subject}`` where a
    subject is a :class:`Scenario` (solved here with the options given), a :class:`Plan`, a
    ``(scenario, plan)`` pair (the plan judged with its scenario: binding rules, option labels)
    or a scenario or plan JSON file. ``.summary`` holds the stories of what changed and why
    (``story.text``); ``.to_json()`` the machine-readable comparison. An attribution of a change
    to a difference between two scenarios is checked by solving a counterfactual (deterministic,
    at most ``min(time_limit, 10)`` seconds each)."""
    from scheduler.plan import Plan
    from scheduler.whatif.compare import Subject
    from scheduler.whatif.compare import compare as compare_subjects

    if len(subjects) < 2:
        raise ValueError("compare needs at least two subjects")
    items: list[Subject] = []
    for label, subject in subjects.items():
        scenario, plan, kind, source = None, None, "scenario", str(label)
        if isinstance(subject, str | Path):
            source = str(subject)
            if Path(subject).suffix == ".json":
                plan, kind = _plan(subject), "plan"
            else:
                scenario = load(subject)
        elif isinstance(subject, tuple):
            scenario, plan = subject
            scenario, plan, kind = _scenario(scenario), _plan(plan), "plan"
        elif isinstance(subject, Plan):
            plan, kind = subject, "plan"
        else:
            scenario = subject
        if plan is None:
            assert scenario is not None
            outcome = solve(
                scenario,
                time_limit,
                solver,
                seed=seed,
                deterministic=deterministic,
                workers=workers,
            )
            plan = outcome.plan
            source = scenario.source or source
        items.append(Subject(str(label), source, kind, scenario, plan))
    limit = min(time_limit, 10.0)  # each counterfactual an attribution is checked by

    def counterfactual(scenario: Scenario) -> Plan:
        return solve(scenario, limit, solver, seed=seed, deterministic=True, workers=workers).plan

    how = f"each solved deterministically in at most {limit:g} s"
    return compare_subjects(items, counterfactual, how)


def sweep(
    scenario: Scenario | str | Path,
    vary: Mapping[str, str] | None = None,
    *,
    time_limit: float = 60.0,
    solver: str = "cp-sat",
    seed: int = 0,
    deterministic: bool = True,
    workers: int = 1,
    jobs: int = 1,
) -> SweepResult:
    """Solve variants of a scenario, as ``python -m scheduler sweep`` does: a grid of ``vary``
    axes (``{"budget.caps.SR21.amount": "£250m..£450m/£25m", "policy.stagger_months": "0,3"}``,
    the first varying slowest), or, given a variants file and no ``vary``, its variants. The base
    scenario's plan is every variant's warm start; ``jobs`` > 1 solves on local processes.
    ``.rows`` holds one row per variant (``row.result.status``, ``.objective``, ``.plan``)."""
    from scheduler.solve.options import SolveOptions
    from scheduler.whatif.executors import local_runner
    from scheduler.whatif.sweep import (
        grid_spec,
        parse_vary,
        run_sweep,
        serial_runner,
        variants_spec,
    )

    if vary:
        base = _scenario(scenario)
        axes = [parse_vary(f"{path}={spec}") for path, spec in vary.items()]
        spec = grid_spec(base.source, (), axes, load=base.with_overrides)
    elif isinstance(scenario, str | Path):
        spec = variants_spec(str(scenario))
    else:
        raise ValueError("sweep needs vary={path: values}, or a variants file")
    options = SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic
    )
    runner = serial_runner if jobs <= 1 else local_runner(jobs)
    return run_sweep(spec, options, runner, solver)


def funding(
    scenario: Scenario | str | Path,
    caps: Sequence[str] = (),
    *,
    scale_caps: bool = False,
    late_months: int = 0,
    frontier: tuple[int, int] | None = None,
    time_limit: float = 60.0,
    seed: int = 0,
    deterministic: bool = True,
    workers: int = 1,
) -> FundingResult:
    """The least amount of each cap in ``caps`` (or, with ``scale_caps``, the least factor
    scaling every cap) at which each promise holds, found exactly by optimisation, with the
    checked plan at that amount, as ``python -m scheduler funding`` does. ``frontier`` =
    ``(low, high)`` in pounds (basis points of the factor with ``scale_caps``) adds the exact
    funding frontier between them. ``.levers[i].promises`` holds each answer (``.value`` in
    £1k, or basis points; ``.plan``; ``.explanation`` when no amount keeps it)."""
    from scheduler.solve.options import SolveOptions
    from scheduler.whatif.funding import funding as least_funding

    options = SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic
    )
    return least_funding(_scenario(scenario), caps, scale_caps, late_months, options, frontier)
