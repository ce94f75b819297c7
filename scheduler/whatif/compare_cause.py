"""Counterfactual attribution for a comparison: which difference between two scenarios causes
which change between their plans, named only once a solve has checked it.

The differences between the baseline's scenario ``A`` and the subject's ``B`` that the summary can
name are its rules and fixed decisions: the fixed market entries, the entry bounds (earliest,
latest), the stagger rule, the limit on entries per year, the programme deadline and each cap's
amount (:func:`scheduler.whatif.compare_differences.differences`). For each, the
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
from dataclasses import replace

from scheduler.errors import ScenarioError
from scheduler.plan import Plan
from scheduler.scenario.data import Scenario
from scheduler.terms import MONEY_TERMS, TERMS, term_text
from scheduler.units import money_label
from scheduler.whatif.compare_differences import (
    Difference,
    bound_text,
    differences,
    plain_scenario,
    undo,
)
from scheduler.whatif.compare_entries import join_names, months_text

__all__ = ["Difference", "attribution", "differences", "undo"]

Solve = Callable[[Scenario], Plan]
FULL, PART = "full", "part"  # how much of a change a counterfactual accounts for
MAX_COUNTERFACTUALS = 8  # solves per pair of plans, each bounded by the caller's time limit


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
            if plain_scenario(counterfactual) == plain_scenario(b):
                continue  # the only difference: the comparison itself is this counterfactual
            if plain_scenario(counterfactual) == plain_scenario(a):
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
        value = bound_text(item.kind, getattr(a.cluster(cid), item.kind))
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
