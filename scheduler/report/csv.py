"""The plan as CSV: one row per cluster phase, for spreadsheets."""

from __future__ import annotations

import csv
from pathlib import Path

from scheduler.analysis.graph import uses_text
from scheduler.plan import Plan
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario
from scheduler.units import month_label

__all__ = ["CSV_COLUMNS", "plan_rows", "write_plan_csv"]

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
)


def plan_rows(scenario: Scenario, plan: Plan) -> list[dict[str, str | int]]:
    """One row per cluster phase, in plan order; ``option`` is empty for a phase without options
    and ``uses`` reads ``erp-market:1;ibm:2``; ``cost`` is integer pounds; with a status date,
    ``actual`` is ``yes`` for a phase that is history."""
    rows: list[dict[str, str | int]] = [
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
            **({"actual": "yes" if phase.actual else ""} if plan.status_date is not None else {}),
        }
        for cluster_plan in plan.clusters
        for phase in cluster_plan.phases
    ]
    return rows


def columns(plan: Plan) -> tuple[str, ...]:
    """The CSV's columns: with a status date, ``actual`` says which phases are history."""
    return CSV_COLUMNS + (("actual",) if plan.status_date is not None else ())


def write_plan_csv(scenario: Scenario, plan: Plan, path: str | Path) -> None:
    """Write :func:`plan_rows` with a header line (an infeasible plan gives the header only)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns(plan))
        writer.writeheader()
        writer.writerows(plan_rows(scenario, plan))
