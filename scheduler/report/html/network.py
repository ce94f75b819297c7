"""The dependency graph of milestones (:func:`scheduler.analysis.graph.build_graph`) drawn on a
timeline, so it needs no Graphviz: a milestone sits at its month in its cluster's row; rules within
a cluster run along the row, rules between clusters arc between rows. Tight rules (no slack) are
red."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import networkx as nx

from scheduler.analysis.graph import ChainLink
from scheduler.plan import Plan
from scheduler.report.html.charts import chart_svg, fy_axis, new_figure
from scheduler.report.html.gantt import month_span
from scheduler.report.html.page import figure, table
from scheduler.scenario.data import Scenario
from scheduler.units import month_label

__all__ = ["graph_section"]

TIGHT = "#b00020"
SLACK = "#8a8a8a"


def _positions(graph: nx.DiGraph, rows: dict[str, int]) -> dict[str, tuple[float, float]]:
    """A start milestone at the start of its month, an end milestone at the end of its month."""
    out = {}
    for node, attrs in graph.nodes(data=True):
        x = attrs["month"] + (1 if attrs["edge"] == "end" else 0)
        out[node] = (float(x), float(rows[attrs["cluster"]]))
    return out


def _style(tight: bool, on_chain: bool, same_row: bool) -> dict[str, Any]:
    """Critical chain: thick red; other tight rules between clusters: thin red; the lifecycle
    within a cluster: thin dark grey; rules with slack: grey dashes."""
    if on_chain:
        return {"color": TIGHT, "linewidth": 2.2, "linestyle": "-", "zorder": 3}
    if tight and not same_row:
        return {"color": TIGHT, "linewidth": 1.0, "linestyle": "-", "zorder": 2}
    if same_row:
        return {"color": "#444444", "linewidth": 0.9, "linestyle": "-", "zorder": 1}
    return {"color": SLACK, "linewidth": 0.8, "linestyle": (0, (3, 2)), "zorder": 1}


def _draw(
    ax: Any, graph: nx.DiGraph, plan: Plan, scenario: Scenario, chain: Sequence[ChainLink]
) -> None:
    from matplotlib.patches import FancyArrowPatch

    rows = {c.id: i for i, c in enumerate(plan.clusters)}
    pos = _positions(graph, rows)
    path = {(a.milestone, b.milestone) for a, b in itertools.pairwise(chain)}
    for u, v, attrs in sorted(graph.edges(data=True), key=lambda e: (e[2]["slack"] <= 0, e[0])):
        tight = attrs["slack"] <= 0
        (x1, y1), (x2, y2) = pos[u], pos[v]
        same_row = y1 == y2
        arrow = FancyArrowPatch(
            (x1, y1),
            (x2, y2),
            arrowstyle="-|>" if not same_row else "-",
            mutation_scale=8,
            connectionstyle="arc3,rad=0" if same_row else "arc3,rad=-0.25",
            shrinkA=3,
            shrinkB=3,
            **_style(tight, (u, v) in path, same_row),
        )
        ax.add_patch(arrow)
        if not same_row:
            ax.annotate(
                attrs["kind"].replace("_", " "),
                ((x1 + x2) / 2, (y1 + y2) / 2),
                fontsize=6.5,
                color=TIGHT if tight else "#555555",
                ha="center",
                va="center",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    for node, (x, y) in pos.items():
        attrs = graph.nodes[node]
        filled = attrs["edge"] == "end"
        ax.plot(
            [x],
            [y],
            marker="o",
            markersize=5,
            color="#1b1b1b",
            markerfacecolor="#1b1b1b" if filled else "white",
            zorder=3,
        )
        if attrs.get("entry"):
            ax.annotate(
                f"entry {attrs['label']}", (x, y), (0, 7), textcoords="offset points", fontsize=7
            )
    labels = []
    for c in plan.clusters:
        try:
            labels.append(scenario.cluster(c.id).label)
        except KeyError:
            labels.append(c.id)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.tick_params(axis="y", length=0)
    span = month_span(scenario, [plan])
    fy_axis(ax, span[0], span[1], scenario.horizon.fiscal_year_start)


def _legend(fig: Any) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            color="#1b1b1b",
            markerfacecolor="white",
            linestyle="none",
            label="phase start",
        ),
        Line2D([], [], marker="o", color="#1b1b1b", linestyle="none", label="phase end"),
        Line2D([], [], color=TIGHT, linewidth=2.2, label="critical chain"),
        Line2D([], [], color=TIGHT, linewidth=1.0, label="tight rule (no slack)"),
        Line2D([], [], color="#444444", linewidth=0.9, label="lifecycle"),
        Line2D([], [], color=SLACK, linewidth=0.8, linestyle=(0, (3, 2)), label="rule with slack"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=6, frameon=False, fontsize=8)


def _edge_rows(graph: nx.DiGraph) -> list[list[object]]:
    rows = []
    edges = sorted(
        graph.edges(data=True),
        key=lambda e: (graph.nodes[e[1]]["month"], graph.nodes[e[0]]["month"], e[0], e[1]),
    )
    for u, v, attrs in edges:
        rows.append(
            [
                f"{u} ({month_label(graph.nodes[u]['month'])})",
                f"{v} ({month_label(graph.nodes[v]['month'])})",
                attrs["kind"],
                attrs["reason"] + (f"; also {attrs['also']}" if attrs.get("also") else ""),
                attrs["min_gap"],
                "tight" if attrs["slack"] <= 0 else attrs["slack"],
            ]
        )
    return rows


def graph_section(
    scenario: Scenario, plan: Plan, graph: nx.DiGraph, chain: Sequence[ChainLink]
) -> str:
    if graph.number_of_nodes() == 0:
        return '<p class="note">No schedule, so no graph.</p>'
    with new_figure("graph", 12, 1.0 + 0.65 * len(plan.clusters)) as fig:
        _draw(fig.subplots(), graph, plan, scenario, chain)
        _legend(fig)
        svg = chart_svg(fig, "graph", "Dependency graph of milestones on a timeline")
    headers = ["from", "to", "kind", "rule", "least gap (months)", "slack (months)"]
    note = (
        "Each arrow is a rule putting a least gap between two milestones: the lifecycle within a "
        "cluster, and depends_on, stagger, entries per year or supplier capacity between clusters. "
        "The same graph is in graph.graphml, graph.json and graph.dot."
    )
    data = table(headers, _edge_rows(graph), numeric=(4, 5), caption="Rules between milestones")
    return figure(svg, "", note) + data
