"""Validation on the data itself: a :class:`Scenario` built or edited in Python gets the problems
the YAML loader would report, by key path on the dataclasses (``clusters[1].phases[2].modes[0].uses:
unknown supplier 'x'``), with the same messages (:mod:`.checks`) and the same static feasibility
checks (:mod:`.static`). The loader reports the same rules with file and line.

Key paths name the dataclass fields: ``suppliers[0].capacity``, ``budget.caps[1].last_year``,
``clusters[2].depends_on[0].cluster``. The static checks (cycles, clusters that cannot fit, caps
below what fixed entries need, ...) run once the scenario has no problem of its own, since they
read the clusters' phases and dependencies as well-formed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.checks import (
    duplicate_id,
    entry_window,
    not_before,
    over_capacity,
    self_or_unknown_cluster,
    unknown_cluster_phase,
    unknown_phase,
    unknown_supplier,
    unknown_term,
)
from scheduler.scenario.clusters import CLUSTER_ID, EMPTY_PLATFORM, ClusterDraft, DependencyDraft
from scheduler.scenario.data import DATA_ORIGIN, Budget, Cluster, Phase, Scenario
from scheduler.scenario.fields import Fields, Reader, number_text
from scheduler.scenario.limits import (
    MAX_COUNT,
    MAX_HORIZON_MONTHS,
    MAX_INSTANCES,
    MAX_MONEY,
    MAX_NAME,
    MAX_WEIGHT,
)
from scheduler.scenario.magnitudes import magnitude_problems
from scheduler.scenario.phases import PHASE_ID, PHASE_ID_RULE
from scheduler.scenario.static import check_static
from scheduler.scenario.yamlnodes import Node, child_path, item_path
from scheduler.terms import OBJECTIVE_TERMS
from scheduler.units import fy_label, month_label

__all__ = ["DATA_ORIGIN", "infeasibilities", "require_valid", "validate"]


@dataclass
class _Found:
    problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, path: str, message: str | None) -> None:
        if message is not None:
            self.problems.append((path, message))

    def at_least(self, path: str, value: int | None, minimum: int) -> None:
        if value is not None and value < minimum:
            self.add(path, f"must be {minimum} or more, got {value}")

    def money(self, path: str, value: int) -> None:
        if value < 0:
            self.add(path, f"must not be negative, got {value}")

    def unique(self, item: str, what: str, value: str, seen: dict[str, str]) -> None:
        """An id given twice: reported at the later item's ``id``, naming the first item."""
        if value in seen:
            self.add(child_path(item, "id"), duplicate_id(what, value, seen[value]))
        else:
            seen[value] = item


def validate(scenario: Scenario, static: bool = True) -> list[Problem]:
    """Every problem with ``scenario``, by key path on the data; empty when it is sound.

    ``static=False`` leaves out the static feasibility checks: what remains are the problems that
    make the scenario meaningless (a reference to nothing, a value out of range), while a
    scenario that is merely infeasible is left to the solver, which explains why."""
    found = _Found()
    _horizon(found, scenario)
    _budget(found, scenario.budget, scenario.horizon.fiscal_year_start)
    _suppliers(found, scenario)
    _policy(found, scenario)
    _clusters(found, scenario)
    _objective(found, scenario)
    if not found.problems:
        _limits(found, scenario)
    problems = [Problem(DATA_ORIGIN, None, path, message) for path, message in found.problems]
    if not problems and static:
        problems = _static(scenario)
    return list(dict.fromkeys(problems))


def require_valid(scenario: Scenario, static: bool = True) -> None:
    """Raise :class:`ScenarioError` with every problem (see :func:`validate`), unless the loader
    built ``scenario`` (it checked the same rules, with file and line) and it is unchanged."""
    if scenario.origin is not None and scenario.origin.made(scenario):
        return
    problems = validate(scenario, static)
    if problems:
        raise ScenarioError(problems)


def infeasibilities(scenario: Scenario) -> list[Problem]:
    """The certain infeasibilities of a valid ``scenario`` found before any solving (a hard
    deadline before the earliest possible retirement, a cluster that cannot fit the horizon, a
    dependency cycle of positive length, ...): by file and line when the loader read it and it is
    unchanged, else by key path on the data. Empty when none is certain."""
    if scenario.origin is not None and scenario.origin.made(scenario):
        return list(scenario.origin.infeasible)
    return _static(scenario)


