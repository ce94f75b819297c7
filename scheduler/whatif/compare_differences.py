"""The differences between two scenarios that a comparison's counterfactuals can undo: the fixed
market entries, the entry bounds (earliest, latest), the stagger rule, the limit on entries per
year, the programme deadline and each cap's amount (:func:`differences`), each in words for the
summary, and a scenario with some of them set back (:func:`undo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scheduler.scenario.data import Scenario
from scheduler.units import money_label, month_label
from scheduler.whatif.compare_entries import join_names, months_text

__all__ = ["Difference", "bound_text", "differences", "plain_scenario", "undo"]


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


def bound_text(field: str, value: int | None) -> str:
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
                f"{cid} {bound_text(field, o)} instead of {bound_text(field, n)}"
                for cid, o, n in zip(moved, old, new, strict=True)
            ]
            undone = f"the {what} as in {label_a} ({join_names(pairs)})"
            back = [
                f"{cid} {bound_text(field, n)} instead of {bound_text(field, o)}"
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
    complete = plain_scenario(undo(b, a, found)) == plain_scenario(a)
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


def plain_scenario(scenario: Scenario) -> Scenario:
    """The scenario without what does not change a plan (its name, words, file and risk)."""
    return replace(scenario, name="", description="", source="", warnings=(), risk=None)
