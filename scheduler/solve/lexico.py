"""The one lexicographic driver: objective stages in order, for every solver backend.

In the manner of airbus discrete-optimization's ``LexicoSolver``: a backend (:class:`Backend`)
knows only how to build its model, minimise one stage within a budget of seconds, hold a stage at
or below a value, hint the next stage with its last solution and read that solution's values
(:class:`~scheduler.solve.common.Values`). Everything else lives here, once:

- **Stages** (the recipe of OR-Tools issue #1344): minimise stage 1, add ``stage1 <= value``,
  hint the solution, minimise stage 2, and so on. A stage that ends without a solution ends the
  solve with the incumbent of the stages before it (``feasible``); the plan is ``optimal`` only if
  every stage was proven optimal.
- **Time shares.** The time limit is the wall-clock budget of the whole solve: the starting
  schedule, the model build, the hint and every stage with reading its solution. The first of
  several stages may use the backend's ``first_share`` of what is left (half, or most of it where
  the backend says the first stage needs it: a large model's search), each later one what is
  left divided by the stages left, so time a stage does not need rolls over; a share that would
  leave the stages after it less than the backend's ``least_seconds`` takes all that is left. A
  stage whose share is below ``least_seconds`` (the shortest stage that can improve on its hint:
  on a large model, the time the solver needs to load it) is not started: the plan is then the
  stages' so far, or the starting schedule, with a note; the build stops once it has gone on so
  long that the rest of it would leave no such stage (:class:`_BuildWatch`). With
  ``deterministic`` (and a backend that counts deterministic time) "what is left" is counted in
  the solver's deterministic time only, never the wall clock, so the plan does not depend on the
  machine's load.
- **First plan**: the wall-clock seconds from the start of the solve until it had a plan it could
  return (the starting schedule, else the first stage's), in :class:`SolveStats` and the plan's
  ``solver`` block (not with ``deterministic``, as for the solve's own seconds).
- **Bounds**: a stage of one term reports that term's proven bound (the stage bound divided by the
  term's weight, rounded up); a stage of several terms reports ``weighted``.
- **The starting schedule**: the warm start of the options if it breaks no rule of this scenario,
  else the greedy schedule (:mod:`scheduler.solve.greedy`); the backend is hinted with it, and if
  the solver finds no plan in time (or is interrupted first) it is returned as a ``feasible``
  plan with a note saying so.
- **Interrupts**: the first Ctrl-C (SIGINT) or SIGTERM stops the running stage, skips every later
  one and returns the best plan found (``feasible``, with a note); a second one exits at once
  (:mod:`scheduler.solve.interrupt`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from scheduler.plan import Plan, SolverInfo
from scheduler.rules.evaluate import ClusterDecision, DecisionError, decisions_from_plan, evaluate
from scheduler.scenario.data import Scenario
from scheduler.solve.common import BuildStopped, Values, empty_plan, plan_from_values
from scheduler.solve.greedy import greedy_schedule
from scheduler.solve.interrupt import Interrupt
from scheduler.solve.options import SolveOptions
from scheduler.solve.trivial import TRIVIAL_BOUND, trivial_bounds
from scheduler.terms import from_model

Stage = tuple[tuple[str, int], ...]
SOLVED = ("OPTIMAL", "FEASIBLE")


@dataclass(frozen=True)
class StageReport:
    """How one lexicographic stage went: for logs, benchmarks and the plan's bounds."""

    terms: Stage
    status: str
    value: int | None
    bound: int | None
    seconds: float
    bound_by: str = ""  # what proved the bound when not the solver itself, e.g. "LP bound (HiGHS)"


@dataclass(frozen=True)
class SolveStats:
    """Timings of a solve, for the terminal, logs and benchmarks (not part of the plan)."""

    build_seconds: float
    stages: tuple[StageReport, ...]
    hint: str = "none"  # "none" (no warm start), "used" or "not used" (see SolveOptions.hint)
    fallback: bool = False  # the plan is the starting schedule: the solver found none in time
    interrupted: str | None = None  # "SIGINT" or "SIGTERM" when a signal ended the solve early
    first_plan_seconds: float | None = None  # when the solve first had a plan to return
    skipped: int = 0  # objective stages not started: too little of the time limit was left

    @property
    def solve_seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