def _limits(found: _Found, scenario: Scenario) -> None:
    """The loader's limits (:mod:`.limits`), so that a scenario built in Python cannot make the
    model builder run out of time or memory: the horizon's length, every month count within the
    horizon, every amount and count in range, every term's largest value within ``MAX_TOTAL``."""
    months = scenario.horizon.months
    if months > MAX_HORIZON_MONTHS:
        found.add(
            "horizon.end",
            f"the horizon is {months:,} months; it may be at most "
            f"{MAX_HORIZON_MONTHS:,} (100 years)",
        )
        return

    def fits(path: str, value: int) -> None:
        if abs(value) > months:
            found.add(
                path, f"{number_text(value)} months cannot fit in the horizon of {months} months"
            )

    def amount(path: str, value: int) -> None:
        if value > MAX_MONEY:
            found.add(
                path,
                f"{number_text(value)} is more than £{MAX_MONEY:,} (£1,000,000bn), "
                "the most any amount may be",
            )

    def count(path: str, value: int | None, limit: int = MAX_COUNT) -> None:
        if value is not None and value > limit:
            found.add(path, f"must be at most {limit:,}, got {number_text(value)}")

    fits("policy.stagger_months", scenario.policy.stagger_months)
    count("policy.max_entries_per_year", scenario.policy.max_entries_per_year)
    for index, supplier in enumerate(scenario.suppliers):
        count(f"suppliers[{index}].capacity", supplier.capacity)
    if scenario.budget is not None:
        amount("budget.tranche", scenario.budget.tranche)
        for index, cap in enumerate(scenario.budget.caps):
            amount(f"budget.caps[{index}].amount", cap.amount)
    for term, weight in scenario.objective.weights or ():
        count(f"objective.weights.{term}", weight, MAX_WEIGHT)
    paths = []
    for c_index, cluster in enumerate(scenario.clusters):
        at = item_path("clusters", c_index)
        paths.append((at, cluster))
        count(f"{at}.users", cluster.users)
        amount(f"{at}.benefits", cluster.benefits)
        for p_index, phase in enumerate(cluster.phases):
            phase_at = f"{at}.phases[{p_index}]"
            fits(f"{phase_at}.max_wait", phase.max_wait)
            for m_index, mode in enumerate(phase.modes):
                fits(f"{phase_at}.modes[{m_index}].months", mode.months)
                amount(f"{phase_at}.modes[{m_index}].cost", mode.cost)
                for supplier_id, units in mode.uses:
                    count(f"{phase_at}.modes[{m_index}].uses.{supplier_id}", units)
        for l_index, legacy in enumerate(cluster.legacy):
            amount(f"{at}.legacy[{l_index}].extension_cost", legacy.extension_cost)
            count(f"{at}.legacy[{l_index}].instances", legacy.instances, MAX_INSTANCES)
        if cluster.platform is not None and len(cluster.platform) > MAX_NAME:
            found.add(
                f"{at}.platform",
                f"{len(cluster.platform):,} characters: at most {MAX_NAME} in a name",
            )
        for d_index, dependency in enumerate(cluster.depends_on):
            fits(f"{at}.depends_on[{d_index}].lag", dependency.lag)
    if not found.problems:
        for path, message in magnitude_problems(paths, scenario.horizon, scenario.objective):
            found.add(path, message)


def _horizon(found: _Found, scenario: Scenario) -> None:
    horizon = scenario.horizon
    if horizon.end < horizon.start:
        found.add("horizon.end", not_before(horizon.end, horizon.start, "the horizon start"))
    if not 1 <= horizon.fiscal_year_start <= 12:
        message = f"must be a month number 1 to 12, got {horizon.fiscal_year_start}"
        found.add("horizon.fiscal_year_start", message)


def _budget(found: _Found, budget: Budget | None, fy_start: int) -> None:
    if budget is None:
        return
    if budget.tranche <= 0 or budget.tranche % 1_000:
        message = f"must be a positive whole number of £1k, got {budget.tranche}"
        found.add("budget.tranche", message)
    names: set[str] = set()
    for index, cap in enumerate(budget.caps):
        path = item_path("budget.caps", index)
        if cap.last_year < cap.first_year:
            first, last = fy_label(cap.first_year, fy_start), fy_label(cap.last_year, fy_start)
            found.add(child_path(path, "last_year"), f"{last} is before first_year {first}")
        found.money(child_path(path, "amount"), cap.amount)
        if cap.name in names:
            found.add(child_path(path, "name"), f"duplicate cap name {cap.name!r}")
        names.add(cap.name)


