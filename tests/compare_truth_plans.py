"""The reader's checkers for what a comparison says of the plans themselves: headlines, entries
and what holds them, options, objective terms, caps, binding rules, absences, milestones, targets
(registered with :func:`compare_truth.claim`)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from compare_truth import LABELS, MONEY, MONTH, Pair, _months, _names, claim, need

from scheduler.rules.evaluate import decisions_from_plan, evaluate
from scheduler.scenario.data import Scenario
from scheduler.units import money_label, month_label, parse_month

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
