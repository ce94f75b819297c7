"""Sweeps: solve many variants of one scenario and collect one row per variant.

A sweep is either a grid of ``--vary PATH=SPEC`` axes over a scenario (the cartesian product, the
first axis varying slowest) or the variants of a variants file (:mod:`scheduler.scenario.variants`). Every
variant is loaded and validated in this process before anything is solved; what is shipped to a
worker is a :class:`SolveTask` (the frozen :class:`Scenario`, the :class:`SolveOptions` with the
warm-start plan) and what comes back is a :class:`VariantResult` of plain values (the plan as its
JSON dict), so any executor that can pickle will do (:mod:`scheduler.whatif.executors`).

Rows never depend on the executor or the number of jobs: sweeps solve with
``SolveOptions(deterministic=True)`` by default and rows are ordered by variant, not by finish.
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from scheduler.errors import PlanCheckError, Problem, ScenarioError
from scheduler.pipeline import solve
from scheduler.plan import Plan
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario
from scheduler.scenario.yamlnodes import OVERRIDE_ORIGIN
from scheduler.solve.options import SolveOptions
from scheduler.whatif.sweep_axes import VARY, Axis, Value, classify, expand_grid, parse_vary

__all__ = [
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

Runner = Callable[[Callable[[Any], Any], Sequence[Any]], Iterator[tuple[int, Any]]]


# -- what is swept --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantSpec:
    index: int
    name: str
    values: tuple[Value | None, ...]  # one per column of the sweep; None: not overridden
    scenario: Scenario


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


def _vary_problem(problem: Problem, name: str) -> Problem:
    if problem.file == OVERRIDE_ORIGIN:
        return Problem(VARY, None, problem.key, f"{problem.message} (variant {name})")
    return Problem(problem.file, problem.line, problem.key, f"{problem.message} (with {name})")


def grid_spec(
    path: str,
    sets: Sequence[tuple[str, str]],
    axes: Sequence[Axis],
    load: Callable[[Sequence[tuple[str, str]]], Scenario] | None = None,
) -> SweepSpec:
    """Every grid point loaded as the scenario with ``sets`` and then the axes' overrides.

    ``load`` reads the scenario with overrides (default: the file ``path``; the Python API passes
    a loaded scenario's :meth:`Scenario.with_overrides`)."""
    read = load or (lambda overrides: load_scenario(path, overrides))
    base = read(sets)  # problems here are the scenario's or --set's own
    paths = [axis.path for axis in axes]
    for axis_path in paths:
        if paths.count(axis_path) > 1:
            raise _error(axis_path, "the same path is varied twice")
    points = expand_grid(axes)
    if len(points) > MAX_VARIANTS:
        raise _error(", ".join(paths), f"{len(points)} variants; at most {MAX_VARIANTS}")
    variants, problems = [], {}
    for index, point in enumerate(points):
        name = ", ".join(f"{p}={v.text}" for p, v in zip(paths, point, strict=True))
        overrides = [*sets, *((p, v.text) for p, v in zip(paths, point, strict=True))]
        try:
            scenario = read(overrides)
        except ScenarioError as error:
            for problem in error.problems:
                moved = _vary_problem(problem, name)
                problems.setdefault((moved.file, moved.line, moved.key, problem.message), moved)
            continue
        variants.append(VariantSpec(index, name, point, scenario))
    if problems:
        raise ScenarioError(list(problems.values()))
    return SweepSpec(path, base, tuple(paths), tuple(variants), "grid")


def variants_spec(path: str, sets: Sequence[tuple[str, str]] = ()) -> SweepSpec:
    """The variants of a variants file (``sets`` apply to the base, before each variant's own)."""
    from scheduler.scenario.variants import (
        load_variant_scenario,
        load_variant_scenarios,
        load_variants,
    )

    vs = load_variants(path)
    base = load_scenario(vs.base, sets)
    if sets:
        loaded = []
        for variant in vs.variants:
            lines = (None,) * len(sets) + variant.override_lines
            widened = dataclasses.replace(
                variant, overrides=(*sets, *variant.overrides), override_lines=lines
            )
            loaded.append((variant.name, load_variant_scenario(vs, widened)))
    else:
        loaded = load_variant_scenarios(vs)
    columns = list(dict.fromkeys(p for v in vs.variants for p, _ in v.overrides))
    texts = {p: [dict(v.overrides).get(p) for v in vs.variants] for p in columns}
    typed = {p: iter(classify([t for t in column if t is not None])) for p, column in texts.items()}
    cells = [
        tuple(next(typed[p]) if dict(v.overrides).get(p) is not None else None for p in columns)
        for v in vs.variants
    ]
    variants = tuple(
        VariantSpec(i, name, cells[i], scenario) for i, (name, scenario) in enumerate(loaded)
    )
    return SweepSpec(str(path), base, tuple(columns), variants, "variants")


# -- solving one variant (runs in a worker) -----------------------------------------------------


@dataclass(frozen=True)
class SolveTask:
    """What a worker needs: picklable (frozen dataclasses, the hint plan included)."""

    scenario: Scenario
    options: SolveOptions
    solver: str = "cp-sat"


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
    seconds = time.perf_counter() - started
    plan = outcome.plan
    first = None
    late = None
    if plan.has_schedule:
        stage = task.scenario.objective.stages[0]
        if all(term in plan.objective for term, _ in stage):
            first = sum(weight * plan.objective[term] for term, weight in stage)
        late = sum(legacy.late_months for c in plan.clusters for legacy in c.legacy)
    return VariantResult(
        plan.status,
        dict(plan.objective),
        first,
        late,
        seconds,
        outcome.stats.hint,
        plan.explanation,
        plan.to_dict(),
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

    @property
    def terms(self) -> tuple[str, ...]:
        """The objective terms of the rows, in objective order (variants may change it)."""
        names = [*self.spec.base.objective.reported_terms]
        names += [t for v in self.spec.variants for t in v.scenario.objective.reported_terms]
        return tuple(dict.fromkeys(names))

    @property
    def first_stage_label(self) -> str:
        stage = self.spec.base.objective.stages[0]
        return stage[0][0] if len(stage) == 1 else "weighted objective"

    @property
    def throughput(self) -> float | None:
        return len(self.rows) / self.seconds if self.seconds > 0 and self.rows else None


def run_sweep(
    spec: SweepSpec,
    options: SolveOptions,
    runner: Runner,
    solver: str = "cp-sat",
    on_row: Callable[[SweepRow], None] | None = None,
    executor: str = "",
) -> SweepResult:
    """Solve the base scenario here, then every variant through ``runner`` with the base plan as
    the warm-start hint. Ctrl-C keeps the finished rows and marks the result ``interrupted``."""
    base = solve_here(SolveTask(spec.base, dataclasses.replace(options, hint=None), solver))
    hint = (
        Plan.from_dict(base.plan) if base.plan and base.status in ("optimal", "feasible") else None
    )
    tasks = [
        SolveTask(v.scenario, dataclasses.replace(options, hint=hint), solver)
        for v in spec.variants
    ]
    result = SweepResult(spec, base, executor=executor)
    started = time.perf_counter()
    results = runner(solve_task, tasks)
    try:
        for position, outcome in results:
            variant = spec.variants[position]
            row = SweepRow(variant.index, variant.name, variant.values, outcome)
            result.rows.append(row)
            if on_row is not None:
                on_row(row)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the workers at once if the loop ended early
    result.seconds = time.perf_counter() - started
    result.rows.sort(key=lambda row: row.index)
    return result


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
