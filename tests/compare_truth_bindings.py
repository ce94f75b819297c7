"""The reader's checkers for what a comparison says of the binding rules (caps, capacities,
stagger gaps, deadlines), the clusters and legacy systems one plan lacks, the milestones that
moved and the targets (registered with :func:`compare_truth.claim`)."""

from __future__ import annotations

import re

from compare_truth import MONEY, MONTH, Pair, _months, _names, claim, need
from compare_truth_entries import entry_reason

from scheduler.units import money_label, month_label, parse_month

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
        retired = pair.legacy(side, found.group(1), found.group(2))
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
    need(pair.legacy(side, cid, name) is None and pair.legacy(other, cid, name) is not None, name)


@claim(r"Milestones moved \(«B» against «A»\): (.+)\.")
def _milestones(pair: Pair, match: re.Match) -> None:
    pattern = (
        rf"([\w-]+): award ({MONTH}) \(([+-]?\d+ months?)\), go-live ({MONTH}) \(([+-]?\d+ "
        rf"months?)\): ([+-]?\d+ months?) from the actuals, (?:([+-]?\d+ months?) from «B»'s "
        rf"entry bounds \((fixed entry|earliest entry|latest entry|the status date) ({MONTH})\), )?"
        rf"([+-]?\d+ months?) chosen by the re-optimisation(?: \(\1 (.+?)\))?"
        rf"(?=; [\w-]+: award|$)"
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
        bounds = _months(item.group(7)) if item.group(7) else 0
        need(_months(item.group(6)) + bounds + _months(item.group(10)) == live, "the split adds up")
        if item.group(7):
            _entry_bound(pair, cid, bounds, item.group(8), parse_month(item.group(9)))
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
        if item.group(11):
            entry_reason(pair, "B", cid, item.group(11))


def _entry_bound(pair: Pair, cid: str, months: int, name: str, month: int) -> None:
    """B's bound ``name`` at ``month`` forces ``months`` of the entry's move from A's entry: the
    bound is B's scenario's, the entry lies on its side of it, and A's entry beyond it."""
    scenario = pair.scenario("B")
    cluster = scenario.cluster(cid)
    given = {
        "fixed entry": cluster.fixed_entry,
        "earliest entry": cluster.earliest_entry,
        "latest entry": cluster.latest_entry,
        "the status date": scenario.status_date,
    }[name]
    need(given == month, f"{name} is {given}")
    before, after = pair.entry("A", cid), pair.entry("B", cid)
    if months > 0:
        need(before < month <= after and months == month - before, "a floor forces the move")
    else:
        need(after <= month < before and months == month - before, "a ceiling forces the move")


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
