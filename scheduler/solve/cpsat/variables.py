"""The CP-SAT variables of a scenario and the guards of its named rules.

:class:`ModelCore` holds what every constraint family reads (the model, the horizon in months from
its start, the financial year of each month, each cluster's variables) and the enforcement literals
of named rule groups; :class:`~scheduler.solve.cpsat.model.CpsatModel` adds the constraint families.
The budget rules (:mod:`.budget`) and the assignment (:mod:`.assign`) take a ``ModelCore``, so no
module here imports the model that uses it. Notation as in :mod:`scheduler.solve.cpsat.model`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.scenario.data import Cluster, Mode, Scenario
from scheduler.solve.common import BuildStopped
from scheduler.solve.history import history_funding

LinearExpr = cp_model.LinearExpr | int  # what sums of variables and constants are typed as


@dataclass
class Assignment:
    """The literals ``x[e, k]`` of one cluster and what each combination ``k`` implies."""

    literals: dict[tuple[int, int], cp_model.IntVar]
    combos: list[tuple[int, ...]]
    offsets: list[list[int]]  # offsets[k][p]: start of phase p after the entry
    lengths: list[int]  # lengths[k]: months from entry to the end of the last phase

    def weighted(self, coefficient: Callable[[int, int], int]) -> LinearExpr:
        """``sum coefficient(e, k) x[e, k]`` over the pairs with a non-zero coefficient."""
        pairs = [(lit, coefficient(e, k)) for (e, k), lit in self.literals.items()]
        pairs = [(lit, value) for lit, value in pairs if value]
        if not pairs:
            return 0
        return cp_model.LinearExpr.weighted_sum([p[0] for p in pairs], [p[1] for p in pairs])


@dataclass
class PhaseVars:
    start: cp_model.IntVar
    end: cp_model.IntVar
    modes: tuple[Mode, ...]
    chosen: tuple[cp_model.IntVar, ...]  # one literal per mode (a constant 1 for a single mode)
    intervals: tuple[cp_model.IntervalVar, ...]
    start_lo: int

    def mode_index(self) -> LinearExpr:
        return sum(index * literal for index, literal in enumerate(self.chosen))


@dataclass
class ClusterVars:
    cluster: Cluster
    phases: dict[str, PhaseVars]
    late: dict[str, cp_model.IntVar] = field(default_factory=dict)
    spend: dict[int, LinearExpr] = field(default_factory=dict)  # £1k per financial year
    spend_max: dict[int, int] = field(default_factory=dict)
    tranches: dict[int, LinearExpr] = field(default_factory=dict)  # tranches released per year
    spend_table: dict[int, dict[tuple[int, int], int]] = field(default_factory=dict)
    assignment: Assignment | None = None

    @property
    def entry(self) -> cp_model.IntVar:
        return self.phases[self.cluster.phases[0].id].start

    @property
    def last_end(self) -> cp_model.IntVar:
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
        self.rules: dict[str, Rule] = {}
        self.origin = scenario.horizon.start
        self.months = scenario.horizon.months
        self.fy_of = [scenario.horizon.fiscal_year(self.origin + t) for t in range(self.months)]
        self.years = scenario.horizon.fiscal_years()
        self.clusters: dict[str, ClusterVars] = {}
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

    def check_time(self) -> None:
        """Raise :class:`BuildStopped` if the caller says building must stop (time limit, signal)."""
        if self.should_stop is not None and self.should_stop():
            raise BuildStopped("cp-sat")

    def enforce(self, constraint: cp_model.Constraint, rule: cp_model.IntVar | None) -> None:
        if rule is not None:
            constraint.only_enforce_if(rule)
