"""Months, money and financial years: the units every scenario and plan is written in.

A *month* is held as an integer ordinal, ``year * 12 + (month - 1)``, so that month arithmetic is
integer arithmetic; :func:`month_label` turns it back into ``YYYY-MM``. A *financial year* is held
as the calendar year in which it starts (``2023`` for ``2023-24``). Money is held as integer pounds.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal

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
# Thousands separators: a comma only between groups of three digits (``1,500,000``).
_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9_]+)?$")
# Underscores only between digits, as in Python (``2_500_000``).
_UNDERSCORED = re.compile(r"^(?:[0-9]+(?:_[0-9]+)*)?(?:\.[0-9]+(?:_[0-9]+)*)?$")
_FY_RE = re.compile(r"^\s*(\d{4})(?:-(\d{2}|\d{4}))?\s*$")
_CENTS = Decimal("0.01")
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
    """Parse money into integer pounds, exactly: ``£300m``, ``1.2bn``, ``750k``, ``2_500_000``,
    ``£1,500,000`` or a number.

    Arithmetic is in :class:`~decimal.Decimal`, so ``£4.285m`` is exactly £4,285,000. A comma is a
    thousands separator only between groups of three digits (``£1,5m`` and ``£1,2,3`` are
    refused, not read as £15m and £123), and an amount that is not a whole number of pounds
    (``£1.5``, ``0.0001k``) is refused rather than rounded.
    """
    if isinstance(value, bool):
        raise UnitError(f"expected an amount of money like £5m, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise UnitError(f"expected an amount of money like £5m, got {value!r}")
        return _whole_pounds(Decimal(repr(value)), value)
    if isinstance(value, str):
        return _parse_money_text(value)
    raise UnitError(
        f"expected an amount of money like £5m, 1.2bn, 750k or 2_500_000, got {value!r}"
    )


@functools.lru_cache(maxsize=4096)  # a large scenario repeats the same few amounts
def _parse_money_text(value: str) -> int:
    match = _MONEY_RE.match(value)
    if match is None:
        raise UnitError(
            f"expected an amount of money like £5m, 1.2bn, 750k or 2_500_000, got {value!r}"
        )
    sign, digits, suffix = match.groups()
    if "," in digits and not _GROUPED.match(digits):
        raise UnitError(
            f"a comma must separate groups of three digits (as in £1,500,000), got {value!r}"
        )
    if "," not in digits and not _UNDERSCORED.match(digits):
        raise UnitError(f"'_' must stand between digits (as in 2_500_000), got {value!r}")
    amount = Decimal(digits.replace("_", "").replace(",", ""))  # the regex admits only digits
    pounds = _whole_pounds(amount * _SUFFIX[(suffix or "").lower()], value)
    return -pounds if sign else pounds


def _whole_pounds(amount: Decimal, value: object) -> int:
    """``amount`` as an int, or a :class:`UnitError` when it is not a whole number of pounds."""
    if amount != amount.to_integral_value():
        raise UnitError(
            f"expected a whole number of pounds, got {value!r} (£{amount.normalize():f})"
        )
    return int(amount)


def money_label(pounds: int) -> str:
    """A short human label: ``£300m``, ``£4.29m``, ``£750k``, ``£12`` (two decimals at most,
    rounded half up in exact decimal arithmetic)."""
    sign = "-" if pounds < 0 else ""
    amount = abs(pounds)
    for suffix, scale in (("bn", 1_000_000_000), ("m", 1_000_000), ("k", 1_000)):
        if amount >= scale:
            rounded = (Decimal(amount) / scale).quantize(_CENTS, rounding=ROUND_HALF_UP)
            text = f"{rounded:f}".rstrip("0").rstrip(".")
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


def signed_millions(pounds: int) -> str:
    """A difference of pounds as signed £m to three decimals, exact to £1k: ``+12.500``."""
    return f"{(Decimal(pounds) / 1_000_000).quantize(Decimal('0.001'), ROUND_HALF_UP):+,f}"


def millions(pounds: int) -> str:
    """Pounds as £m to three decimals (exact to £1k), ``-`` for zero: ``295.000``."""
    if not pounds:
        return "-"
    return f"{(Decimal(pounds) / 1_000_000).quantize(Decimal('0.001'), ROUND_HALF_UP):,f}"


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
