"""The CP-SAT variables of a scenario and the guards of its named rules.

:class:`ModelCore` holds what every constraint family reads (the model, the horizon in months from
its start, the financial year of each month, each cluster's variables) and the enforcement literals
of named rule groups; :class:`~scheduler.solve.cpsat.model.CpsatModel` adds the constraint families.
The budget rules (:mod:`.budget`) and the assignment (:mod:`.assign`) take a ``ModelCore``, so no
module here imports the model that uses it. Notation as in :mod:`scheduler.solve.cpsat.model`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from scheduler.scenario.data import Cluster, Mode, Scenario
from scheduler.solve.common import BuildStopped
from scheduler.solve.history import history_funding

LinearExpr = cp_model.LinearExpr | int  # what sums of variables and constants are typed as

Forms = dict[int, tuple[LinearExpr, np.ndarray, np.ndarray, int]]
"""Linear expressions by ``id`` as (the expression, variable indices, coefficients, offset), for
reading a solution's values without asking CP-SAT to flatten each expression again: the entry
keeps its expression alive, so an ``id`` is never reused while it is held."""


@dataclass
class Assignment:
    """The literals ``x[e, k]`` of one cluster and what each combination ``k`` implies.

    ``entries``, ``combo_of`` and ``offset_of`` hold, in the literals' order, each literal's
    entry ``e``, combination ``k`` and phase offsets (numpy arrays), so that a coefficient per
    literal is one array expression (:meth:`weighted_array`) rather than a Python call each.
    Each expression :meth:`weighted_array` makes is recorded in ``forms`` with its terms (see
    :data:`Forms`), when given."""

    literals: dict[tuple[int, int], cp_model.IntVar]
    combos: list[tuple[int, ...]]
    offsets: list[list[int]]  # offsets[k][p]: start of phase p after the entry
    lengths: list[int]  # lengths[k]: months from entry to the end of the last phase
    forms: Forms | None = None
    entries: np.ndarray = field(init=False)
    index: np.ndarray = field(init=False)  # each literal's variable index
    combo_of: np.ndarray = field(init=False)
    offset_of: np.ndarray = field(init=False)  # offset_of[i, p]: offsets[combo_of[i]][p]
    _literals: np.ndarray = field(init=False)  # the literals, as an array of objects

    def __post_init__(self) -> None:
        pairs = np.array(list(self.literals), dtype=np.int64).reshape(-1, 2)
        self.entries, self.combo_of = pairs[:, 0], pairs[:, 1]
        self.offset_of = np.array(self.offsets, dtype=np.int64).reshape(len(self.combos), -1)[
            self.combo_of
        ]
        self._literals = np.empty(len(self.literals), dtype=object)
        self._literals[:] = list(self.literals.values())
        self.index = np.fromiter(
            (literal.index for literal in self.literals.values()),
            dtype=np.int64,
            count=len(self.literals),
        )

    def sum_where(self, mask: np.ndarray) -> LinearExpr:
        """``sum x_i`` over the literals where ``mask`` holds, in their order."""
        chosen = self._literals[np.flatnonzero(mask)].tolist()
        return cp_model.LinearExpr.sum(chosen) if chosen else 0

    def weighted_array(self, coefficients: np.ndarray) -> LinearExpr:
        """``sum coefficients[i] x_i`` (one coefficient per literal, in their order) over the
        non-zero coefficients."""
        nonzero = np.flatnonzero(coefficients)
        if not len(nonzero):
            return 0
        kept = coefficients[nonzero]
        expression = cp_model.LinearExpr.weighted_sum(
            self._literals[nonzero].tolist(), kept.tolist()
        )
        if self.forms is not None:
            self.forms[id(expression)] = (expression, self.index[nonzero], kept, 0)
        return expression


class TableSums(Mapping[int, LinearExpr]):
    """``sum tables[y][i] x_i`` over an assignment's literals, per financial year ``y`` (in year
    order), each expression made only when a rule asks for it: spend per year is a constraint's
    term only with carry-forward, and the plan's figures read the tables themselves
    (:mod:`scheduler.solve.cpsat.readout`). On 1,000 generated clusters that leaves 8,000 of the
    model's 25,000 sums unmade."""

    def __init__(self, assignment: Assignment, tables: Mapping[int, np.ndarray]) -> None:
        self.assignment = assignment
        self.tables = dict(sorted(tables.items()))
        self.made: dict[int, LinearExpr] = {}

    def __getitem__(self, year: int) -> LinearExpr:
        if year not in self.made:
            self.made[year] = self.assignment.weighted_array(self.tables[year])
        return self.made[year]

    def __iter__(self) -> Iterator[int]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)


