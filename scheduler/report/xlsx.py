"""The plan as an Excel workbook (``plan.xlsx``, written with XlsxWriter).

Sheets: ``Phases`` (one row per cluster phase, with its option, suppliers and predecessors),
``Milestones`` (market entry, entry window, award, go-live), ``Funding`` (releases per financial
year and cluster against the caps covering the year, with spend), ``Caps`` (released, amount and
headroom, the headroom a formula) and ``Legacy`` (expiry, hard deadline, retirement, late months,
extension cost). Money is numbers in pounds shown with a £ format; months are dates (the first day
of the month, or the last for an end month) shown ``yyyy-mm``. Totals and headroom are formulas
with their values stored, so the sheet shows them before Excel recalculates.

The document properties are fixed (no creation time), so the same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from scheduler.analysis.graph import uses_text
from scheduler.analysis.indicators import STAGE_LABELS, STAGES, Indicators, indicators
from scheduler.plan import Plan
from scheduler.report.atomic import write_atomic
from scheduler.report.links import link_text, phase_links, predecessors
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario

__all__ = ["first_day", "last_day", "workbook_bytes", "write_xlsx"]

FIXED_TIME = dt.datetime(2000, 1, 1)  # document properties: a fixed time, for byte-stable files


def first_day(ordinal: int) -> dt.date:
    year, index = divmod(ordinal, 12)
    return dt.date(year, index + 1, 1)


def last_day(ordinal: int) -> dt.date:
    return first_day(ordinal + 1) - dt.timedelta(days=1)


class _Sheets:
    """The workbook's formats and a helper writing a header row and data rows."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.head = book.add_format({"bold": True, "bg_color": "#EEF2F7", "bottom": 1})
        self.money = book.add_format({"num_format": "£#,##0"})
        self.month = book.add_format({"num_format": "yyyy-mm"})
        self.bold_money = book.add_format({"num_format": "£#,##0", "bold": True, "top": 1})
        self.bold = book.add_format({"bold": True, "top": 1})
        self.percent = book.add_format({"num_format": "0.0%"})

    def sheet(self, name: str, headers: list[str], widths: list[int]) -> Any:
        sheet = self.book.add_worksheet(name)
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write_string(0, col, text, self.head)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        return sheet

    def cell(self, sheet: Any, row: int, col: int, value: object, kind: str = "") -> None:
        if value is None or value == "":
            sheet.write_blank(row, col, None)
        elif kind == "money":
            sheet.write_number(row, col, value, self.money)
        elif kind == "percent":
            sheet.write_number(row, col, value, self.percent)
        elif kind == "month":
            assert isinstance(value, dt.date)
            sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.month)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value))


def _label(scenario: Scenario, cluster_id: str) -> str:
    try:
        return scenario.cluster(cluster_id).label
    except KeyError:
        return cluster_id


def _phases(s: _Sheets, scenario: Scenario, plan: Plan) -> None:
    headers = ["cluster", "phase", "option", "start", "end", "months", "cost", "suppliers"]
    headers.append("predecessors")
    sheet = s.sheet("Phases", headers, [14, 14, 18, 10, 10, 8, 14, 24, 34])
    into = predecessors(phase_links(scenario, plan))
    row = 1
    for c in plan.clusters:
        for p in c.phases:
            preds = "; ".join(link_text(x) for x in into.get((c.id, p.id), []))
            values: list[tuple[object, str]] = [
                (c.id, ""),
                (p.id, ""),
                (option_label(scenario, c.id, p), ""),
                (first_day(p.start), "month"),
                (last_day(p.end), "month"),
                (p.months, ""),
                (p.cost, "money"),
                (uses_text(p.uses), ""),
                (preds, ""),
            ]
            for col, (value, kind) in enumerate(values):
                s.cell(sheet, row, col, value, kind)
            row += 1
    if row > 1:
        total = sum(p.cost for c in plan.clusters for p in c.phases)
        sheet.write_string(row, 0, "total", s.bold)
        sheet.write_formula(row, 6, f"=SUM(G2:G{row})", s.bold_money, total)


