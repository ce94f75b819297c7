"""Why a scenario has no plan, in the scenario's own terms.

Every named rule group of the model (a cluster's entry bounds, a hard deadline, a dependency, the
stagger rule, a supplier's capacity, a cap, ...) is guarded by an enforcement literal. The model is
solved with all of them as assumptions; CP-SAT returns a set of rules sufficient for the conflict,
which is shrunk by deletion to a minimal one (drop any rule of it and the others can all hold).
For each rule of that minimal conflict we then say how far it would have to give, the other rules
held: a relaxation solve that optimises the rule's own measure (a cap's releases, a deadline's
month, a dependency's gap), or, for capacities and policies, the least change of the scenario's
figure that makes the scenario feasible.

A question the time limit cuts short is never answered as if it had been: a rule whose removal
was not shown to free the others leaves the conflict's minimality unsettled, and a relaxation not
found in time is "not settled", not "not enough" (both are said).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.rules.kinds import ENTRIES_PER_YEAR, STAGGER, SUPPLIER_CAPACITY
from scheduler.scenario.data import Policy, Scenario
from scheduler.solve.cpsat.model import CpsatModel, Rule
from scheduler.units import money_label, month_label

_STEP_LIMIT = 2.0  # seconds per feasibility question


Extra = Callable[[CpsatModel], None]  # adds named rules of its own to a model (a promise)


def explain_infeasible(
    scenario: Scenario, time_limit: float = 20.0, seed: int = 0, own_rules: Extra | None = None
) -> list[str]:
    """Sentences explaining why no plan satisfies every rule of ``scenario`` (and the rules
    ``own_rules`` adds to every model built here, such as the promise of a least-amount question,
    :mod:`scheduler.solve.cpsat.least_cap`)."""
    deadline = time.monotonic() + time_limit
    built = _model(scenario, own_rules, relaxable=True)
    rules = [built.rules[key] for key in sorted(built.rules)]
    if not rules:
        return [
            "No plan fits the horizon and the lifecycles (phase lengths, waits and the budget's "
            "release rules); no named rule can be relaxed to fix it."
        ]
    status, core = _solve_with(built, rules, deadline, seed)
    if status == cp_model.OPTIMAL or status == cp_model.FEASIBLE:
        return [
            "The scenario became feasible when solved again: it may be too hard for the time limit."
        ]
    if status != cp_model.INFEASIBLE:
        return ["No plan was found, and the conflict could not be isolated within the time limit."]
    if not core:
        return [
            "No plan exists even with every named rule switched off: the horizon, the phase "
            "lengths, the waits allowed and the budget's release rules cannot all hold."
        ]
    minimal, shown_minimal = _shrink(built, core, deadline, seed)
    lines = [_conflict_heading(len(minimal), shown_minimal)]
    lines += [f"  - {text}" for text in _grouped(rule.text for rule in minimal)]
    gives = [_give(scenario, built, rule, rules, deadline, seed, own_rules) for rule in minimal]
    enough = [give.text for give in gives if give.text]
    if enough:
        lines.append("Enough on its own, every other rule of the scenario held:")
        lines += [f"  - {text}" for text in _grouped(enough)]
    short = [
        rule for rule, give in zip(minimal, gives, strict=True) if give.settled and not give.text
    ]
    unsettled = [rule for rule, give in zip(minimal, gives, strict=True) if not give.settled]
    if short and not unsettled:
        lines.append(_not_enough(len(minimal), bool(enough)))
    elif short:
        lines.append(
            f"Relaxing {_subjects(short, 'or')} alone is not enough, every other rule of the "
            "scenario held."
        )
    if unsettled:
        lines.append(
            f"Not settled within the time limit: whether relaxing {_subjects(unsettled, 'or')} "
            "alone would do (a longer --time-limit may tell)."
        )
    return lines


@dataclasses.dataclass(frozen=True)
class _Give:
    """How far one rule of a conflict would have to give: ``text`` says what would do; without
    it, ``settled`` says whether that was shown impossible (every relaxation tried has no plan)
    or the time ran out first."""

    text: str | None = None
    settled: bool = True


def _subjects(rules: list[Rule], joiner: str) -> str:
    """``cap SR21``, ``cap SR21 or supplier sap``: the rules' subjects, in order."""
    names = list(dict.fromkeys(rule.text.partition(": ")[0] for rule in rules))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {joiner} {names[-1]}"


