"""The risk section: the Monte Carlo of the plan (:mod:`scheduler.analysis.risk`) as S-curves of
go-live and a histogram of completion, with its figures as tables."""

from __future__ import annotations

from typing import Any

import numpy as np

from scheduler.analysis.risk.simulate import RiskResult
from scheduler.report.html.charts import PALETTE, chart_svg, fy_axis, new_figure
from scheduler.report.html.page import esc, figure, table
from scheduler.report.risk_report import headline
from scheduler.scenario.data import Scenario
from scheduler.units import millions, month_label

__all__ = ["risk_section"]


def _pct(p: float | None) -> str:
    return "-" if p is None else f"{p:.1%}"


def _months(values: tuple[int, ...]) -> list[str]:
    return [month_label(v) for v in values]


def _legacy_table(result: RiskResult, scenario: Scenario) -> str:
    rows = [
        [
            item.cluster,
            item.name,
            month_label(item.expires),
            _pct(item.p_expiry),
            "-" if item.hard_deadline is None else month_label(item.hard_deadline),
            _pct(item.p_deadline),
            month_label(item.planned),
            *_months(item.retired),
            millions(item.extension_cost[1]),
        ]
        for item in result.legacy
    ]
    headers = ["cluster", "legacy system", "expires", "P(expiry holds)", "hard deadline"]
    headers += ["P(deadline holds)", "retired (plan)", "P50", "P80", "P90", "extension £m P80"]
    return table(
        headers, rows, numeric=(3, 5, 10), caption="Legacy systems: how likely each date holds"
    )


def _go_live_table(result: RiskResult, scenario: Scenario) -> str:
    rows = [[c.cluster, month_label(c.planned), *_months(c.go_live)] for c in result.clusters]
    rows.append(["completion", month_label(result.completion_planned), *_months(result.completion)])
    return table(
        ["cluster", "go-live (plan)", "P50", "P80", "P90"], rows, caption="Go-live at risk"
    )


def _caps_table(result: RiskResult) -> str:
    rows = [
        [
            cap.name,
            millions(cap.amount),
            millions(cap.planned),
            _pct(cap.p_exceeded),
            millions(cap.released_p80),
        ]
        for cap in result.caps
    ]
    headers = ["cap", "amount £m", "released (plan) £m", "P(exceeded)", "released P80 £m"]
    return table(headers, rows, numeric=(1, 2, 3, 4), caption="Caps at risk") if rows else ""


def _s_curves(ax: Any, result: RiskResult, scenario: Scenario) -> None:
    """Per cluster with legacy systems: the share of runs live by each month (a step at each
    distinct month, so the SVG stays small however many runs), the plan's go-live as a triangle
    and its hard deadlines dashed."""
    detail = result.detail
    assert detail is not None
    for index, cluster in enumerate(scenario.clusters):
        if not cluster.legacy or cluster.id not in detail.outcomes.go_live:
            continue
        colour = PALETTE[index % len(PALETTE)]
        months, counts = np.unique(detail.outcomes.go_live[cluster.id], return_counts=True)
        share = np.cumsum(counts) / counts.sum()
        xs = [float(months[0])] + [float(m) + 1 for m in months]
        ys = [0.0, *(float(v) for v in share)]
        ax.step(xs, ys, where="post", color=colour, label=cluster.label, linewidth=1.6)
        planned = next(c.planned for c in result.clusters if c.cluster == cluster.id)
        ax.plot([planned + 1], [0], marker="^", color=colour, clip_on=False, markersize=7)
        for system in cluster.legacy:
            if system.hard_deadline is not None:
                ax.axvline(system.hard_deadline + 1, color=colour, linestyle="--", linewidth=1)
    ax.set_ylim(0, 1.02)
    ax.set_yticks([0, 0.2, 0.5, 0.8, 1.0], ["0%", "20%", "50%", "80%", "100%"])
    ax.grid(True, axis="y", color="#dddddd")
    ax.set_title("Go-live: share of runs live by each month", loc="left")
    ax.legend(loc="lower right", fontsize=8)


def _completion(ax: Any, result: RiskResult) -> None:
    from matplotlib.ticker import PercentFormatter

    detail = result.detail
    assert detail is not None
    months, counts = np.unique(detail.outcomes.completion, return_counts=True)
    ax.bar(
        [float(m) for m in months], counts / counts.sum(), width=1, align="edge", color="#0072B2"
    )
    ax.axvline(result.completion_planned + 1, color="#1b1b1b", linewidth=1.5, label="plan")
    for name, month, style in zip(
        ("P50", "P80", "P90"), result.completion, (":", "--", "-."), strict=True
    ):
        ax.axvline(
            month + 1, color="#b00020", linestyle=style, label=f"{name} {month_label(month)}"
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title("Completion: share of runs by month", loc="left")
    ax.legend(loc="upper right", fontsize=8)


def _chart(result: RiskResult, scenario: Scenario) -> str:
    detail = result.detail
    assert detail is not None
    shown = [c.id for c in scenario.clusters if c.legacy and c.id in detail.outcomes.go_live]
    lows = [int(detail.outcomes.go_live[cid].min()) for cid in shown]
    lows += [c.planned for c in result.clusters if c.cluster in shown]
    low = min([int(detail.outcomes.completion.min()), *lows])
    high = int(detail.outcomes.completion.max())
    with new_figure("risk", 12, 5.2) as fig:
        top, bottom = fig.subplots(2, 1, sharex=True)
        _s_curves(top, result, scenario)
        _completion(bottom, result)
        for ax in (top, bottom):
            fy_axis(ax, low, high, scenario.horizon.fiscal_year_start)
        return chart_svg(fig, "risk", "Risk: go-live S-curves and completion")


def risk_section(scenario: Scenario, result: RiskResult) -> str:
    svg = "" if result.detail is None else _chart(result, scenario)
    intro = (
        f"{result.runs:,} Monte Carlo runs (seed {result.seed}) of the plan under the scenario's "
        "risk section: durations sampled, the plan's decisions kept, only what the samples push "
        "moves (python -m scheduler risk gives the full report)."
    )
    tables = _go_live_table(result, scenario) + _caps_table(result)
    return (
        f"<p>{esc(intro)}</p><p><strong>{esc(headline(result, scenario))}</strong></p>"
        + figure(svg, tables)
        + _legacy_table(result, scenario)
    )
