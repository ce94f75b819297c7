"""The plan as CSV for spreadsheets: ``plan.csv`` (one row per cluster phase, with its
predecessors), ``funding.csv`` (one row per cluster and financial year) and ``indicators.csv``
(one row per financial year, :mod:`scheduler.analysis.indicators`).

Both start with a UTF-8 byte-order mark, so Excel reads them as UTF-8 (without it Excel shows
``£`` as ``Â£``); money is integer pounds, months ``YYYY-MM``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from scheduler.analysis.graph import uses_text
from scheduler.analysis.indicators import STAGES, Indicators
from scheduler.plan import Plan
from scheduler.report.atomic import write_atomic
from scheduler.report.links import link_text, phase_links, predecessors
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario
from scheduler.units import fy_label, month_label

__all__ = [
    "CSV_COLUMNS",
    "FUNDING_COLUMNS",
    "columns",
    "funding_rows",
    "indicator_columns",
    "indicator_rows",
    "plan_rows",
    "write_funding_csv",
    "write_indicators_csv",
    "write_plan_csv",
]

CSV_COLUMNS = (
    "cluster",
    "phase",
    "start",
    "end",
    "months",
    "option",
    "option_label",
    "uses",
    "cost",
    "predecessors",
)
FUNDING_COLUMNS = ("year", "cluster", "spend", "released", "caps")
NOT_GIVEN = "not given"  # a figure the scenario does not give: never 0
INDICATOR_COLUMNS = (
    "year",
    "end",
    "history",
    *STAGES,
    "on_new_systems",
    "departments",
    "departments_total",
    "departments_share",
    "users",
    "users_total",
    "users_share",
    "legacy_retired_in_year",
    "legacy_due_in_year",
    "legacy_retired",
    "legacy_due",
    "legacy_in_service",
    "legacy_due_not_retired",
    "legacy_instances_retired_in_year",
    "legacy_instances_retired",
    "legacy_instances_in_service",
    "platforms",
    "platform_count",
    "live_without_platform",
    "spend",
    "released",
)


def plan_rows(scenario: Scenario, plan: Plan) -> list[dict[str, str | int]]:
    """One row per cluster phase, in plan order; ``option`` is empty for a phase without options,
    ``uses`` reads ``erp-market:1;ibm:2``, ``cost`` is integer pounds, ``predecessors`` lists
    the scenario's links into the phase (``synergy:tender FS; matrix:tender FS+3``, see
    :mod:`scheduler.report.links`); with a status date, ``actual`` is ``yes`` for a phase that
    is history."""
    into = predecessors(phase_links(scenario, plan))
    return [
        {
            "cluster": cluster_plan.id,
            "phase": phase.id,
            "start": month_label(phase.start),
            "end": month_label(phase.end),
            "months": phase.months,
            "option": "" if phase.option is None else phase.option,
            "option_label": option_label(scenario, cluster_plan.id, phase),
            "uses": uses_text(phase.uses),
            "cost": phase.cost,
            "predecessors": "; ".join(
                link_text(link) for link in into.get((cluster_plan.id, phase.id), [])
            ),
            **({"actual": "yes" if phase.actual else ""} if plan.status_date is not None else {}),
        }
        for cluster_plan in plan.clusters
        for phase in cluster_plan.phases
    ]


def columns(plan: Plan) -> tuple[str, ...]:
    """The CSV's columns: with a status date, ``actual`` says which phases are history."""
    return CSV_COLUMNS + (("actual",) if plan.status_date is not None else ())


def funding_rows(plan: Plan) -> list[dict[str, str | int]]:
    """One row per financial year and cluster with spend or a release: spend and release in
    integer pounds, and the caps covering the year."""
    fy = plan.fiscal_year_start
    years = sorted({y for c in plan.clusters for y, v in {**c.spend, **c.funding}.items() if v})
    rows: list[dict[str, str | int]] = []
    for year in years:
        caps = ", ".join(cap.name for cap in plan.caps if cap.first_year <= year <= cap.last_year)
        for c in plan.clusters:
            spend, released = c.spend.get(year, 0), c.funding.get(year, 0)
            if spend or released:
                rows.append(
                    {
                        "year": fy_label(year, fy),
                        "cluster": c.id,
                        "spend": spend,
                        "released": released,
                        "caps": caps,
                    }
                )
    return rows


