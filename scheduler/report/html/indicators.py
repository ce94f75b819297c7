"""The board pack's indicators per financial year (:mod:`scheduler.analysis.indicators`): clusters
by stage at each year's end stacked, with the share of users on the new systems, beside the
tables of convergence, money against the caps and the year's milestones."""

from __future__ import annotations

from scheduler.analysis.indicators import STAGE_LABELS, STAGES, Indicators
from scheduler.report.html.charts import chart_svg, new_figure
from scheduler.report.html.page import esc, figure, table
from scheduler.report.indicators_text import (
    cap_columns,
    convergence_cells,
    money_cells,
    named_platforms,
    progress_cells,
    year_label,
)
from scheduler.units import millions, month_label

__all__ = ["indicators_section"]

STAGE_COLOURS = {
    "pre_market": "#d9d9d9",
    "in_competition": "#E69F00",
    "implementing": "#0072B2",
    "transitioning": "#56B4E9",
    "live": "#009E73",
}


def _chart(found: Indicators) -> str:
    years = found.years
    with new_figure("indicators", 12, 3.4) as fig:
        ax = fig.subplots()
        bottom = [0] * len(years)
        for stage in STAGES:
            heights = [len(row.stages[stage]) for row in years]
            ax.bar(
                range(len(years)),
                heights,
                bottom=bottom,
                color=STAGE_COLOURS[stage],
                label=STAGE_LABELS[stage],
                edgecolor="white",
                linewidth=0.5,
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for index, row in enumerate(years):
            if row.history:
                ax.bar(index, found.clusters, color="none", hatch="..", edgecolor="#777777")
        ax.set_xticks(range(len(years)), [row.label for row in years], fontsize=8)
        ax.set_ylabel("clusters at the year's end")
        ax.set_ylim(0, found.clusters + 0.3)
        shares = [row.users.share for row in years]
        if any(share is not None for share in shares):
            right = ax.twinx()
            right.spines["right"].set_visible(True)
            points = [(i, 100 * s) for i, s in enumerate(shares) if s is not None]
            right.plot(
                [i for i, _ in points],
                [v for _, v in points],
                color="#1b1b1b",
                marker="o",
                markersize=4,
                label="users on the new systems (%)",
            )
            right.set_ylim(0, 105)
            right.set_ylabel("users on the new systems (%)")
        handles, labels = ax.get_legend_handles_labels()
        for other in fig.axes[1:]:
            more = other.get_legend_handles_labels()
            handles, labels = handles + more[0], labels + more[1]
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=6,
            fontsize=8,
            frameon=False,
        )
        return chart_svg(fig, "indicators", "Clusters by stage at the end of each financial year")


def _progress_table(found: Indicators) -> str:
    headers = ["year", *(STAGE_LABELS[s] for s in STAGES), "departments", "users"]
    headers += ["legacy retired / due in year", "to date", "in service"]
    rows = [progress_cells(row, " / ") for row in found.years]
    total = "not given" if found.users is None else f"{found.users:,}"
    departments = "not given" if found.departments is None else str(found.departments)
    caption = (
        f"Clusters by stage (of {found.clusters}); departments (of {departments}) and users "
        f"(of {total}) on the new systems; legacy systems (of {found.legacy})"
    )
    return table(headers, rows, numeric=range(1, len(headers)), caption=caption)


def _convergence_table(found: Indicators) -> str:
    headers = ["year", "ERP platforms in use", "gone live without a platform"]
    headers += ["legacy instances retired in year", "to date", "in service"]
    rows = [convergence_cells(found, row) for row in found.years]
    caption = (
        "Distinct ERP platforms in use among the clusters gone live (named: "
        f"{named_platforms(found)}); legacy "
        f"instances (of {found.legacy_instances}) retired and still in service"
    )
    return table(headers, rows, numeric=range(2, len(headers)), caption=caption)


def _money_table(found: Indicators) -> str:
    caps = cap_columns(found)
    headers = ["year", "spend £m", "released £m"]
    headers += [f"{name} to date £m (of {millions(amount)})" for name, amount in caps]
    benefits = "benefits" not in found.not_given
    if benefits:
        headers += ["benefits £m", "benefits to date £m"]
    rows = [money_cells(row, caps, benefits) for row in found.years]
    caption = "Spend and releases; under each cap, released in its years to date"
    return table(headers, rows, numeric=range(1, len(headers)), caption=caption)


def _milestone_table(found: Indicators) -> str:
    rows = [
        [
            year_label(row),
            month_label(item.month),
            item.cluster,
            f"{item.milestone}: {item.legacy}" if item.legacy else item.milestone,
            "history" if item.actual else "plan",
        ]
        for row in found.years
        for item in row.milestones
    ]
    if not rows:
        return ""
    headers = ["year", "month", "cluster", "milestone", ""]
    return table(headers, rows, caption="Milestones per financial year")


def indicators_section(found: Indicators | None) -> str:
    """The section's HTML: the chart with the stage table beside it, then the money and
    milestone tables and what the scenario does not give."""
    if found is None or not found.years:
        return '<p class="note">No schedule, so no indicators.</p>'
    note = (
        "Stage at the end of each financial year: pre-market (before market entry), in "
        "competition (to contract award), implementing (to go-live), transitioning (gone live, "
        "later phases still running), live (every phase finished)."
    )
    if any(row.history for row in found.years):
        note += " Dotted years ended before the status date: history."
    parts = [figure(_chart(found), _progress_table(found), note)]
    parts += [_convergence_table(found), _money_table(found), _milestone_table(found)]
    if found.not_given:
        items = "".join(
            f"<li>{esc(name)}: {esc(why)}</li>" for name, why in sorted(found.not_given.items())
        )
        parts.append(f"<p>Indicators the scenario does not give:</p><ul class=plain>{items}</ul>")
    return "".join(parts)