def _conflict_heading(size: int, shown_minimal: bool = True) -> str:
    """The first line of an explanation of a conflict of ``size`` rules, ``shown_minimal`` when
    dropping each of them was shown to let the others hold."""
    if size == 1:
        return (
            "No plan satisfies every rule. This rule cannot hold, even with every other named "
            "rule switched off (a minimal conflict of one rule):"
        )
    if not shown_minimal:
        return (
            "No plan satisfies every rule. These rules cannot all hold together (a conflict; "
            "the time ran out before each was shown to be needed, so one may not be):"
        )
    return (
        "No plan satisfies every rule. These rules cannot all hold together "
        "(a minimal conflict: drop any one of them and the others can be met):"
    )


def _not_enough(size: int, some_enough: bool) -> str:
    """The closing line when some rule of a minimal conflict of ``size`` rules found no
    relaxation of its own that gives a plan with every other rule held (``some_enough``: others
    did)."""
    if size == 1:
        return (
            "Relaxing it alone is not enough, every other rule of the scenario held: the scenario "
            "has further conflicts, so other rules would have to give with it."
        )
    if some_enough:
        return (
            "Relaxing any other rule of the conflict alone is not enough: the scenario has "
            "further conflicts, so several rules would have to give together."
        )
    return (
        "No single rule of the conflict can give enough on its own: several rules "
        "would have to give together."
    )


def _model(scenario: Scenario, own_rules: Extra | None, relaxable: bool = False) -> CpsatModel:
    """The scenario's model, with the rules ``own_rules`` adds (hard unless ``relaxable``)."""
    built = CpsatModel(scenario, relaxable=relaxable)
    if own_rules is not None:
        own_rules(built)
    return built


def _grouped(texts) -> list[str]:
    """``c1: x`` and ``c2: x`` become ``c1, c2: x``; order of first appearance is kept."""
    groups: dict[str, list[str]] = {}
    for text in texts:
        subject, sep, predicate = text.partition(": ")
        if not sep:
            subject, predicate = "", text
        groups.setdefault(predicate, []).append(subject)
    return [
        f"{', '.join(subjects)}: {predicate}" if any(subjects) else predicate
        for predicate, subjects in groups.items()
    ]


def _solve_with(
    built: CpsatModel, rules: list[Rule], deadline: float, seed: int
) -> tuple[cp_model.CpSolverStatus, list[Rule]]:
    """Solve with ``rules`` assumed; on infeasibility return the rules the solver blamed."""
    model = built.model
    model.clear_assumptions()
    model.add_assumptions([rule.literal for rule in rules])
    solver = _step_solver(seed, deadline)
    status = solver.solve(model)
    model.clear_assumptions()
    if status != cp_model.INFEASIBLE:
        return status, []
    blamed = set(solver.sufficient_assumptions_for_infeasibility())
    return status, [rule for rule in rules if rule.literal.index in blamed]


def _shrink(
    built: CpsatModel, core: list[Rule], deadline: float, seed: int
) -> tuple[list[Rule], bool]:
    """Deletion-based minimisation: drop each rule whose removal keeps the conflict. Also say
    whether the result was shown minimal: every rule kept was kept because the others, without
    it, have a plan (not because the time ran out first)."""
    kept = list(core)
    needed: set[int] = set()  # rules whose removal was shown to free the others
    for rule in list(core):
        if rule not in kept or time.monotonic() > deadline:
            continue
        trial = [other for other in kept if other is not rule]
        status, blamed = _solve_with(built, trial, deadline, seed)
        if status == cp_model.INFEASIBLE:
            kept = blamed or trial
        elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            needed.add(id(rule))
    return kept, len(kept) == 1 or all(id(rule) in needed for rule in kept)


def _give(
    scenario: Scenario,
    built: CpsatModel,
    rule: Rule,
    rules: list[Rule],
    deadline: float,
    seed: int,
    own_rules: Extra | None = None,
) -> _Give:
    if time.monotonic() > deadline:
        return _Give(settled=False)
    if rule.measure is not None:
        return _relax_measure(built, rule, rules, deadline, seed)
    return _relax_figure(scenario, rule, deadline, seed, own_rules)


