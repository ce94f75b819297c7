"""The reader's checkers for the attribution sentences: each counterfactual rebuilt from the
sentence by the test and solved again (registered with :func:`compare_truth.claim`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from compare_truth import LABELS, MONEY, MONTH, Pair, _names, claim, need

from scheduler.errors import ScenarioError
from scheduler.plan import Plan
from scheduler.scenario.data import Scenario
from scheduler.units import money_label, month_label, parse_month

# -- attribution -----------------------------------------------------------------------------


@claim(
    r"Not attributed: a plan file says what was planned, not how, so no counterfactual can "
    r"be solved \(compare the scenario files to have the changes attributed\)\."
)
def _plan_files(pair: Pair, match: re.Match) -> None:
    need(any(s.kind == "plan" or s.scenario is None for s in pair.sides.values()), "no plan file")


@claim(
    r"With (.+?), and «(A|B)» otherwise unchanged, the scenario is not valid \((.+)\): "
    r"nothing is attributed to (.+)\."
)
def _invalid(pair: Pair, match: re.Match, solve: Callable[[Scenario], Plan] | None) -> None:
    need(solve is not None, "a counterfactual needs a solve to check")
    kept = match.group(2)
    scenario = _undone(pair, match.group(1)) if kept == "B" else _applied(pair, match.group(1))
    try:
        solve(scenario)  # type: ignore[misc]
    except ScenarioError as error:
        need(any(p.message == match.group(3) for p in error.problems), "another problem")
        return
    raise AssertionError("the counterfactual is valid")


@claim(
    r"With (.+?), and «(A|B)» otherwise unchanged( \(which is «A»'s scenario\))?(?: \(a \w+ "
    r"plan, not proven best\))?, (there is no plan \((\w+)\): nothing is attributed to (.+)|"
    r"(.+): (the change in (.+?) is attributed( in part)? to (.+?)(?:, and that in (.+) in part)?|"
    r"nothing is attributed to (.+)))\."
)
def _counterfactual(pair: Pair, match: re.Match, solve: Callable[[Scenario], Plan] | None) -> None:
    need(solve is not None, "a counterfactual needs a solve to check")
    kept = match.group(2)  # B kept with a difference undone, or A kept with one applied
    scenario = _undone(pair, match.group(1)) if kept == "B" else _applied(pair, match.group(1))
    if match.group(3):
        need(_plain(scenario) == _plain(pair.scenario("A")), "not A's scenario")
    plan = solve(scenario)  # type: ignore[misc]
    if match.group(4).startswith("there is no plan"):
        need(not plan.clusters and plan.status == match.group(5), "a plan exists")
        return
    full, part = set(), set()
    for piece in re.split(
        r", (?=the [a-z ]+ is |completion is )| and (?=the [a-z ]+ is |completion is )",
        match.group(7),
    ):
        found = re.fullmatch(
            rf"(?:the )?([a-z ]+) (?:is|are) ({MONEY}|{MONTH}|\d+ months?), which "
            rf"(removes|reduces|does not reduce|"
            rf"reproduces|does not reproduce) (?:(.+?) of )?its (.+?) (rise|fall|delay|advance)"
            rf"(?: and (.+) more| to (.+))?",
            piece,
        )
        need(found is not None, f"unknown {piece!r}")
        term = LABELS[found.group(1)]
        va, vb, vc = pair.objective("A", term), pair.objective("B", term), plan.objective[term]
        shown = (
            month_label(vc)
            if term == "completion"
            else money_label(vc)
            if "£" in found.group(2)
            else f"{vc} month{'s' if vc != 1 else ''}"
        )
        need(shown == found.group(2), f"{term} value")
        change = vb - va
        size = (
            f"{abs(change)}-month"
            if term in ("completion", "late_months")
            else money_label(abs(change))
        )
        need(found.group(5) == size, "the size of the change")
        need((change > 0) == (found.group(6) in ("rise", "delay")), "direction")
        verdict, some = found.group(3), found.group(4)
        share = (
            (vc - va) / change
        )  # of the change, how much the counterfactual still has (B kept) or makes (A kept)
        show = (
            (lambda x: f"{x} month{'s' if x != 1 else ''}")
            if term in ("completion", "late_months")
            else money_label
        )
        if verdict == "removes":
            need(kept == "B" and share <= 0, "not removed")
            need((found.group(7) is None) == (share == 0), "the 'more'")
            if found.group(7):
                need(found.group(7) == show(abs(vc - va)), "how much more")
            full.add(found.group(1))
        elif verdict == "reduces":
            need(
                kept == "B" and 0 < share < 1 and found.group(8) == show(abs(vc - va)),
                "not reduced so",
            )
            part.add(found.group(1))
        elif verdict == "does not reduce":
            need(kept == "B" and share >= 1, "it does reduce")
        elif verdict == "reproduces" and some:
            need(kept == "A" and 0 < share < 1 and some == show(abs(vc - va)), "not reproduced so")
            part.add(found.group(1))
        elif verdict == "reproduces":
            need(kept == "A" and share >= 1, "not reproduced")
            if found.group(7):
                need(found.group(7) == show(abs(vc - vb)), "how much more")
            full.add(found.group(1))
        else:
            need(kept == "A" and share <= 0, "it does reproduce some")
    if match.group(9):
        said_full = set(_names(match.group(9))) if not match.group(10) else set()
        said_part = set(_names(match.group(9))) if match.group(10) else set()
        if match.group(12):
            said_part = set(_names(match.group(12)))
        need(said_full == full and said_part == part, "what is attributed")
    else:
        need(not full and not part, "something was explained")


def _words(field: str, value: int | None) -> str:
    if field == "fixed_entry":
        return "free" if value is None else f"fixed at {month_label(value)}"
    return "none" if value is None else month_label(value)


@claim(r"One at a time \(«B» otherwise unchanged\): (.+)\.")
def _one_at_a_time(pair: Pair, match: re.Match, solve: Callable[[Scenario], Plan] | None) -> None:
    need(solve is not None, "a counterfactual needs a solve to check")
    a, b = pair.scenario("A"), pair.scenario("B")
    field = {"entry": "fixed_entry", "earliest entry": "earliest_entry"}
    field["latest entry"] = "latest_entry"
    for part in match.group(1).split("; with "):
        found = re.fullmatch(
            rf"(?:with )?([\w-]+)'s (entry|earliest entry|latest entry) (.+?) as in «A», "
            rf"(?:the )?([a-z ]+) (?:is|are) ({MONEY}|{MONTH}|\d+ months?), which (removes|reduces|"
            rf"does not reduce) its (.+?) (rise|fall|delay|advance)(?: and (.+) more| to (.+))?",
            part,
        )
        need(found is not None, f"unknown {part!r}")
        cid, name = found.group(1), field[found.group(2)]
        need(_words(name, getattr(a.cluster(cid), name)) == found.group(3), f"{cid} in A")
        need(getattr(a.cluster(cid), name) != getattr(b.cluster(cid), name), f"{cid} alike")
        clusters = tuple(
            replace(c, **{name: getattr(a.cluster(cid), name)}) if c.id == cid else c
            for c in b.clusters
        )
        plan = solve(replace(b, clusters=clusters))  # type: ignore[misc]
        term = LABELS[found.group(4)]
        va, vb, vc = (pair.objective("A", term), pair.objective("B", term), plan.objective[term])
        shown = month_label(vc) if term == "completion" else money_label(vc)
        need(term == "late_months" or shown == found.group(5), f"{cid}: {term} value")
        left, change = vc - va, vb - va
        verdict = found.group(6)
        if verdict == "removes":
            need(left * change <= 0, "not removed")
        elif verdict == "reduces":
            need(0 < left / change < 1, "not reduced")
            show = money_label if "£" in found.group(5) else (lambda x: f"{x} months")
            need(found.group(10) == show(abs(left)) or term != "extension_cost", "reduced to")
        else:
            need(left / change >= 1, "it does reduce")


def _plain(scenario: Scenario) -> Scenario:
    return replace(scenario, name="", description="", source="", warnings=(), risk=None)


def _applied(pair: Pair, text: str) -> Scenario:
    """A's scenario with the one difference the sentence names taken from B."""
    a, b = pair.scenario("A"), pair.scenario("B")
    if found := re.fullmatch(r"the market entries of (.+?) fixed at (.+), as in «B»", text):
        names, months = _names(found.group(1)), _names(found.group(2))
        for cid, month in zip(names, months, strict=True):
            need(month_label(b.cluster(cid).fixed_entry) == month, f"{cid} fixed elsewhere")  # type: ignore[arg-type]
        clusters = tuple(
            replace(c, fixed_entry=b.cluster(c.id).fixed_entry) if c.id in names else c
            for c in a.clusters
        )
        return replace(a, clusters=clusters)
    return _taken(a, b, "B", text)


