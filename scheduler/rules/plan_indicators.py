"""Reading the figures a plan file derives from its plan and scenario, ``indicators`` (per financial
year, see the README's plan format) and ``targets`` (met or missed), field by field: each value of
the wrong type is a problem with its key path
(``indicators.years[3].users: expected a whole number or null, got "many"``). The figures are
kept as the file gives them, for ``check`` to compare with a recomputation from the plan.

The shape is declared once, in :data:`SHAPE`: a mapping is a dict of its keys (a key ending in
``?`` may be absent), a list is a one-item list of its items' shape, and a leaf is a type name of
:data:`LEAVES`. Keys the shape does not know are ignored, as elsewhere in the plan reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scheduler.units import UnitError, parse_fy, parse_month

__all__ = ["SHAPE", "TARGETS", "read_indicators", "read_targets"]

_SHARE = {
    "clusters": ["text"],
    "departments": "count?",
    "departments_share": "fraction?",
    "users": "count?",
    "users_share": "fraction?",
}
_LEGACY = {
    **{
        key: "count"
        for key in (
            "retired_in_year",
            "due_in_year",
            "retired",
            "due",
            "in_service",
            "due_not_retired",
        )
    },
    # legacy instances and platforms: optional, so that a plan file written before them still reads
    **{f"{key}?": "count" for key in ("instances_retired_in_year", "instances_retired")},
    "instances_in_service?": "count",
}
_PLATFORMS = {"in_use": "texts?", "count": "count?", "live_without_platform": "count"}
_STAGES = {
    key: ["text"]
    for key in ("pre_market", "in_competition", "implementing", "transitioning", "live")
}
_CAP = {"name": "text", "amount": "pounds", "released_to_date": "pounds", "headroom": "pounds"}
_MILESTONE = {
    "month": "month",
    "cluster": "text",
    "milestone": "text",
    "legacy?": "text",
    "actual": "bool",
}
_YEAR = {
    "year": "year",
    "end": "month",
    "history": "bool",
    "stages": _STAGES,
    "on_new_systems": _SHARE,
    "legacy": _LEGACY,
    "platforms?": _PLATFORMS,
    "spend": "pounds",
    "released": "pounds",
    "caps": [_CAP],
    "benefits": "pounds?",
    "benefits_to_date": "pounds?",
    "milestones": [_MILESTONE],
}
SHAPE: dict[str, Any] = {
    "totals": {
        "clusters": "count",
        "departments": "count?",
        "users": "count?",
        "legacy": "count",
        "legacy_instances?": "count",
        "platforms?": "texts?",
    },
    "not_given": {"*": "text"},
    "years": [_YEAR],
}
TARGETS: list[Any] = [
    {
        "name": "text",
        "month": "month",
        "clusters": ["text"],
        "go_live": "month",
        "latest": "text",
        "met": "bool",
        "months": "count",
    }
]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _month(value: Any) -> bool:
    try:
        parse_month(value)
    except UnitError:
        return False
    return isinstance(value, str)


def _leaves(fy_start: int) -> dict[str, tuple[Callable[[Any], bool], str]]:
    def year(value: Any) -> bool:
        try:
            parse_fy(value, fy_start)
        except UnitError:
            return False
        return isinstance(value, str)

    return {
        "text": (lambda v: isinstance(v, str), "text"),
        "texts": (
            lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
            "a list of text",
        ),
        "bool": (lambda v: isinstance(v, bool), "true or false"),
        "count": (lambda v: _whole(v) and v >= 0, "a whole number 0 or more"),
        "pounds": (_whole, "whole pounds"),
        "fraction": (
            lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1,
            "a share from 0 to 1",
        ),
        "month": (_month, "a month like 2025-10"),
        "year": (year, "a financial year like 2025-26"),
    }


def read_indicators(
    value: Any, fy_start: int, fail: Callable[[str, str], None], shown: Callable[[Any], str]
) -> dict[str, Any]:
    """Check ``value`` against :data:`SHAPE`, calling ``fail(path, message)`` for each problem;
    return it (``{}`` when it is not an object)."""
    _read(value, SHAPE, "indicators", fy_start, fail, shown)
    return value if isinstance(value, dict) else {}


def read_targets(
    value: Any, fy_start: int, fail: Callable[[str, str], None], shown: Callable[[Any], str]
) -> list[Any]:
    """Check ``value`` against :data:`TARGETS`, calling ``fail(path, message)`` for each problem;
    return it (``[]`` when it is not a list)."""
    _read(value, TARGETS, "targets", fy_start, fail, shown)
    return value if isinstance(value, list) else []


def _read(
    value: Any,
    shape: Any,
    root: str,
    fy_start: int,
    fail: Callable[[str, str], None],
    shown: Callable[[Any], str],
) -> None:
    leaves = _leaves(fy_start)

    def walk(item: Any, shape: Any, path: str) -> None:
        if isinstance(shape, dict):
            if not isinstance(item, dict):
                fail(path, f"expected an object, got {shown(item)}")
                return
            if "*" in shape:
                for key, sub in item.items():
                    walk(sub, shape["*"], f"{path}.{key}")
                return
            for key, sub in shape.items():
                name = key.rstrip("?")
                if name in item:
                    walk(item[name], sub, f"{path}.{name}")
                elif not key.endswith("?"):
                    fail(f"{path}.{name}", "required but missing")
        elif isinstance(shape, list):
            if not isinstance(item, list):
                fail(path, f"expected a list, got {shown(item)}")
                return
            for index, sub in enumerate(item):
                walk(sub, shape[0], f"{path}[{index}]")
        else:
            optional = shape.endswith("?")
            test, what = leaves[shape.rstrip("?")]
            if item is None and optional:
                return
            if not test(item):
                fail(path, f"expected {what}{' or null' if optional else ''}, got {shown(item)}")

    walk(value, shape, root)