def _relax_measure(
    built: CpsatModel, rule: Rule, rules: list[Rule], deadline: float, seed: int
) -> _Give:
    """Switch the rule off, keep every other rule, and push its measure as close to its limit."""
    model = built.model
    others = [other.literal for other in rules if other is not rule]
    model.clear_assumptions()
    model.add_assumptions(others)
    assert rule.measure is not None  # only rules with a measure are relaxed
    if rule.sense == "<=":
        model.minimize(rule.measure)
    else:
        model.maximize(rule.measure)
    solver = _step_solver(seed, deadline)
    status = solver.solve(model)
    model.clear_assumptions()
    model.clear_objective()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Give(settled=status == cp_model.INFEASIBLE)
    value = round(solver.objective_value)
    qualifier = "" if status == cp_model.OPTIMAL else " (best found, not proven)"
    return _Give(_describe(built, rule, value) + qualifier)


def _describe(built: CpsatModel, rule: Rule, value: int) -> str:
    """``subject: what would do``, e.g. ``cap SR21: £312m (+£12m) would do``."""
    subject = rule.text.partition(": ")[0]
    shortfall = value - rule.limit if rule.sense == "<=" else rule.limit - value
    if rule.unit == "money":
        return f"{subject}: {money_label(value)} (+{money_label(shortfall)}) would do"
    if rule.unit == "month":
        word = "later" if rule.sense == "<=" else "earlier"
        what = rule.text.partition(": ")[2].split(" no ")[0].split(" by ")[0]
        return (
            f"{subject}: {what} in {month_label(built.origin + value)} "
            f"({shortfall} months {word}) would do"
        )
    return f"{subject}: {rule.text.partition(': ')[2]}, short by {shortfall} months, would do"


def _relax_figure(
    scenario: Scenario, rule: Rule, deadline: float, seed: int, own_rules: Extra | None = None
) -> _Give:
    """For capacities and policies: the least change of the scenario's figure that is feasible (a
    supplier's capacity 1 to 5 units more, then as much as every phase could use at once; the
    stagger down to none; entries per year up to one per cluster). Without one, settled when each
    change tried was shown to have no plan (the last of each lets the rule never bind)."""
    kind, _, name = rule.key.partition(":")
    candidates: list[tuple[str, Scenario]] = []
    if kind == SUPPLIER_CAPACITY:
        supplier = scenario.supplier(name)
        # +1 .. +5, then the most the phases could ever use at once (the capacity cannot bind)
        most = sum(
            max(mode.units_of(name) for mode in phase.modes)
            for cluster in scenario.clusters
            for phase in cluster.phases
        )
        extras = list(range(1, 6)) + (
            [most - supplier.capacity] if most > supplier.capacity + 5 else []
        )
        for extra in extras:
            more = dataclasses.replace(supplier, capacity=supplier.capacity + extra)
            suppliers = tuple(more if s.id == name else s for s in scenario.suppliers)
            candidates.append(
                (
                    f"supplier {name}: capacity {supplier.capacity + extra} (+{extra}) would do",
                    dataclasses.replace(scenario, suppliers=suppliers),
                )
            )
    elif kind == STAGGER:
        gap = scenario.policy.stagger_months
        for smaller in range(gap - 1, -1, -1):
            candidates.append(
                (
                    f"policy: entries {smaller} month{'s' if smaller > 1 else ''} apart would do"
                    if smaller
                    else "policy: dropping the stagger rule would do",
                    dataclasses.replace(
                        scenario, policy=_policy(scenario.policy, stagger_months=smaller)
                    ),
                )
            )
    elif kind == ENTRIES_PER_YEAR:
        limit = scenario.policy.max_entries_per_year or 0
        for extra in range(1, len(scenario.clusters) + 1):
            candidates.append(
                (
                    f"policy: at most {limit + extra} market entries per financial year would do",
                    dataclasses.replace(
                        scenario,
                        policy=_policy(scenario.policy, max_entries_per_year=limit + extra),
                    ),
                )
            )
    for text, variant in candidates:
        if time.monotonic() > deadline:
            return _Give(settled=False)
        built = _model(variant, own_rules)
        solver = _step_solver(seed, deadline)
        status = solver.solve(built.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Give(text)
        if status != cp_model.INFEASIBLE:
            return _Give(settled=False)
    return _Give()


def _step_solver(seed: int, deadline: float) -> cp_model.CpSolver:
    """One worker (as sufficient assumptions need), and a short limit within the deadline."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.05, min(_STEP_LIMIT, deadline - time.monotonic()))
    return solver


def _policy(policy: Policy, **changes: int) -> Policy:
    return dataclasses.replace(policy, **changes)
