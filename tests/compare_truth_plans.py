"""The reader's checkers for what a comparison says of the plans themselves: headlines, options,
objective terms and caps (registered with :func:`compare_truth.claim`; the entries and what holds
them are in ``compare_truth_entries``, binding rules, absences, milestones and targets in
``compare_truth_bindings``)."""

from __future__ import annotations

import re
from typing import Any

from compare_truth import LABELS, MONEY, MONTH, Pair, _months, _names, claim, need

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
        item = pair.legacy(here, cid, name)
        need(item is not None and pair.legacy(side, cid, name) is None, f"{name} in both")
        cost = item["extension_cost"] * (1 if here == "B" else -1)  # type: ignore[index]
        need(("+" if cost >= 0 else "-") + money_label(abs(cost)) == money, f"{name}'s cost")
        summed += cost
    for cid, name, month, count, when, parts, money in items:
        old, new = pair.legacy("A", cid, name), pair.legacy("B", cid, name)
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