def _undone(pair: Pair, text: str) -> Scenario:
    """B's scenario with the difference the sentence names set back to A's."""
    a, b = pair.scenario("A"), pair.scenario("B")
    if found := re.fullmatch(
        r"the market entries of (.+?) free, as in «A», instead of fixed at (.+)", text
    ):
        names = _names(found.group(1))
        months = _names(found.group(2))
        for cid, month in zip(names, months, strict=True):
            need(month_label(b.cluster(cid).fixed_entry) == month, f"{cid} fixed elsewhere")  # type: ignore[arg-type]
            need(a.cluster(cid).fixed_entry is None, f"{cid} fixed in A")
        clusters = tuple(replace(c, fixed_entry=None) if c.id in names else c for c in b.clusters)
        return replace(b, clusters=clusters)
    return _taken(b, a, "A", text)


def _taken(base: Scenario, source: Scenario, label: str, text: str) -> Scenario:
    """``base`` with the one difference the sentence names taken from ``source`` (the plan
    labelled ``label``): entry bounds, the stagger, a cap's amount, the limit on entries per
    year or the programme deadline, each checked against ``source``'s own value."""
    if found := re.fullmatch(
        rf"the (market|earliest|latest) entries as in «{label}» \((.+)\)", text
    ):
        field = {"market": "fixed_entry", "earliest": "earliest_entry", "latest": "latest_entry"}
        name = field[found.group(1)]
        clusters = list(base.clusters)
        for item in _names(found.group(2)):
            cid, theirs, ours = re.fullmatch(r"([\w-]+) (.+) instead of (.+)", item).groups()  # type: ignore[union-attr]
            words = [_words(name, getattr(s.cluster(cid), name)) for s in (source, base)]
            need(words == [theirs, ours], f"{cid}'s {name}")
            clusters = [
                replace(c, **{name: getattr(source.cluster(cid), name)}) if c.id == cid else c
                for c in clusters
            ]
        return replace(base, clusters=tuple(clusters))
    if found := re.fullmatch(
        rf"«{label}»'s stagger \((?:entries at least (\d+) months? apart|no stagger)\)", text
    ):
        need(
            int(found.group(1) or 0) == source.policy.stagger_months != base.policy.stagger_months,
            "stagger",
        )
        return replace(
            base, policy=replace(base.policy, stagger_months=source.policy.stagger_months)
        )
    if found := re.fullmatch(rf"the (.+) cap at «{label}»'s ({MONEY})", text):
        theirs = next(c for c in source.budget.caps if c.name == found.group(1))  # type: ignore[union-attr]
        need(money_label(theirs.amount) == found.group(2), f"{label}'s amount")
        caps = tuple(
            replace(c, amount=theirs.amount) if c.name == theirs.name else c
            for c in base.budget.caps  # type: ignore[union-attr]
        )
        return replace(base, budget=replace(base.budget, caps=caps))  # type: ignore[arg-type]
    if found := re.fullmatch(
        rf"«{label}»'s entries per year \((?:at most (\d+) a year|no limit)\)", text
    ):
        limit = int(found.group(1)) if found.group(1) else None
        need(limit == source.policy.max_entries_per_year, "the limit")
        return replace(base, policy=replace(base.policy, max_entries_per_year=limit))
    if found := re.fullmatch(rf"«{label}»'s programme deadline \((?:by ({MONTH})|none)\)", text):
        deadline = parse_month(found.group(1)) if found.group(1) else None
        need(deadline == source.policy.deadline, "the deadline")
        return replace(base, policy=replace(base.policy, deadline=deadline))
    raise AssertionError(f"unknown counterfactual {text!r}")