def _suppliers(found: _Found, scenario: Scenario) -> None:
    seen: dict[str, str] = {}
    for index, supplier in enumerate(scenario.suppliers):
        path = item_path("suppliers", index)
        found.unique(path, "supplier id", supplier.id, seen)
        found.at_least(child_path(path, "capacity"), supplier.capacity, 1)
        first, last = supplier.available_from, supplier.available_to
        if first is not None and last is not None:
            found.add(child_path(path, "available_to"), not_before(last, first, "available_from"))


def _policy(found: _Found, scenario: Scenario) -> None:
    found.at_least("policy.stagger_months", scenario.policy.stagger_months, 0)
    found.at_least("policy.max_entries_per_year", scenario.policy.max_entries_per_year, 1)


def _clusters(found: _Found, scenario: Scenario) -> None:
    if not scenario.clusters:
        found.add("clusters", "no clusters: give at least one")
    seen: dict[str, str] = {}
    by_id = {cluster.id: cluster for cluster in scenario.clusters}
    for index, cluster in enumerate(scenario.clusters):
        path = item_path("clusters", index)
        if not CLUSTER_ID.fullmatch(cluster.id):
            rule = "lower-case letters, digits and '-'"
            found.add(child_path(path, "id"), f"must be {rule}, got {cluster.id!r}")
        found.unique(path, "cluster id", cluster.id, seen)
        horizon = scenario.horizon
        earliest, latest, fixed = cluster.earliest_entry, cluster.latest_entry, cluster.fixed_entry
        for key, message in entry_window(earliest, latest, fixed, horizon):
            found.add(child_path(path, key), message)
        found.at_least(child_path(path, "users"), cluster.users, 0)
        found.money(child_path(path, "benefits"), cluster.benefits)
        if cluster.platform is not None and not cluster.platform.strip():
            found.add(child_path(path, "platform"), EMPTY_PLATFORM)
        _phases(found, scenario, cluster, path)
        _legacy(found, cluster, path)
        _dependencies(found, cluster, path, by_id)


def _phases(found: _Found, scenario: Scenario, cluster: Cluster, path: str) -> None:
    if not cluster.phases:
        found.add(child_path(path, "phases"), "no phases: give a lifecycle or phases")
    supplier_ids = [supplier.id for supplier in scenario.suppliers]
    capacities = {supplier.id: supplier.capacity for supplier in scenario.suppliers}
    seen: set[str] = set()
    for index, phase in enumerate(cluster.phases):
        at = item_path(child_path(path, "phases"), index)
        if not PHASE_ID.fullmatch(phase.id):
            found.add(child_path(at, "id"), f"must be {PHASE_ID_RULE}, got {phase.id!r}")
        if phase.id in seen:
            found.add(child_path(at, "id"), f"phase '{phase.id}' is given twice")
        seen.add(phase.id)
        found.at_least(child_path(at, "max_wait"), phase.max_wait, 0)
        _modes(found, phase, at, supplier_ids, capacities)
        _actual(found, scenario, cluster, index, at)


def _actual(found: _Found, scenario: Scenario, cluster: Cluster, index: int, path: str) -> None:
    """A phase's actuals: before the status date, in order after a finished phase."""
    actual = cluster.phases[index].actual
    if actual is None:
        return
    at = child_path(path, "actual")
    status = scenario.status_date
    if status is None:
        found.add(at, "actuals need the scenario's status_date")
        return
    if actual.start >= status:
        found.add(at, f"starts {month_label(actual.start)}, not before the status date")
    if actual.end < actual.start:
        found.add(at, "ends before it starts")
    if actual.running != (actual.end >= status):
        found.add(at, "a running phase ends on or after the status date, a finished one before")
    before = cluster.phases[index - 1].actual if index else None
    if index and (before is None or before.running or actual.start <= before.end):
        found.add(at, "follows a phase that had not finished before it started")


