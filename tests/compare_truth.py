"""An independent reader of compare's summary: every sentence is matched to the kind of claim it
makes, its figures are parsed out and recomputed from the two plans' JSON (and their scenarios),
and any sentence that no recomputation confirms is reported.

Nothing here calls the summary's own helpers (``scheduler.whatif.compare_*``): months, money and
usage are recomputed from the plan JSON with plain arithmetic, the entry windows by trying every
shift with the rules' evaluation, and attributions by solving the counterfactual scenario the
test builds itself. :func:`contradictions` returns one line per sentence it cannot confirm (an
unknown kind of sentence included), so a test asserts it is empty.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from scheduler.errors import ScenarioError
from scheduler.plan import Plan
from scheduler.rules.evaluate import decisions_from_plan, evaluate
from scheduler.scenario.data import Scenario
from scheduler.units import money_label, month_label, parse_month
from scheduler.whatif.compare_types import Story, Subject

MONTH = r"\d{4}-\d\d"
MONEY = r"-?£[\d.,]+(?:bn|m|k)?"
LABELS = {"extension cost": "extension_cost", "delivery cost": "delivery_cost"}
LABELS |= {"late months": "late_months", "total cost": "total_cost", "net cost": "net_cost"}
LABELS |= {"funding": "funding", "completion": "completion"}


def _months(text: str) -> int:
    """``+3 months`` / ``-1 month`` / ``0 months`` as a signed number."""
    number = int(re.match(r"([+-]?\d+) months?", text).group(1))  # type: ignore[union-attr]
    return number


def _names(text: str) -> list[str]:
    """``a``, ``a and b``, ``a, b and c`` back into names (no name holds ``,`` or `` and ``)."""
    head, _, last = text.rpartition(" and ")
    return [*head.split(", "), last] if head else [last]


class Pair:
    """The two plans as JSON, with their scenarios, and the recomputations."""

    def __init__(self, a: Subject, b: Subject) -> None:
        self.a, self.b = a, b
        self.sides = {"A": a, "B": b}
        self.data = {
            key: json.loads(s.plan.to_json()) if s.plan is not None else None
            for key, s in self.sides.items()
        }

    def cluster(self, side: str, cid: str) -> dict[str, Any] | None:
        data = self.data[side]
        return next((c for c in data["clusters"] if c["id"] == cid), None) if data else None

    def entry(self, side: str, cid: str) -> int:
        return parse_month(self.cluster(side, cid)["entry"])  # type: ignore[index]

    def phase(self, side: str, cid: str, pid: str) -> dict[str, Any]:
        return next(p for p in self.cluster(side, cid)["phases"] if p["id"] == pid)  # type: ignore[index]

    def use(self, side: str, supplier: str, month: int) -> tuple[int, list[str]]:
        """Units of ``supplier`` in use in ``month`` and the clusters using it."""
        units, users = 0, []
        for c in self.data[side]["clusters"]:  # type: ignore[index]
            for p in c["phases"]:
                if supplier in p["uses"] and parse_month(p["start"]) <= month <= parse_month(
                    p["end"]
                ):
                    units += p["uses"][supplier]
                    users.append(c["id"])
        return units, list(dict.fromkeys(users))

    def objective(self, side: str, term: str) -> int:
        """A term recomputed from the plan's phases and legacy systems."""
        clusters = self.data[side]["clusters"]  # type: ignore[index]
        if term == "delivery_cost":
            return sum(p["cost"] for c in clusters for p in c["phases"])
        if term == "extension_cost":
            return sum(item["extension_cost"] for c in clusters for item in c["legacy"])
        if term == "late_months":
            return sum(item["late_months"] for c in clusters for item in c["legacy"])
        if term == "completion":
            return max(parse_month(c["finish"]) for c in clusters)
        if term == "total_cost":
            return self.objective(side, "delivery_cost") + self.objective(side, "extension_cost")
        raise AssertionError(f"no recomputation for {term}")

    def released(self, side: str, cap: dict[str, Any]) -> int:
        """Releases to every cluster over the cap's financial years, from the funding table."""
        years = range(int(cap["from"][:4]), int(cap["to"][:4]) + 1)
        return sum(
            amount
            for c in self.data[side]["clusters"]  # type: ignore[index]
            for label, amount in c["funding"].items()
            if int(label[:4]) in years
        )

    def cap(self, side: str, name: str) -> dict[str, Any]:
        return next(c for c in self.data[side]["caps"] if c["name"] == name)  # type: ignore[index]

    def scenario(self, side: str) -> Scenario:
        scenario = self.sides[side].scenario
        assert scenario is not None
        return scenario


def _normalise(text: str, story: Story) -> str:
    """The subject's label as ``«B»`` and the baseline's as ``«A»`` (longest first)."""
    for label, mark in sorted(
        ((story.subject, "«B»"), (story.baseline, "«A»")), key=lambda item: -len(item[0])
    ):
        text = re.sub(rf"(?<![\w-]){re.escape(label)}(?![\w-])", mark, text)
    return text


def contradictions(
    story: Story, a: Subject, b: Subject, solve: Callable[[Scenario], Plan] | None = None
) -> list[str]:
    """Every sentence of ``story`` that a recomputation does not confirm (empty: all true)."""
    pair = Pair(a, b)
    problems = []
    for sentence in (story.headline, *story.points):
        text = _normalise(" ".join(sentence.split()), story)
        try:
            ok = _check(pair, text, solve)
        except AssertionError as error:
            ok = f"contradicted: {error}"
        except Exception as error:  # a sentence the reader cannot parse is a finding too
            ok = f"unreadable ({type(error).__name__}: {error})"
        if ok is not True:
            problems.append(f"{sentence!r}: {ok}")
    return problems


CHECKERS: list[tuple[str, Callable[..., Any]]] = []


