"""Funding per financial year stacked by cluster, and each cap's releases against its amount."""

from __future__ import annotations

from typing import Any

from scheduler.plan import CapUse, Plan
from scheduler.report.html.charts import PALETTE, chart_svg, new_figure
from scheduler.report.html.page import figure, table
from scheduler.scenario.data import Scenario
from scheduler.units import millions, money_label

__all__ = ["cap_years", "funding_section", "funding_years"]


def funding_years(plan: Plan) -> list[int]:
    """Financial years with a release, or covered by a cap, in order."""
    years = {y for c in plan.clusters for y, amount in c.funding.items() if amount}
    for cap in plan.caps:
        years |= set(range(cap.first_year, cap.last_year + 1))
    return sorted(years)


def cap_years(scenario: Scenario, cap: CapUse) -> str:
    text = scenario.horizon.fy_label(cap.first_year)
    if cap.last_year != cap.first_year:
        text += f"..{scenario.horizon.fy_label(cap.last_year)}"
    return text


def _cap_of(plan: Plan, year: int) -> str:
    return ", ".join(cap.name for cap in plan.caps if cap.first_year <= year <= cap.last_year)


def _chart(scenario: Scenario, plan: Plan, years: list[int]) -> str:
    colours = {c.id: PALETTE[i % len(PALETTE)] for i, c in enumerate(plan.clusters)}
    labels = [scenario.horizon.fy_label(y) for y in years]
    with new_figure("funding", 12, 3.8) as fig:
        left, right = fig.subplots(1, 2, width_ratios=(3, 1.3))
        bottom = [0.0] * len(years)
        for c in plan.clusters:
            heights = [c.funding.get(y, 0) / 1e6 for y in years]
            left.bar(range(len(years)), heights, bottom=bottom, color=colours[c.id], label=c.id)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for index, total in enumerate(bottom):
            if total:
                left.annotate(f"{total:,.0f}", (index, total), ha="center", va="bottom", fontsize=7)
        for shade, cap in enumerate(plan.caps):
            if cap.first_year in years and cap.last_year in years:
                a, b = years.index(cap.first_year) - 0.5, years.index(cap.last_year) + 0.5
                left.axvspan(a, b, color="#000000", alpha=0.04 + 0.04 * (shade % 2), zorder=0)
                left.annotate(
                    f"{cap.name}: cap {money_label(cap.amount)}",
                    ((a + b) / 2, 1.0),
                    xycoords=("data", "axes fraction"),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                )
        left.set_xticks(range(len(years)), labels, fontsize=8)
        left.set_ylabel("released (£m)")
        left.set_title("Funding released per financial year", pad=14, loc="left")
        left.grid(True, axis="y", color="#dddddd")
        left.set_axisbelow(True)
        _caps_panel(right, plan, colours)
        fig.legend(loc="outside lower center", ncols=max(1, len(plan.clusters)), frameon=False)
        return chart_svg(fig, "funding", "Funding released per financial year, stacked by cluster")


def _caps_panel(ax: Any, plan: Plan, colours: dict[str, str]) -> None:
    """One horizontal bar per cap: its releases stacked by cluster, the amount as a line."""
    names = [cap.name for cap in plan.caps]
    for row, cap in enumerate(plan.caps):
        left = 0.0
        for c in plan.clusters:
            amount = sum(v for y, v in c.funding.items() if cap.first_year <= y <= cap.last_year)
            ax.barh(row, amount / 1e6, left=left, color=colours[c.id], height=0.55)
            left += amount / 1e6
        ax.plot([cap.amount / 1e6] * 2, [row - 0.4, row + 0.4], color="#b00020", linewidth=2.5)
        headroom = cap.amount - cap.released
        ax.annotate(
            "full" if headroom <= 0 else f"headroom {money_label(headroom)}",
            (max(left, cap.amount / 1e6), row + 0.42),
            fontsize=7,
            ha="right",
            va="top",
        )
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.4, -0.6)
    ax.set_xlabel("released (£m); red line: cap")
    ax.set_title("Each cap", loc="left")
    ax.grid(True, axis="x", color="#dddddd")


def _year_table(scenario: Scenario, plan: Plan, years: list[int]) -> str:
    rows: list[list[object]] = []
    for year in years:
        amounts = [c.funding.get(year, 0) for c in plan.clusters]
        label = scenario.horizon.fy_label(year)
        rows.append([label, *map(millions, amounts), millions(sum(amounts)), _cap_of(plan, year)])
    totals = [sum(c.funding.values()) for c in plan.clusters]
    rows.append(["total", *map(millions, totals), millions(sum(totals)), ""])
    headers = ["year", *(c.id for c in plan.clusters), "total", "cap"]
    numeric = range(1, len(plan.clusters) + 2)
    return table(headers, rows, numeric=numeric, caption="Funding released per year (£m)")


def _cap_table(scenario: Scenario, plan: Plan) -> str:
    rows = [
        [
            cap.name,
            cap_years(scenario, cap),
            millions(cap.released),
            millions(cap.amount),
            "0 (full)" if cap.amount == cap.released else millions(cap.amount - cap.released),
        ]
        for cap in plan.caps
    ]
    headers = ["cap", "years", "released £m", "amount £m", "headroom £m"]
    return table(headers, rows, numeric=(2, 3, 4), caption="Caps")


def funding_section(scenario: Scenario, plan: Plan) -> str:
    years = funding_years(plan)
    if not years:
        return '<p class="note">No funding is released in this plan.</p>'
    tables = _year_table(scenario, plan, years) + (_cap_table(scenario, plan) if plan.caps else "")
    return figure(_chart(scenario, plan, years), tables)
