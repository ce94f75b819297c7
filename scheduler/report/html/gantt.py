"""The Gantt chart: one row per cluster, a bar per phase, the milestones and deadlines as markers.

A month ``m`` is the span ``[m, m + 1)`` on the axis, so a phase ``start .. end`` is a bar from
``start`` to ``end + 1``; an event "at the end of month m" (award, go-live, an expiry, a deadline)
is drawn at ``m + 1`` and a market entry (the first month of the tender) at ``m``.

With a status date ``D`` the plan is drawn apart from history: a vertical line at ``D`` (the start
of the status month), and every month before it that a phase ran (a finished phase, or the past
part of a running one) washed out and dotted, so what happened reads apart from what is planned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.analysis.graph import ChainLink, uses_text
from scheduler.plan import ClusterPlan, PhasePlan, Plan
from scheduler.report.html.charts import PALETTE, chart_svg, fy_axis, new_figure
from scheduler.report.html.page import figure, table
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario
from scheduler.units import fy_months, millions, month_label, window_text

__all__ = ["GanttMarks", "draw_gantt", "gantt_section", "month_span", "phase_colours"]

BAR = 0.56  # bar height, in rows
HISTORY = dict(facecolors=(1.0, 1.0, 1.0, 0.55), edgecolors="#444444", hatch="..", linewidth=0)
STATUS_COLOUR = "#6a1b9a"
MARKERS: dict[str, dict[str, Any]] = {
    "entry": dict(marker="^", color="#1b1b1b", markersize=7, linestyle="none"),
    "award": dict(marker="D", color="#1b1b1b", markersize=5, linestyle="none"),
    "go_live": dict(
        marker="*", color="#1d6b2f", markersize=11, markeredgecolor="white", linestyle="none"
    ),
    "expiry": dict(marker="v", color="#b00020", markersize=7, linestyle="none"),
    "hard_deadline": dict(marker="|", color="#b00020", markersize=16, mew=2.5, linestyle="none"),
}
LABELS = {
    "entry": "market entry",
    "award": "contract award",
    "go_live": "go-live",
    "expiry": "legacy expiry",
    "hard_deadline": "hard deadline",
}


@dataclass(frozen=True)
class GanttMarks:
    """What else to draw on a Gantt: phases on the critical chain (``(cluster, phase)``) and
    phases to highlight as moved (compare)."""

    critical: frozenset[tuple[str, str]] = frozenset()
    moved: frozenset[tuple[str, str]] = frozenset()


def phase_colours(plans: Sequence[Plan]) -> dict[str, str]:
    """A colour per phase id, in order of first appearance (the lifecycle order)."""
    ids: list[str] = []
    for plan in plans:
        for cluster_plan in plan.clusters:
            ids += [p.id for p in cluster_plan.phases if p.id not in ids]
    return {phase_id: PALETTE[i % len(PALETTE)] for i, phase_id in enumerate(ids)}


def month_span(scenario: Scenario, plans: Sequence[Plan]) -> tuple[int, int]:
    """First and last month to draw: whole financial years around every phase, expiry and
    deadline of the plans, inside the horizon."""
    fy = scenario.horizon.fiscal_year_start
    months = [p.start for plan in plans for c in plan.clusters for p in c.phases]
    months += [p.end for plan in plans for c in plan.clusters for p in c.phases]
    for cluster in scenario.clusters:
        for system in cluster.legacy:
            months.append(system.expires)
            if system.hard_deadline is not None:
                months.append(system.hard_deadline)
    if scenario.policy.deadline is not None:
        months.append(scenario.policy.deadline)
    if not months:
        return scenario.horizon.start, scenario.horizon.end
    first = max(fy_months(scenario.horizon.fiscal_year(min(months)), fy)[0], scenario.horizon.start)
    last = min(fy_months(scenario.horizon.fiscal_year(max(months)), fy)[1], scenario.horizon.end)
    return first, max(last, first)


def critical_phases(chain: Sequence[ChainLink]) -> frozenset[tuple[str, str]]:
    """Phases whose start and end are both on the chain."""
    edges: dict[tuple[str, str], set[str]] = {}
    for link in chain:
        cluster, _, rest = link.milestone.partition(":")
        phase, _, edge = rest.rpartition(".")
        edges.setdefault((cluster, phase), set()).add(edge)
    return frozenset(key for key, seen in edges.items() if seen == {"start", "end"})


def draw_gantt(
    ax: Any,
    scenario: Scenario,
    plan: Plan,
    span: tuple[int, int],
    colours: dict[str, str],
    marks: GanttMarks = GanttMarks(),
    name: str = "bar",
) -> None:
    """Draw ``plan``'s Gantt on ``ax``: rows top to bottom in plan order. Each bar's SVG id is
    ``<name>_<cluster>_<phase>_<start>_<end>`` (``name`` tells the panels of one figure apart)."""
    rows = {c.id: index for index, c in enumerate(plan.clusters)}
    for cluster_plan in plan.clusters:
        row = rows[cluster_plan.id]
        _draw_cluster(ax, scenario, cluster_plan, row, span, colours, marks, name)
        if plan.status_date is not None:
            _draw_history(ax, cluster_plan, row, plan.status_date, name)
    if plan.status_date is not None and span[0] <= plan.status_date <= span[1] + 1:
        ax.axvline(plan.status_date, color=STATUS_COLOUR, linewidth=1.5, zorder=5)
        ax.annotate(
            f"status date {month_label(plan.status_date)}",
            (plan.status_date, -0.5),
            fontsize=7,
            color=STATUS_COLOUR,
            ha="left",
            va="bottom",
            xytext=(3, 0),
            textcoords="offset points",
        )
    if scenario.policy.deadline is not None:
        ax.axvline(scenario.policy.deadline + 1, color="#b00020", linestyle="--", linewidth=1)
        ax.annotate(
            f"programme deadline {month_label(scenario.policy.deadline)}",
            (scenario.policy.deadline + 1, -0.5),
            fontsize=7,
            color="#b00020",
            ha="right",
            va="bottom",
        )
    labels = [_row_label(scenario, c.id) for c in plan.clusters]
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.35, -0.7)
    ax.tick_params(axis="y", length=0)
    fy_axis(ax, span[0], span[1], scenario.horizon.fiscal_year_start)


def _safe(text: str) -> str:
    """An id-safe form of a scenario id (letters, digits, ``-`` kept; anything else ``.``)."""
    return "".join(ch if ch.isalnum() or ch == "-" else "." for ch in text)


def _row_label(scenario: Scenario, cluster_id: str) -> str:
    try:
        return scenario.cluster(cluster_id).label
    except KeyError:
        return cluster_id


def _draw_cluster(
    ax: Any,
    scenario: Scenario,
    cluster_plan: ClusterPlan,
    row: int,
    span: tuple[int, int],
    colours: dict[str, str],
    marks: GanttMarks,
    name: str,
) -> None:
    width = span[1] - span[0] + 1
    for phase in cluster_plan.phases:
        key = (cluster_plan.id, phase.id)
        critical = key in marks.critical
        moved = key in marks.moved
        bar = ax.broken_barh(
            [(phase.start, phase.months)],
            (row - BAR / 2, BAR),
            facecolors=colours.get(phase.id, PALETTE[-1]),
            edgecolors="#1b1b1b" if critical or moved else "white",
            linewidth=2.0 if critical or moved else 0.5,
            hatch="///" if moved else None,
        )
        # The bar's SVG group id names it and its months, so a reader (or a test) can find it
        months = f"{month_label(phase.start)}_{month_label(phase.end)}"
        bar.set_gid(f"{name}_{_safe(cluster_plan.id)}_{_safe(phase.id)}_{months}")
        text = phase.id
        label = option_label(scenario, cluster_plan.id, phase)
        if label:
            text += f": {label}"
        if len(text) * 0.011 * width < phase.months:  # only where the label fits the bar
            ax.text(
                phase.start + phase.months / 2,
                row,
                text,
                ha="center",
                va="center",
                fontsize=7.5,
                color="white",
                fontweight="bold",
            )
    top, foot = row - BAR / 2 - 0.06, row + BAR / 2 + 0.08
    ax.plot([cluster_plan.entry], [foot], **MARKERS["entry"])
    ax.plot([cluster_plan.award + 1], [top], **MARKERS["award"])
    ax.plot([cluster_plan.go_live + 1], [row], **MARKERS["go_live"])
    try:
        legacy = scenario.cluster(cluster_plan.id).legacy
    except KeyError:
        legacy = ()
    for system in legacy:
        ax.plot([system.expires + 1], [top], **MARKERS["expiry"])
        if system.hard_deadline is not None:
            ax.plot([system.hard_deadline + 1], [row], **MARKERS["hard_deadline"])


def _draw_history(ax: Any, cluster_plan: ClusterPlan, row: int, status: int, name: str) -> None:
    """Wash out and dot the months ``start .. min(end, status - 1)`` of each phase that ran
    before the status date (history); its SVG id is ``history_<bar id>``."""
    for phase in cluster_plan.phases:
        if not phase.actual or phase.start >= status:
            continue
        months = min(phase.end + 1, status) - phase.start
        overlay = ax.broken_barh([(phase.start, months)], (row - BAR / 2, BAR), **HISTORY)
        span = f"{month_label(phase.start)}_{month_label(phase.end)}"
        overlay.set_gid(f"history_{name}_{_safe(cluster_plan.id)}_{_safe(phase.id)}_{span}")


def legend_handles(
    colours: dict[str, str], marks: GanttMarks, scenario: Scenario, status: int | None = None
) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [Patch(facecolor=c, label=p) for p, c in colours.items()]
    shown = ["entry", "award", "go_live"]
    if any(c.legacy for c in scenario.clusters):
        shown.append("expiry")
    if any(s.hard_deadline is not None for c in scenario.clusters for s in c.legacy):
        shown.append("hard_deadline")
    handles += [Line2D([], [], label=LABELS[k], **MARKERS[k]) for k in shown]
    if marks.critical:
        handles.append(
            Patch(facecolor="white", edgecolor="#1b1b1b", linewidth=2, label="critical chain")
        )
    if marks.moved:
        handles.append(Patch(facecolor="white", edgecolor="#1b1b1b", hatch="///", label="moved"))
    if status is not None:
        handles.append(
            Patch(facecolor="#bbbbbb", edgecolor="#444444", hatch="..", label="history (actual)")
        )
        handles.append(
            Line2D(
                [],
                [],
                color=STATUS_COLOUR,
                linewidth=1.5,
                label=f"status date {month_label(status)}",
            )
        )
    return handles


def gantt_svg(scenario: Scenario, plan: Plan, chain: Sequence[ChainLink]) -> str:
    colours = phase_colours([plan])
    span = month_span(scenario, [plan])
    marks = GanttMarks(critical=critical_phases(chain))
    height = 1.3 + 0.5 * len(plan.clusters)
    with new_figure("gantt", 12, height) as fig:
        ax = fig.subplots()
        draw_gantt(ax, scenario, plan, span, colours, marks)
        fig.legend(
            handles=legend_handles(colours, marks, scenario, plan.status_date),
            loc="outside lower center",
            ncols=6,
            fontsize=8,
            frameon=False,
        )
        return chart_svg(fig, "gantt", f"Gantt chart of {plan.scenario}")


def phase_table(scenario: Scenario, plan: Plan) -> str:
    rows = [
        [
            _row_label(scenario, c.id),
            p.id,
            option_label(scenario, c.id, p) or "-",
            month_label(p.start),
            month_label(p.end),
            p.months,
            millions(p.cost),
            uses_text(p.uses).replace(";", ", ") or "-",
        ]
        for c in plan.clusters
        for p in c.phases
    ]
    headers = ["cluster", "phase", "option", "start", "end", "months", "cost £m", "suppliers"]
    if plan.status_date is not None:
        states = [_state(p, plan.status_date) for c in plan.clusters for p in c.phases]
        rows = [[*row, state] for row, state in zip(rows, states, strict=True)]
        headers.append("as at " + month_label(plan.status_date))
    return table(headers, rows, numeric=(5, 6), caption="Phases")


def _state(phase: PhasePlan, status: int) -> str:
    """``history (finished)``, ``history, running: 41 months to go`` or ``plan``."""
    if not phase.actual:
        return "plan"
    if phase.end < status:
        return "history (finished)"
    return f"history, running: {phase.end - status + 1} months to go"


def milestone_table(scenario: Scenario, plan: Plan) -> str:
    rows = [
        [
            _row_label(scenario, c.id),
            month_label(c.entry),
            window_text(c.entry_window),
            month_label(c.award),
            month_label(c.go_live),
        ]
        for c in plan.clusters
    ]
    headers = ["cluster", "market entry", "entry window", "award", "go-live"]
    return table(headers, rows, caption="Milestones")


def legacy_table(scenario: Scenario, plan: Plan) -> str:
    deadlines = {(c.id, s.name): s.hard_deadline for c in scenario.clusters for s in c.legacy}
    rows = [
        [
            _row_label(scenario, c.id),
            system.name,
            month_label(system.expires),
            month_label(d) if (d := deadlines.get((c.id, system.name))) is not None else "-",
            month_label(system.retired),
            system.late_months,
            millions(system.extension_cost),
        ]
        for c in plan.clusters
        for system in c.legacy
    ]
    if not rows:
        return ""
    headers = ["cluster", "legacy system", "expires", "hard deadline", "retired", "late months"]
    headers.append("extension £m")
    return table(headers, rows, numeric=(5, 6), caption="Legacy systems")


def gantt_section(scenario: Scenario, plan: Plan, chain: Sequence[ChainLink]) -> str:
    note = (
        "Bars are phases (label: phase and chosen option, where it fits); outlined bars are on the "
        "critical chain. Gridlines mark the start of each financial year."
    )
    if plan.status_date is not None:
        note += (
            f" The line marks the status date {month_label(plan.status_date)}: the washed-out, "
            "dotted months before it are history (actuals, fixed); the rest is the plan."
        )
    tables = milestone_table(scenario, plan) + legacy_table(scenario, plan)
    return figure(gantt_svg(scenario, plan, chain), tables, note) + phase_table(scenario, plan)
