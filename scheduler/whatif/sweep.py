"""Sweeps: solve many variants of one scenario and collect one row per variant.

A sweep is either a grid of ``--vary PATH=SPEC`` axes over a scenario (the cartesian product, the
first axis varying slowest) or the variants of a variants file (:mod:`scheduler.scenario.variants`). Every
variant is loaded and validated in this process before anything is solved; what is shipped to a
worker is a :class:`SolveTask` (the frozen :class:`Scenario`, the :class:`SolveOptions` with the
warm-start plan) and what comes back is a :class:`VariantResult` of plain values (the plan as its
JSON dict), so any executor that can pickle will do (:mod:`scheduler.whatif.executors`).

Rows never depend on the executor or the number of jobs: sweeps solve with
``SolveOptions(deterministic=True)`` by default and rows are ordered by variant, not by finish.

A sweep never aborts for one variant. A variant that is not a valid scenario (its values break a
rule of the file format) is a row of status ``invalid`` with the problems, found before anything
is solved; one that is infeasible (statically too) or finds no plan in its time limit is a row like
any other; one whose solve raised is ``error``; one whose worker died is ``failed``. Only when
every variant is invalid is the sweep itself bad input (:class:`ScenarioError`).
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scheduler.analysis.risk.simulate import simulate
from scheduler.errors import PlanCheckError, Problem, ScenarioError
from scheduler.pipeline import solve
from scheduler.plan import Plan
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import ParsedScenario
from scheduler.scenario.yamlnodes import OVERRIDE_ORIGIN
from scheduler.solve.options import SolveOptions
from scheduler.whatif.executors import Failed, Runner
from scheduler.whatif.sweep_axes import VARY, Axis, Value, classify, expand_grid, parse_vary

if TYPE_CHECKING:
    from scheduler.solve.cpsat.least_cap import Frontier

__all__ = [
    "NO_ANSWER",
    "Axis",
    "SolveTask",
    "SweepResult",
    "SweepRow",
    "SweepSpec",
    "Value",
    "VariantResult",
    "VariantSpec",
    "classify",
    "expand_grid",
    "grid_spec",
    "parse_vary",
    "run_sweep",
    "solve_task",
    "variants_spec",
]

MAX_VARIANTS = 10_000  # per sweep
NO_ANSWER = ("invalid", "unknown", "error", "failed")  # rows that say nothing about the variant


# -- what is swept --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantSpec:
    index: int
    name: str
    values: tuple[Value | None, ...]  # one per column of the sweep; None: not overridden
    scenario: Scenario | None  # None: not a valid scenario, ``problems`` say why
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class SweepSpec:
    """Validated variants ready to solve, and the base scenario they vary."""

    source: str
    base: Scenario
    columns: tuple[str, ...]  # the varied key paths
    variants: tuple[VariantSpec, ...]
    kind: str = "grid"  # "grid" (--vary) or "variants" (a variants file)


def _error(path: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(VARY, None, path, message)])


def _vary_problem(problem: Problem, name: str = "") -> Problem:
    """A variant's problem as ``--vary``'s (an override's) or the scenario file's; ``name`` added
    when the problem is listed with other variants'."""
    if problem.file == OVERRIDE_ORIGIN:
        suffix = f" (variant {name})" if name else ""
        return Problem(VARY, None, problem.key, problem.message + suffix)
    suffix = f" (with {name})" if name else ""
    return Problem(problem.file, problem.line, problem.key, problem.message + suffix)


def _valid(variants: Sequence[VariantSpec], problems: Sequence[Problem]) -> None:
    """Every variant invalid: the sweep itself is bad input (a wrong path, a value of the wrong
    type), with every problem found."""
    if variants and all(v.scenario is None for v in variants):
        raise ScenarioError(list(dict.fromkeys(problems)))


def grid_spec(
    path: str,
    sets: Sequence[tuple[str, str]],
    axes: Sequence[Axis],
    load: Callable[[Sequence[tuple[str, str]]], Scenario] | None = None,
) -> SweepSpec:
    """Every grid point loaded as the scenario with ``sets`` and then the axes' overrides; a
    point that is not a valid scenario is kept as an invalid variant with its problems.

    ``load`` reads the scenario with overrides (default: the file ``path``; the Python API passes
    a loaded scenario's :meth:`Scenario.with_overrides`)."""
    if load is None:  # the file is parsed once; each variant's overrides go on its tree
        load = ParsedScenario.read(path).load
    read = load
    base = read(sets)  # problems here are the scenario's or --set's own
    paths = [axis.path for axis in axes]
    for axis_path in paths:
        if paths.count(axis_path) > 1:
            raise _error(axis_path, "the same path is varied twice")
    points = expand_grid(axes)
    if len(points) > MAX_VARIANTS:
        raise _error(", ".join(paths), f"{len(points)} variants; at most {MAX_VARIANTS}")
    variants: list[VariantSpec] = []
    problems: list[Problem] = []
    for index, point in enumerate(points):
        name = ", ".join(f"{p}={v.text}" for p, v in zip(paths, point, strict=True))
        overrides = [*sets, *((p, v.text) for p, v in zip(paths, point, strict=True))]
        try:
            scenario = read(overrides)
        except ScenarioError as error:
            moved = [_vary_problem(problem, name) for problem in error.problems]
            problems += moved
            own = tuple(str(_vary_problem(problem)) for problem in error.problems)
            variants.append(VariantSpec(index, name, point, None, own))
            continue
        variants.append(VariantSpec(index, name, point, scenario))
    _valid(variants, problems)
    return SweepSpec(path, base, tuple(paths), tuple(variants), "grid")


def variants_spec(path: str, sets: Sequence[tuple[str, str]] = ()) -> SweepSpec:
    """The variants of a variants file (``sets`` apply to the base, before each variant's own);
    a variant that is not a valid scenario is kept as an invalid variant with its problems."""
    from scheduler.scenario.variants import load_variant_scenario, load_variants

    vs = load_variants(path)
    parsed = ParsedScenario.read(vs.base)  # parsed once; each variant's overrides on a copy
    base = parsed.load(sets)  # the base file's (and --set's) own problems, once
    loaded: list[tuple[str, Scenario | None, tuple[str, ...]]] = []
    problems: list[Problem] = []
    for variant in vs.variants:
        lines = (None,) * len(sets) + variant.override_lines
        widened = dataclasses.replace(
            variant, overrides=(*sets, *variant.overrides), override_lines=lines
        )
        try:
            loaded.append((variant.name, load_variant_scenario(vs, widened, parsed=parsed), ()))
        except ScenarioError as error:
            problems += error.problems
            loaded.append((variant.name, None, tuple(str(p) for p in error.problems)))
    columns = list(dict.fromkeys(p for v in vs.variants for p, _ in v.overrides))
    texts = {p: [dict(v.overrides).get(p) for v in vs.variants] for p in columns}
    typed = {p: iter(classify([t for t in column if t is not None])) for p, column in texts.items()}
    cells = [
        tuple(next(typed[p]) if dict(v.overrides).get(p) is not None else None for p in columns)
        for v in vs.variants
    ]
    variants = tuple(
        VariantSpec(i, name, cells[i], scenario, own)
        for i, (name, scenario, own) in enumerate(loaded)
    )
    _valid(variants, problems)
    return SweepSpec(str(path), base, tuple(columns), variants, "variants")


# -- solving one variant (runs in a worker) -----------------------------------------------------


@dataclass(frozen=True)
class SolveTask:
    """What a worker needs: picklable (frozen dataclasses, the hint plan included)."""

    scenario: Scenario
    options: SolveOptions
    solver: str = "cp-sat"
    risk: bool = False  # also simulate the plan under the scenario's risk section


@dataclass(frozen=True)
class VariantResult:
    """What a worker sends back: plain values only. ``objective`` is in plan units (completion
    as a month ordinal); ``first_stage`` is the value of the first optimisation stage."""

    status: str
    objective: dict[str, int]
    first_stage: int | None
    late_months: int | None
    seconds: float
    hint: str
    explanation: tuple[str, ...] = ()
    plan: dict[str, Any] | None = None
    risk: dict[str, Any] | None = None  # RiskResult.summary() when the sweep simulates risk


def solve_here(task: SolveTask) -> VariantResult:
    """:func:`solve_task` in this process, keeping Ctrl-C working afterwards: CP-SAT catches
    SIGINT while it solves and leaves the default handler (terminate at once) behind it."""
    previous = signal.getsignal(signal.SIGINT)
    try:
        return solve_task(task)
    finally:
        if previous is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous)


