"""Counterfactual attribution for a comparison: which difference between two scenarios causes
which change between their plans, named only once a solve has checked it.

The differences between the baseline's scenario ``A`` and the subject's ``B`` that the summary can
name are its rules and fixed decisions: the fixed market entries, the entry bounds (earliest,
latest), the stagger rule, the limit on entries per year, the programme deadline and each cap's
amount (:func:`differences`). For each, the
counterfactual is ``B`` with that one difference set back to ``A``'s value (everything else of
``B`` kept), solved by the normal pipeline with the comparison's bounded solve. For each
objective term that moved, from ``A``'s value ``a`` to ``B``'s ``b``, the counterfactual's value
``c``:

- *removes* the change when ``c`` is ``a`` or past it (``(c - a)(b - a) <= 0``),
- *reduces* it when ``0 < (c - a) / (b - a) < 1``,
- otherwise does not explain it.

A change is attributed to a difference only when its counterfactual removes or reduces it; a
counterfactual without a plan attributes nothing. When ``B`` differs from ``A`` in more than the
kinds above, the summary says so and names nothing for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scheduler.errors import ScenarioError
from scheduler.plan import Plan
from scheduler.scenario.data import Scenario
from scheduler.terms import MONEY_TERMS, TERMS, term_text
from scheduler.units import money_label, month_label
from scheduler.whatif.compare_entries import join_names, months_text

__all__ = ["Difference", "attribution", "differences", "undo"]

Solve = Callable[[Scenario], Plan]
FULL, PART = "full", "part"  # how much of a change a counterfactual accounts for
MAX_COUNTERFACTUALS = 8  # solves per pair of plans, each bounded by the caller's time limit


@dataclass(frozen=True)
class Difference:
    """One rule or fixed decision in which ``B`` differs from ``A``.

    ``kind`` is ``fixed_entry``, ``earliest_entry``, ``latest_entry``, ``stagger``,
    ``max_entries_per_year``, ``deadline`` or ``cap``;
    ``items`` the clusters (or the cap) it concerns; ``undone`` says, in words, what the
    counterfactual sets back (``"the market entries of synergy, matrix and unity free as in
    base"``); ``name`` what a change is attributed to (``"the fixed entries"``)."""

    kind: str
    items: tuple[str, ...]
    undone: str
    name: str
    applied: str = ""


def _month(value: int | None) -> str:
    return "free" if value is None else month_label(value)


def _bound(field: str, value: int | None) -> str:
    """A cluster's fixed, earliest or latest entry in words: ``fixed at 2023-06``, ``free``,
    ``2023-04``, ``none``."""
    if field == "fixed_entry":
        return "free" if value is None else f"fixed at {month_label(value)}"
    return "none" if value is None else month_label(value)


def _months(values: list[int | None]) -> list[str]:
    return [_month(value) for value in values]


def differences(
    a: Scenario, b: Scenario, label_a: str, label_b: str = "B"
) -> tuple[list[Difference], bool]:
    """The differences the summary can name, and whether they are all (``False`` when ``B``
    also differs in something else, such as a phase's cost or a supplier's capacity)."""
    found: list[Difference] = []
    ids_a = {c.id for c in a.clusters}
    for field, what in (
        ("fixed_entry", "market entries"),
        ("earliest_entry", "earliest entries"),
        ("latest_entry", "latest entries"),
    ):
        moved = [
            c.id
            for c in b.clusters
            if c.id in ids_a and getattr(c, field) != getattr(a.cluster(c.id), field)
        ]
        if not moved:
            continue
        old = [getattr(a.cluster(cid), field) for cid in moved]
        new = [getattr(b.cluster(cid), field) for cid in moved]
        names = join_names(moved)
        if field == "fixed_entry" and all(value is None for value in old):
            fixed = join_names(_months(new))
            undone = (
                f"the market entries of {names} free, as in {label_a}, instead of fixed at {fixed}"
            )
            applied = f"the market entries of {names} fixed at {fixed}, as in {label_b}"
        else:
            pairs = [
                f"{cid} {_bound(field, o)} instead of {_bound(field, n)}"
                for cid, o, n in zip(moved, old, new, strict=True)
            ]
            undone = f"the {what} as in {label_a} ({join_names(pairs)})"
            back = [
                f"{cid} {_bound(field, n)} instead of {_bound(field, o)}"
                for cid, o, n in zip(moved, old, new, strict=True)
            ]
            applied = f"the {what} as in {label_b} ({join_names(back)})"
        word = {"fixed_entry": "fixed", "earliest_entry": "earliest", "latest_entry": "latest"}
        found.append(
            Difference(
                field,
                tuple(moved),
                undone,
                f"the {word[field]} {'entries' if len(moved) > 1 else 'entry'} of "
                f"{join_names(moved)}",
                applied,
            )
        )
    found += _policy_differences(a, b, label_a, label_b)
    caps_a = {cap.name: cap for cap in (a.budget.caps if a.budget else ())}
    for cap in b.budget.caps if b.budget else ():
        was = caps_a.get(cap.name)
        if was is not None and was.amount != cap.amount:
            found.append(
                Difference(
                    "cap",
                    (cap.name,),
                    f"the {cap.name} cap at {label_a}'s {money_label(was.amount)}",
                    f"the {cap.name} cap's amount",
                    f"the {cap.name} cap at {label_b}'s {money_label(cap.amount)}",
                )
            )
    complete = _plain(undo(b, a, found)) == _plain(a)
    return found, complete


# Each policy rule a counterfactual can undo: (kind, the policy's field, the rule's name in
# "B's ... (...)", what a change is attributed to, the rule's value in words).
_POLICY_RULES: tuple[tuple[str, str, str, str, Callable[[Any], str]], ...] = (
    (
        "stagger",
        "stagger_months",
        "stagger",
        "the stagger rule",
        lambda months: f"entries at least {months_text(months)} apart" if months else "no stagger",
    ),
    (
        "max_entries_per_year",
        "max_entries_per_year",
        "entries per year",
        "the limit on entries per year",
        lambda most: f"at most {most} a year" if most else "no limit",
    ),
    (
        "deadline",
        "deadline",
        "programme deadline",
        "the programme deadline",
        lambda month: f"by {month_label(month)}" if month is not None else "none",
    ),
)


def _policy_differences(a: Scenario, b: Scenario, label_a: str, label_b: str) -> list[Difference]:
    """The stagger rule, the limit on entries per year and the programme deadline where ``B``'s
    differs from ``A``'s, each ``A's stagger (entries at least 3 months apart)`` undone."""
    found = []
    for kind, field, rule, name, words in _POLICY_RULES:
        old, new = getattr(a.policy, field), getattr(b.policy, field)
        if old != new:
            found.append(
                Difference(
                    kind,
                    (),
                    f"{label_a}'s {rule} ({words(old)})",
                    name,
                    f"{label_b}'s {rule} ({words(new)})",
                )
            )
    return found


def undo(b: Scenario, a: Scenario, items: list[Difference]) -> Scenario:
    """``b`` with each difference in ``items`` set back to ``a``'s value."""
    clusters = list(b.clusters)
    policy, budget = b.policy, b.budget
    for item in items:
        if item.kind in ("fixed_entry", "earliest_entry", "latest_entry"):
            clusters = [
                replace(c, **{item.kind: getattr(a.cluster(c.id), item.kind)})
                if c.id in item.items
                else c
                for c in clusters
            ]
        elif item.kind == "stagger":
            policy = replace(policy, stagger_months=a.policy.stagger_months)
        elif item.kind == "max_entries_per_year":
            policy = replace(policy, max_entries_per_year=a.policy.max_entries_per_year)
        elif item.kind == "deadline":
            policy = replace(policy, deadline=a.policy.deadline)
        elif item.kind == "cap" and budget is not None and a.budget is not None:
            amounts = {cap.name: cap.amount for cap in a.budget.caps}
            caps = tuple(
                replace(cap, amount=amounts[cap.name]) if cap.name in item.items else cap
                for cap in budget.caps
            )
            budget = replace(budget, caps=caps)
    return replace(b, clusters=tuple(clusters), policy=policy, budget=budget)


def _plain(scenario: Scenario) -> Scenario:
    """The scenario without what does not change a plan (its name, words, file and risk)."""
    return replace(scenario, name="", description="", source="", warnings=(), risk=None)


# -- the attribution ---------------------------------------------------------------------------


def _verdict(term: str, a: int, b: int, c: int) -> tuple[str, str]:
    """How ``c``, of ``B`` with the one difference undone, bears on the change ``a -> b``."""
    change, left = b - a, c - a
    moved = _change_text(term, change)
    if left == 0:
        return f"which removes {moved}", FULL
    if left * change < 0:
        return f"which removes {moved} and {_size(term, abs(left))} more", FULL
    if abs(left) < abs(change):
        return f"which reduces {moved} to {_size(term, abs(left))}", PART
    return f"which does not reduce {moved}", ""


def _alone_verdict(term: str, a: int, b: int, c: int) -> tuple[str, str]:
    """How ``c``, of ``A`` with the one difference applied, reproduces the change ``a -> b``."""
    change, made = b - a, c - a
    moved = _change_text(term, change)
    if made == change:
        return f"which reproduces {moved}", FULL
    if made * change > 0 and abs(made) > abs(change):
        return f"which reproduces {moved} and {_size(term, abs(made - change))} more", FULL
    if made * change > 0:
        return f"which reproduces {_size(term, abs(made))} of {moved}", PART
    return f"which does not reproduce {moved}", ""


def _change_text(term: str, change: int) -> str:
    """``its £17.4m rise``, ``its 10-month delay``."""
    if term == "completion":
        return f"its {abs(change)}-month {'delay' if change > 0 else 'advance'}"
    if term == "late_months":
        return f"its {abs(change)}-month {'rise' if change > 0 else 'fall'}"
    return f"its {_amount(term, abs(change))} {'rise' if change > 0 else 'fall'}"


def _size(term: str, value: int) -> str:
    return months_text(value) if term in ("completion", "late_months") else _amount(term, value)


def _amount(term: str, value: int) -> str:
    return money_label(value) if term in MONEY_TERMS else str(value)


def attribution(
    a: Scenario,
    b: Scenario,
    plan_a: Plan,
    plan_b: Plan,
    labels: tuple[str, str],
    solve: Solve | None,
    terms: tuple[str, ...],
    how: str = "",
) -> list[str]:
    """The attribution sentences: one per difference checked, then what is left unattributed
    and how the counterfactuals were solved (``how``, e.g. ``"deterministic, at most 10 s each"``)."""
    label_a, label_b = labels
    moved = [
        t
        for t in terms
        if t in plan_a.objective
        and t in plan_b.objective
        and plan_a.objective[t] != plan_b.objective[t]
    ]
    if not moved:
        return []
    found, complete = differences(a, b, label_a, label_b)
    if not found:
        if complete:
            return [
                f"{label_b}'s scenario differs from {label_a}'s in nothing that changes a plan: "
                "the changes are the solver's choices among plans (or its time limit), not "
                "attributed to any rule."
            ]
        return [
            f"Not attributed: {label_b} differs from {label_a} in no fixed entry, entry bound, "
            "policy rule or cap amount, so no counterfactual was solved."
        ]
    if solve is None:
        return [
            f"Not attributed: {label_b} differs from {label_a} in "
            f"{join_names([d.name for d in found])}, but no counterfactual was solved."
        ]
    out: list[str] = []
    attributed: set[str] = set()
    solved, solves, skipped = False, 0, []
    refine: list[Difference] = []
    for item in found:
        for direction in ("undone", "alone"):
            if direction == "undone":
                counterfactual = undo(b, a, [item])
                where = f"With {item.undone}, and {label_b} otherwise unchanged"
            else:
                counterfactual = undo(a, b, [item])
                where = f"With {item.applied}, and {label_a} otherwise unchanged"
            if _plain(counterfactual) == _plain(b):
                continue  # the only difference: the comparison itself is this counterfactual
            if _plain(counterfactual) == _plain(a):
                plan_c, where = plan_a, f"{where} (which is {label_a}'s scenario)"
            elif solves >= MAX_COUNTERFACTUALS:
                skipped.append(item.name)
                continue
            else:
                solves += 1
                try:
                    plan_c, solved = solve(counterfactual), True
                except ScenarioError as error:  # e.g. a fixed entry outside the other's bounds
                    why = error.problems[0].message if error.problems else "not valid"
                    out.append(
                        f"{where}, the scenario is not valid ({why}): nothing is attributed to "
                        f"{item.name}."
                    )
                    continue
            text, explained = _sentence(where, item, direction, plan_a, plan_b, plan_c, moved)
            out.append(text)
            attributed |= explained
            if direction == "undone" and explained and len(item.items) > 1:
                refine.append(item)
    for item in refine:  # which of a group's clusters it is, when solves are left for it
        if solves + len(item.items) > MAX_COUNTERFACTUALS:
            skipped.append(f"{item.name} one at a time")
            continue
        solves += len(item.items)
        labels2 = (label_a, label_b)
        out.append(_one_at_a_time(a, b, plan_a, plan_b, item, labels2, moved[0], solve))
    rest = [TERMS[t].label if t in TERMS else t for t in moved if t not in attributed]
    checked = (
        f"Checked by solving {label_b} with each difference from {label_a} undone, and "
        f"{label_a} with each alone, one at a time" + (f" ({how})" if how else "")
        if solved
        else f"Checked against {label_a}'s own plan: {label_b} differs from {label_a} only in "
        f"{found[0].name}"
    )
    tail = f"{checked}; the {join_names(rest)} change is not attributed" if rest else checked
    if skipped:
        names = join_names(list(dict.fromkeys(skipped)))
        tail += f"; {names} not checked (at most {MAX_COUNTERFACTUALS} solves a comparison)"
    if not complete:
        tail += f"; {label_b} also differs from {label_a} in other ways, which are not checked"
    out.append(tail + ".")
    return out


def _one_at_a_time(
    a: Scenario,
    b: Scenario,
    plan_a: Plan,
    plan_b: Plan,
    item: Difference,
    labels: tuple[str, str],
    term: str,
    solve: Solve,
) -> str:
    """Each cluster of a group difference undone alone, judged on the first term that moved."""
    label_a, label_b = labels
    noun = {"fixed_entry": "entry", "earliest_entry": "earliest entry"}
    noun["latest_entry"] = "latest entry"
    name = TERMS[term].label if term in TERMS else term
    the = "" if term == "completion" else "the "
    verb = "are" if term == "late_months" else "is"
    parts = []
    for cid in item.items:
        single = replace(item, items=(cid,))
        value = _bound(item.kind, getattr(a.cluster(cid), item.kind))
        where = f"with {cid}'s {noun[item.kind]} {value} as in {label_a}"
        try:
            plan_c = solve(undo(b, a, [single]))
        except ScenarioError as error:
            why = error.problems[0].message if error.problems else "not valid"
            parts.append(f"{where}, the scenario is not valid ({why})")
            continue
        if not plan_c.has_schedule or term not in plan_c.objective:
            parts.append(f"{where}, there is no plan ({plan_c.status})")
            continue
        vc = plan_c.objective[term]
        said, _ = _verdict(term, plan_a.objective[term], plan_b.objective[term], vc)
        parts.append(f"{where}, {the}{name} {verb} {term_text(term, vc)}, {said}")
    return f"One at a time ({label_b} otherwise unchanged): " + "; ".join(parts) + "."


def _sentence(
    where: str,
    item: Difference,
    direction: str,
    plan_a: Plan,
    plan_b: Plan,
    plan_c: Plan,
    moved: list[str],
) -> tuple[str, set[str]]:
    """One counterfactual's sentence, and the terms whose change it explains."""
    if not plan_c.has_schedule:
        text = f"{where}, there is no plan ({plan_c.status}): nothing is attributed to {item.name}."
        return text, set()
    parts: list[str] = []
    explained: dict[str, list[str]] = {FULL: [], PART: []}
    terms = set()
    for term in moved:
        va, vb = plan_a.objective[term], plan_b.objective[term]
        vc = plan_c.objective.get(term)
        if vc is None:
            continue
        name = TERMS[term].label if term in TERMS else term
        verdict = _verdict if direction == "undone" else _alone_verdict
        said, level = verdict(term, va, vb, vc)
        the = "" if term == "completion" else "the "
        verb = "are" if term == "late_months" else "is"
        parts.append(f"{the}{name} {verb} {term_text(term, vc)}, {said}")
        if level:
            explained[level].append(name)
            terms.add(term)
    status = "" if plan_c.status == "optimal" else f" (a {plan_c.status} plan, not proven best)"
    text = f"{where}{status}, {join_names(parts)}"
    full, part = explained[FULL], explained[PART]
    if full and part:
        text += (
            f": the change in {join_names(full)} is attributed to {item.name}, and that in "
            f"{join_names(part)} in part."
        )
    elif full or part:
        how = "" if full else " in part"
        text += f": the change in {join_names(full or part)} is attributed{how} to {item.name}."
    else:
        text += f": nothing is attributed to {item.name}."
    return text, terms