@claim(
    r"Checked by solving «B» with each difference from «A» undone, and «A» with each alone, one "
    r"at a time(?: \(.+?\))?(?:; the (.+) change is not attributed)?"
    r"(; .+ not checked \(at most \d+ solves a comparison\))?(; «B» also differs from «A» "
    r"in other ways, which are not checked)?\."
)
def _checked(pair: Pair, match: re.Match) -> None:
    need(pair.scenario("A") is not None and pair.scenario("B") is not None, "scenarios")


@claim(
    r"Checked against «A»'s own plan: «B» differs from «A» only in (.+?)(?:; the (.+) change is "
    r"not attributed)?\."
)
def _checked_own(pair: Pair, match: re.Match) -> None:
    a, b = pair.scenario("A"), pair.scenario("B")
    kinds = 0
    kinds += any(c.fixed_entry != a.cluster(c.id).fixed_entry for c in b.clusters)
    kinds += a.policy.stagger_months != b.policy.stagger_months
    kinds += a.policy.max_entries_per_year != b.policy.max_entries_per_year
    kinds += a.policy.deadline != b.policy.deadline
    caps = {c.name: c.amount for c in (a.budget.caps if a.budget else ())}
    kinds += sum(caps.get(c.name) != c.amount for c in (b.budget.caps if b.budget else ()))
    need(kinds == 1, f"{kinds} differences")


@claim(
    r"«B»'s scenario differs from «A»'s in nothing that changes a plan: the changes are the "
    r"solver's choices among plans \(or its time limit\), not attributed to any rule\."
)
def _no_difference(pair: Pair, match: re.Match) -> None:
    need(_plain(pair.scenario("A")) == _plain(pair.scenario("B")), "the scenarios differ")


@claim(
    r"Not attributed: «B» differs from «A» in (no fixed entry, entry bound, policy rule or cap "
    r"amount, so no counterfactual was solved|.+, but no counterfactual was solved)\."
)
def _not_solved(pair: Pair, match: re.Match, solve: Callable[[Scenario], Plan] | None) -> None:
    if match.group(1).startswith("no fixed"):
        need(_plain(pair.scenario("A")) != _plain(pair.scenario("B")), "the scenarios are alike")
    else:
        need(solve is None, "a solve was given")
