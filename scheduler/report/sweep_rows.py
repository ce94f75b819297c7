"""What a sweep's table and chart both read from its rows: which rows have a plan, whether late
months get their own column, each row's varied values as text, and the funding-gap findings."""

from __future__ import annotations

from scheduler.whatif.sweep import SweepResult, SweepRow
from scheduler.whatif.sweep_gap import GapFinding, funding_gaps

__all__ = ["PLANNED", "extra_late", "findings", "value_cell"]

PLANNED = ("optimal", "feasible")


def extra_late(result: SweepResult) -> bool:
    """Late months get their own column when no objective term already reports them."""
    return "late_months" not in result.terms


def findings(result: SweepResult) -> list[GapFinding]:
    """The funding-gap findings of the sweep (read from the exact frontier where there is one)."""
    return funding_gaps(
        result.spec.columns,
        result.rows,
        result.first_stage_label,
        result.spec.base,
        result.base.first_stage,
        result.frontiers,
    )


def value_cell(row: SweepRow, position: int) -> str:
    """The row's value of the ``position``-th varied column, as text (empty when it has none)."""
    value = row.values[position] if position < len(row.values) else None
    return value.label if value is not None else ""
