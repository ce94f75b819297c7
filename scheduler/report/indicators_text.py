"""The indicators per financial year as text tables (:mod:`scheduler.analysis.indicators`): the
stages and convergence, the money against the caps, and the milestones of each year."""

from __future__ import annotations

from scheduler.analysis.indicators import STAGE_LABELS, STAGES, Indicators, YearIndicators
from scheduler.report.table import format_table
from scheduler.units import millions, month_label

__all__ = [
    "cap_columns",
    "convergence_cells",
    "indicator_tables",
    "money_cells",
    "named_platforms",
    "progress_cells",
    "year_label",
]


def year_label(row: YearIndicators) -> str:
    """``2024-25 (history)`` for a year that ended before the status date."""
    return row.label + (" (history)" if row.history else "")


SHORT = {
    "pre_market": "pre-mkt",
    "in_competition": "comp",
    "implementing": "impl",
    "transitioning": "trans",
    "live": "live",
}


def _with_share(value: int | None, share: float | None) -> str:
    """``15,000 (3%)``; ``not given`` when the scenario lacks the figure."""
    if value is None:
        return "not given"
    return f"{value:,}" + ("" if share is None else f" ({share:.0%})")


def cap_columns(found: Indicators) -> list[tuple[str, int]]:
    """Each cap covering some year, as ``(name, amount)``, in order of first appearance."""
    caps: list[tuple[str, int]] = []
    for row in found.years:
        caps += [(cap.name, cap.amount) for cap in row.caps if (cap.name, cap.amount) not in caps]
    return caps


def progress_cells(row: YearIndicators, of: str) -> list[object]:
    """A year's convergence row: its label, the clusters at each stage, departments and users on
    the new systems (with their shares), legacy systems retired ``of`` due in the year and to
    date, and those still in service."""
    return [
        year_label(row),
        *(len(row.stages[stage]) for stage in STAGES),
        _with_share(row.departments.value, row.departments.share),
        _with_share(row.users.value, row.users.share),
        f"{row.legacy_retired_in_year}{of}{row.legacy_due_in_year}",
        f"{row.legacy_retired}{of}{row.legacy_due}",
        row.legacy_in_service,
    ]


def money_cells(row: YearIndicators, caps: list[tuple[str, int]], benefits: bool) -> list[object]:
    """A year's money row: its label, spend and releases (£m), the releases to date under each
    of ``caps`` (blank where the cap does not cover the year) and, with ``benefits``, the year's
    benefits and those to date."""
    released = {cap.name: cap.released for cap in row.caps}
    cells: list[object] = [year_label(row), millions(row.spend), millions(row.released)]
    cells += [millions(released[name]) if name in released else "" for name, _ in caps]
    if benefits:
        cells += [millions(row.benefits or 0), millions(row.benefits_to_date or 0)]
    return cells


def _progress(found: Indicators, indent: int) -> str:
    headers = [
        "year",
        *(SHORT[stage] for stage in STAGES),
        "departments",
        "users",
        "retired/due",
        "to date",
        "in service",
    ]
    rows = [progress_cells(row, "/") for row in found.years]
    stages = ", ".join(
        STAGE_LABELS[s] + ("" if STAGE_LABELS[s] in (SHORT[s], "pre-market") else f" ({SHORT[s]})")
        for s in STAGES
    )
    total = lambda value: "not given" if value is None else f"{value:,}"  # noqa: E731
    title = (
        f"Indicators per financial year, at each year's end\n"
        f"  clusters by stage (of {found.clusters}): {stages};\n"
        f"  departments and users on the new systems (gone live; of {total(found.departments)} "
        f"and {total(found.users)});\n"
        f"  legacy systems (of {found.legacy}): retired/due (expiring) in the year and to date, "
        "and still in service"
    )
    return title + "\n" + format_table(headers, rows, "lrrrrrrrrrr", indent=indent)


def convergence_cells(found: Indicators, row: YearIndicators) -> list[object]:
    """Year, platforms in use, gone live without one, legacy instances retired in the year, to
    date (``16/19``) and still in service."""
    return [
        year_label(row),
        row.platforms_text(),
        row.live_without_platform,
        row.instances_retired_in_year,
        f"{row.instances_retired}/{found.legacy_instances}",
        row.instances_in_service,
    ]


def named_platforms(found: Indicators) -> str:
    """Every platform the scenario names (``not given`` when none)."""
    return "not given" if found.platforms is None else ", ".join(found.platforms)


def _convergence(found: Indicators, indent: int) -> str:
    """ERP platforms in use among the clusters gone live, and legacy instances retired."""
    headers = ["year", "platforms in use", "live, no platform", "instances retired", "to date"]
    headers.append("in service")
    rows = [convergence_cells(found, row) for row in found.years]
    title = (
        "Convergence per financial year: distinct ERP platforms in use among the clusters gone "
        f"live\n  (the scenario names: {named_platforms(found)}); legacy instances "
        f"(of {found.legacy_instances}) retired in the year\n  and to date, and still in service"
    )
    return title + "\n" + format_table(headers, rows, "llrrrr", indent=indent)


def _money(found: Indicators, indent: int) -> str:
    caps = cap_columns(found)
    headers = ["year", "spend £m", "released £m", *(f"{name} £m" for name, _ in caps)]
    benefits = "benefits" not in found.not_given
    if benefits:
        headers += ["benefits £m", "to date"]
    rows = [money_cells(row, caps, benefits) for row in found.years]
    amounts = ", ".join(f"{name} {millions(amount)}" for name, amount in caps)
    title = "Indicators per financial year: spend and releases"
    if caps:
        title += f";\n  under each cap, released in its years to date (of {amounts} £m)"
    table = format_table(headers, rows, "l" + "r" * (len(headers) - 1), indent=indent)
    return title + "\n" + table


def _milestones(found: Indicators, indent: int) -> str:
    rows: list[list[object]] = []
    for row in found.years:
        for index, item in enumerate(row.milestones):
            what = f"{item.milestone}: {item.legacy}" if item.legacy else item.milestone
            rows.append(
                [
                    year_label(row) if index == 0 else None,
                    month_label(item.month),
                    item.cluster,
                    what,
                    "history" if item.actual else "",
                ]
            )
    if not rows:
        return ""
    headers = ["year", "month", "cluster", "milestone", ""]
    return "Milestones per financial year\n" + format_table(headers, rows, indent=indent)


def indicator_tables(found: Indicators | None, indent: int = 2) -> str:
    """The four tables, and a line per indicator the scenario does not give."""
    if found is None or not found.years:
        return ""
    parts = [_progress(found, indent), _convergence(found, indent)]
    parts += [_money(found, indent), _milestones(found, indent)]
    notes = [f"{' ' * indent}{name}: {why}" for name, why in sorted(found.not_given.items())]
    if notes:
        parts.append("Indicators the scenario does not give\n" + "\n".join(notes))
    return "\n\n".join(part for part in parts if part)