def claim(pattern: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a checker for sentences matching ``pattern`` (a full match)."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        CHECKERS.append((pattern, function))
        return function

    return register


def _check(pair: Pair, text: str, solve: Callable[[Scenario], Plan] | None) -> bool | str:
    for pattern, function in CHECKERS:
        match = re.fullmatch(pattern, text)
        if match:
            result = (
                function(pair, match, solve)
                if "solve" in function.__code__.co_varnames
                else function(pair, match)
            )
            return True if result in (None, True) else result
    return "no checker knows this kind of sentence"


def need(condition: bool, why: str) -> None:
    if not condition:
        raise AssertionError(why)


# -- headlines -------------------------------------------------------------------------------


@claim(r"cannot be compared\.")
def _cannot(pair: Pair, match: re.Match) -> None:
    need(
        any(d is None or not d["clusters"] for d in pair.data.values()),
        "both plans have a schedule",
    )


@claim(r"«(A|B)» has no plan \((\w+|not solved)\)(?:\.|: .*)")
def _no_plan(pair: Pair, match: re.Match) -> None:
    data = pair.data[match.group(1)]
    need(data is None or not data["clusters"], "that plan has a schedule")
    need(data is None or data["status"] == match.group(2), "wrong status")


@claim(
    r"the same plan \(identical market entries, phases, options, funding, legacy "
    r"retirements and objective terms\)\."
)
def _same(pair: Pair, match: re.Match) -> None:
    def content(data: dict[str, Any]) -> Any:
        keep = ("id", "entry", "phases", "legacy", "funding")
        clusters = [{k: c[k] for k in keep} for c in data["clusters"]]
        for c in clusters:
            c["phases"] = [{k: v for k, v in p.items() if k != "float"} for p in c["phases"]]
        return sorted(clusters, key=lambda c: c["id"]), data["objective"]

    need(content(pair.data["A"]) == content(pair.data["B"]), "the plans differ")  # type: ignore[arg-type]


def _effects(pair: Pair, text: str) -> None:
    """``the extension cost rises by £17.4m, the delivery cost falls by £32m (net -£14.6m) and
    completion is 10 months later (2031-01)``, or ``every objective term is the same``."""
    if text == "every objective term is the same":
        need(pair.data["A"]["objective"] == pair.data["B"]["objective"], "terms differ")  # type: ignore[index]
        return
    moved = set()
    for part in re.split(r", (?=the |completion )| and (?=the |completion )", text):
        found = re.fullmatch(
            rf"the ([a-z ]+) (rises|falls|rise|fall) by ({MONEY}|\d+)(?: \(net ([+-]£.+)\))?", part
        )
        if found:
            term = LABELS[found.group(1)]
            change = pair.objective("B", term) - pair.objective("A", term)
            need(
                (change > 0) == found.group(2).startswith("rise") and change != 0,
                f"{term} direction",
            )
            need(found.group(2).endswith("s") == (term != "late_months"), "agreement")
            amount = money_label(abs(change)) if "£" in found.group(3) else str(abs(change))
            need(amount == found.group(3), f"{term}: {amount} not {found.group(3)}")
            if found.group(4):
                net = sum(
                    pair.objective("B", t) - pair.objective("A", t)
                    for t in ("extension_cost", "delivery_cost")
                )
                need(("+" if net >= 0 else "-") + money_label(abs(net)) == found.group(4), "net")
            moved.add(term)
            continue
        found = re.fullmatch(rf"completion is (\d+) months? (later|earlier) \(({MONTH})\)", part)
        need(found is not None, f"unknown effect {part!r}")
        change = pair.objective("B", "completion") - pair.objective("A", "completion")
        need(
            abs(change) == int(found.group(1)) and (change > 0) == (found.group(2) == "later"),
            "completion",
        )
        need(month_label(pair.objective("B", "completion")) == found.group(3), "completion month")
        moved.add("completion")
    for term, value in pair.data["A"]["objective"].items():  # type: ignore[index]
        if term in pair.data["B"]["objective"] and value != pair.data["B"]["objective"][term]:  # type: ignore[index]
            need(term in moved, f"{term} moved but is not said")


@claim(
    rf"«B» (bunches|spreads) the market entries of (.+?) (within|over) (\d+) months? "
    rf"\(({MONTH})\.\.({MONTH})\) where «A» (staggers them over|has them over) (\d+) months? "
    rf"\((.+?)\); (.+)\."
)
def _headline_group(pair: Pair, match: re.Match) -> None:
    names = _names(match.group(2))
    eb = [pair.entry("B", c) for c in names]
    ea = [pair.entry("A", c) for c in names]
    span_b, span_a = max(eb) - min(eb), max(ea) - min(ea)
    need(span_b == int(match.group(4)) and span_a == int(match.group(8)), "spans")
    need((span_b < span_a) == (match.group(1) == "bunches"), "bunches or spreads")
    need(
        month_label(min(eb)) == match.group(5) and month_label(max(eb)) == match.group(6), "window"
    )
    need(match.group(9) == ", ".join(month_label(m) for m in ea), "A's entries")
    if match.group(7).startswith("staggers"):
        need(pair.scenario("A").policy.stagger_months > 0, "A has no stagger")
    _effects(pair, match.group(10))


@claim(r"«B» moves the market entry of (.+?); (.+)\.")
def _headline_moves(pair: Pair, match: re.Match) -> None:
    moves = re.findall(rf"([\w-]+) from ({MONTH}) to ({MONTH})", match.group(1))
    need(bool(moves), "no moves")
    for cid, old, new in moves:
        need(
            month_label(pair.entry("A", cid)) == old and month_label(pair.entry("B", cid)) == new,
            cid,
        )
    _effects(pair, match.group(2))


@claim(r"«B» enters every cluster in the same month as «A»; (.+)\.")
def _headline_same_entries(pair: Pair, match: re.Match) -> None:
    for c in pair.data["B"]["clusters"]:  # type: ignore[index]
        if pair.cluster("A", c["id"]) is not None:
            need(pair.entry("A", c["id"]) == pair.entry("B", c["id"]), c["id"])
    _effects(pair, match.group(1))


# -- entries ---------------------------------------------------------------------------------


@claim(r"Every cluster goes to market in the same month in both\.")
def _same_month(pair: Pair, match: re.Match) -> None:
    for c in pair.data["B"]["clusters"]:  # type: ignore[index]
        if pair.cluster("A", c["id"]) is not None:
            need(pair.entry("A", c["id"]) == pair.entry("B", c["id"]), c["id"])


@claim(
    rf"«B» (fixes the market entries of|sends|spreads) (.+?) (?:to market )?(within|over) "
    rf"(\d+) months? \(({MONTH})\.\.({MONTH})\), (.+?) months? apart, where «A»(, free to "
    rf"choose,)? (staggers them|has them at) (.+?) \((\d+) months?(?:, at least (\d+) "
    rf"months? apart)?\)\."
)
def _entry_group(pair: Pair, match: re.Match) -> None:
    names = _names(match.group(2))
    eb = sorted(pair.entry("B", c) for c in names)
    need(eb == [pair.entry("B", c) for c in names], "not in B's entry order")
    need(int(match.group(4)) == eb[-1] - eb[0], "B's span")
    need(
        match.group(5) == month_label(eb[0]) and match.group(6) == month_label(eb[-1]), "B's window"
    )
    gaps = [second - first for first, second in itertools.pairwise(eb)]
    need(_names(match.group(7)) == [str(g) for g in gaps], "gaps")
    if match.group(1).startswith("fixes"):
        for c in names:
            need(pair.scenario("B").cluster(c).fixed_entry == pair.entry("B", c), f"{c} not fixed")
    if match.group(8):
        need(all(pair.scenario("A").cluster(c).fixed_entry is None for c in names), "A fixes one")
    ea = [pair.entry("A", c) for c in names]
    need(match.group(10) == ", ".join(month_label(m) for m in ea), "A's entries")
    need(int(match.group(11)) == max(ea) - min(ea), "A's span")
    if match.group(12):
        stagger = pair.scenario("A").policy.stagger_months
        need(int(match.group(12)) == stagger, "A's stagger")
        ordered = sorted(ea)
        need(all(y - x >= stagger for x, y in itertools.pairwise(ordered)), "gaps in A")


@claim(
    rf"«B» fixes the entry of ([\w-]+) at ({MONTH})(?: \(([+-]\d+ months?)\) where in «A» it "
    rf"enters ({MONTH})(?: and (.+))?)?\."
)
def _fixes_one(pair: Pair, match: re.Match) -> None:
    cid = match.group(1)
    need(
        pair.scenario("B").cluster(cid).fixed_entry == parse_month(match.group(2)),
        "not fixed there",
    )
    need(pair.entry("B", cid) == parse_month(match.group(2)), "B's entry")
    if match.group(3):
        need(pair.entry("B", cid) - pair.entry("A", cid) == _months(match.group(3)), "shift")
        need(pair.entry("A", cid) == parse_month(match.group(4)), "A's entry")
    if match.group(5):
        _reason(pair, "A", cid, match.group(5))


@claim(
    rf"([\w-]+) enters ({MONTH}) instead of ({MONTH}) \(([+-]\d+ months?)\)(?:: in «B» it "
    rf"(.+?))?(?:; in «A» it (.+?))?\."
)
def _enters(pair: Pair, match: re.Match) -> None:
    cid = match.group(1)
    eb, ea = pair.entry("B", cid), pair.entry("A", cid)
    need(month_label(eb) == match.group(2) and month_label(ea) == match.group(3), "entries")
    need(eb - ea == _months(match.group(4)), "shift")
    if match.group(5):
        _reason(pair, "B", cid, match.group(5))
    if match.group(6):
        _reason(pair, "A", cid, match.group(6))


def _reason(pair: Pair, side: str, cid: str, text: str) -> None:
    """What holds ``cid``'s entry in ``side``'s plan, recomputed."""
    scenario, entry = pair.scenario(side), pair.entry(side, cid)
    cluster = scenario.cluster(cid)
    if found := re.fullmatch(rf"is fixed at ({MONTH}) by the scenario", text):
        need(cluster.fixed_entry == entry == parse_month(found.group(1)), "fixed")
    elif found := re.fullmatch(rf"is at its earliest entry ({MONTH}) \(readiness\)", text):
        need(cluster.earliest_entry == entry == parse_month(found.group(1)), "earliest")
    elif text == "starts at the horizon start":
        need(entry == scenario.horizon.start, "horizon start")
    elif found := re.fullmatch(
        rf"enters at the status date ({MONTH}) \(nothing new starts before it\)", text
    ):
        need(scenario.status_date == entry == parse_month(found.group(1)), "status date")
    elif found := re.fullmatch(rf"entered the market ({MONTH}) \(actual: history\)", text):
        need(cluster.actual_entry == entry == parse_month(found.group(1)), "actual entry")
    elif found := re.fullmatch(
        rf"is held by the stagger, (\d+) months? after ([\w-]+) \(({MONTH})\)", text
    ):
        gap = scenario.policy.stagger_months
        other = pair.entry(side, found.group(2))
        need(int(found.group(1)) == gap == entry - other, "stagger gap")
        need(month_label(other) == found.group(3), "the other's entry")
    elif found := re.fullmatch(
        rf"waits for ([\w-]+) capacity: all (\d+) units are in use by (.+) until ([\w-]+)'s "
        rf"([\w-]+) ends ({MONTH})",
        text,
    ):
        supplier = found.group(1)
        units, users = pair.use(side, supplier, entry - 1)
        capacity = scenario.supplier(supplier).capacity
        need(int(found.group(2)) == capacity, "capacity")
        need(units + _own_units(pair, side, cid, supplier) > capacity, "room a month earlier")
        need(_names(found.group(3)) == users, f"users {users}")
        end = parse_month(pair.phase(side, found.group(4), found.group(5))["end"])
        need(month_label(end) == found.group(6) and end == entry - 1, "the phase that frees it")
    elif found := re.fullmatch(
        r"waits for its dependency: depends on ([\w-]+) ([\w-]+)\.(start|end) \(lag (-?\d+)\)", text
    ):
        other = pair.phase(side, found.group(1), found.group(2))
        month = parse_month(other[found.group(3)])
        need(
            entry == month + int(found.group(4)) + (1 if found.group(3) == "end" else 0),
            "dependency",
        )
    elif found := re.fullmatch(
        r"is held by at most (\d+) entries a year: (\d{4})-\d\d is full", text
    ):
        limit = int(found.group(1))
        need(limit == scenario.policy.max_entries_per_year, "the limit")
        year = int(found.group(2))
        need(scenario.horizon.fiscal_year(entry) == year + 1, "not the next year")
        need(scenario.horizon.fy_months(year + 1)[0] == entry, "not the year's first month")
        earlier = [
            c["id"]
            for c in pair.data[side]["clusters"]  # type: ignore[index]
            if scenario.horizon.fiscal_year(parse_month(c["entry"])) == year
        ]
        need(len(earlier) >= limit, f"{found.group(2)} is not full")
    elif found := re.fullmatch(
        rf"is held there \(its entry window is ({MONTH}) only\): (.+)", text
    ):
        need(
            _window(pair, side, cid) == (entry, entry) == (parse_month(found.group(1)),) * 2,
            "window",
        )
        for held in found.group(2).split("; "):
            _shift_claim(pair, side, cid, held)
    elif found := re.fullmatch(
        rf"could enter in any month of its entry window ({MONTH})(?:\.\.({MONTH}))? with no "
        rf"rule broken and (.+?) no worse(?:; (.+))?",
        text,
    ):
        low = parse_month(found.group(1))
        high = parse_month(found.group(2)) if found.group(2) else low
        need(_window(pair, side, cid) == (low, high), "window")
        for held in (found.group(4) or "").split("; "):
            if held:
                _shift_claim(pair, side, cid, held)
    else:
        raise AssertionError(f"unknown reason {text!r}")


def _own_units(pair: Pair, side: str, cid: str, supplier: str) -> int:
    first = pair.cluster(side, cid)["phases"][0]  # type: ignore[index]
    return first["uses"].get(supplier, 0)


def _shifted(pair: Pair, side: str, cid: str, months: int):
    scenario = pair.scenario(side)
    plan = pair.sides[side].plan
    decisions = dict(decisions_from_plan(plan))  # type: ignore[arg-type]
    decisions[cid] = decisions[cid].shifted(months)
    return evaluate(scenario, decisions)


def _stage(scenario: Scenario, objective: dict[str, int]) -> int:
    return sum(weight * objective[name] for name, weight in scenario.objective.stages[0])


def _window(pair: Pair, side: str, cid: str) -> tuple[int, int]:
    """The entry window by trying every shift: no rule broken, first stage no worse."""
    scenario = pair.scenario(side)
    held = _stage(
        scenario, evaluate(scenario, decisions_from_plan(pair.sides[side].plan)).objective
    )  # type: ignore[arg-type]
    entry = pair.entry(side, cid)

    def ok(d: int) -> bool:
        moved = _shifted(pair, side, cid, d)
        return not moved.violations and _stage(scenario, moved.objective) <= held

    low = high = 0
    while entry + low - 1 >= scenario.horizon.start and ok(low - 1):
        low -= 1
    while entry + high + 1 <= scenario.horizon.end and ok(high + 1):
        high += 1
    return entry + low, entry + high


def _shift_claim(pair: Pair, side: str, cid: str, text: str) -> None:
    """``a month earlier would break: ...`` / ``a month later would make extension_cost worse``."""
    found = re.fullmatch(r"a month (earlier|later) would (break: .+|make (.+) worse)", text)
    need(found is not None, f"unknown shift claim {text!r}")
    moved = _shifted(pair, side, cid, -1 if found.group(1) == "earlier" else 1)
    if found.group(2).startswith("break"):
        need(bool(moved.violations), "nothing breaks")
        need(found.group(2)[len("break: ") :] == moved.violations[0], "another rule breaks")
    else:
        scenario = pair.scenario(side)
        need(not moved.violations, "a rule breaks")
        base = evaluate(scenario, decisions_from_plan(pair.sides[side].plan)).objective  # type: ignore[arg-type]
        need(_stage(scenario, moved.objective) > _stage(scenario, base), "not worse")
        need(found.group(3) == " + ".join(n for n, _ in scenario.objective.stages[0]), "stage")


# -- options, terms, caps --------------------------------------------------------------------


@claim(
    rf"([\w-]+) runs ([\w-]+) (.+?) instead of (.+?) \((\d+) months instead of (\d+), ({MONEY}) "
    rf"instead of ({MONEY})\)(?:; in «B» the (.+?) caps? (?:is|are) full over those years)?\."
)
def _option(pair: Pair, match: re.Match) -> None:
    cid, pid = match.group(1), match.group(2)
    pb, pa = pair.phase("B", cid, pid), pair.phase("A", cid, pid)
    months = [parse_month(p["end"]) - parse_month(p["start"]) + 1 for p in (pb, pa)]
    need([int(match.group(5)), int(match.group(6))] == months, "months")
    need(
        [match.group(7), match.group(8)] == [money_label(pb["cost"]), money_label(pa["cost"])],
        "costs",
    )
    need(pb["option"] != pa["option"], "same option")
    scenario = pair.scenario("B")
    phase = next(p for p in scenario.cluster(cid).phases if p.id == pid)
    labels = {mode.option: mode.label for mode in phase.modes}
    need(
        labels.get(pb["option"]) == match.group(3) and labels.get(pa["option"]) == match.group(4),
        "labels",
    )
    if match.group(9):
        tranche = scenario.budget.tranche  # type: ignore[union-attr]
        first = scenario.horizon.fiscal_year(parse_month(pb["start"]))
        last = scenario.horizon.fiscal_year(parse_month(pb["end"]))
        for name in _names(match.group(9)):
            cap = pair.cap("B", name)
            need(cap["amount"] - pair.released("B", cap) < tranche, f"{name} not full")
            need(int(cap["from"][:4]) <= last and int(cap["to"][:4]) >= first, f"{name} not over")


@claim(
    rf"The ([a-z ]+) (rises|falls|rise|fall) by ({MONEY}|\d+) \(from ({MONEY}|\d+) to "
    rf"({MONEY}|\d+)\)(?:: (.+))?\."
)
def _term(pair: Pair, match: re.Match) -> None:
    term = LABELS[match.group(1)]
    va, vb = pair.objective("A", term), pair.objective("B", term)
    show = money_label if "£" in match.group(3) else str
    need([show(abs(vb - va)), show(va), show(vb)] == list(match.group(3, 4, 5)), "figures")
    need((vb > va) == match.group(2).startswith("rise"), "direction")
    if not match.group(6):
        return
    if term == "extension_cost":
        _extension_reasons(pair, match.group(6), vb - va)
    else:
        need(term in ("delivery_cost", "total_cost"), f"no breakdown of {term} expected")
        _cost_reasons(pair, match.group(6), vb - va, term == "total_cost")


def _legacy(pair: Pair, side: str, cid: str, name: str) -> dict[str, Any] | None:
    cluster = pair.cluster(side, cid)
    return next((x for x in cluster["legacy"] if x["name"] == name), None) if cluster else None


def _extension_reasons(pair: Pair, text: str, total: int) -> None:
    pattern = rf"([\w-]+) retires its (.+?) ({MONTH}), (\d+) months? (later|earlier) \((.*?); ([+-]£[^)]+)\)"
    unmatched = r"([\w-]+)'s (.+?), not in «(A|B)» \(([+-]£[^)]+)\)"
    matched = re.sub(unmatched, "", text)
    items = re.findall(pattern, matched)
    need(bool(items) or bool(re.findall(unmatched, text)), "no items")
    need(re.sub(pattern, "", matched).replace("; ", "").strip(";") == "", "text left over")
    summed = 0
    for cid, name, side, money in re.findall(unmatched, text):
        here = "B" if side == "A" else "A"
        item = _legacy(pair, here, cid, name)
        need(item is not None and _legacy(pair, side, cid, name) is None, f"{name} in both")
        cost = item["extension_cost"] * (1 if here == "B" else -1)  # type: ignore[index]
        need(("+" if cost >= 0 else "-") + money_label(abs(cost)) == money, f"{name}'s cost")
        summed += cost
    for cid, name, month, count, when, parts, money in items:
        old, new = _legacy(pair, "A", cid, name), _legacy(pair, "B", cid, name)
        need(old is not None and new is not None, f"{cid} {name} matched")
        moved = parse_month(new["retired"]) - parse_month(old["retired"])  # type: ignore[index]
        need(new["retired"] == month and abs(moved) == int(count), "retirement")  # type: ignore[index]
        need((moved > 0) == (when == "later"), "later or earlier")
        delta = new["extension_cost"] - old["extension_cost"]  # type: ignore[index]
        need(("+" if delta >= 0 else "-") + money_label(abs(delta)) == money, "cost change")
        summed += delta
        _retire_parts(pair, cid, parts, moved)
    need(summed == total, "the items do not add up to the change")


def _retire_parts(pair: Pair, cid: str, text: str, moved: int) -> None:
    """``entry +2 months, implement standard not accelerated +8 months[, waits +1 month]`` add up
    to the retirement's move; each part recomputed."""
    total = 0
    for part in text.split(", "):
        if found := re.fullmatch(r"entry ([+-]\d+ months?)(?: \(actual\))?", part):
            need(
                pair.entry("B", cid) - pair.entry("A", cid) == _months(found.group(1)), "entry part"
            )
            total += _months(found.group(1))
        elif found := re.fullmatch(r"waits ([+-]\d+ months?)", part):
            total += _months(found.group(1))
        elif found := re.fullmatch(r"([\w-]+) (?:.+ not .+ )?([+-]\d+ months?)", part):
            pb, pa = pair.phase("B", cid, found.group(1)), pair.phase("A", cid, found.group(1))
            length = [parse_month(p["end"]) - parse_month(p["start"]) for p in (pb, pa)]
            need(length[0] - length[1] == _months(found.group(2)), f"{part}")
            total += _months(found.group(2))
        elif found := re.fullmatch(
            r"([\w-]+) (?:ran|runs) (\d+) months? (longer|shorter) than «A» planned \(actual\)",
            part,
        ):
            pb, pa = pair.phase("B", cid, found.group(1)), pair.phase("A", cid, found.group(1))
            delta = (parse_month(pb["end"]) - parse_month(pb["start"])) - (
                parse_month(pa["end"]) - parse_month(pa["start"])
            )
            need(abs(delta) == int(found.group(2)) and pb.get("actual"), part)
            total += delta
        else:
            raise AssertionError(f"unknown part {part!r}")
    need(total == moved, f"parts add to {total}, not {moved}")


def _cluster_cost(cluster: dict[str, Any], with_extension: bool) -> int:
    cost = sum(p["cost"] for p in cluster["phases"])
    return cost + (sum(x["extension_cost"] for x in cluster["legacy"]) if with_extension else 0)


def _cost_reasons(pair: Pair, text: str, total: int, with_extension: bool) -> None:
    summed = 0
    for cid, side, money in re.findall(r"([\w-]+), not in «(A|B)» \(([+-]£[^)]+)\)", text):
        here = "B" if side == "A" else "A"
        need(pair.cluster(side, cid) is None, f"{cid} is in {side}")
        cost = sum(p["cost"] for p in pair.cluster(here, cid)["phases"]) * (
            1 if here == "B" else -1
        )  # type: ignore[index]
        need(("+" if cost >= 0 else "-") + money_label(abs(cost)) == money, f"{cid}'s cost")
        summed += cost
    text = re.sub(r"([\w-]+), not in «(A|B)» \(([+-]£[^)]+)\)", "", text)
    for cid, money in re.findall(r"([\w-]+) ([+-]£[\d.]+(?:bn|m|k)?)", text):
        costs = [_cluster_cost(pair.cluster(s, cid), with_extension) for s in "BA"]  # type: ignore[arg-type]
        delta = costs[0] - costs[1]
        need(("+" if delta >= 0 else "-") + money_label(abs(delta)) == money, cid)
        summed += delta
    need(summed == total, "the clusters do not add up to the change")


@claim(
    rf"Completion moves from ({MONTH}) to ({MONTH}) \(([+-]\d+ months?)\), set by the end of "
    rf"([\w-]+)'s last phase\."
)
def _completion(pair: Pair, match: re.Match) -> None:
    va, vb = pair.objective("A", "completion"), pair.objective("B", "completion")
    need([month_label(va), month_label(vb)] == list(match.group(1, 2)), "months")
    need(vb - va == _months(match.group(3)), "shift")
    need(parse_month(pair.cluster("B", match.group(4))["finish"]) == vb, "not the last")  # type: ignore[index]


@claim(
    rf"Net, the extension and delivery costs together (rise|fall) by ({MONEY}) \(from "
    rf"({MONEY}) to ({MONEY})\)\."
)
def _net(pair: Pair, match: re.Match) -> None:
    terms = ("extension_cost", "delivery_cost")
    ta, tb = (sum(pair.objective(s, t) for t in terms) for s in "AB")
    need(
        [money_label(abs(tb - ta)), money_label(ta), money_label(tb)] == list(match.group(2, 3, 4)),
        "net",
    )
    need((tb > ta) == (match.group(1) == "rise"), "direction")
    need(all(pair.objective("A", t) != pair.objective("B", t) for t in terms), "one term is still")


@claim(
    rf"The (.+?) cap releases ({MONEY}) of ({MONEY}) in «B» \(headroom ({MONEY})\) against "
    rf"({MONEY}) of ({MONEY}) in «A»\."
)
def _cap(pair: Pair, match: re.Match) -> None:
    cb, ca = pair.cap("B", match.group(1)), pair.cap("A", match.group(1))
    rb, ra = pair.released("B", cb), pair.released("A", ca)
    figures = [rb, cb["amount"], cb["amount"] - rb, ra, ca["amount"]]
    need([money_label(x) for x in figures] == list(match.group(2, 3, 4, 5, 6)), "figures")


@claim(rf"The (.+?) cap is ({MONEY}) in «B» against ({MONEY}) in «A»; both release ({MONEY})\.")
def _cap_amount(pair: Pair, match: re.Match) -> None:
    cb, ca = pair.cap("B", match.group(1)), pair.cap("A", match.group(1))
    need(
        money_label(cb["amount"]) == match.group(2) and money_label(ca["amount"]) == match.group(3),
        "amounts",
    )
    need(pair.released("B", cb) == pair.released("A", ca), "releases differ")
    need(money_label(pair.released("B", cb)) == match.group(4), "released")


# -- binding rules ---------------------------------------------------------------------------


def _binds(pair: Pair, side: str, item: str) -> bool:
    """Whether the rule ``item`` (``SR21 cap (...)``, ``x capacity (...)``, ``stagger a-b
    (...)``, ``dependency a on b (...)``) binds in ``side``'s plan, with the details right."""
    scenario = pair.sides[side].scenario
    if found := re.fullmatch(r"entries per year (\d{4})-\d\d \((.+) \((\d+) allowed\)\)", item):
        assert scenario is not None
        year, limit = int(found.group(1)), int(found.group(3))
        ids = [
            c["id"]
            for c in pair.data[side]["clusters"]  # type: ignore[index]
            if scenario.horizon.fiscal_year(parse_month(c["entry"])) == year
        ]
        ordered = sorted(ids, key=lambda cid: pair.entry(side, cid))
        return (
            limit == scenario.policy.max_entries_per_year
            and len(ids) >= limit
            and (found.group(2).split(", ") == ordered)
        )
    if found := re.fullmatch(
        rf"(.+) cap \(({MONEY}) of ({MONEY}) released(?: \(headroom .+\))?\)", item
    ):
        cap = pair.cap(side, found.group(1))
        released = pair.released(side, cap)
        tranche = scenario.budget.tranche if scenario and scenario.budget else 1
        right = [money_label(released), money_label(cap["amount"])] == list(found.group(2, 3))
        return right and cap["amount"] - released < tranche
    if found := re.fullmatch(r"([\w-]+) capacity \(all (\d+) in use (.+)\)", item):
        assert scenario is not None
        capacity = scenario.supplier(found.group(1)).capacity
        full = [
            m
            for m in range(scenario.horizon.start, scenario.horizon.end + 1)
            if pair.use(side, found.group(1), m)[0] >= capacity
        ]
        return int(found.group(2)) == capacity and _ranges(full) == found.group(3)
    if found := re.fullmatch(
        rf"stagger ([\w-]+)-([\w-]+) \(\1 ({MONTH}), \2 ({MONTH}): (\d+) months\)", item
    ):
        assert scenario is not None
        x, y = pair.entry(side, found.group(1)), pair.entry(side, found.group(2))
        entries = sorted(c["entry"] for c in pair.data[side]["clusters"])  # type: ignore[index]
        between = [e for e in entries if month_label(x) < e < month_label(y)]
        gap = scenario.policy.stagger_months
        return (
            (y - x == gap == int(found.group(5)))
            and not between
            and month_label(x) == found.group(3)
        )
    if found := re.fullmatch(
        rf"dependency ([\w-]+) on ([\w-]+) \(\1 ([\w-]+)\.(start|end) ({MONTH}) right after "
        rf"\2 ([\w-]+)\.(start|end) ({MONTH})\)",
        item,
    ):
        this = pair.phase(side, found.group(1), found.group(3))[found.group(4)]
        other = pair.phase(side, found.group(2), found.group(6))[found.group(7)]
        return this == found.group(5) and other == found.group(8)
    if found := re.fullmatch(
        rf"hard deadline ([\w-]+): (.+) \(\2 retired ({MONTH}), the deadline month\)", item
    ):
        assert scenario is not None
        legacy = next(
            x for x in scenario.cluster(found.group(1)).legacy if x.name == found.group(2)
        )
        retired = _legacy(pair, side, found.group(1), found.group(2))
        return legacy.hard_deadline == parse_month(found.group(3)) and retired[
            "retired"
        ] == found.group(3)  # type: ignore[index]
    raise AssertionError(f"unknown binding rule {item!r}")


def _ranges(months: list[int]) -> str:
    runs: list[list[int]] = []
    for m in months:
        if runs and m == runs[-1][1] + 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    return ", ".join(
        month_label(a) if a == b else f"{month_label(a)}..{month_label(b)}" for a, b in runs
    )


def _items(text: str) -> list[str]:
    """``a (x; y); b (z)`` split at the ``; `` outside brackets."""
    out, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        current += char
        if depth == 0 and current.endswith("; "):
            out.append(current[:-2])
            current = ""
    return [*out, current]


@claim(r"Binding in «(A|B)» only: (.+)\.")
def _binding_only(pair: Pair, match: re.Match) -> None:
    side = match.group(1)
    other = "A" if side == "B" else "B"
    for item in _items(match.group(2)):
        need(_binds(pair, side, item), f"{item} does not bind")
        title = item.split(" (")[0]
        need(not _binds_title(pair, other, title), f"{title} binds in the other too")


def _binds_title(pair: Pair, side: str, title: str) -> bool:
    """Whether any rule of that title binds in ``side`` (details aside)."""
    scenario = pair.sides[side].scenario
    if title.endswith(" cap"):
        cap = pair.cap(side, title[:-4])
        tranche = scenario.budget.tranche if scenario and scenario.budget else 1
        return cap["amount"] - pair.released(side, cap) < tranche
    if title.endswith(" capacity") and scenario is not None:
        supplier = scenario.supplier(title[: -len(" capacity")])
        return any(
            pair.use(side, supplier.id, m)[0] >= supplier.capacity
            for m in range(scenario.horizon.start, scenario.horizon.end + 1)
        )
    if title.startswith("stagger ") and scenario is not None:
        x, y = title[len("stagger ") :].split("-", 1)
        entries = sorted((pair.entry(side, c["id"]), c["id"]) for c in pair.data[side]["clusters"])  # type: ignore[index]
        ids = [cid for _, cid in entries]
        gap = scenario.policy.stagger_months
        return (
            gap > 0
            and ids.index(y) == ids.index(x) + 1
            and pair.entry(side, y) - pair.entry(side, x) == gap
        )
    return False  # dependencies and deadlines: judged by their own details above


@claim(r"Binding in both, at different times: (.+)\.")
def _binding_both(pair: Pair, match: re.Match) -> None:
    for item in _items(match.group(1)):
        found = re.fullmatch(
            r"([\w-]+) capacity \(«A» all (\d+) in use (.+); «B» all \2 in use (.+)\)", item
        )
        need(found is not None, f"unknown {item!r}")
        need(
            _binds(
                pair,
                "A",
                f"{found.group(1)} capacity (all {found.group(2)} in use {found.group(3)})",
            ),
            "A",
        )
        need(
            _binds(
                pair,
                "B",
                f"{found.group(1)} capacity (all {found.group(2)} in use {found.group(4)})",
            ),
            "B",
        )
        need(found.group(3) != found.group(4), "the same months")


@claim(r"\(Binding rules other than caps need the scenario of a plan JSON: --scenario\.\)")
def _needs_scenario(pair: Pair, match: re.Match) -> None:
    need(any(s.scenario is None for s in pair.sides.values()), "both have scenarios")


# -- absences, milestones, targets -----------------------------------------------------------


@claim(r"The clusters? (.+?) (?:is|are) not in «(A|B)»\.")
def _absent_cluster(pair: Pair, match: re.Match) -> None:
    side = match.group(2)
    other = "A" if side == "B" else "B"
    for cid in _names(match.group(1)):
        need(pair.cluster(side, cid) is None and pair.cluster(other, cid) is not None, cid)


@claim(r"([\w-]+)'s legacy system (.+) is not in «(A|B)»\.")
def _absent_legacy(pair: Pair, match: re.Match) -> None:
    side = match.group(3)
    other = "A" if side == "B" else "B"
    cid, name = match.group(1), match.group(2)
    need(
        _legacy(pair, side, cid, name) is None and _legacy(pair, other, cid, name) is not None, name
    )


@claim(r"Milestones moved \(«B» against «A»\): (.+)\.")
def _milestones(pair: Pair, match: re.Match) -> None:
    pattern = (
        rf"([\w-]+): award ({MONTH}) \(([+-]?\d+ months?)\), go-live ({MONTH}) \(([+-]?\d+ "
        rf"months?)\): ([+-]?\d+ months?) from the actuals, ([+-]?\d+ months?) chosen by the "
        rf"re-optimisation(?: \(\1 (.+?)\))?(?=; [\w-]+: award|$)"
    )
    items = list(re.finditer(pattern, match.group(1)))
    need(bool(items), "no items")
    for item in items:
        cid = item.group(1)
        cb, ca = pair.cluster("B", cid), pair.cluster("A", cid)
        award = parse_month(cb["award"]) - parse_month(ca["award"])  # type: ignore[index]
        live = parse_month(cb["go_live"]) - parse_month(ca["go_live"])  # type: ignore[index]
        need(cb["award"] == item.group(2) and award == _months(item.group(3)), "award")  # type: ignore[index]
        need(cb["go_live"] == item.group(4) and live == _months(item.group(5)), "go-live")  # type: ignore[index]
        need(_months(item.group(6)) + _months(item.group(7)) == live, "the split adds up")
        actual = sum(
            (parse_month(p["end"]) - parse_month(p["start"]))
            - (parse_month(q["end"]) - parse_month(q["start"]))
            for p, q in zip(cb["phases"], ca["phases"], strict=False)  # type: ignore[index]
            if p.get("actual")
        )
        if cb["phases"][0].get("actual"):  # type: ignore[index]
            actual += pair.entry("B", cid) - pair.entry("A", cid)
        need(
            actual >= _months(item.group(6))
            if actual > 0
            else actual <= _months(item.group(6)) or actual == 0,
            "actuals",
        )
        if item.group(8):
            _reason(pair, "B", cid, item.group(8))


@claim(rf"Target (.+?) \(({MONTH})\): (.+)\.")
def _target(pair: Pair, match: re.Match) -> None:
    for part in match.group(3).split("; "):
        found = re.fullmatch(
            rf"(met, (\d+) months? to spare|missed by (\d+) months?) \(([\w-]+) goes live "
            rf"({MONTH})\) in «(A|B)»",
            part,
        )
        need(found is not None, f"unknown {part!r}")
        side = found.group(6)
        target = next(t for t in pair.scenario(side).targets if t.name == match.group(1))
        need(month_label(target.month) == match.group(2), "target month")
        ids = target.clusters or [c["id"] for c in pair.data[side]["clusters"]]  # type: ignore[index]
        lives = {cid: parse_month(pair.cluster(side, cid)["go_live"]) for cid in ids}  # type: ignore[index]
        latest = max(lives, key=lambda cid: lives[cid])
        need(found.group(4) == latest and month_label(lives[latest]) == found.group(5), "latest")
        margin = target.month - lives[latest]
        if found.group(2):
            need(margin >= 0 and margin == int(found.group(2)), "spare")
        else:
            need(margin < 0 and -margin == int(found.group(3)), "late")


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
    if found := re.fullmatch(r"the (market|earliest|latest) entries as in «B» \((.+)\)", text):
        field = {"market": "fixed_entry", "earliest": "earliest_entry", "latest": "latest_entry"}
        name = field[found.group(1)]
        clusters = list(a.clusters)
        for item in _names(found.group(2)):
            cid, new, old = re.fullmatch(r"([\w-]+) (.+) instead of (.+)", item).groups()  # type: ignore[union-attr]
            words = [_words(name, getattr(s.cluster(cid), name)) for s in (b, a)]
            need(words == [new, old], f"{cid}'s {name}")
            clusters = [
                replace(c, **{name: getattr(b.cluster(cid), name)}) if c.id == cid else c
                for c in clusters
            ]
        return replace(a, clusters=tuple(clusters))
    if found := re.fullmatch(
        r"«B»'s stagger \((?:entries at least (\d+) months? apart|no stagger)\)", text
    ):
        need(
            int(found.group(1) or 0) == b.policy.stagger_months != a.policy.stagger_months,
            "stagger",
        )
        return replace(a, policy=replace(a.policy, stagger_months=b.policy.stagger_months))
    if found := re.fullmatch(rf"the (.+) cap at «B»'s ({MONEY})", text):
        new = next(c for c in b.budget.caps if c.name == found.group(1))  # type: ignore[union-attr]
        need(money_label(new.amount) == found.group(2), "B's amount")
        caps = tuple(
            replace(c, amount=new.amount) if c.name == new.name else c for c in a.budget.caps
        )  # type: ignore[union-attr]
        return replace(a, budget=replace(a.budget, caps=caps))  # type: ignore[arg-type]
    if found := re.fullmatch(r"«B»'s entries per year \((?:at most (\d+) a year|no limit)\)", text):
        limit = int(found.group(1)) if found.group(1) else None
        need(limit == b.policy.max_entries_per_year, "the limit")
        return replace(a, policy=replace(a.policy, max_entries_per_year=limit))
    if found := re.fullmatch(rf"«B»'s programme deadline \((?:by ({MONTH})|none)\)", text):
        deadline = parse_month(found.group(1)) if found.group(1) else None
        need(deadline == b.policy.deadline, "the deadline")
        return replace(a, policy=replace(a.policy, deadline=deadline))
    raise AssertionError(f"unknown counterfactual {text!r}")


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
    if found := re.fullmatch(r"the (market|earliest|latest) entries as in «A» \((.+)\)", text):
        field = {"market": "fixed_entry", "earliest": "earliest_entry", "latest": "latest_entry"}
        name = field[found.group(1)]
        clusters = list(b.clusters)
        for item in _names(found.group(2)):
            cid, old, new = re.fullmatch(r"([\w-]+) (.+) instead of (.+)", item).groups()  # type: ignore[union-attr]
            words = [_words(name, getattr(s.cluster(cid), name)) for s in (a, b)]
            need(words == [old, new], f"{cid}'s {name}")
            clusters = [
                replace(c, **{name: getattr(a.cluster(cid), name)}) if c.id == cid else c
                for c in clusters
            ]
        return replace(b, clusters=tuple(clusters))
    if found := re.fullmatch(
        r"«A»'s stagger \((?:entries at least (\d+) months? apart|no stagger)\)", text
    ):
        need(
            int(found.group(1) or 0) == a.policy.stagger_months != b.policy.stagger_months,
            "stagger",
        )
        return replace(b, policy=replace(b.policy, stagger_months=a.policy.stagger_months))
    if found := re.fullmatch(rf"the (.+) cap at «A»'s ({MONEY})", text):
        old = next(c for c in a.budget.caps if c.name == found.group(1))  # type: ignore[union-attr]
        need(money_label(old.amount) == found.group(2), "A's amount")
        caps = tuple(
            replace(c, amount=old.amount) if c.name == old.name else c for c in b.budget.caps
        )  # type: ignore[union-attr]
        return replace(b, budget=replace(b.budget, caps=caps))  # type: ignore[arg-type]
    if found := re.fullmatch(r"«A»'s entries per year \((?:at most (\d+) a year|no limit)\)", text):
        limit = int(found.group(1)) if found.group(1) else None
        need(limit == a.policy.max_entries_per_year, "the limit")
        return replace(b, policy=replace(b.policy, max_entries_per_year=limit))
    if found := re.fullmatch(rf"«A»'s programme deadline \((?:by ({MONTH})|none)\)", text):
        deadline = parse_month(found.group(1)) if found.group(1) else None
        need(deadline == a.policy.deadline, "the deadline")
        return replace(b, policy=replace(b.policy, deadline=deadline))
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