@dataclass(frozen=True)
class StageResult:
    """What one ``minimise`` gave: a CP-SAT-style status (``OPTIMAL``, ``FEASIBLE``,
    ``INFEASIBLE``, ``UNKNOWN``), the stage's value and proven lower bound in model units, and the
    deterministic time it used (0 for a backend without deterministic time)."""

    status: str
    value: int | None = None
    bound: int | None = None
    work: float = 0.0
    bound_by: str = ""  # see StageReport.bound_by


class Backend(Protocol):
    """A solver's model of one scenario, as the driver uses it (built by its constructor)."""

    name: str  # SolverInfo.name: "cp-sat", "milp-highs"
    label: str  # for notes: "CP-SAT", "the MILP solver (HiGHS)"
    version: str
    workers: int
    least_seconds: float  # the shortest budget worth giving one stage (shorter: not started)
    first_share: float  # the part of what is left the first of several stages may use
    counts_work: bool  # whether ``StageResult.work`` is a deterministic time

    def start_from(self, decisions: Mapping[str, ClusterDecision], seconds: float) -> float:
        """Hint a starting schedule (complete it if the backend can); the work it used."""

    def minimise(self, stage: Stage, seconds: float) -> StageResult:
        """Minimise ``stage`` within ``seconds`` (deterministic seconds with ``counts_work`` and
        ``options.deterministic``), from the hints given so far."""

    def hold(self, stage: Stage, value: int) -> None:
        """Add ``stage <= value`` for the stages after it."""

    def hint_last(self) -> None:
        """Hint every variable with its value in the last solution."""

    def values(self) -> Values:
        """The last solution's decisions and figures, in plan units."""

    def stop(self) -> None:
        """End the running ``minimise`` early, keeping its best solution (any thread may call)."""

    def hint_status(self) -> str:
        """Whether the solver started from ``options.hint``: "none", "used" or "not used"."""


# A backend's constructor: it builds the model, calling ``should_stop()`` now and then and raising
# BuildStopped when it says so (the time limit ran out, or a signal asked the solve to stop).
BackendFactory = Callable[[Scenario, SolveOptions, Callable[[], bool]], Backend]


class _Clock:
    """What is left of the time limit: wall-clock seconds since the start, or, when solving
    deterministically with a backend that counts it, the deterministic time the stages used."""

    def __init__(self, options: SolveOptions) -> None:
        self.options = options
        self.started = time.monotonic()
        self.work = 0.0
        self.deterministic = False

    def left(self) -> float:
        if self.deterministic:
            return max(0.0, self.options.time_limit - self.work)
        return max(0.0, self.options.time_limit - (time.monotonic() - self.started))

    def share(self, index: int, count: int, first: float = 0.5, least: float = 0.0) -> float:
        """The first of several stages may use the part ``first`` of what is left; a later one
        its share of what is left over the stages left (unused time rolls over). A stage whose
        share would leave, or be, less than ``least`` (the shortest stage worth starting) while
        what is left is not, gets all of it: the stages after it could not start anyway, and
        this one can."""
        left = self.left()
        part = left * first if index == 0 and count > 1 else left / (count - index)
        if least <= left and (part < least or left - part < least):
            return left
        return part

    def wall(self) -> float:
        return time.monotonic() - self.started


def solve_lexico(
    scenario: Scenario,
    options: SolveOptions,
    build: BackendFactory,
    interrupt: Interrupt | None = None,
) -> tuple[Plan, SolveStats]:
    """Solve ``scenario`` stage by stage with the backend ``build`` makes; the plan's entry
    windows are left at ``(entry, entry)`` for the caller. ``interrupt`` (from
    :func:`scheduler.solve.interrupt.interruptible`) lets SIGINT and SIGTERM end the solve early."""
    return _Driver(scenario, options, interrupt or Interrupt()).run(build)