def solve_task(task: SolveTask) -> VariantResult:
    """Solve one variant; a failure of ours becomes a row with status ``error``, not a crash."""
    started = time.perf_counter()
    try:
        outcome = solve(task.scenario, task.options, task.solver)
    except PlanCheckError as exc:
        lines = ("the plan failed the independent check (a bug):", *exc.violations)
        return VariantResult("error", {}, None, None, time.perf_counter() - started, "", lines)
    except Exception as exc:  # one variant's bug must not lose the others' rows
        lines = (f"internal error: {type(exc).__name__}: {exc}",)
        return VariantResult("error", {}, None, None, time.perf_counter() - started, "", lines)
    plan = outcome.plan
    first = None
    late = None
    if plan.has_schedule:
        stage = task.scenario.objective.stages[0]
        if all(term in plan.objective for term, _ in stage):
            first = sum(weight * plan.objective[term] for term, weight in stage)
        late = sum(legacy.late_months for c in plan.clusters for legacy in c.legacy)
    risk = None
    if task.risk and plan.has_schedule and task.scenario.risk is not None:
        risk = simulate(task.scenario, plan).summary()
    return VariantResult(
        plan.status,
        dict(plan.objective),
        first,
        late,
        time.perf_counter() - started,
        outcome.stats.hint,
        plan.explanation,
        plan.to_dict(),
        risk,
    )