def _given(value: object) -> str | int | float:
    return NOT_GIVEN if value is None else value  # type: ignore[return-value]


def _cap_names(found: Indicators) -> list[str]:
    names: list[str] = []
    for row in found.years:
        names += [cap.name for cap in row.caps if cap.name not in names]
    return names


def indicator_columns(found: Indicators) -> tuple[str, ...]:
    """:data:`INDICATOR_COLUMNS`, a ``<cap> released_to_date`` column per cap, the benefits and
    the milestones."""
    caps = tuple(f"{name}: released to date" for name in _cap_names(found))
    return INDICATOR_COLUMNS + caps + ("benefits", "benefits_to_date", "milestones")


def indicator_rows(found: Indicators) -> list[dict[str, str | int | float]]:
    """One row per financial year: stage counts at the year's end, convergence, legacy, money
    (pounds), each cap's releases to date in the years it covers (empty in the others), benefits
    and the year's milestones (``2024-08 synergy award; ...``). A figure the scenario does not
    give is ``not given``."""
    rows: list[dict[str, str | int | float]] = []
    for row in found.years:
        released = {cap.name: cap.released for cap in row.caps}
        values: dict[str, object] = {
            "year": row.label,
            "end": month_label(row.end),
            "history": "yes" if row.history else "",
            **{stage: len(row.stages[stage]) for stage in STAGES},
            "on_new_systems": ";".join(row.on_new_systems),
            "departments": _given(row.departments.value),
            "departments_total": _given(row.departments.total),
            "departments_share": _given(row.departments.share),
            "users": _given(row.users.value),
            "users_total": _given(row.users.total),
            "users_share": _given(row.users.share),
            "legacy_retired_in_year": row.legacy_retired_in_year,
            "legacy_due_in_year": row.legacy_due_in_year,
            "legacy_retired": row.legacy_retired,
            "legacy_due": row.legacy_due,
            "legacy_in_service": row.legacy_in_service,
            "legacy_due_not_retired": row.legacy_due_not_retired,
            "legacy_instances_retired_in_year": row.instances_retired_in_year,
            "legacy_instances_retired": row.instances_retired,
            "legacy_instances_in_service": row.instances_in_service,
            "platforms": _given(None if row.platforms is None else ";".join(row.platforms)),
            "platform_count": _given(None if row.platforms is None else len(row.platforms)),
            "live_without_platform": row.live_without_platform,
            "spend": row.spend,
            "released": row.released,
            **{f"{name}: released to date": released.get(name, "") for name in _cap_names(found)},
            "benefits": _given(row.benefits),
            "benefits_to_date": _given(row.benefits_to_date),
            "milestones": "; ".join(
                f"{month_label(i.month)} {i.cluster} {i.milestone}"
                + (f" ({i.legacy})" if i.legacy else "")
                + (" (history)" if i.actual else "")
                for i in row.milestones
            ),
        }
        rows.append(values)  # type: ignore[arg-type]
    return rows


def write_indicators_csv(found: Indicators, path: str | Path) -> Path:
    """Write :func:`indicator_rows` with a header line, atomically."""
    text = _csv_text(indicator_columns(found), indicator_rows(found))
    return write_atomic(path, text, "utf-8-sig")


def _csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_plan_csv(scenario: Scenario, plan: Plan, path: str | Path) -> Path:
    """Write :func:`plan_rows` with a header line (an infeasible plan gives the header only)."""
    return write_atomic(path, _csv_text(columns(plan), plan_rows(scenario, plan)), "utf-8-sig")


def write_funding_csv(plan: Plan, path: str | Path) -> Path:
    """Write :func:`funding_rows` with a header line."""
    return write_atomic(path, _csv_text(FUNDING_COLUMNS, funding_rows(plan)), "utf-8-sig")
