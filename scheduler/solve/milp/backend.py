"""Solving a scenario as a MILP with PuLP and CBC or HiGHS: the cross-check of the CP-SAT backend.

The model is :class:`~scheduler.solve.milp.model.MilpModel` (time-indexed, one binary per cluster,
entry month and option/wait pattern). Objective stages are solved by the same driver as CP-SAT's
(:mod:`scheduler.solve.lexico`: time shares, bounds, the starting schedule, interrupts); this module
only minimises a stage, holds it, warm-starts from the last solution and reads it. Each stage's objective
is divided by the gcd of its (integer) coefficients and solved to an absolute gap below one unit,
so that "optimal" means optimal to the pound.

CBC always runs its serial code, whatever ``options.workers`` says: no ``threads`` option at all.
The CBC 2.10.3 bundled with PuLP deadlocks now and then in its threaded branch-and-bound
(coin-or/pulp#737, coin-or/Cbc#640), and ``threads 1`` is *not* serial: it runs that threaded code
with one thread, and it stalled until its time limit in 3 of 180 solves of a small test scenario
(stage 1 ``FEASIBLE`` after 10 s instead of ``OPTIMAL`` in 0.05 s), against none in 520 solves
without the option. The serial code is also reproducible for a given seed; CBC has no
deterministic time, so the wall-clock limit still applies. A warm-start plan (``options.hint``) is
not used by this backend (``SolveStats.hint == "none"``). CBC runs as a child process; ``stop``
(a first Ctrl-C or SIGTERM) sends it SIGINT, on which CBC stops with its best solution.

HiGHS (``options.milp_engine == "highs"``, ``--milp-engine highs``) is the same model through
PuLP's ``HiGHS`` interface, solved in this process by ``highspy``: one thread, ``random_seed``
the seed, the same zero relative and half-unit absolute gap. It starts each later stage from the
last solution (``setSolution``), reports its dual bound for a stage it did not prove, and ``stop``
cancels its solve (``cancelSolve``). PuLP's ``HiGHS_CMD`` needs a ``highs`` executable, which the
``highspy`` wheel does not ship, so it is not used.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import math
import os
import signal
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path

import pulp

from scheduler.rules.evaluate import ClusterDecision
from scheduler.scenario.data import Scenario
from scheduler.solve.common import ClusterValues, Values
from scheduler.solve.highs import quiet_highs
from scheduler.solve.lexico import Stage, StageResult
from scheduler.solve.milp.model import Candidate, MilpModel
from scheduler.solve.options import SolveOptions
from scheduler.terms import OBJECTIVE_TERMS, from_model

ENGINE_LABELS = {"cbc": "CBC", "highs": "HiGHS"}
_STATUS = {pulp.LpSolutionOptimal: "OPTIMAL", pulp.LpSolutionIntegerFeasible: "FEASIBLE"}


class MilpBackend:
    """One scenario's MILP, driven stage by stage by :mod:`scheduler.solve.lexico`, solved by CBC
    or HiGHS (``options.milp_engine``)."""

    workers = 1
    least_seconds = 1.0
    first_share = 0.5
    counts_work = False

    def __init__(
        self, scenario: Scenario, options: SolveOptions, should_stop: Callable[[], bool]
    ) -> None:
        self.scenario = scenario
        self.options = options
        self.engine = options.milp_engine
        self.name = f"milp-{self.engine}"
        self.label = f"The MILP solver ({ENGINE_LABELS[self.engine]})"
        self.version = f"pulp {pulp.__version__}"
        if self.engine == "highs":
            self.version += f", highspy {importlib.metadata.version('highspy')}"
        self.built = MilpModel(scenario, should_stop=should_stop)
        self.stages_solved = 0
        self.terms: dict[str, int] = {}

    def start_from(self, decisions: Mapping[str, ClusterDecision], seconds: float) -> float:
        return 0.0  # CBC takes no hint for the first stage here

    def minimise(self, stage: Stage, seconds: float) -> StageResult:
        built = self.built
        if built.empty:
            return StageResult("INFEASIBLE")
        expression, _, _ = _scaled(built.stage(stage))
        if not len(expression):
            # A stage that is constant (e.g. extension cost when every rate is 0): PuLP would add
            # a dummy column for the empty objective and leave it, unused, in the next stage's
            # file, which CBC then refuses; a zero objective over a real column avoids it.
            expression = pulp.LpAffineExpression({built.problem.variables()[0]: 0})
        built.problem.setObjective(expression)
        warm = self.stages_solved > 0
        if self.engine == "highs":
            built.problem.solve(_Highs(self.options, seconds, warm))
        else:
            built.problem.solve(_cbc(self.options, seconds, warm))
        self.stages_solved += 1
        status = _status(built.problem)
        if status not in ("OPTIMAL", "FEASIBLE"):
            return StageResult(status)
        self.terms = _term_values(built)
        value = sum(weight * self.terms[name] for name, weight in stage)
        return StageResult(status, value, value if status == "OPTIMAL" else self._bound(stage))

    def _bound(self, stage: Stage) -> int | None:
        """HiGHS's dual bound on a stage it did not prove, in model units (CBC's is not read).
        The scaled objective is integral, so the bound is rounded up less a tolerance."""
        highs = getattr(self.built.problem, "solverModel", None)
        if self.engine != "highs" or highs is None:
            return None
        dual = highs.getInfo().mip_dual_bound
        if not math.isfinite(dual):
            return None
        _, scale, constant = _scaled(self.built.stage(stage))
        return math.ceil(dual - 1e-6 * max(1.0, abs(dual))) * scale + constant

    def hold(self, stage: Stage, value: int) -> None:
        expression, scale, constant = _scaled(self.built.stage(stage))
        if len(expression):
            number = self.stages_solved - 1
            self.built.problem += expression <= (value - constant) // scale, f"stage_{number}"

    def hint_last(self) -> None:
        for variable in self.built.problem.variables():
            variable.setInitialValue(round(variable.varValue or 0))
        self.built.completion.setInitialValue(self.terms["completion"])  # exact, for the warm start

    def stop(self) -> None:
        """HiGHS: cancel its solve. CBC runs as a child process that PuLP does not expose: find
        it (Linux ``/proc``; a no-op elsewhere, where CBC gets a terminal's Ctrl-C itself) and
        send it SIGINT."""
        if self.engine == "highs":
            highs = getattr(self.built.problem, "solverModel", None)
            if highs is not None:
                highs.cancelSolve()
            return
        for pid in _cbc_children():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGINT)

    def hint_status(self) -> str:
        return "none"

    def values(self) -> Values:
        """The solution's values: the chosen candidate of every cluster fixes its schedule."""
        built = self.built
        origin = built.origin
        chosen = _chosen(built)
        clusters = {}
        for cluster in self.scenario.clusters:
            cm, cand = built.clusters[cluster.id], chosen[cluster.id]
            count = len(cluster.phases)
            clusters[cluster.id] = ClusterValues(
                phase_starts=tuple(origin + cand.start(i) for i in range(count)),
                phase_ends=tuple(origin + cand.end(i) for i in range(count)),
                options=tuple(mode.option for mode in cand.pattern.modes),
                late=tuple(cm.late(system, origin)[cand] for system in cluster.legacy),
                spend_k=dict(cm.spend[cand]),
                tranches={year: _value(n) for year, n in cm.tranches.items()},
            )
        terms = {name: from_model(name, value, origin) for name, value in self.terms.items()}
        return Values(clusters, terms)


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
    """The bundled CBC, serial (see the module docstring), solving to an absolute gap below one
    unit of the scaled objective; the seed is shifted by one since CBC reads 0 as "the clock"."""
    seed = options.seed % 2_147_483_646 + 1
    with warnings.catch_warnings():  # PuLP 3.x deprecates PULP_CBC_CMD in favour of cbcbox
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(
            msg=options.log,
            timeLimit=seconds,
            gapRel=0,
            gapAbs=0.5,
            warmStart=warm,
            options=[f"randomCbcSeed {seed}", f"randomSeed {seed}"],
        )


class _Highs(pulp.HiGHS):
    """PuLP's HiGHS interface (``highspy``, in this process), made quiet, seeded, serial and
    solving to an absolute gap below one unit of the scaled objective; with ``warm`` it starts
    from the variables' values (the last stage's solution, :meth:`MilpBackend.hint_last`)."""

    def __init__(self, options: SolveOptions, seconds: float, warm: bool) -> None:
        super().__init__(
            msg=False,
            gapRel=0,
            gapAbs=0.5,
            threads=1,
            timeLimit=seconds,
            random_seed=options.seed,
            log_to_console=options.log,
            output_flag=options.log,
        )
        self.warm = warm

    def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:
        """PuLP's own makes a ``Highs`` that prints its banner; this one is made quietly."""
        lp.solverModel = quiet_highs()
        for key, value in _highs_options(self).items():
            lp.solverModel.setOptionValue(key, value)

    def callSolver(self, lp: pulp.LpProblem) -> None:
        if self.warm:
            import highspy

            solution = highspy.HighsSolution()
            solution.col_value = [var.varValue or 0.0 for var in lp.variables()]
            solution.value_valid = True
            lp.solverModel.setSolution(solution)
        super().callSolver(lp)


def _highs_options(solver: _Highs) -> dict[str, object]:
    """The HiGHS options PuLP would set (gaps, threads, time limit) and the engine's own."""
    options: dict[str, object] = {
        "mip_rel_gap": solver.gapRel,
        "mip_abs_gap": solver.gapAbs,
        "threads": solver.threads,
        "time_limit": float(solver.timeLimit),
    }
    options.update(solver.optionsDict)
    return options


def _cbc_children() -> list[int]:
    """The process ids of this process's CBC children (empty without ``/proc``)."""
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").glob("[0-9]*") if Path("/proc/self").exists() else ():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        parent = stat.rpartition(")")[2].split()[1]  # after "pid (comm) state": the ppid
        if parent == me and "cbc" in Path(command.decode(errors="replace")).name:
            found.append(int(entry.name))
    return found


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
    last = {cid: len(cm.cluster.phases) - 1 for cid, cm in built.clusters.items()}
    return {
        name: (
            max(cand.end(last[cid]) for cid, cand in chosen.items())
            if name == "completion"
            else _value(built.term(name))
        )
        for name in OBJECTIVE_TERMS
    }