class _BuildWatch:
    """The build's ``should_stop``: true once a signal asked the solve to stop, the time limit
    has run out, or the build's pace (:meth:`progress`, the share of clusters built so far)
    says its cluster loop alone would end after ``BUILD_SHARE`` of the time limit, leaving too
    little for the rest of the build and the stages (the model of 10,000 generated clusters took
    70-220 s to build on a shared machine: a build that cannot leave a stage its time is stopped
    early, and the starting schedule is returned then rather than at the time limit)."""

    def __init__(
        self, started: float, time_limit: float, interrupt: Interrupt, pace: bool = True
    ) -> None:
        self.started = started
        self.pace = pace  # judge the pace (not with ``deterministic``: it is wall-clock)
        self.deadline = started + time_limit
        self.time_limit = time_limit
        self.interrupt = interrupt
        self.began = time.monotonic()  # the build's own start (after the starting schedule)
        self.projected: float | None = None  # the cluster loop's projected end, when stopped

    def progress(self, share: float) -> None:
        """``share`` of the clusters is built: stop when the pace says the loop would end late."""
        now = time.monotonic()
        spent = now - self.began
        if not self.pace or share < PACE_FROM or spent < PACE_SECONDS:
            return  # too early to judge the pace
        end = self.began + spent / share
        if end - self.started > BUILD_SHARE * self.time_limit:
            self.projected = end - self.started

    def __call__(self) -> bool:
        return (
            self.interrupt.requested is not None
            or self.projected is not None
            or time.monotonic() > self.deadline
        )


BUILD_SHARE = 0.75  # of the time limit, at most, for the model build's cluster loop (projected)
PACE_FROM = 0.1  # share of the clusters built before the pace is judged
PACE_SECONDS = 1.0  # and seconds of building


