"""The exact funding frontier (:func:`scheduler.solve.cpsat.least_cap.funding_frontier`) as
the ``funding --frontier`` table, its sentences and its chart (PNG); and a lever's value in words,
as every funding output says it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scheduler.report.atomic import atomic_file
from scheduler.report.table import format_table
from scheduler.scenario.data import Scenario
from scheduler.solve.cpsat.least_cap import SCALE, Frontier, Lever
from scheduler.terms import MONEY_TERMS, MONTH_TERMS, from_model
from scheduler.units import money_text, month_label, printable
from scheduler.whatif.funding import LeverResult
from scheduler.whatif.funding_words import frontier_sentences, scale_text, stage_name, stage_text

__all__ = [
    "frontier_figure",
    "frontier_lines",
    "frontier_rows",
    "frontier_summary",
    "lever_value_text",
    "write_frontier_chart",
]


def lever_value_text(scenario: Scenario, lever: Lever, value: int) -> str:
    """``£100m`` for a cap; ``x0.3333 (SR21 £100m, Later SRs £200m)`` for the scale."""
    if not lever.scale:
        return money_text(1000 * value)
    amounts = ", ".join(
        f"{name} {money_text(a)}" for name, a in lever.amounts(scenario, value).items()
    )
    return f"{scale_text(value)} ({amounts})"


def frontier_rows(scenario: Scenario, lever: Lever, frontier: Frontier) -> list[dict[str, Any]]:
    """One row per step: ``from`` (lever units), ``to`` (the next step's value, or ``None`` past
    the last), the best first stage (model units) and the late months."""
    rows = []
    steps = frontier.steps
    for index, step in enumerate(steps):
        following = steps[index + 1].value if index + 1 < len(steps) else None
        rows.append(
            {
                "from": step.value,
                "to": following,
                "stage": step.stage,
                "late": step.late,
                "proven": step.proven,
            }
        )
    return rows


def frontier_lines(scenario: Scenario, lever_result: LeverResult) -> list[str]:
    frontier = lever_result.frontier
    assert frontier is not None
    lever = lever_result.lever
    name = stage_name(scenario)
    low, high = (
        lever_value_text(scenario, lever, frontier.low),
        lever_value_text(scenario, lever, frontier.high),
    )
    lines = [
        f"Funding frontier from {low} to {high}: the best {name} and, among the plans that "
        "reach it, the least late months"
    ]
    if frontier.least is None or not frontier.steps:
        lines += ["  " + text for text in frontier_summary(scenario, lever_result)]
        return lines
    body = []
    for row in frontier_rows(scenario, lever, frontier):
        to = row["to"]
        if to is None:
            to_text = "and above" if frontier.reached else f"{high} (the upper bound)"
        else:
            to_text = lever_value_text(scenario, lever, to)
        body.append(
            [
                lever_value_text(scenario, lever, row["from"]),
                to_text,
                stage_text(scenario, row["stage"]),
                row["late"],
            ]
        )
    lines.append(
        format_table(
            ["from", "to (next breakpoint)", f"best {name}", "late months"], body, "rrrr", indent=2
        )
    )
    lines += ["  " + text for text in frontier_summary(scenario, lever_result)]
    return lines


def frontier_summary(scenario: Scenario, lever_result: LeverResult) -> list[str]:
    """The frontier in words (:func:`scheduler.whatif.funding.frontier_sentences`)."""
    frontier = lever_result.frontier
    assert frontier is not None
    lever = lever_result.lever

    def amount(value: int) -> str:
        return lever_value_text(scenario, lever, value)

    return frontier_sentences(scenario, lever, frontier, lever_result.current, amount)


def frontier_figure(scenario: Scenario, lever_result: LeverResult) -> Any:
    """The frontier as steps (a matplotlib ``Figure``): the best first stage against the amount,
    late months on a second axis, the scenario's own amount and the least amount with a plan
    marked. Drawn with the Agg canvas, as the sweep's chart (:mod:`scheduler.report.sweep_chart`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from scheduler.report.sweep_chart import legend

    frontier = lever_result.frontier
    assert frontier is not None
    lever = lever_result.lever
    stage = scenario.objective.stages[0]
    single = len(stage) == 1
    name = stage_name(scenario)
    money_y = single and stage[0][0] in MONEY_TERMS

    def x(value: int) -> float:
        return value / 1000 if not lever.scale else value / SCALE  # £m, or the factor

    def y(value: int) -> float:
        if not single:
            return float(value)
        term, weight = stage[0]
        plain = from_model(term, value // weight, scenario.horizon.start)
        return plain / 1e6 if money_y else float(plain)

    steps = frontier.steps
    xs = [x(s.value) for s in steps] + [x(frontier.high)]
    ys = [y(s.stage) for s in steps]
    late = [s.late for s in steps]
    figure = Figure(figsize=(9, 4.6), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    if steps:
        ax.step(xs, ys + ys[-1:], where="post", label=f"best {name}" + (" (£m)" if money_y else ""))
        ax.plot(xs[:-1], ys, "o", markersize=3, color="C0")
        twin = ax.twinx()
        twin.step(
            xs, late + late[-1:], where="post", color="grey", linestyle="--", label="late months"
        )
        twin.set_ylabel("late months (legacy)")
    else:
        twin = None
    if frontier.least is not None and frontier.least > frontier.low:
        ax.axvspan(x(frontier.low), x(frontier.least), color="red", alpha=0.08, label="no plan")
    ax.axvline(
        x(lever_result.current),
        color="black",
        linestyle="--",
        linewidth=0.8,
        label=f"scenario's own ({lever_value_text(scenario, lever, lever_result.current).split(' (')[0]})",
    )
    if frontier.reached and steps:
        ax.axvline(
            x(steps[-1].value),
            color="green",
            linestyle=":",
            linewidth=1,
            label=f"best first reached ({lever_value_text(scenario, lever, steps[-1].value).split(' (')[0]})",
        )
    ax.set_ylabel(f"best {name}" + (" (£m)" if money_y else ""))
    if single and stage[0][0] in MONTH_TERMS:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: month_label(round(v))))
    if lever.scale:
        ax.set_xlabel("every cap scaled by (x1 = the scenario's own amounts)")
    else:
        ax.set_xlabel(f"{lever.cap} cap")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money_text(round(v * 1e6))))
    ax.grid(True, alpha=0.3)
    legend(ax, *([twin] if twin is not None else []))
    figure.suptitle(
        f"{printable(scenario.name)}\nexact funding frontier (each step a proven least amount)",
        fontsize="medium",
    )
    return figure


def write_frontier_chart(scenario: Scenario, lever_result: LeverResult, path: str | Path) -> Path:
    target = Path(path)
    with atomic_file(target, "wb") as handle:
        frontier_figure(scenario, lever_result).savefig(handle, dpi=110, format="png")
    return target
