"""The reader's checkers for what a comparison says of the market entries and what holds each
(the milestone graph's tight rule, a fixed entry, the entry window), each re-derived from the plans
and scenarios (registered with :func:`compare_truth.claim`)."""

from __future__ import annotations

import itertools
import re

from compare_truth import MONTH, Pair, _months, _names, claim, need

from scheduler.rules.evaluate import decisions_from_plan, evaluate
from scheduler.scenario.data import Scenario
from scheduler.units import month_label, parse_month

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
        entry_reason(pair, "A", cid, match.group(5))


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
        entry_reason(pair, "B", cid, match.group(5))
    if match.group(6):
        entry_reason(pair, "A", cid, match.group(6))


def entry_reason(pair: Pair, side: str, cid: str, text: str) -> None:
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
