"""The MILP model of a scenario (PuLP), time-indexed: the same semantics as :mod:`.cpsat`.

Time is counted in months from ``horizon.start`` (``t = 0 .. T-1``); money in the budget rules is in
whole £1k (``units.to_thousands``), money in the objective in pounds, as in the CP-SAT model.

A *pattern* ``k`` of cluster ``c`` fixes everything about the cluster except when it enters: the
mode of every phase and the wait before every phase after the first, hence the start offset
``off[k,p]`` of every phase from the market entry. The decision is one binary per cluster, entry
month and pattern, ``y[c,t,k] = 1`` when ``c`` enters in month ``t`` with pattern ``k``, and

    ``sum_{t,k} y[c,t,k] = 1``;  ``s[c,p] = sum y[c,t,k] (t + off[k,p])``;
    ``e[c,p] = s[c,p] + sum y[c,t,k] months[k,p] - 1``.

Every quantity the rules and the objective read (phase months, supplier use, late months, spend
per financial year) is then a constant per ``(t, k)``, so each is linear in ``y`` and exact. With
``max_wait > 0`` the waits are enumerated into the patterns; a cluster with more than
``MAX_PATTERNS`` patterns is refused with a :class:`~scheduler.errors.ScenarioError`.

Constraint names are the rule family's kind (:mod:`scheduler.rules.kinds`) and an index:
``supplier_capacity_<supplier>_<month>``, ``stagger_<month>``, ``entries_per_year_<year>``,
``dependency_<cluster>_<n>``, ``releases_<cluster>_<year>``, ``cap_<n>``.

Rules that involve one cluster only (entry bounds and fixed entry, the horizon, supplier windows,
the programme deadline, hard legacy deadlines) are enforced by creating no ``y[c,t,k]`` that breaks
them, which is the same as fixing it to 0.

With a status date (:mod:`scheduler.solve.history`): a phase with actuals has one mode and a fixed
offset (the cluster's entry is history, so one ``t``); the first phase after a finished one waits
``gap`` months more; rules bind only where a side is a decision (history's supplier units from the
status date and its releases are constants on the right-hand side).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pulp

from scheduler.errors import Problem, ScenarioError
from scheduler.rules.kinds import (
    CAP,
    DEPENDENCY,
    ENTRIES_PER_YEAR,
    RELEASES,
    STAGGER,
    SUPPLIER_CAPACITY,
)
from scheduler.scenario.data import Cluster, Legacy, Milestone, Mode, Scenario
from scheduler.solve.common import BuildStopped
from scheduler.solve.history import (
    cap_room,
    entries_left,
    history_funding,
    history_gap,
    history_load,
    min_entry,
)
from scheduler.terms import term as registered
from scheduler.units import monthly_spread, to_thousands

MAX_PATTERNS = 4096


@dataclass(frozen=True)
class Pattern:
    """The mode and start offset (months after the entry) of every phase, in lifecycle order."""

    modes: tuple[Mode, ...]
    offsets: tuple[int, ...]

    @property
    def length(self) -> int:
        return self.offsets[-1] + self.modes[-1].months


@dataclass(frozen=True, eq=False)
class Candidate:
    """``y[c,t,k]``: the cluster enters in month ``entry`` (from the horizon start) with ``pattern``."""

    var: pulp.LpVariable
    entry: int
    pattern: Pattern

    def start(self, index: int) -> int:
        return self.entry + self.pattern.offsets[index]

    def end(self, index: int) -> int:
        return self.start(index) + self.pattern.modes[index].months - 1


@dataclass
class ClusterMilp:
    cluster: Cluster
    candidates: list[Candidate]
    spend: dict[Candidate, dict[int, int]] = field(default_factory=dict)  # £1k per year
    tranches: dict[int, pulp.LpAffineExpression] = field(default_factory=dict)

    def milestone(self, milestone: Milestone) -> tuple[int, dict[Candidate, int]]:
        """The month of ``milestone`` per candidate (phase index and values)."""
        index = self.cluster.phase_index(milestone.phase)
        edge = Candidate.start if milestone.edge == "start" else Candidate.end
        return index, {cand: edge(cand, index) for cand in self.candidates}

    def expr(self, value: dict[Candidate, int]) -> pulp.LpAffineExpression:
        """``sum_{t,k} value[t,k] y[c,t,k]``."""
        return pulp.LpAffineExpression({c.var: v for c, v in value.items() if v})

    def last_end(self) -> dict[Candidate, int]:
        return {cand: cand.end(len(self.cluster.phases) - 1) for cand in self.candidates}

    def late(self, legacy: Legacy, origin: int) -> dict[Candidate, int]:
        """``late[c,l](t,k) = max(0, e[c,replaced_by](t,k) - expires)``."""
        index = self.cluster.phase_index(legacy.replaced_by)
        expires = legacy.expires - origin
        return {cand: max(0, cand.end(index) - expires) for cand in self.candidates}


class MilpModel:
    """Builds the time-indexed MILP of ``scenario`` (see the module docstring)."""

    def __init__(self, scenario: Scenario, should_stop: Callable[[], bool] | None = None) -> None:
        self.scenario = scenario
        self.origin = scenario.horizon.start
        self.months = scenario.horizon.months
        self.fy_of = [scenario.horizon.fiscal_year(self.origin + t) for t in range(self.months)]
        self.years = scenario.horizon.fiscal_years()
        budget = scenario.budget
        self.tranche = budget.tranche_k if budget else 1
        self.problem = pulp.LpProblem("scheduler", pulp.LpMinimize)
        self.history_funding = history_funding(scenario)  # pounds, years before the status date
        self.clusters: dict[str, ClusterMilp] = {}
        for index, cluster in enumerate(scenario.clusters):
            if should_stop is not None and should_stop():
                raise BuildStopped("milp-cbc")
            self.clusters[cluster.id] = self._add_cluster(index, cluster)
        self.empty = [cid for cid, cm in self.clusters.items() if not cm.candidates]
        if self.empty:
            return  # infeasible before any constraint: some cluster has no admissible schedule
        self._add_supplier_capacity()
        self._add_stagger()
        self._add_entries_per_year()
        self._add_dependencies()
        self._add_spend()
        self._add_releases()
        self._add_caps()
        self.completion = self._variable("completion", 0, self.months - 1)
        for index, cm in enumerate(self.clusters.values()):
            self.problem += self.completion >= cm.expr(cm.last_end()), f"completion_{index}"

    def _variable(self, name: str, low: int, high: int) -> pulp.LpVariable:
        """An integer variable (``add_variable`` from PuLP 3.3, ``LpVariable`` before)."""
        if hasattr(self.problem, "add_variable"):
            return self.problem.add_variable(name, low, high, pulp.LpInteger)
        return pulp.LpVariable(name, low, high, pulp.LpInteger)

    # -- one cluster: patterns and admissible entries ------------------------------------------

    def _patterns(self, cluster: Cluster) -> list[Pattern]:
        """Every combination of one mode per phase and one wait ``0 .. max_wait[p]`` per phase
        after the first; ``off[k,p+1] = off[k,p] + months[k,p] + wait[k,p+1]``."""
        phases = cluster.phases
        count = math.prod(len(p.modes) for p in phases) * math.prod(
            p.max_wait + 1 for p in phases[1:]
        )
        if count > MAX_PATTERNS:
            raise ScenarioError(
                [
                    Problem(
                        self.scenario.source or "<scenario>",
                        None,
                        f"clusters.{cluster.id}",
                        f"the MILP backend enumerates option and max_wait combinations, and this "
                        f"cluster has {count} (more than {MAX_PATTERNS}); use the cp-sat solver",
                    )
                ]
            )
        waits = [
            range(p.max_wait + 1) if i and p.actual is None else range(1)
            for i, p in enumerate(phases)
        ]
        status = self.scenario.status_date
        entry = phases[0].actual.start if cluster.has_actuals else 0
        patterns = []
        for modes in itertools.product(*(p.modes for p in phases)):
            for wait in itertools.product(*waits):
                offsets, at = [], 0
                for index, (mode, gap) in enumerate(zip(modes, wait, strict=True)):
                    actual = phases[index].actual
                    if actual is not None:
                        at = actual.start - entry
                    else:
                        at += gap + history_gap(cluster, index, status)
                    offsets.append(at)
                    at += mode.months
                patterns.append(Pattern(tuple(modes), tuple(offsets)))
        return patterns

    def _add_cluster(self, index: int, cluster: Cluster) -> ClusterMilp:
        """One ``y[c,t,k]`` per admissible (entry, pattern), and ``sum_{t,k} y[c,t,k] = 1``."""
        candidates = []
        for k, pattern in enumerate(self._patterns(cluster)):
            for t in range(self.months - pattern.length + 1):
                if self._admissible(cluster, t, pattern):
                    var = self._variable(f"y_{index}_{t}_{k}", 0, 1)
                    candidates.append(Candidate(var, t, pattern))
        cm = ClusterMilp(cluster, candidates)
        if candidates:
            self.problem += pulp.lpSum(c.var for c in candidates) == 1, f"one_{index}"
        return cm

    def _admissible(self, cluster: Cluster, t: int, pattern: Pattern) -> bool:
        """``y[c,t,k]`` exists only when (horizon: ``0 <= t`` and ``t + length[k] <= T``, by the
        caller's range) ``earliest <= t <= latest``, ``t = fixed``; every mode using supplier
        ``j`` has ``from[j] <= s`` and ``e <= to[j]``; ``e[c,last] <= deadline``;
        ``e[c,replaced_by] <= hard_deadline`` for each legacy system."""
        entry = self.origin + t
        if cluster.has_actuals:
            if entry != cluster.phases[0].actual.start:
                return False
        elif not self._entry_allowed(cluster, entry):
            return False
        ends = []
        for index, (mode, offset) in enumerate(zip(pattern.modes, pattern.offsets, strict=True)):
            start, end = entry + offset, entry + offset + mode.months - 1
            ends.append(end)
            if cluster.phases[index].actual is not None:
                continue  # history: a window it broke is a warning
            for supplier_id, _ in mode.uses:
                supplier = self.scenario.supplier(supplier_id)
                if supplier.available_from is not None and start < supplier.available_from:
                    return False
                if supplier.available_to is not None and end > supplier.available_to:
                    return False
        deadline = self.scenario.policy.deadline
        if deadline is not None and ends[-1] > deadline and cluster.phases[-1].actual is None:
            return False
        for legacy in cluster.legacy:
            index = cluster.phase_index(legacy.replaced_by)
            if cluster.phases[index].actual is not None:
                continue
            if legacy.hard_deadline is not None and ends[index] > legacy.hard_deadline:
                return False
        return True

    def _entry_allowed(self, cluster: Cluster, entry: int) -> bool:
        """Entry bounds, the status date and the stagger's distance from past entries."""
        if cluster.earliest_entry is not None and entry < cluster.earliest_entry:
            return False
        if cluster.latest_entry is not None and entry > cluster.latest_entry:
            return False
        if cluster.fixed_entry is not None and entry != cluster.fixed_entry:
            return False
        least = min_entry(self.scenario, cluster)
        return least is None or entry >= least

    # -- rules across clusters -----------------------------------------------------------------

    def _add_supplier_capacity(self) -> None:
        """For every supplier ``j`` and month ``m``:
        ``sum_{c,t,k} units[k,j,m - t] y[c,t,k] <= cap[j]``, ``units[k,j,o]`` being the units of
        ``j`` that pattern ``k`` uses ``o`` months after its entry (added only where the clusters
        could together exceed the capacity)."""
        usage: dict[tuple[str, int], dict[str, dict[Candidate, int]]] = {}
        for cid, cm in self.clusters.items():
            for cand in cm.candidates:
                for index, mode in enumerate(cand.pattern.modes):
                    if cm.cluster.phases[index].actual is not None:
                        continue  # history: in history_load from the status date
                    for supplier_id, units in mode.uses:
                        for m in range(cand.start(index), cand.end(index) + 1):
                            row = usage.setdefault((supplier_id, m), {}).setdefault(cid, {})
                            row[cand] = row.get(cand, 0) + units
        numbers = {s.id: number for number, s in enumerate(self.scenario.suppliers)}
        history = history_load(self.scenario)
        for (supplier_id, m), per_cluster in sorted(usage.items()):
            capacity = self.scenario.supplier(supplier_id).capacity
            capacity -= history.get(supplier_id, {}).get(self.origin + m, 0)
            if sum(max(row.values()) for row in per_cluster.values()) <= capacity:
                continue
            terms = {c.var: u for row in per_cluster.values() for c, u in row.items()}
            self.problem += (
                pulp.LpAffineExpression(terms) <= capacity,
                f"{SUPPLIER_CAPACITY}_{numbers[supplier_id]}_{m}",
            )

    def _add_stagger(self) -> None:
        """Any two entries at least ``g = stagger_months`` apart: for every window of ``g``
        consecutive months ``a .. a+g-1``, ``sum_{c,k} sum_{a<=t<a+g} y[c,t,k] <= 1`` (two
        entries less than ``g`` apart share the window starting at the earlier one)."""
        gap = self.scenario.policy.stagger_months
        future = {cid: cm for cid, cm in self.clusters.items() if not cm.cluster.has_actuals}
        if gap <= 0 or len(future) < 2:
            return  # past entries: history; a future one's distance from them is admissibility
        for a in range(max(1, self.months - gap + 1)):
            window = [
                (cid, c.var)
                for cid, cm in future.items()
                for c in cm.candidates
                if a <= c.entry < a + gap
            ]
            if len({cid for cid, _ in window}) > 1:
                self.problem += pulp.lpSum(var for _, var in window) <= 1, f"{STAGGER}_{a}"

    def _add_entries_per_year(self) -> None:
        """At most ``n`` entries per financial year: ``sum_{c,k} sum_{fy(t)=y} y[c,t,k] <= n``."""
        limit = self.scenario.policy.max_entries_per_year
        if limit is None:
            return
        for year in self.years:
            window = [
                (cid, c.var)
                for cid, cm in self.clusters.items()
                for c in cm.candidates
                if self.fy_of[c.entry] == year and not cm.cluster.has_actuals
            ]
            left = entries_left(self.scenario, year)
            if left is not None and len({cid for cid, _ in window}) > left:
                self.problem += (
                    pulp.lpSum(var for _, var in window) <= left,
                    f"{ENTRIES_PER_YEAR}_{year}",
                )

    def _add_dependencies(self) -> None:
        """``this[c] >= other[d] + lag (+1 when the other milestone is an end)``, both milestones
        being linear in ``y``."""
        for index, cm in enumerate(self.clusters.values()):
            for number, dep in enumerate(cm.cluster.depends_on):
                _, this = cm.milestone(dep.this)
                other_cm = self.clusters[dep.cluster]
                if (
                    cm.cluster.phase(dep.this.phase).actual is not None
                    and other_cm.cluster.phase(dep.milestone.phase).actual is not None
                ):
                    continue  # both sides history
                _, other = other_cm.milestone(dep.milestone)
                self.problem += (
                    cm.expr(this) - other_cm.expr(other) >= dep.offset,
                    f"{DEPENDENCY}_{index}_{number}",
                )

    # -- money -------------------------------------------------------------------------------

    def _add_spend(self) -> None:
        """Spend per financial year ``S[c,y] = sum_{t,k} table[c,y](t,k) y[c,t,k]`` in £1k: each
        mode's cost spread by ``units.monthly_spread`` from its start, plus, when the budget covers
        extensions, ``to_thousands(extension_cost)`` for every late month ``expires+1 .. retired``
        of each legacy system inside the horizon."""
        budget = self.scenario.budget
        covers = budget is not None and budget.covers_extensions
        for cm in self.clusters.values():
            for cand in cm.candidates:
                table: dict[int, int] = {}
                for index, mode in enumerate(cand.pattern.modes):
                    start = cand.start(index)
                    for offset, amount in enumerate(monthly_spread(mode.cost, mode.months)):
                        if amount:
                            year = self.fy_of[start + offset]
                            table[year] = table.get(year, 0) + amount
                for legacy in cm.cluster.legacy if covers else ():
                    rate = to_thousands(legacy.extension_cost)
                    retired = cand.end(cm.cluster.phase_index(legacy.replaced_by))
                    for m in range(max(0, legacy.expires - self.origin + 1), retired + 1):
                        if rate:
                            table[self.fy_of[m]] = table.get(self.fy_of[m], 0) + rate
                cm.spend[cand] = table

    def _add_releases(self) -> None:
        """Tranches released ``n[c,y]``, ``R = tranche n``. Without carry-forward the least
        covering multiple is a constant per ``(t,k)``:
        ``n[c,y] = sum_{t,k} ceil(table[c,y](t,k) / tranche) y[c,t,k]`` (exactly
        ``S <= R <= S + tranche - 1``). With carry-forward, integer ``n[c,y]`` with cumulative
        cover ``sum_{y'<=y} tranche n[c,y'] >= sum_{y'<=y} S[c,y']`` for every year ``y``."""
        budget = self.scenario.budget
        carry = budget is not None and budget.carry_forward
        tranche = self.tranche
        history = self.scenario.is_history_year
        for index, cm in enumerate(self.clusters.values()):
            if not carry:
                for year in self.years:
                    if history(year):
                        continue  # a fact: history_funding
                    count = {c: -(-s.get(year, 0) // tranche) for c, s in cm.spend.items()}
                    cm.tranches[year] = cm.expr(count)
                continue
            most = sum(max(s.get(y, 0) for s in cm.spend.values()) for y in self.years)
            released: list[pulp.LpVariable] = []
            spent: dict[Candidate, int] = {}
            facts = self.history_funding.get(cm.cluster.id, {})
            for year in self.years:
                if history(year):
                    for cand, table in cm.spend.items():
                        spent[cand] = spent.get(cand, 0) + table.get(year, 0)
                    for cand in spent:
                        spent[cand] -= facts.get(year, 0) // 1000
                    continue
                count = self._variable(f"n_{index}_{year}", 0, -(-most // tranche))
                cm.tranches[year] = pulp.LpAffineExpression(count)
                released.append(count)
                for cand, table in cm.spend.items():
                    spent[cand] = spent.get(cand, 0) + table.get(year, 0)
                self.problem += (
                    tranche * pulp.lpSum(released) >= cm.expr(spent),
                    f"{RELEASES}_{index}_{year}",
                )

    def _add_caps(self) -> None:
        """Each cap: ``sum_c sum_{y in cap} tranche n[c,y] <= cap_room`` (floor(amount / £1k) less
        the releases of years before the status date)."""
        budget = self.scenario.budget
        for number, cap in enumerate(budget.caps if budget else ()):
            terms = [
                self.tranche * cm.tranches[year]
                for cm in self.clusters.values()
                for year in self.years
                if cap.covers(year) and year in cm.tranches
            ]
            room = cap_room(self.scenario, cap, self.history_funding)
            if terms:
                self.problem += pulp.lpSum(terms) <= room, f"{CAP}_{number}"

    # -- objective terms ---------------------------------------------------------------------

    def term(self, name: str) -> pulp.LpAffineExpression:
        """An objective term, linear in the variables (pounds, or a month index for
        ``completion``), with the same meaning as :meth:`.cpsat.CpsatModel.term`; the names
        and units are the registry's (:mod:`scheduler.terms`)."""
        registered(name)
        cms = list(self.clusters.values())
        if name in ("late_months", "extension_cost"):
            parts = [
                cm.expr(
                    {
                        c: late * (legacy.extension_cost if name == "extension_cost" else 1)
                        for c, late in cm.late(legacy, self.origin).items()
                    }
                )
                for cm in cms
                for legacy in cm.cluster.legacy
            ]
            return pulp.lpSum(parts)
        if name == "delivery_cost":
            return pulp.lpSum(
                cm.expr({c: sum(m.cost for m in c.pattern.modes) for c in cm.candidates})
                for cm in cms
            )
        if name == "total_cost":
            return self.term("delivery_cost") + self.term("extension_cost")
        if name == "net_cost":
            benefits = pulp.lpSum(
                cm.expr({c: cm.cluster.benefits * (self.months - 1 - e) for c, e in ends.items()})
                for cm in cms
                for ends in [cm.last_end()]
            )
            return self.term("total_cost") - benefits
        if name == "completion":
            return pulp.LpAffineExpression(self.completion)
        if name == "funding":
            history = sum(sum(amounts.values()) for amounts in self.history_funding.values())
            total = 1000 * self.tranche * pulp.lpSum(e for cm in cms for e in cm.tranches.values())
            return total + history
        raise AssertionError(f"the MILP has no formula for the term {name!r}")

    def stage(self, weights: tuple[tuple[str, int], ...]) -> pulp.LpAffineExpression:
        return pulp.lpSum(weight * self.term(name) for name, weight in weights)
