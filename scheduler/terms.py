"""The objective terms: one registry of their names, units and labels, used everywhere.

Both solver models, the evaluation, the entry windows and every report name a term by the
``name`` here, and read its unit from here, so a term is added or relabelled in one place.
Values are integers: pounds for money terms, a month ordinal (:mod:`scheduler.units`) for
``completion``, a count of months for ``late_months``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scheduler.units import money_label, money_text, month_label

Unit = Literal["money", "month", "count"]


@dataclass(frozen=True)
class Term:
    """One objective term: its id in scenario files and plans, its unit and a planner's label."""

    name: str
    unit: Unit
    label: str
    meaning: str


TERMS: dict[str, Term] = {
    term.name: term
    for term in (
        Term(
            "extension_cost",
            "money",
            "extension cost",
            "cost of keeping legacy systems past expiry",
        ),
        Term(
            "late_months", "count", "late months", "months past expiry, summed over legacy systems"
        ),
        Term("delivery_cost", "money", "delivery cost", "cost of the chosen phase options"),
        Term("total_cost", "money", "total cost", "delivery cost plus extension cost"),
        Term(
            "net_cost",
            "money",
            "net cost",
            "total cost less the benefits of going live before the horizon ends",
        ),
        Term("completion", "month", "completion", "the month the last phase ends"),
        Term("funding", "money", "funding", "funding released over the horizon"),
    )
}
OBJECTIVE_TERMS = tuple(TERMS)
MONEY_TERMS = frozenset(name for name, term in TERMS.items() if term.unit == "money")
MONTH_TERMS = frozenset(name for name, term in TERMS.items() if term.unit == "month")
COUNT_TERMS = frozenset(name for name, term in TERMS.items() if term.unit == "count")


def term(name: str) -> Term:
    """The registered term ``name``; an unknown name is a :class:`ValueError` naming the known
    ones (what each model's ``term`` raises, so every backend refuses the same names)."""
    try:
        return TERMS[name]
    except KeyError:
        raise ValueError(
            f"unknown objective term {name!r}; the terms are {', '.join(OBJECTIVE_TERMS)}"
        ) from None


def from_model(term: str, value: int, origin: int) -> int:
    """A term's value in plan units from a solver model's: the models count months from the
    horizon start (``origin``, a month ordinal), so a month term gets ``origin`` added back."""
    return value + origin if term in MONTH_TERMS else value


def to_model(term: str, value: int, origin: int) -> int:
    """The inverse of :func:`from_model`."""
    return value - origin if term in MONTH_TERMS else value


def term_text(term: str, value: int) -> str:
    """An objective term's value in its unit: ``£72.6m``, ``2030-03``, ``133 months``."""
    if term in MONTH_TERMS:
        return month_label(value)
    if term in MONEY_TERMS:
        return money_text(value)
    if term in COUNT_TERMS:
        return f"{value} month{'s' if value != 1 else ''}"
    return str(value)


def term_gap(term: str, value: int, bound: int) -> str:
    """How far the value is from the proven bound (empty when proven optimal)."""
    if value == bound:
        return ""
    diff = abs(value - bound)
    if term in MONEY_TERMS:
        share = f" ({diff / abs(value):.1%})" if value else ""
        return money_label(diff) + share
    if term in MONTH_TERMS | COUNT_TERMS:
        return f"{diff} month{'s' if diff != 1 else ''}"
    return str(diff)
