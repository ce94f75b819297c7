"""The values a sweep varies: ``--vary PATH=FROM..TO/STEP`` or ``PATH=a,b,c``, and the grid.

Ranges are of money (``£250m..£450m/£25m``), whole numbers (``0..6/1``, step 1 by default),
months (``2028-03..2029-03/3``, in months) or whole percents (``20%..60%/10%``, for risk ranges);
they start at FROM and go up by STEP while not past TO. Lists are typed together (all whole
numbers, all percents, all months, all money, or else text) and applied exactly as written.
Every problem names ``--vary`` and the path.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.keypath import split_assignment
from scheduler.units import UnitError, money_text, month_label, parse_money, parse_month

__all__ = ["MAX_VALUES", "VARY", "Axis", "Value", "classify", "expand_grid", "parse_vary"]

VARY = "--vary"
MAX_VALUES = 1_000  # per --vary axis
_INT = re.compile(r"^[+-]?\d+$")
_MONTH = re.compile(r"^\d{4}-\d{1,2}$")
_MONEY_MARK = re.compile(r"£|\d\s*(k|m|bn)\s*$", re.I)
_PERCENT = re.compile(r"^[+-]?\d+%$")


@dataclass(frozen=True)
class Value:
    """One value of a varied path: ``text`` is the YAML given to the override; ``number`` orders
    and plots it (pounds, a whole number or a month ordinal; ``None`` for other text)."""

    text: str
    number: int | None = None
    kind: str = "text"  # "money", "int", "month", "percent" or "text"

    @property
    def label(self) -> str:
        if self.kind == "money" and self.number is not None:
            return money_text(self.number)
        if self.kind == "month" and self.number is not None:
            return month_label(self.number)
        return self.text


@dataclass(frozen=True)
class Axis:
    path: str
    values: tuple[Value, ...]


def _error(path: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(VARY, None, path, message)])


def _money_yaml(pounds: int) -> str:
    sign, amount = ("-" if pounds < 0 else ""), abs(pounds)
    if amount == 0:
        return "£0"
    if amount and amount % 1_000_000 == 0:
        return f"{sign}£{amount // 1_000_000}m"
    if amount and amount % 1_000 == 0:
        return f"{sign}£{amount // 1_000}k"
    return str(pounds)


def classify(texts: Sequence[str]) -> tuple[Value, ...]:
    """Values of one path, typed together: all whole numbers, all months, all money (at least one
    with ``£`` or a k/m/bn suffix), or else plain text."""
    items = [text.strip() for text in texts]
    if all(_INT.match(text) for text in items):
        return tuple(Value(text, int(text), "int") for text in items)
    if all(_PERCENT.match(text) for text in items):
        return tuple(Value(text, int(text[:-1]), "percent") for text in items)
    try:
        if all(_MONTH.match(text) for text in items):
            return tuple(Value(text, parse_month(text), "month") for text in items)
        if any(_MONEY_MARK.search(text) for text in items):
            return tuple(Value(text, parse_money(text), "money") for text in items)
    except UnitError:
        pass
    return tuple(Value(text) for text in items)


def _steps(path: str, low: int, high: int, step: int, show: Callable[[int], str]) -> list[int]:
    if step <= 0:
        raise _error(path, f"the step must be positive, got {show(step)}")
    if high < low:
        raise _error(path, f"the range runs backwards: {show(low)} is after {show(high)}")
    count = (high - low) // step + 1
    if count > MAX_VALUES:
        raise _error(path, f"the range has {count} values; at most {MAX_VALUES} are allowed")
    return [low + i * step for i in range(count)]


def _parse_range(path: str, spec: str) -> tuple[Value, ...]:
    body, slash, step_text = spec.rpartition("/") if "/" in spec else (spec, "", "")
    low_text, _, high_text = (part.strip() for part in body.partition(".."))
    step_text = step_text.strip()
    if not low_text or not high_text or (slash and not step_text):
        raise _error(
            path,
            f"expected FROM..TO/STEP like £250m..£450m/£25m, 0..6/1 or 20%..60%/10%, got {spec!r}",
        )
    if _MONTH.match(low_text) and _MONTH.match(high_text):
        if step_text and not _INT.match(step_text):
            raise _error(path, f"a month range steps by whole months (like /3), got {step_text!r}")
        try:
            low, high = parse_month(low_text), parse_month(high_text)
        except UnitError as exc:
            raise _error(path, str(exc)) from None
        months = _steps(path, low, high, int(step_text or 1), str)
        return tuple(Value(month_label(m), m, "month") for m in months)
    if _PERCENT.match(low_text) and _PERCENT.match(high_text):
        percent_step = step_text[:-1] if step_text.endswith("%") else step_text
        if percent_step and not _INT.match(percent_step):
            raise _error(
                path, f"a percentage range steps by whole percents (like /10%), got {step_text!r}"
            )
        numbers = _steps(path, int(low_text[:-1]), int(high_text[:-1]), int(percent_step or 1), str)
        return tuple(Value(f"{n}%", n, "percent") for n in numbers)
    if _INT.match(low_text) and _INT.match(high_text) and (not step_text or _INT.match(step_text)):
        numbers = _steps(path, int(low_text), int(high_text), int(step_text or 1), str)
        return tuple(Value(str(n), n, "int") for n in numbers)
    if not step_text:
        raise _error(path, f"a money range needs a step, like £250m..£450m/£25m; got {spec!r}")
    try:
        low, high, step = (parse_money(text) for text in (low_text, high_text, step_text))
    except UnitError as exc:
        message = f"cannot read range {spec!r}: {exc}; expected money, whole numbers or months"
        raise _error(path, message) from None
    amounts = _steps(path, low, high, step, money_text)
    return tuple(Value(_money_yaml(a), a, "money") for a in amounts)


def parse_vary(argument: str) -> Axis:
    """``PATH=FROM..TO/STEP`` (money, whole numbers or months; inclusive of TO when a step lands
    on it) or ``PATH=a,b,c``. Raises :class:`ScenarioError` naming ``--vary`` and the path."""
    path, spec = split_assignment(argument) or ("", "")
    path, spec = path.strip(), spec.strip()
    if not path or not spec:
        message = f"expected PATH=FROM..TO/STEP or PATH=a,b,c, got {argument!r}"
        raise ScenarioError([Problem(VARY, None, "", message)])
    if ".." in spec:
        return Axis(path, _parse_range(path, spec))
    texts = [text.strip() for text in spec.split(",")]
    if any(not text for text in texts):
        raise _error(path, f"empty value in the list {spec!r}")
    if len(texts) > MAX_VALUES:
        raise _error(path, f"the list has {len(texts)} values; at most {MAX_VALUES} are allowed")
    return Axis(path, classify(texts))


def expand_grid(axes: Sequence[Axis]) -> list[tuple[Value, ...]]:
    """The cartesian product, in a stable order: the first axis varies slowest."""
    return list(itertools.product(*(axis.values for axis in axes)))