@dataclass
class PhaseVars:
    """A phase's start, end and option literals: variables in the interval form, sums over the
    assignment literals in the time-indexed form (:mod:`.timeindexed`)."""

    start: LinearExpr
    end: LinearExpr
    modes: tuple[Mode, ...]
    chosen: tuple[LinearExpr, ...]  # one literal per mode (a constant 1 for a single mode)
    intervals: tuple[cp_model.IntervalVar, ...]
    start_lo: int

    def mode_index(self) -> LinearExpr:
        return sum(index * literal for index, literal in enumerate(self.chosen))


@dataclass
class ClusterVars:
    cluster: Cluster
    phases: dict[str, PhaseVars]
    late: dict[str, LinearExpr] = field(default_factory=dict)
    spend: Mapping[int, LinearExpr] = field(default_factory=dict)  # £1k per financial year
    spend_max: dict[int, int] = field(default_factory=dict)
    tranches: dict[int, LinearExpr] = field(default_factory=dict)  # tranches released per year
    spend_table: dict[int, np.ndarray] = field(default_factory=dict)  # £1k per year and literal
    assignment: Assignment | None = None

    @property
    def entry(self) -> LinearExpr:
        return self.phases[self.cluster.phases[0].id].start

    @property
    def last_end(self) -> LinearExpr:
        return self.phases[self.cluster.phases[-1].id].end


@dataclass(frozen=True)
class Rule:
    """A named group of constraints that an infeasibility explanation may switch off.

    A rule of the form ``measure <= limit`` (or ``>=``) also carries its measure, so that the
    explanation can say how far the rule would have to give: ``unit`` is ``money`` (pounds),
    ``month`` (a month index from the horizon start) or ``months`` (a number of months).
    """

    key: str
    text: str
    literal: cp_model.IntVar
    measure: LinearExpr | None = None
    sense: str = "<="
    limit: int = 0
    unit: str = "months"


class ModelCore:
    """The model, the scenario's time axis and the clusters' variables, with rule guards.

    With ``relaxable=True`` every named rule group (see :class:`Rule`) is guarded by its own
    enforcement literal, so that :mod:`scheduler.solve.explain` can ask which rules conflict.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        relaxable: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.scenario = scenario
        self.should_stop = should_stop
        self.model = cp_model.CpModel()
        self.relaxable = relaxable
        self.time_indexed = False  # set by the model: every rule over assignment literals
        self.rules: dict[str, Rule] = {}
        self.origin = scenario.horizon.start
        self.months = scenario.horizon.months
        self.fy_of = [scenario.horizon.fiscal_year(self.origin + t) for t in range(self.months)]
        self.years = scenario.horizon.fiscal_years()
        self.clusters: dict[str, ClusterVars] = {}
        self.forms: Forms = {}  # the assignment's expressions with their terms (Assignment)
        # releases (pounds) of the financial years ended before the status date: facts
        self.history_funding = history_funding(scenario)

    def rule(
        self,
        key: str,
        text: str,
        measure: LinearExpr | None = None,
        sense: str = "<=",
        limit: int = 0,
        unit: str = "months",
    ) -> cp_model.IntVar | None:
        """The enforcement literal of a rule group (``None`` when the model is not relaxable)."""
        if not self.relaxable:
            return None
        if key not in self.rules:
            literal = self.model.new_bool_var(f"rule:{key}")
            self.rules[key] = Rule(key, text, literal, measure, sense, limit, unit)
        return self.rules[key].literal

    def check_time(self, progress: float | None = None) -> None:
        """Raise :class:`BuildStopped` if the caller says building must stop (time limit, signal);
        ``progress``, the share of the clusters built so far, is passed on to a caller that
        judges the build's pace (a ``should_stop`` with a ``progress`` method, as the driver's)."""
        if self.should_stop is None:
            return
        note = getattr(self.should_stop, "progress", None)
        if progress is not None and note is not None:
            note(progress)
        if self.should_stop():
            raise BuildStopped("cp-sat")

    def enforce(self, constraint: cp_model.Constraint, rule: cp_model.IntVar | None) -> None:
        if rule is not None:
            constraint.only_enforce_if(rule)