def _modes(
    found: _Found, phase: Phase, path: str, supplier_ids: list[str], capacities: dict[str, int]
) -> None:
    modes_path = child_path(path, "modes")
    if not phase.modes:
        found.add(modes_path, "no modes: a phase needs one mode (or one per option)")
        return
    options = [mode.option for mode in phase.modes]
    if phase.actual is not None:
        taken = phase.actual.planned.option
        if options != [taken] or phase.modes[0].months != phase.actual.months:
            message = (
                f"a phase with actuals has one mode, the option taken ({taken}), lasting its "
                f"actual {phase.actual.months} months; got options {options}"
            )
            found.add(modes_path, message)
    elif options != [None] and options != list(range(len(options))):
        message = f"options must be None (one mode) or 0, 1, ... in order, got {options}"
        found.add(modes_path, message)
    for index, mode in enumerate(phase.modes):
        at = item_path(modes_path, index)
        found.at_least(child_path(at, "months"), mode.months, 1)
        found.money(child_path(at, "cost"), mode.cost)
        units: Counter[str] = Counter()
        for supplier, count in mode.uses:
            found.add(child_path(at, "uses"), unknown_supplier(supplier, supplier_ids))
            found.at_least(child_path(at, "uses"), count, 1)
            units[supplier] += count
        what = f"option {mode.label!r}" if mode.option is not None else f"phase '{phase.id}'"
        for supplier, count in sorted(units.items()):
            if supplier in capacities:
                wrong = over_capacity(what, supplier, count, capacities[supplier])
                found.add(child_path(at, "uses"), wrong)


def _legacy(found: _Found, cluster: Cluster, path: str) -> None:
    phases = [phase.id for phase in cluster.phases]
    names: set[str] = set()
    for index, legacy in enumerate(cluster.legacy):
        at = item_path(child_path(path, "legacy"), index)
        if legacy.name in names:
            found.add(child_path(at, "name"), f"duplicate legacy name {legacy.name!r}")
        names.add(legacy.name)
        if phases:
            found.add(child_path(at, "replaced_by"), unknown_phase(legacy.replaced_by, phases))
        found.money(child_path(at, "extension_cost"), legacy.extension_cost)
        found.at_least(child_path(at, "instances"), legacy.instances, 1)


def _dependencies(found: _Found, cluster: Cluster, path: str, by_id: dict[str, Cluster]) -> None:
    for index, dep in enumerate(cluster.depends_on):
        at = item_path(child_path(path, "depends_on"), index)
        wrong = self_or_unknown_cluster(dep.cluster, cluster.id, by_id)
        found.add(child_path(at, "cluster"), wrong)
        if wrong is None:
            found.add(
                child_path(at, "milestone"),
                unknown_cluster_phase(dep.milestone.phase, by_id[dep.cluster]),
            )
        found.add(child_path(at, "this"), unknown_cluster_phase(dep.this.phase, cluster))


def _objective(found: _Found, scenario: Scenario) -> None:
    objective = scenario.objective
    if objective.weights is not None:
        if not objective.weights:
            found.add("objective.weights", "no weights given")
        for term, weight in objective.weights:
            at = child_path("objective.weights", term)
            found.add(at, unknown_term(term, OBJECTIVE_TERMS))
            found.at_least(at, weight, 1)
        return
    if not objective.terms:
        found.add("objective.terms", "no terms given")
    seen: set[str] = set()
    for index, term in enumerate(objective.terms):
        at = item_path("objective.terms", index)
        if term in seen:
            found.add(at, f"term '{term}' is given twice")
        seen.add(term)
        found.add(at, unknown_term(term, OBJECTIVE_TERMS))


def _static(scenario: Scenario) -> list[Problem]:
    """The loader's static feasibility checks, run on drafts whose key paths are data paths."""
    reader = Reader(DATA_ORIGIN)
    drafts = []
    for index, cluster in enumerate(scenario.clusters):
        path = item_path("clusters", index)
        phase_items = [Node({"id": Node(phase.id, None)}, None) for phase in cluster.phases]
        entries = {"phases": (Node(phase_items, None), child_path(path, "phases"))}
        fields = Fields(reader, entries, path, Node({}, None))
        dependencies = []
        for number, dep in enumerate(cluster.depends_on):
            at = item_path(child_path(path, "depends_on"), number)
            other = {"cluster": (Node(dep.cluster, None), child_path(at, "cluster"))}
            dep_fields = Fields(reader, other, at, Node({}, None))
            milestone = str(dep.milestone)
            dependencies.append(
                DependencyDraft(dep.cluster, milestone, dep.lag, dep.this, dep_fields)
            )
        drafts.append(ClusterDraft(path, cluster.id, cluster, fields, dependencies))
    budget = scenario.budget
    for index in range(len(budget.caps) if budget else 0):
        reader.lines[item_path("budget.caps", index)] = None  # every cap was read
    check_static(
        reader,
        drafts,
        scenario.horizon,
        scenario.policy,
        suppliers=scenario.suppliers,
        budget=budget,
        status=scenario.status_date,
    )
    return reader.unique()
