"""Months, money and financial years (scheduler.units)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from scheduler.units import (
    UnitError,
    fiscal_year,
    fy_label,
    fy_months,
    money_label,
    month,
    month_label,
    monthly_spread,
    parse_fy,
    parse_money,
    parse_month,
    to_thousands,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10", (2025, 10)),
        ("2025-1", (2025, 1)),
        (" 2023-04 ", (2023, 4)),
        ("2025-10-31", (2025, 10)),
        (dt.date(2025, 10, 31), (2025, 10)),
        (dt.datetime(2024, 2, 29, 12, 0), (2024, 2)),
    ],
)
def test_parse_month(value: object, expected: tuple[int, int]) -> None:
    assert parse_month(value) == month(*expected)


@pytest.mark.parametrize("value", ["2025-13", "2025-00", "Oct 2025", "2025", 202510, None, ""])
def test_parse_month_rejects(value: object) -> None:
    with pytest.raises(UnitError, match="expected a month like 2025-10"):
        parse_month(value)


def test_month_ordinals_are_arithmetic() -> None:
    assert month(2023, 12) + 1 == month(2024, 1)
    assert month_label(month(2023, 4) + 13) == "2024-05"
    assert month_label(parse_month("2031-03")) == "2031-03"


@pytest.mark.parametrize(
    ("value", "pounds"),
    [
        (300, 300),
        (2_500_000, 2_500_000),
        (1.5, 2),
        ("£300m", 300_000_000),
        ("300M", 300_000_000),
        ("1.2bn", 1_200_000_000),
        ("£1.2bn", 1_200_000_000),
        ("750k", 750_000),
        ("£ 5 m", 5_000_000),
        ("2_500_000", 2_500_000),
        ("£1,000", 1_000),
        ("0.5m", 500_000),
        (".5m", 500_000),
        ("£4.285m", 4_285_000),
        ("0", 0),
        ("-£5m", -5_000_000),
    ],
)
def test_parse_money(value: object, pounds: int) -> None:
    assert parse_money(value) == pounds


@pytest.mark.parametrize("value", ["lots", "£", "5x", "5 million", True, None, float("nan"), []])
def test_parse_money_rejects(value: object) -> None:
    with pytest.raises(UnitError, match="expected an amount of money"):
        parse_money(value)


def test_money_label() -> None:
    assert money_label(300_000_000) == "£300m"
    assert money_label(4_285_000) == "£4.29m"
    assert money_label(750_000) == "£750k"
    assert money_label(1_200_000_000) == "£1.2bn"
    assert money_label(12) == "£12"
    assert money_label(-5_000_000) == "-£5m"


def test_financial_years() -> None:
    assert fiscal_year(month(2023, 3), 4) == 2022
    assert fiscal_year(month(2023, 4), 4) == 2023
    assert fiscal_year(month(2023, 12), 1) == 2023
    assert fy_months(2023, 4) == (month(2023, 4), month(2024, 3))
    assert fy_label(2023) == "2023-24"
    assert fy_label(1999) == "1999-00"
    assert fy_label(2023, 1) == "2023"


@pytest.mark.parametrize(
    ("value", "fy_start", "year"),
    [
        ("2023-24", 4, 2023),
        ("2023-2024", 4, 2023),
        ("2023", 4, 2023),
        (2023, 1, 2023),
        ("1999-00", 4, 1999),
    ],
)
def test_parse_fy(value: object, fy_start: int, year: int) -> None:
    assert parse_fy(value, fy_start) == year


@pytest.mark.parametrize(
    ("value", "fy_start"), [("2023-25", 4), ("2023-24", 1), ("23-24", 4), (True, 4), (None, 4)]
)
def test_parse_fy_rejects(value: object, fy_start: int) -> None:
    with pytest.raises(UnitError, match="expected a financial year"):
        parse_fy(value, fy_start)


def test_to_thousands_rounds_half_up() -> None:
    assert to_thousands(1_499) == 1
    assert to_thousands(1_500) == 2
    assert to_thousands(0) == 0


def test_monthly_spread() -> None:
    assert monthly_spread(10_000, 3) == (4, 3, 3)
    assert monthly_spread(6_000_000, 14) == (429,) * 8 + (428,) * 6
    assert sum(monthly_spread(4_285_499, 7)) == to_thousands(4_285_499)
    assert monthly_spread(0, 2) == (0, 0)


def test_month_is_an_ordinal_that_prints_as_yyyy_mm():
    from scheduler.units import Month, parse_month

    march = Month(parse_month("2030-03"))
    assert (str(march), repr(march), f"{march}") == ("2030-03", "2030-03", "2030-03")
    assert march == 2030 * 12 + 2 and hash(march) == hash(2030 * 12 + 2)
    assert type(march + 1) is int and Month(march + 1) == Month.parse("2030-04")
    assert json.dumps({"m": march}) == '{"m": 24362}'
