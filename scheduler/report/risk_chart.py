"""The risk of a plan as a chart: S-curves of each cluster's go-live (hard deadlines and the
status date marked) above a histogram of completion with its planned month and P50/P80/P90, as
``risk --out`` writes it to ``risk.png``. :func:`risk_figure` returns a matplotlib ``Figure`` (Agg
canvas, no display needed); the HTML board pack draws its own (:mod:`scheduler.report.html.risk`).
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
import numpy.typing as npt

from scheduler.analysis.risk.simulate import RiskResult
from scheduler.scenario.data import Scenario
from scheduler.units import month_label

__all__ = ["risk_figure"]


@overload
def _year(month: float) -> float: ...
@overload
def _year(month: npt.NDArray[Any]) -> npt.NDArray[Any]: ...
def _year(month: float | npt.NDArray[Any]) -> float | npt.NDArray[Any]:
    """Months (a number or an array of them) as years, for the charts' axes."""
    return month / 12.0


def risk_figure(result: RiskResult, scenario: Scenario) -> Any:
    """S-curves of each cluster's go-live (with its hard deadlines, and the status date when there
    is one, marked) and a histogram of completion with its planned month and P50/P80/P90: a
    matplotlib ``Figure``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    figure = Figure(figsize=(10, 7.5), layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1)
    label_of = FuncFormatter(lambda v, _: month_label(round(v * 12)))
    detail = result.detail
    colours = [f"C{i}" for i in range(10)]
    shown = [c for c in scenario.clusters if c.legacy] or list(scenario.clusters)
    if detail is not None:
        for i, cluster in enumerate(scenario.clusters):
            if cluster not in shown:
                continue
            values = np.sort(detail.outcomes.go_live[cluster.id])
            colour = colours[i % len(colours)]
            share = np.arange(1, values.size + 1) / values.size
            top.step(_year(values), share, where="post", color=colour, label=cluster.label)
            planned = result.clusters[i].planned
            top.plot([_year(planned)], [0], marker="^", color=colour, clip_on=False)
            for system in cluster.legacy:
                if system.hard_deadline is not None:
                    top.axvline(_year(system.hard_deadline), color=colour, linestyle="--", lw=1)
        completion = detail.outcomes.completion
        low, high = int(completion.min()), int(completion.max())
        bins = np.arange(low, high + 2) - 0.5
        bottom.hist(
            _year(completion),
            bins=_year(bins),
            color="C0",
            alpha=0.7,
            weights=np.full(completion.size, 1 / completion.size),
        )
    title = "Go-live: share of runs live by each month (triangles: planned; dashed: hard deadlines"
    if result.status_date is not None:  # history to its left: the same in every run
        top.axvline(_year(result.status_date), color="grey", linestyle=":", lw=1.5)
        title += f"; dotted: status date {month_label(result.status_date)}"
    top.set_title(title + ")", fontsize="medium" if result.status_date is not None else None)
    top.yaxis.set_major_formatter(PercentFormatter(1.0))
    top.xaxis.set_major_formatter(label_of)
    top.grid(True, alpha=0.3)
    top.legend(loc="lower right", fontsize="small")
    bottom.axvline(_year(result.completion_planned), color="black", lw=1.5, label="planned")
    for q, month, style in zip(
        ("P50", "P80", "P90"), result.completion, (":", "--", "-."), strict=True
    ):
        bottom.axvline(_year(month), color="C3", linestyle=style, label=f"{q} {month_label(month)}")
    bottom.set_title("Completion: share of runs by month")
    bottom.yaxis.set_major_formatter(PercentFormatter(1.0))
    bottom.xaxis.set_major_formatter(label_of)
    bottom.grid(True, alpha=0.3)
    bottom.legend(loc="upper right", fontsize="small")
    figure.suptitle(f"{result.scenario}: {result.runs:,} runs")
    return figure