# -- the sweep ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepRow:
    index: int
    name: str
    values: tuple[Value | None, ...]
    result: VariantResult


@dataclass
class SweepResult:
    spec: SweepSpec
    base: VariantResult
    rows: list[SweepRow] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0  # wall time of the variants (not the base solve)
    executor: str = ""
    frontiers: dict[str, Frontier] = field(default_factory=dict)  # exact, by varied cap path

    @property
    def terms(self) -> tuple[str, ...]:
        """The objective terms of the rows, in objective order (variants may change it)."""
        names = [*self.spec.base.objective.reported_terms]
        scenarios = [v.scenario for v in self.spec.variants if v.scenario is not None]
        names += [t for scenario in scenarios for t in scenario.objective.reported_terms]
        return tuple(dict.fromkeys(names))

    @property
    def first_stage_label(self) -> str:
        stage = self.spec.base.objective.stages[0]
        return stage[0][0] if len(stage) == 1 else "weighted objective"

    @property
    def failed(self) -> list[SweepRow]:
        """Rows with no answer about their variant (invalid, no plan in time, error, failed)."""
        return [row for row in self.rows if row.result.status in NO_ANSWER]

    @property
    def throughput(self) -> float | None:
        return len(self.rows) / self.seconds if self.seconds > 0 and self.rows else None


def run_sweep(
    spec: SweepSpec,
    options: SolveOptions,
    runner: Runner,
    solver: str = "cp-sat",
    on_row: Callable[[SweepRow], object] | None = None,
    executor: str = "",
    risk: bool | None = None,
) -> SweepResult:
    """Solve the base scenario here, then every variant through ``runner`` with the base plan as
    the warm-start hint. Ctrl-C keeps the finished rows and marks the result ``interrupted``.
    With ``risk`` (default: when a varied path is in the ``risk`` section) every plan is also
    simulated under its scenario's risk section and each row carries the probabilities."""
    if risk is None:
        risk = any(column.split(".")[0] == "risk" for column in spec.columns)
    base = solve_here(
        SolveTask(spec.base, dataclasses.replace(options, hint=None), solver, risk=risk)
    )
    hint = (
        Plan.from_dict(base.plan) if base.plan and base.status in ("optimal", "feasible") else None
    )
    valid = [v for v in spec.variants if v.scenario is not None]
    tasks = [
        SolveTask(v.scenario, dataclasses.replace(options, hint=hint), solver, risk=risk)
        for v in valid
        if v.scenario is not None
    ]
    result = SweepResult(spec, base, executor=executor)

    def add(variant: VariantSpec, outcome: VariantResult) -> None:
        row = SweepRow(variant.index, variant.name, variant.values, outcome)
        result.rows.append(row)
        if on_row is not None:
            on_row(row)

    for variant in spec.variants:
        if variant.scenario is None:
            add(variant, VariantResult("invalid", {}, None, None, 0.0, "", variant.problems))
    started = time.perf_counter()
    results = runner(solve_task, tasks) if tasks else iter(())
    try:
        for position, outcome in results:
            if isinstance(outcome, Failed):
                outcome = VariantResult("failed", {}, None, None, 0.0, "", (outcome.reason,))
            add(valid[position], outcome)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the workers at once if the loop ended early
    result.seconds = time.perf_counter() - started
    result.rows.sort(key=lambda row: row.index)
    if spec.kind == "grid" and len(spec.columns) == 1 and not result.interrupted:
        try:
            _exact_frontier(spec, options, result)
        except KeyboardInterrupt:
            result.interrupted = True
    return result


def _exact_frontier(spec: SweepSpec, options: SolveOptions, result: SweepResult) -> None:
    """A sweep of one cap's amount gets that cap's exact funding frontier between the least and
    greatest swept amounts (:func:`scheduler.whatif.funding.sweep_frontier`), which the price of
    the funding gap reads instead of the grid."""
    from scheduler.whatif.funding import sweep_frontier

    amounts = [
        value.number
        for variant in spec.variants
        for value in variant.values[:1]
        if value is not None and value.kind == "money" and value.number is not None
    ]
    found = sweep_frontier(spec.base, spec.columns[0], amounts, options)
    if found is not None:
        result.frontiers[spec.columns[0]] = found


def serial_runner(fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    """Run in this process, in order (for tests and for debugging a sweep)."""
    for index, item in enumerate(items):
        previous = signal.getsignal(signal.SIGINT)
        try:
            outcome = fn(item)
        finally:
            if previous is not None and threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, previous)
        yield index, outcome


def rows_of(items: Iterable[SweepRow]) -> list[tuple[Any, ...]]:
    """Rows without timings: what must not depend on the executor (for tests and benchmarks)."""
    return [
        (
            row.index,
            row.name,
            row.result.status,
            tuple(sorted(row.result.objective.items())),
            row.result.late_months,
            row.result.hint,
        )
        for row in items
    ]