class _Driver:
    def __init__(self, scenario: Scenario, options: SolveOptions, interrupt: Interrupt) -> None:
        self.scenario = scenario
        self.options = options
        self.interrupt = interrupt
        self.clock = _Clock(options)
        self.reports: list[StageReport] = []
        self.bounds: dict[str, int] = {}
        self.stage_work = 0.0
        self.first_plan: float | None = None  # wall seconds into the solve of its first plan
        self.skipped = 0

    def run(self, build: BackendFactory) -> tuple[Plan, SolveStats]:
        options, scenario = self.options, self.scenario
        hint, start = self._starting_schedule()
        if start is not None:
            self.first_plan = self.clock.wall()
        watch = _BuildWatch(
            self.clock.started, options.time_limit, self.interrupt, not options.deterministic
        )
        try:
            backend = build(scenario, options, watch)
        except BuildStopped as stopped:
            return self._unbuilt(stopped.label, start, watch.projected)
        self.backend = backend
        self.clock.deterministic = options.deterministic and backend.counts_work
        if hint is not None and not self.interrupt.requested:
            seconds = max(0.05, options.time_limit / 10)
            self.clock.work += self.interrupt.run(
                lambda: backend.start_from(hint, seconds), backend
            )
        self.build_seconds = self.clock.wall()
        stages = scenario.objective.stages
        values: Values | None = None
        proven = True
        for index, stage in enumerate(stages):
            if self.interrupt.requested:
                break
            seconds = self.clock.share(
                index, len(stages), backend.first_share, backend.least_seconds
            )
            if seconds < backend.least_seconds:
                self.skipped = len(stages) - index
                if values is None:
                    return self._too_short(seconds, start)
                proven = False
                break
            began = time.monotonic()
            result = self.interrupt.run(
                functools.partial(backend.minimise, stage, seconds), backend
            )
            self.clock.work += result.work
            self.stage_work += result.work
            self.reports.append(
                StageReport(
                    stage,
                    result.status,
                    result.value,
                    result.bound,
                    time.monotonic() - began,
                    result.bound_by,
                )
            )
            if result.status not in SOLVED:
                if values is None:
                    return self._no_plan(result.status, start)
                proven = False
                break
            assert result.value is not None
            proven = proven and result.status == "OPTIMAL"
            self._record_bound(stage, result.bound)
            values = backend.values()
            if self.first_plan is None:
                self.first_plan = self.clock.wall()
            if index + 1 < len(stages):
                backend.hold(stage, result.value)
                backend.hint_last()
        if values is None:  # interrupted before the first stage
            return self._no_plan("UNKNOWN", start)
        status = "optimal" if proven and not self.interrupt.requested else "feasible"
        plan = plan_from_values(scenario, values, self.bounds)
        plan = dataclasses.replace(
            plan,
            status=status,
            solver=self._info(),
            explanation=self._interrupted_note(len(stages)) + self._skipped_note(len(stages)),
        )
        return plan, self._stats()

    def _starting_schedule(
        self,
    ) -> tuple[dict[str, ClusterDecision] | None, dict[str, ClusterDecision] | None]:
        """The hint (the warm start if there is one, else the starting schedule) and the starting
        schedule: the warm start if it breaks no rule of this scenario, else the greedy one. A
        warm start from another scenario may still guide the solver, but is never the plan."""
        warm = None
        if self.options.hint is not None and self.options.hint.has_schedule:
            warm = decisions_from_plan(self.options.hint)
        start = warm if warm is not None and feasible_start(self.scenario, warm) else None
        if start is None:
            start = greedy_schedule(self.scenario)
        return (warm if warm is not None else start), start

    def _unbuilt(
        self, label: str, start: Mapping[str, ClusterDecision] | None, projected: float | None
    ) -> tuple[Plan, SolveStats]:
        """The model could not be built in time (or a signal came first)."""
        self.build_seconds = self.clock.wall()
        limit = f"the time limit of {self.options.time_limit:g} s"
        if self.interrupt.requested:
            why = f"was interrupted ({self.interrupt.requested})"
        elif projected is not None:
            why = (
                f"was stopped {self.build_seconds:.0f} s into the solve: at its pace, adding "
                f"the clusters alone would have taken until about {projected:.0f} s, leaving "
                f"too little of {limit} to finish the model and solve it"
            )
        else:
            why = f"took longer than {limit}"
        info = SolverInfo(
            name=label,
            seconds=None if self.options.deterministic else round(self.clock.wall(), 2),
            seed=self.options.seed,
            deterministic=self.options.deterministic,
            first_plan_seconds=self._first_plan_seconds(),
        )
        stats = SolveStats(
            self.build_seconds,
            (),
            interrupted=self.interrupt.requested,
            first_plan_seconds=self.first_plan,
        )
        return self._fallback(f"Building the solver's model {why}", start, info, stats)

    def _too_short(
        self, seconds: float, start: Mapping[str, ClusterDecision] | None
    ) -> tuple[Plan, SolveStats]:
        """What was left of the time limit after building is too short for a first stage."""
        least = self.backend.least_seconds
        built = "" if self.options.deterministic else f" ({self.build_seconds:.1f} s)"
        what = (
            f"After building the model{built}, the first objective stage would have had "
            f"{seconds:.1f} s of the time limit of {self.options.time_limit:g} s, less than the "
            f"{least:g} s {self.backend.label} needs to improve on a starting schedule of this "
            "size, so it was not started"
        )
        return self._fallback(what, start, self._info(), self._stats())

    def _record_bound(self, stage: Stage, bound: int | None) -> None:
        """A single term's bound is the stage bound over its weight, rounded up (the term is an
        integer); several terms share one ``weighted`` bound."""
        if bound is None:
            return
        if len(stage) == 1:
            name, weight = stage[0]
            self.bounds[name] = from_model(
                name, math.ceil(bound / weight), self.scenario.horizon.start
            )
        else:  # in plan units: a month term's weight times the horizon start added back
            origin = self.scenario.horizon.start
            self.bounds["weighted"] = bound + sum(w * from_model(n, 0, origin) for n, w in stage)

    def _no_plan(
        self, status: str, start: Mapping[str, ClusterDecision] | None
    ) -> tuple[Plan, SolveStats]:
        """The first stage found nothing: infeasible, or the starting schedule as the plan."""
        info, stats = self._info(), self._stats()
        if status == "INFEASIBLE":
            return empty_plan(self.scenario, "infeasible", info), stats
        signal_name = self.interrupt.requested
        why = (
            f"before it was interrupted ({signal_name})" if signal_name else "within the time limit"
        )
        return self._fallback(f"{self.backend.label} found no plan {why}", start, info, stats)

    def _fallback(
        self,
        what: str,
        start: Mapping[str, ClusterDecision] | None,
        info: SolverInfo,
        stats: SolveStats,
    ) -> tuple[Plan, SolveStats]:
        """The starting schedule as a ``feasible`` plan saying why (``unknown`` without one),
        with the trivial bound on the first stage where it applies (:mod:`.trivial`)."""
        if start is None:
            return empty_plan(self.scenario, "unknown", info), stats
        note = f"{what}; this is the starting schedule (greedy or warm start), feasible but not optimised."
        bounds = trivial_bounds(self.scenario)
        if bounds:
            note += f" Its bound is the trivial one: {TRIVIAL_BOUND}."
        plan = evaluate(self.scenario, start).to_plan(
            self.scenario, "feasible", info, bounds=bounds, explanation=(note,)
        )
        return plan, dataclasses.replace(stats, fallback=True)

    def _skipped_note(self, count: int) -> tuple[str, ...]:
        if not self.skipped or self.interrupt.requested:
            return ()
        first = count - self.skipped + 1
        stages = f"stage {first}" if first == count else f"stages {first}-{count}"
        return (
            f"Objective {stages} of {count} not started: the time left was less than the "
            f"{self.backend.least_seconds:g} s {self.backend.label} needs for a stage of this "
            "model. This plan is the earlier stages'; a longer --time-limit refines it.",
        )

    def _first_plan_seconds(self) -> float | None:
        """The first plan's time for the plan's ``solver`` block: wall-clock, so not when the
        plan must not depend on the machine (``deterministic``)."""
        if self.options.deterministic or self.first_plan is None:
            return None
        return round(self.first_plan, 2)

    def _interrupted_note(self, count: int) -> tuple[str, ...]:
        signal_name = self.interrupt.requested
        if not signal_name:
            return ()
        done = len(self.reports)
        skipped = count - done
        rest = f"; the {skipped} stage(s) after it were skipped" if skipped else ""
        return (
            f"Interrupted ({signal_name}) during objective stage {done} of {count}{rest}. "
            "This is the best plan found by then: it passed the independent check but is not "
            "proven optimal.",
        )

    def _info(self) -> SolverInfo:
        options = self.options
        counts = self.backend.counts_work
        return SolverInfo(
            name=self.backend.name,
            version=self.backend.version,
            seconds=None if options.deterministic else round(self.clock.wall(), 2),
            workers=self.backend.workers,
            seed=options.seed,
            deterministic=options.deterministic,
            deterministic_time=(
                round(self.stage_work, 3) if options.deterministic and counts else None
            ),
            first_plan_seconds=self._first_plan_seconds(),
        )

    def _stats(self) -> SolveStats:
        return SolveStats(
            self.build_seconds,
            tuple(self.reports),
            self.backend.hint_status(),
            interrupted=self.interrupt.requested,
            first_plan_seconds=self.first_plan,
            skipped=self.skipped,
        )


def feasible_start(scenario: Scenario, decisions: Mapping[str, ClusterDecision]) -> bool:
    """Whether a warm start breaks no rule of this scenario (it may come from another one)."""
    if set(decisions) != {cluster.id for cluster in scenario.clusters}:
        return False
    try:
        return not evaluate(scenario, decisions).violations
    except (DecisionError, KeyError, IndexError):
        return False
