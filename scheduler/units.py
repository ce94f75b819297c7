"""Months, money and financial years: the units every scenario and plan is written in.

A *month* is held as an integer ordinal, ``year * 12 + (month - 1)``, so that month arithmetic is
integer arithmetic; :func:`month_label` turns it back into ``YYYY-MM``. A *financial year* is held
as the calendar year in which it starts (``2023`` for ``2023-24``). Money is held as integer pounds.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "Month",
    "UnitError",
    "fiscal_year",
    "fy_label",
    "fy_months",
    "money_label",
    "month",
    "month_label",
    "monthly_spread",
    "parse_fy",
    "parse_money",
    "parse_month",
    "printable",
    "to_thousands",
]


class UnitError(ValueError):
    """A value that is not a valid month, amount of money or financial year."""


_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")
_MONEY_RE = re.compile(
    r"^\s*(-?)\s*£?\s*([0-9][0-9_,]*(?:\.[0-9_]+)?|\.[0-9]+)\s*(k|m|bn)?\s*$", re.I
)
_FY_RE = re.compile(r"^\s*(\d{4})(?:-(\d{2}|\d{4}))?\s*$")
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}


def month(year: int, month_of_year: int) -> int:
    """The ordinal of ``year``-``month_of_year``."""
    return year * 12 + (month_of_year - 1)


def parse_month(value: object) -> int:
    """Parse ``YYYY-MM`` (or a YAML date / ``YYYY-MM-DD``: the month is taken) into an ordinal."""
    if isinstance(value, _dt.date):
        return month(value.year, value.month)
    if isinstance(value, str):
        match = _MONTH_RE.match(value)
        if match:
            year, mon = int(match.group(1)), int(match.group(2))
            if 1 <= mon <= 12:
                return month(year, mon)
    raise UnitError(f"expected a month like 2025-10, got {value!r}")


def month_label(ordinal: int) -> str:
    """``YYYY-MM`` for a month ordinal."""
    year, index = divmod(ordinal, 12)
    return f"{year:04d}-{index + 1:02d}"


class Month(int):
    """A month ordinal that shows itself as ``YYYY-MM``: ``Month(24362)`` prints ``2030-03``.

    It is an ``int`` (arithmetic, comparison, hashing and JSON are the ordinal's; ``m + 1`` is a
    plain ``int``), so the plan's months can be used in sums and as dict keys, while ``repr``,
    ``str`` and f-strings show the month a planner reads. ``Month.parse("2030-03")`` reads one.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return month_label(self)

    __str__ = __repr__

    @classmethod
    def parse(cls, value: object) -> Month:
        return cls(parse_month(value))


def parse_money(value: object) -> int:
    """Parse money into integer pounds: ``£300m``, ``1.2bn``, ``750k``, ``2_500_000`` or a number."""
    if isinstance(value, bool):
        raise UnitError(f"expected an amount of money like £5m, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise UnitError(f"expected an amount of money like £5m, got {value!r}")
        return int(Decimal(str(value)).to_integral_value())
    if isinstance(value, str):
        match = _MONEY_RE.match(value)
        if match:
            sign, digits, suffix = match.groups()
            try:
                amount = Decimal(digits.replace("_", "").replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the regex admits only digits
                pass
            else:
                amount *= _SUFFIX[(suffix or "").lower()]
                pounds = int(amount.to_integral_value())
                return -pounds if sign else pounds
    raise UnitError(
        f"expected an amount of money like £5m, 1.2bn, 750k or 2_500_000, got {value!r}"
    )


def money_label(pounds: int) -> str:
    """A short human label: ``£300m``, ``£4.29m``, ``£750k``, ``£12``."""
    sign = "-" if pounds < 0 else ""
    amount = abs(pounds)
    for suffix, scale in (("bn", 1_000_000_000), ("m", 1_000_000), ("k", 1_000)):
        if amount >= scale:
            text = f"{amount / scale:.2f}".rstrip("0").rstrip(".")
            return f"{sign}£{text}{suffix}"
    return f"{sign}£{amount}"


def fiscal_year(month_ordinal: int, fy_start: int) -> int:
    """The financial year (by its starting calendar year) that contains a month."""
    year, index = divmod(month_ordinal, 12)
    return year if index + 1 >= fy_start else year - 1


def fy_months(year: int, fy_start: int) -> tuple[int, int]:
    """First and last month ordinal of financial year ``year``."""
    first = month(year, fy_start)
    return first, first + 11


def fy_label(year: int, fy_start: int = 4) -> str:
    """``2023-24`` for a financial year starting in 2023 (``2023`` when years are calendar years)."""
    if fy_start == 1:
        return f"{year:04d}"
    return f"{year:04d}-{(year + 1) % 100:02d}"


def parse_fy(value: object, fy_start: int = 4) -> int:
    """Parse a financial-year label (``2023-24``, ``2023-2024``, or ``2023``) into its start year."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(text, str):
        match = _FY_RE.match(text)
        if match:
            start = int(match.group(1))
            end = match.group(2)
            if end is None:
                return start
            if fy_start != 1 and int(end) % 100 == (start + 1) % 100:
                return start
    expected = "2023" if fy_start == 1 else "2023-24"
    raise UnitError(f"expected a financial year like {expected}, got {value!r}")


def to_thousands(pounds: int) -> int:
    """Whole £1k, rounding half up: the unit the model uses for spend, releases and caps."""
    return (pounds + 500) // 1000


def monthly_spread(cost: int, months: int) -> tuple[int, ...]:
    """A cost spread evenly over ``months``, in whole £1k, summing exactly to ``to_thousands(cost)``.

    The remainder of the division goes one £1k at a time to the earliest months, so
    ``monthly_spread(£10k, 3) == (4, 3, 3)``. This rounding rule is part of the scenario contract:
    the solver and the independent check both follow it.
    """
    base, extra = divmod(to_thousands(cost), months)
    return tuple(base + 1 if index < extra else base for index in range(months))


def money_text(pounds: int) -> str:
    """``£300m``; with the exact pounds when the short label rounds: ``£4.29m (£4,285,000)``."""
    label = money_label(pounds)
    return label if parse_money(label) == pounds else f"{label} (£{pounds:,})"


def millions(pounds: int) -> str:
    """Pounds as £m to three decimals (exact to £1k), ``-`` for zero: ``295.000``."""
    return f"{pounds / 1_000_000:,.3f}" if pounds else "-"


def window_text(window: tuple[int, int]) -> str:
    """A window of months: ``2023-04`` for one month, ``2023-04..2023-09`` for several."""
    low, high = window
    return month_label(low) if low == high else f"{month_label(low)}..{month_label(high)}"


# Control characters (C0 and C1: escape sequences, bells, carriage returns), bidirectional-text
# controls (they reorder what a terminal shows), zero-width and line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def printable(text: str, keep: str = "\n\t") -> str:
    """``text`` safe for a terminal: the characters that would retitle it, clear it or reorder
    what it shows are written as escapes (``\\x1b``, ``\\u202e``); those in ``keep`` (newline
    and tab by default) pass. Every report a user reads goes through this."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in keep:
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE.sub(escape, text)
