"""Supplier and integrator use over time, stacked by cluster, against each supplier's capacity."""

from __future__ import annotations

from scheduler.plan import Plan
from scheduler.report.html.charts import PALETTE, chart_svg, fy_axis, new_figure
from scheduler.report.html.gantt import month_span
from scheduler.report.html.page import figure, table
from scheduler.scenario.data import Scenario
from scheduler.units import month_label

__all__ = ["cluster_use", "supplier_section", "use_runs"]


def cluster_use(plan: Plan, supplier: str) -> dict[str, dict[int, int]]:
    """Units of ``supplier`` each cluster uses in each month (clusters in plan order)."""
    out: dict[str, dict[int, int]] = {}
    for c in plan.clusters:
        for phase in c.phases:
            units = phase.uses.get(supplier, 0)
            if units:
                months = out.setdefault(c.id, {})
                for month in range(phase.start, phase.end + 1):
                    months[month] = months.get(month, 0) + units
    return out


def use_runs(plan: Plan, supplier: str) -> list[tuple[int, int, int, str]]:
    """``(first, last, units, who)``: the runs of months in which the use of ``supplier`` (and
    which clusters use it) stays the same; months with no use are left out."""
    per_cluster = cluster_use(plan, supplier)
    months = sorted({m for use in per_cluster.values() for m in use})
    runs: list[tuple[int, int, int, str]] = []
    for month in months:
        parts = [(cid, use[month]) for cid, use in per_cluster.items() if use.get(month)]
        units = sum(u for _, u in parts)
        who = ", ".join(cid if u == 1 else f"{cid} x{u}" for cid, u in parts)
        if runs and runs[-1][1] == month - 1 and runs[-1][2:] == (units, who):
            runs[-1] = (runs[-1][0], month, units, who)
        else:
            runs.append((month, month, units, who))
    return runs


def _blocks(first: int, base: list[int], top: list[int]) -> list[tuple[int, int, int, int]]:
    """``(first month, months, bottom, height)`` for each run of months with the same non-empty
    band ``base .. top`` (so a chart draws a few rectangles, not one per month)."""
    out: list[tuple[int, int, int, int]] = []
    for index, (low, high) in enumerate(zip(base, top, strict=True)):
        if high <= low:
            continue
        month = first + index
        if out and out[-1][0] + out[-1][1] == month and out[-1][2:] == (low, high - low):
            out[-1] = (out[-1][0], out[-1][1] + 1, low, high - low)
        else:
            out.append((month, 1, low, high - low))
    return out


def _chart(scenario: Scenario, plan: Plan) -> str:
    suppliers = list(scenario.suppliers)
    span = month_span(scenario, [plan])
    colours = {c.id: PALETTE[i % len(PALETTE)] for i, c in enumerate(plan.clusters)}
    edges = list(range(span[0], span[1] + 2))
    with new_figure("suppliers", 12, 0.6 + 1.7 * len(suppliers)) as fig:
        axes = fig.subplots(len(suppliers), 1, sharex=True, squeeze=False)[:, 0]
        for ax, supplier in zip(axes, suppliers, strict=True):
            base = [0] * (len(edges) - 1)
            for cid, use in cluster_use(plan, supplier.id).items():
                top = [b + use.get(m, 0) for b, m in zip(base, edges, strict=False)]
                for first, months, bottom, height in _blocks(edges[0], base, top):
                    ax.bar(
                        first,
                        height,
                        months,
                        bottom,
                        align="edge",
                        color=colours[cid],
                        label=cid,
                        linewidth=0,
                    )
                base = top
            ax.axhline(supplier.capacity, color="#b00020", linewidth=1.5, label="capacity")
            if supplier.available_from is not None and supplier.available_from > span[0]:
                ax.axvspan(span[0], supplier.available_from, color="#000000", alpha=0.08)
            if supplier.available_to is not None and supplier.available_to < span[1]:
                ax.axvspan(supplier.available_to + 1, span[1] + 1, color="#000000", alpha=0.08)
            ax.set_ylim(0, max(supplier.capacity, max(base, default=0)) + 0.6)
            ax.set_yticks(range(0, supplier.capacity + 1))
            ax.set_title(
                f"{supplier.name or supplier.id}: capacity {supplier.capacity}", loc="left"
            )
            ax.set_ylabel("units")
            fy_axis(ax, span[0], span[1], scenario.horizon.fiscal_year_start)
        found: dict[str, object] = {}
        for ax in axes:
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                found.setdefault(label, handle)
        order = [c.id for c in plan.clusters if c.id in found] + ["capacity"]
        handles = [found[label] for label in order]
        fig.legend(handles, order, loc="outside lower center", ncols=len(order), frameon=False)
        return chart_svg(fig, "suppliers", "Supplier and integrator use over time against capacity")


def _table(scenario: Scenario, plan: Plan) -> str:
    rows: list[list[object]] = []
    for supplier in scenario.suppliers:
        for first, last, units, who in use_runs(plan, supplier.id):
            full = "full" if units >= supplier.capacity else ""
            rows.append(
                [
                    supplier.id,
                    month_label(first),
                    month_label(last),
                    units,
                    supplier.capacity,
                    full,
                    who,
                ]
            )
    headers = ["supplier", "from", "to", "units in use", "capacity", "", "clusters"]
    return table(headers, rows, numeric=(3, 4), caption="Use by period")


def supplier_section(scenario: Scenario, plan: Plan) -> str:
    if not scenario.suppliers:
        return '<p class="note">The scenario has no capacity-limited suppliers.</p>'
    note = "Grey: months the supplier is not available. Red line: capacity."
    return figure(_chart(scenario, plan), _table(scenario, plan), note)