def _milestones(s: _Sheets, scenario: Scenario, plan: Plan) -> None:
    headers = ["cluster", "name", "market entry", "window from", "window to", "award", "go-live"]
    sheet = s.sheet("Milestones", headers, [14, 28, 13, 12, 12, 10, 10])
    for row, c in enumerate(plan.clusters, start=1):
        s.cell(sheet, row, 0, c.id)
        s.cell(sheet, row, 1, _label(scenario, c.id))
        s.cell(sheet, row, 2, first_day(c.entry), "month")
        s.cell(sheet, row, 3, first_day(c.entry_window[0]), "month")
        s.cell(sheet, row, 4, first_day(c.entry_window[1]), "month")
        s.cell(sheet, row, 5, last_day(c.award), "month")
        s.cell(sheet, row, 6, last_day(c.go_live), "month")


def _column(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def _funding(s: _Sheets, scenario: Scenario, plan: Plan) -> None:
    """Released per year (one column per cluster, a total) and the caps covering each year; below,
    spend per year the same way."""
    years = sorted({y for c in plan.clusters for y, v in {**c.spend, **c.funding}.items() if v})
    for cap in plan.caps:
        years = sorted(set(years) | set(range(cap.first_year, cap.last_year + 1)))
    ids = [c.id for c in plan.clusters]
    headers = ["released", *ids, "total", "caps"]
    sheet = s.sheet("Funding", headers, [12] + [13] * len(ids) + [14, 28])
    last = _column(len(ids))
    row = 1
    for block, attr in (("released", "funding"), ("spend", "spend")):
        if block == "spend":
            row += 1
            sheet.write_string(row, 0, "spend", s.head)
            for col, cid in enumerate(ids, start=1):
                sheet.write_string(row, col, cid, s.head)
            sheet.write_string(row, len(ids) + 1, "total", s.head)
            row += 1
        first_row = row
        for year in years:
            amounts = [getattr(c, attr).get(year, 0) for c in plan.clusters]
            sheet.write_string(row, 0, scenario.horizon.fy_label(year))
            for col, amount in enumerate(amounts, start=1):
                sheet.write_number(row, col, amount, s.money)
            excel_row = row + 1
            sheet.write_formula(
                row, len(ids) + 1, f"=SUM(B{excel_row}:{last}{excel_row})", s.money, sum(amounts)
            )
            if block == "released":
                caps = [cap.name for cap in plan.caps if cap.first_year <= year <= cap.last_year]
                sheet.write_string(row, len(ids) + 2, ", ".join(caps))
            row += 1
        sheet.write_string(row, 0, "total", s.bold)
        totals = [sum(getattr(c, attr).get(y, 0) for y in years) for c in plan.clusters]
        for col, value in enumerate([*totals, sum(totals)], start=1):
            letter = _column(col)
            formula = f"=SUM({letter}{first_row + 1}:{letter}{row})"
            sheet.write_formula(row, col, formula, s.bold_money, value)
        row += 1


def _caps(s: _Sheets, scenario: Scenario, plan: Plan) -> None:
    headers = ["cap", "from", "to", "released", "amount", "headroom"]
    sheet = s.sheet("Caps", headers, [22, 10, 10, 14, 14, 14])
    for row, cap in enumerate(plan.caps, start=1):
        s.cell(sheet, row, 0, cap.name)
        s.cell(sheet, row, 1, scenario.horizon.fy_label(cap.first_year))
        s.cell(sheet, row, 2, scenario.horizon.fy_label(cap.last_year))
        s.cell(sheet, row, 3, cap.released, "money")
        s.cell(sheet, row, 4, cap.amount, "money")
        excel = row + 1
        sheet.write_formula(row, 5, f"=E{excel}-D{excel}", s.money, cap.amount - cap.released)


def _legacy(s: _Sheets, scenario: Scenario, plan: Plan) -> None:
    headers = ["cluster", "legacy system", "expires", "hard deadline", "retired", "late months"]
    headers.append("extension cost")
    sheet = s.sheet("Legacy", headers, [14, 46, 10, 13, 10, 12, 15])
    deadlines = {(c.id, x.name): x.hard_deadline for c in scenario.clusters for x in c.legacy}
    row = 1
    for c in plan.clusters:
        for system in c.legacy:
            deadline = deadlines.get((c.id, system.name))
            s.cell(sheet, row, 0, c.id)
            s.cell(sheet, row, 1, system.name)
            s.cell(sheet, row, 2, last_day(system.expires), "month")
            s.cell(sheet, row, 3, None if deadline is None else last_day(deadline), "month")
            s.cell(sheet, row, 4, last_day(system.retired), "month")
            s.cell(sheet, row, 5, system.late_months)
            s.cell(sheet, row, 6, system.extension_cost, "money")
            row += 1


def _indicators(
    s: _Sheets, scenario: Scenario, plan: Plan, known: Indicators | None = None
) -> None:
    """One row per financial year; a figure the scenario does not give reads ``not given``."""
    found = known if known is not None else indicators(scenario, plan)
    if found is None:
        return
    caps: list[str] = []
    for year in found.years:
        caps += [cap.name for cap in year.caps if cap.name not in caps]
    headers = ["year", "year end", "history", *(STAGE_LABELS[stage] for stage in STAGES)]
    headers += ["departments on new systems", "departments share", "users on new systems"]
    headers += ["users share", "legacy retired in year", "legacy due in year"]
    headers += ["legacy retired to date", "legacy due to date", "legacy in service"]
    headers += ["legacy instances retired in year", "legacy instances retired to date"]
    headers += ["legacy instances in service", "platforms in use", "platform count"]
    headers += ["gone live without a platform"]
    headers += ["spend", "released", *(f"{name} released to date" for name in caps)]
    headers += ["benefits", "benefits to date", "milestones"]
    widths = (
        [10, 10, 8] + [10] * len(STAGES) + [12] * 12 + [24, 10, 12] + [14] * (4 + len(caps)) + [70]
    )
    sheet = s.sheet("Indicators", headers, widths)
    for row, year in enumerate(found.years, start=1):
        released = {cap.name: cap.released for cap in year.caps}
        values: list[tuple[object, str]] = [
            (year.label, ""),
            (last_day(year.end), "month"),
            ("yes" if year.history else "", ""),
            *((len(year.stages[stage]), "") for stage in STAGES),
            (year.departments.value, ""),
            (year.departments.share, "percent"),
            (year.users.value, ""),
            (year.users.share, "percent"),
            (year.legacy_retired_in_year, ""),
            (year.legacy_due_in_year, ""),
            (year.legacy_retired, ""),
            (year.legacy_due, ""),
            (year.legacy_in_service, ""),
            (year.instances_retired_in_year, ""),
            (year.instances_retired, ""),
            (year.instances_in_service, ""),
            (None if year.platforms is None else "; ".join(year.platforms), ""),
            (None if year.platforms is None else len(year.platforms), ""),
            (year.live_without_platform, ""),
            (year.spend, "money"),
            (year.released, "money"),
            *((released.get(name), "money") for name in caps),
            (year.benefits, "money"),
            (year.benefits_to_date, "money"),
            ("; ".join(i.text() + " (history)" * i.actual for i in year.milestones), ""),
        ]
        for col, (value, kind) in enumerate(values):
            given = value is not None or headers[col].endswith("released to date")
            s.cell(sheet, row, col, value if given else "not given", kind if given else "")


def workbook_bytes(scenario: Scenario, plan: Plan, found: Indicators | None = None) -> bytes:
    """The workbook as bytes (the same plan gives the same bytes); ``found``: the plan's
    indicators, when the caller has them already."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": scenario.name, "author": "scheduler", "created": FIXED_TIME})
    sheets = _Sheets(book)
    _phases(sheets, scenario, plan)
    _milestones(sheets, scenario, plan)
    _funding(sheets, scenario, plan)
    _caps(sheets, scenario, plan)
    _legacy(sheets, scenario, plan)
    _indicators(sheets, scenario, plan, found)
    book.close()
    return buffer.getvalue()


def write_xlsx(
    scenario: Scenario, plan: Plan, path: str | Path, found: Indicators | None = None
) -> Path:
    """Write :func:`workbook_bytes` to ``path`` atomically (``found``: the plan's indicators, when
    the caller has them already)."""
    return write_atomic(path, workbook_bytes(scenario, plan, found))
