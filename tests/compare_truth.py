"""An independent reader of compare's summary: every sentence is matched to the kind of claim it
makes, its figures are parsed out and recomputed from the two plans' JSON (and their scenarios),
and any sentence that no recomputation confirms is reported.

Nothing here calls the summary's own helpers (``scheduler.whatif.compare_*``): months, money and
usage are recomputed from the plan JSON with plain arithmetic, the entry windows by trying every
shift with the rules' evaluation, and attributions by solving the counterfactual scenario the
test builds itself. :func:`contradictions` returns one line per sentence it cannot confirm (an
unknown kind of sentence included), so a test asserts it is empty. The checkers, one per kind of
sentence, are in ``compare_truth_plans`` (headlines, options, terms, caps),
``compare_truth_entries`` (entries and what holds them), ``compare_truth_bindings`` (binding
rules, absences, milestones, targets) and ``compare_truth_cause`` (the attributions).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from scheduler.plan import Plan
from scheduler.scenario.data import Scenario
from scheduler.units import parse_month
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

    def legacy(self, side: str, cid: str, name: str) -> dict[str, Any] | None:
        """The cluster's legacy system ``name`` (``None`` when the plan lacks either)."""
        cluster = self.cluster(side, cid)
        return next((x for x in cluster["legacy"] if x["name"] == name), None) if cluster else None

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
    import compare_truth_bindings  # noqa: F401  (registers the checkers)
    import compare_truth_cause  # noqa: F401
    import compare_truth_entries  # noqa: F401
    import compare_truth_plans  # noqa: F401

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
