"""The CP-SAT model of a scenario: variables, one method per constraint family, objective terms.

Time is counted in months from ``horizon.start`` (``t = 0 .. T-1``); money in the budget rules is in
whole £1k (``units.to_thousands``), money in the objective in pounds. Notation used in docstrings:

- ``s[c,p]``, ``e[c,p]``: start and (inclusive) end month of phase ``p`` of cluster ``c``;
  ``E[c] = s[c,first]`` is the market entry.
- ``x[c,p,m]``: 1 when phase ``p`` runs in mode (option) ``m``; ``d[c,p] = sum_m months[m] x[c,p,m]``.
- ``S[c,y]``: spend of ``c`` in financial year ``y``; ``n[c,y]``: tranches released, ``R = tranche n``.
- ``late[c,l]``: months legacy system ``l`` runs past its expiry.

No object from this module leaves :mod:`scheduler.solve`: the runner turns solver values into a
:class:`~scheduler.plan.Plan`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ortools.sat.python import cp_model

from scheduler.rules.kinds import (
    DEPENDENCY,
    EARLIEST_ENTRY,
    ENTRIES_PER_YEAR,
    FIXED_ENTRY,
    HARD_DEADLINE,
    LATEST_ENTRY,
    PROGRAMME_DEADLINE,
    STAGGER,
    SUPPLIER_CAPACITY,
    SUPPLIER_WINDOW,
)
from scheduler.scenario.data import Cluster, Dependency, Milestone, Phase, Scenario
from scheduler.solve.cpsat.assign import (
    assigned_late,
    eligible,
    link_assignment,
    new_assignment,
)
from scheduler.solve.cpsat.budget import add_caps, add_releases, add_spend, domain_bounds
from scheduler.solve.cpsat.timeindexed import (
    add_capacity_by_month,
    add_entries_per_year_by_literals,
    add_stagger_windows,
    time_indexed_cluster,
    use_time_indexed,
)
from scheduler.solve.cpsat.variables import (
    ClusterVars,
    LinearExpr,
    ModelCore,
    PhaseVars,
    Rule,
)
from scheduler.solve.history import (
    entries_left,
    history_gap,
    history_load,
    last_past_entry,
)
from scheduler.terms import term as registered
from scheduler.units import month_label

__all__ = ["ClusterVars", "CpsatModel", "LinearExpr", "PhaseVars", "Rule"]


class CpsatModel(ModelCore):
    """Builds the CP-SAT model of ``scenario`` (``relaxable`` as in :class:`ModelCore`)."""

    def __init__(self, scenario: Scenario, **core: Any) -> None:
        """``core``: ``relaxable`` and ``should_stop`` as in :class:`ModelCore`."""
        super().__init__(scenario, **core)
        self._build()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        """Every constraint family, checking between clusters and families whether building must
        stop (:meth:`ModelCore.check_time`: the time limit covers building the model)."""
        self.time_indexed = use_time_indexed(self.scenario, self.relaxable, eligible)
        self.last_past = last_past_entry(self.scenario)  # once: a scan of every cluster
        count = len(self.scenario.clusters)
        for done, cluster in enumerate(self.scenario.clusters):
            self.check_time(done / count)
            self.clusters[cluster.id] = self._add_cluster(cluster)
        for family in (
            self._add_supplier_capacity,
            self._add_supplier_windows,
            self._add_stagger,
            self._add_entries_per_year,
            self._add_programme_deadline,
            self._add_dependencies,
            self._add_legacy,
            lambda: add_spend(self),
            lambda: add_releases(self),
            lambda: add_caps(self),
        ):
            self.check_time()
            family()
        self.completion = self.model.new_int_var(0, self.months - 1, "completion")
        self._add_completion()

    def _add_completion(self) -> None:
        """``completion = max_c e[c,last]``. In the time-indexed form only
        ``completion >= e[c,last]`` for every ``c``: exact wherever completion is minimised, and
        its linearisation is what the LP worker needs (the max constraint's own linearisation
        slowed the generated 10-cluster programme's first stage from about 1 s to 6 s); the
        backend reads completion from the phase ends."""
        ends = [cv.last_end for cv in self.clusters.values()]
        if self.time_indexed:
            for end in ends:
                self.model.add(self.completion >= end)
        else:
            self.model.add_max_equality(self.completion, ends)

    def _earliest_entry(self, cluster: Cluster) -> int:
        """The readiness bound on the entry month, used to tighten domains (not when relaxable),
        and the status date for a cluster without actuals (always: history is no rule)."""
        if cluster.actual_entry is not None:
            return max(0, cluster.actual_entry - self.origin)
        status = self.scenario.status_date
        floor = 0 if status is None else max(0, status - self.origin)
        if self.relaxable or cluster.earliest_entry is None:
            return floor
        return max(floor, cluster.earliest_entry - self.origin)

    def _add_cluster(self, cluster: Cluster) -> ClusterVars:
        """Phases in lifecycle order, one mode each, inside the horizon:

        ``sum_m x[c,p,m] = 1``; ``e[c,p] = s[c,p] + d[c,p] - 1``;
        ``e[c,p] + 1 <= s[c,p+1] <= e[c,p] + 1 + max_wait[p+1]``; ``0 <= s``, ``e <= T - 1``;
        ``earliest <= E[c] <= latest``, ``E[c] = fixed``
        (rule groups ``earliest_entry:<c>``, ``latest_entry:<c>``, ``fixed_entry:<c>``).

        History (:mod:`scheduler.solve.history`): a phase with actuals has ``s[c,p] = actual
        start`` (no wait rule: history is no decision); the first phase after a finished one
        waits ``gap`` more, ``e[c,p] + 1 + gap <= s[c,p+1] <= e[c,p] + 1 + gap + max_wait``;
        a cluster without actuals enters at or after the status date.
        """
        if self.time_indexed:
            return time_indexed_cluster(self, cluster, self._earliest_entry(cluster))
        model = self.model
        entry_lo = self._earliest_entry(cluster)
        phases: dict[str, PhaseVars] = {}
        before = 0
        remaining = sum(phase.shortest for phase in cluster.phases)
        previous: PhaseVars | None = None
        for index, phase in enumerate(cluster.phases):
            name = f"{cluster.id}.{phase.id}"
            lo = entry_lo + before
            hi = self.months - remaining
            lo = min(lo, hi) if hi >= 0 else 0
            if phase.actual is not None:
                lo = hi = phase.actual.start - self.origin
            start = model.new_int_var(lo, max(lo, hi), f"{name}.start")
            longest = max(mode.months for mode in phase.modes)
            end = model.new_int_var(
                lo + phase.shortest - 1, max(lo, hi) + longest - 1, f"{name}.end"
            )
            if len(phase.modes) == 1:
                chosen: tuple = (model.new_constant(1),)
                model.add(end == start + phase.modes[0].months - 1)
            else:
                chosen = tuple(
                    model.new_bool_var(f"{name}.option{mode.option}") for mode in phase.modes
                )
                model.add_exactly_one(chosen)
                duration = sum(
                    mode.months * lit for mode, lit in zip(phase.modes, chosen, strict=True)
                )
                model.add(end == start + duration - 1)
            intervals = () if self.time_indexed else self._intervals(name, start, phase, chosen)
            model.add(end <= self.months - 1)
            vars_ = PhaseVars(start, end, phase.modes, chosen, intervals, lo)
            if previous is not None and index > 0 and phase.actual is None:
                gap = history_gap(cluster, index, self.scenario.status_date)
                model.add(start >= previous.end + 1 + gap)
                model.add(start <= previous.end + 1 + gap + phase.max_wait)
            phases[phase.id] = vars_
            previous = vars_
            before += phase.shortest
            remaining -= phase.shortest
        cluster_vars = ClusterVars(cluster, phases)
        self._add_entry_rules(cluster_vars)
        if eligible(cluster):
            lo, _ = domain_bounds(cluster_vars.entry)
            cluster_vars.assignment = new_assignment(self, cluster, lo)
            link_assignment(self, cluster_vars)
        return cluster_vars

    def _intervals(
        self, name: str, start: cp_model.IntVar, phase: Phase, chosen: tuple
    ) -> tuple[cp_model.IntervalVar, ...]:
        """One interval per mode of a phase, optional on its literal when the phase has options
        (none in the time-indexed form, where capacity is linear in the assignment literals)."""
        if len(phase.modes) == 1:
            return (self.model.new_fixed_size_interval_var(start, phase.modes[0].months, name),)
        return tuple(
            self.model.new_optional_fixed_size_interval_var(
                start, mode.months, literal, f"{name}.option{mode.option}"
            )
            for mode, literal in zip(phase.modes, chosen, strict=True)
        )

    def _add_entry_rules(self, cv: ClusterVars) -> None:
        """``earliest <= E[c] <= latest`` and ``E[c] = fixed``, as one rule group per cluster."""
        cluster = cv.cluster
        if cluster.has_actuals:
            return  # the entry is history
        status = self.scenario.status_date
        if status is not None:  # nothing new starts before the status date (no rule: a fact)
            self.model.add(cv.entry >= status - self.origin)
        last, gap = self.last_past, self.scenario.policy.stagger_months
        if last is not None and gap > 0:  # a future entry keeps its distance from past ones
            rule = self.rule("stagger", f"policy: market entries at least {gap} months apart")
            self.enforce(self.model.add(cv.entry >= last + gap - self.origin), rule)
        bounds = [
            (cluster.earliest_entry, ">=", "no earlier than", EARLIEST_ENTRY),
            (cluster.latest_entry, "<=", "no later than", LATEST_ENTRY),
            (cluster.fixed_entry, "==", "fixed at", FIXED_ENTRY),
        ]
        for month, sense, words, kind in bounds:
            if month is None:
                continue
            value = month - self.origin
            rule = self.rule(
                f"{kind}:{cluster.id}",
                f"{cluster.id}: market entry {words} {month_label(month)}",
                *((cv.entry, sense, value, "month") if sense != "==" else ()),
            )
            if sense == ">=":
                self.enforce(self.model.add(cv.entry >= value), rule)
            elif sense == "<=":
                self.enforce(self.model.add(cv.entry <= value), rule)
            else:
                self.enforce(self.model.add(cv.entry == value), rule)

    def _uses(self) -> dict[str, list[tuple[cp_model.IntervalVar, int, str]]]:
        """For each supplier, the (interval, units, label) of every mode that uses it."""
        uses: dict[str, list[tuple[cp_model.IntervalVar, int, str]]] = {
            s.id: [] for s in self.scenario.suppliers
        }
        for cid, cv in self.clusters.items():
            for pid, pv in cv.phases.items():
                if cv.cluster.phase(pid).actual is not None:
                    continue  # history: its units from the status date are in history_load
                for mode, interval in zip(pv.modes, pv.intervals, strict=True):
                    for supplier, units in mode.uses:
                        uses.setdefault(supplier, []).append((interval, units, f"{cid} {pid}"))
        return uses

    def _history_intervals(self) -> dict[str, list[tuple[cp_model.IntervalVar, int, str]]]:
        """Fixed intervals of the units phases with actuals hold from the status date on (one per
        run of months at the same load, :func:`history_load`)."""
        out: dict[str, list[tuple[cp_model.IntervalVar, int, str]]] = {}
        for sid, months in history_load(self.scenario).items():
            runs: list[list[int]] = []  # [first, last, units]
            for t, units in months.items():
                if runs and runs[-1][1] == t - 1 and runs[-1][2] == units:
                    runs[-1][1] = t
                else:
                    runs.append([t, t, units])
            for first, last, units in runs:
                if units and self.origin <= first and last < self.origin + self.months:
                    interval = self.model.new_fixed_size_interval_var(
                        first - self.origin, last - first + 1, f"history.{sid}.{first}"
                    )
                    out.setdefault(sid, []).append((interval, units, "history"))
        return out

    def _add_supplier_capacity(self) -> None:
        """For every supplier ``k`` and month ``t``: ``sum units[c,p,m] x[c,p,m] [s<=t<=e] <= cap[k]``
        (one cumulative over the optional intervals of the modes that use ``k``; in the time-indexed
        form a linear constraint per month over the assignment literals). Phases with actuals
        count only from the status date on, as fixed intervals (at most ``cap[k]``)."""
        if self.time_indexed:
            add_capacity_by_month(self)
            return
        history = self._history_intervals()
        for supplier_id, uses in sorted(self._uses().items()):
            if not uses:
                continue
            uses = uses + history.get(supplier_id, [])
            supplier = self.scenario.supplier(supplier_id)
            demand = sum(units for _, units, _ in uses)
            if demand <= supplier.capacity:
                continue
            rule = self.rule(
                f"{SUPPLIER_CAPACITY}:{supplier_id}",
                f"supplier {supplier_id}: at most {supplier.capacity} unit(s) in use at once",
            )
            capacity: LinearExpr = supplier.capacity
            if rule is not None:
                capacity = supplier.capacity + (demand - supplier.capacity) * (1 - rule)
            self.model.add_cumulative(
                [interval for interval, _, _ in uses], [units for _, units, _ in uses], capacity
            )

    def _add_supplier_windows(self) -> None:
        """A mode using supplier ``k`` lies inside ``k``'s window:
        ``x[c,p,m] => from[k] <= s[c,p]`` and ``x[c,p,m] => s[c,p] + months[m] - 1 <= to[k]``
        (in the time-indexed form no assignment literal breaks a window)."""
        if self.time_indexed:
            return
        for cv in self.clusters.values():
            for pid, pv in cv.phases.items():
                if cv.cluster.phase(pid).actual is not None:
                    continue  # history
                for mode, literal in zip(pv.modes, pv.chosen, strict=True):
                    for supplier_id, _ in mode.uses:
                        supplier = self.scenario.supplier(supplier_id)
                        if supplier.available_from is None and supplier.available_to is None:
                            continue
                        rule = self.rule(
                            f"{SUPPLIER_WINDOW}:{supplier_id}",
                            f"supplier {supplier_id}: available only "
                            f"{_span(supplier.available_from, supplier.available_to)}",
                        )
                        guards = [literal] + ([rule] if rule is not None else [])
                        if supplier.available_from is not None:
                            low = supplier.available_from - self.origin
                            self.model.add(pv.start >= low).only_enforce_if(guards)
                        if supplier.available_to is not None:
                            high = supplier.available_to - self.origin
                            self.model.add(pv.start + mode.months - 1 <= high).only_enforce_if(
                                guards
                            )

    def _add_stagger(self) -> None:
        """Any two market entries at least ``g = stagger_months`` apart: ``|E[a] - E[b]| >= g``,
        as a no-overlap of the intervals ``[E[c], E[c] + g)`` over the entries that are decisions
        (a past entry is history; the distance of a future entry from it is a bound in
        :meth:`_add_entry_rules`); in the time-indexed form, at most one entry in every window of
        ``g`` months."""
        if self.time_indexed:
            add_stagger_windows(self)
            return
        gap = self.scenario.policy.stagger_months
        future = {cid: cv for cid, cv in self.clusters.items() if not cv.cluster.has_actuals}
        if gap <= 0 or len(future) < 2:
            return
        rule = self.rule(STAGGER, f"policy: market entries at least {gap} months apart")
        intervals = [
            self.model.new_fixed_size_interval_var(cv.entry, gap, f"{cid}.stagger")
            for cid, cv in future.items()
        ]
        if rule is None:
            self.model.add_no_overlap(intervals)
        else:
            capacity = 1 + (len(intervals) - 1) * (1 - rule)
            self.model.add_cumulative(intervals, [1] * len(intervals), capacity)

    def _add_entries_per_year(self) -> None:
        """At most ``k`` entries in any financial year: ``sum_c [fy(E[c]) = y] <= k`` for every ``y``,
        with one literal per cluster and year it can enter in (``sum_y [fy(E[c]) = y] = 1``; in the
        time-indexed form a sum of assignment literals)."""
        if self.time_indexed:
            add_entries_per_year_by_literals(self)
            return
        limit = self.scenario.policy.max_entries_per_year
        if limit is None:
            return
        in_year: dict[int, list[cp_model.IntVar]] = {}
        for cid, cv in self.clusters.items():
            if cv.cluster.has_actuals:
                continue  # a past entry: counted in entries_left
            lo, hi = domain_bounds(cv.entry)
            literals = []
            for year in sorted({self.fy_of[t] for t in range(lo, hi + 1)}):
                first, last = self.scenario.horizon.fy_months(year)
                literal = self.model.new_bool_var(f"{cid}.enters_in_{year}")
                self.model.add(cv.entry >= first - self.origin).only_enforce_if(literal)
                self.model.add(cv.entry <= last - self.origin).only_enforce_if(literal)
                in_year.setdefault(year, []).append(literal)
                literals.append(literal)
            self.model.add_exactly_one(literals)
        rule = self.rule(
            ENTRIES_PER_YEAR, f"policy: at most {limit} market entries per financial year"
        )
        for year, literals in in_year.items():
            left = entries_left(self.scenario, year)
            if left is not None and len(literals) > left:
                self.enforce(self.model.add(sum(literals) <= left), rule)

    def _add_programme_deadline(self) -> None:
        """Every cluster's last phase ends by the policy deadline: ``e[c,last] <= deadline``."""
        deadline = self.scenario.policy.deadline
        if deadline is None:
            return
        for cid, cv in self.clusters.items():
            if cv.cluster.phases[-1].actual is not None:
                continue  # history
            bound = deadline - self.origin
            rule = self.rule(
                f"{PROGRAMME_DEADLINE}:{cid}",
                f"{cid}: finishes by the programme deadline {month_label(deadline)}",
                cv.last_end,
                "<=",
                bound,
                "month",
            )
            self.enforce(self.model.add(cv.last_end <= bound), rule)

    def milestone(self, cluster_id: str, milestone: Milestone) -> LinearExpr:
        phase = self.clusters[cluster_id].phases[milestone.phase]
        return phase.start if milestone.edge == "start" else phase.end

    def _add_dependencies(self) -> None:
        """``this[c] >= other[d] + lag (+1 when the other milestone is an end)``."""
        for cid, cv in self.clusters.items():
            for dep in cv.cluster.depends_on:
                other_cluster = self.clusters[dep.cluster].cluster
                if (
                    cv.cluster.phase(dep.this.phase).actual is not None
                    and other_cluster.phase(dep.milestone.phase).actual is not None
                ):
                    continue  # both sides history
                this = self.milestone(cid, dep.this)
                other = self.milestone(dep.cluster, dep.milestone)
                rule = self.rule(
                    f"{DEPENDENCY}:{cid}:{_dep_key(dep)}",
                    _dep_text(cid, dep),
                    this - other,
                    ">=",
                    dep.offset,
                    "months",
                )
                self.enforce(self.model.add(this >= other + dep.offset), rule)

    def _add_legacy(self) -> None:
        """``late[c,l] = max(0, e[c,replaced_by] - expires)``; hard deadline
        ``e[c,replaced_by] <= hard_deadline`` (rule group ``hard_deadline:<c>:<name>``)."""
        for cid, cv in self.clusters.items():
            for legacy in cv.cluster.legacy:
                retired = cv.phases[legacy.replaced_by].end
                expires = legacy.expires - self.origin
                if self.time_indexed:
                    # the exact sum itself, so that the objective is over the literals
                    late: LinearExpr = assigned_late(self, cv, legacy)
                else:
                    most = max(0, self.months - 1 - expires)
                    late = self.model.new_int_var(0, most, f"late:{cid}")
                    if cv.assignment is not None:
                        self.model.add(late == assigned_late(self, cv, legacy))
                    else:
                        self.model.add_max_equality(late, [0, retired - expires])
                cv.late[legacy.name] = late
                history = cv.cluster.phase(legacy.replaced_by).actual is not None
                if legacy.hard_deadline is not None and not history:
                    bound = legacy.hard_deadline - self.origin
                    rule = self.rule(
                        f"{HARD_DEADLINE}:{cid}:{legacy.name}",
                        f"{cid}: {legacy.name} retired by its hard deadline "
                        f"{month_label(legacy.hard_deadline)}",
                        retired,
                        "<=",
                        bound,
                        "month",
                    )
                    self.enforce(self.model.add(retired <= bound), rule)

    # -- objective terms --------------------------------------------------------------------

    def term(self, name: str) -> LinearExpr:
        """An objective term of the registry (:mod:`scheduler.terms`) as a linear expression, in
        its unit: pounds, a count of months, or a month counted from the horizon start (which
        :func:`scheduler.terms.from_model` turns into the plan's month)."""
        registered(name)
        if name == "late_months":
            return sum(late for cv in self.clusters.values() for late in cv.late.values())
        if name == "extension_cost":
            return sum(
                legacy.extension_cost * cv.late[legacy.name]
                for cv in self.clusters.values()
                for legacy in cv.cluster.legacy
            )
        if name == "delivery_cost":
            return sum(
                mode.cost * literal
                for cv in self.clusters.values()
                for pv in cv.phases.values()
                for mode, literal in zip(pv.modes, pv.chosen, strict=True)
            )
        if name == "total_cost":
            return self.term("delivery_cost") + self.term("extension_cost")
        if name == "net_cost":
            benefits = sum(
                cv.cluster.benefits * (self.months - 1 - cv.last_end)
                for cv in self.clusters.values()
                if cv.cluster.benefits
            )
            return self.term("total_cost") - benefits
        if name == "completion":
            return self.completion
        if name == "funding":
            tranche = self.scenario.budget.tranche_k if self.scenario.budget else 1
            history = sum(sum(amounts.values()) for amounts in self.history_funding.values())
            return history + (
                1000
                * tranche
                * sum(count for cv in self.clusters.values() for count in cv.tranches.values())
            )
        raise AssertionError(f"the CP-SAT model has no formula for the term {name!r}")

    def stage(self, weights: Iterable[tuple[str, int]]) -> LinearExpr:
        return sum(weight * self.term(name) for name, weight in weights)


def _span(first: int | None, last: int | None) -> str:
    if first is not None and last is not None:
        return f"from {month_label(first)} to {month_label(last)}"
    if first is not None:
        return f"from {month_label(first)}"
    return f"until {month_label(last)}" if last is not None else "always"


def _dep_key(dep: Dependency) -> str:
    return f"{dep.cluster}:{dep.milestone}:{dep.this}:{dep.lag}"


def _dep_text(cid: str, dep: Dependency) -> str:
    gap = f" + {dep.lag} months" if dep.lag else ""
    relation = "after" if dep.milestone.edge == "end" else "no earlier than"
    return f"{cid}: {dep.this} {relation} {dep.cluster} {dep.milestone}{gap}"
