"""A sweep's rows as a PNG chart: one panel per objective term against the varied column (a line
per value of a second column), the exact funding frontier where the sweep varies one cap's amount,
and the funding-gap findings marked. Drawn with matplotlib's Agg canvas directly (no pyplot, no
display needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scheduler.report.atomic import atomic_file
from scheduler.report.sweep_rows import PLANNED, extra_late, findings, value_cell
from scheduler.terms import MONEY_TERMS, MONTH_TERMS, from_model
from scheduler.units import money_text, month_label, printable
from scheduler.whatif.sweep import SweepResult, SweepRow

__all__ = ["legend", "path_label", "sweep_figure", "write_chart"]


def _axis_x(result: SweepResult) -> str:
    """``value`` when the rows are placed by the first varied column, numeric (a line per value
    of a second column, if any), else ``index``: one point per row, in order."""
    columns = result.spec.columns
    numeric = all(
        row.values and row.values[0] and row.values[0].number is not None for row in result.rows
    )
    grid = result.spec.kind == "grid" and 1 <= len(columns) <= 2
    return "value" if grid and result.rows and numeric else "index"


def _scale(term: str, value: float) -> float:
    return value / 1_000_000 if term in MONEY_TERMS else value


def _unit(term: str) -> str:
    name = term.replace("_", " ")
    return f"{name} (£m)" if term in MONEY_TERMS else name


def path_label(path: str) -> str:
    """A planner's name for a varied key path: ``budget.caps.SR21.amount`` is ``SR21 cap``,
    ``policy.stagger_months`` is ``stagger (months between entries)``."""
    parts = path.split(".")
    policy = {
        "stagger_months": "stagger (months between entries)",
        "max_entries_per_year": "market entries allowed per year",
        "deadline": "programme deadline",
    }
    if len(parts) == 4 and parts[:2] == ["budget", "caps"] and parts[3] == "amount":
        return f"{parts[2]} cap"
    if len(parts) == 2 and parts[0] == "policy" and parts[1] in policy:
        return policy[parts[1]]
    if len(parts) == 2 and parts[0] == "budget":
        return parts[1].replace("_", " ")
    if len(parts) == 3 and parts[0] in ("clusters", "suppliers"):
        return f"{parts[1]} {parts[2].replace('_', ' ')}"
    return " ".join(part.replace("_", " ") for part in parts[-2:])


def _subtitle(result: SweepResult) -> str:
    """What was swept, wrapped to the chart's width (a variants file can vary many paths)."""
    import textwrap

    labels = ", ".join(dict.fromkeys(path_label(p) for p in result.spec.columns))
    if result.spec.kind == "variants":
        text = f"variants in {Path(result.spec.source).name}, varying {labels}"
    else:
        text = f"sweep of {labels}"
    return "\n".join(textwrap.wrap(text, 110))


def _points(members: list[SweepRow], x_of: Any, y_of: Any) -> tuple[list[float], list[float]]:
    """A series in row order with NaN where a row has no plan, so its line breaks there rather
    than joining the planned rows either side."""
    xs = [x_of(r) for r in members]
    ys = [y_of(r) if r.result.status in PLANNED else float("nan") for r in members]
    return xs, ys


def legend(ax: Any, *others: Any, loc: str = "upper right") -> None:
    """One legend for an axes (and its twin), each label once."""
    found: dict[str, Any] = {}
    for axes in (ax, *others):
        for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
            found.setdefault(label, handle)
    if found:
        ax.legend(list(found.values()), list(found), loc=loc, fontsize="small")


def write_chart(result: SweepResult, path: str | Path) -> Path:
    """Write :func:`sweep_figure` as a PNG."""
    target = Path(path)
    with atomic_file(target, "wb") as handle:
        sweep_figure(result).savefig(handle, dpi=110, format="png")
    return target


def sweep_figure(result: SweepResult) -> Any:
    """A frontier chart (a matplotlib ``Figure``): one panel per objective term (late months on
    a second axis of the first panel when it is extension cost) against the varied value; rows
    without a plan are marked.

    Along a swept value the points are joined by a line, broken where a row has no plan; the
    variants of a variants file are unrelated cases, so they are points, never joined."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    terms = list(result.terms)
    twin_late = bool(terms) and terms[0] == "extension_cost" and "late_months" not in terms
    panels = terms + (["late_months"] if extra_late(result) and not twin_late else [])
    panels = panels or ["late_months"]
    mode = _axis_x(result)
    money_x = mode == "value" and result.rows[0].values[0].kind == "money"  # type: ignore[union-attr]
    style = "-o" if mode == "value" else "o"

    def x_of(row: SweepRow) -> float:
        if mode == "index":
            return row.index + 1
        number = row.values[0].number  # type: ignore[union-attr]
        return number / 1_000_000 if money_x else number  # type: ignore[operator,return-value]

    series: dict[str, list[SweepRow]] = {}
    for row in result.rows:
        key = "" if len(result.spec.columns) < 2 or mode == "index" else value_cell(row, 1)
        series.setdefault(key, []).append(row)

    figure = Figure(figsize=(9, 2.6 * len(panels) + 1.0), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, term in zip(axes, panels, strict=True):
        for key, members in series.items():
            xs, ys = _points(members, x_of, lambda r, t=term: _scale(t, _metric(r, t)))
            label = f"{path_label(result.spec.columns[1])} = {key}" if key else _unit(term)
            ax.plot(xs, ys, style, label=label)
        missing = [x_of(r) for r in result.rows if r.result.status not in PLANNED]
        if missing:
            ax.plot(
                missing,
                [0.03] * len(missing),
                "x",
                color="red",
                transform=ax.get_xaxis_transform(),
                label="no plan",
            )
        ax.set_ylabel(_unit(term))
        if term in MONTH_TERMS:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: month_label(round(v))))
        ax.grid(True, alpha=0.3)
        twin = None
        if term == panels[0] and twin_late:
            twin = ax.twinx()
            for members in series.values():
                xs, ys = _points(members, x_of, lambda r: r.result.late_months)
                twin.plot(
                    xs,
                    ys,
                    "--s" if mode == "value" else "s",
                    color="grey",
                    markersize=4,
                    label="late months",
                )
            twin.set_ylabel("late months (legacy)")
        _mark_gap(ax, result, money_x, labelled=term == panels[0])
        _exact_steps(ax, result, term)
        legend(ax, *([twin] if twin is not None else []))
    last = axes[-1]
    if mode == "value":
        last.set_xlabel(path_label(result.spec.columns[0]))
        if money_x:
            last.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money_text(round(v * 1e6))))
        if result.rows[0].values[0].kind == "month":  # type: ignore[union-attr]
            last.xaxis.set_major_formatter(FuncFormatter(lambda v, _: month_label(round(v))))
    else:
        last.set_xticks([r.index + 1 for r in result.rows])
        last.set_xticklabels(
            [r.name for r in result.rows], rotation=30, ha="right", fontsize="small"
        )
        last.set_xlabel("variant")
    figure.suptitle(
        f"{printable(result.spec.base.name)}\n{printable(_subtitle(result))}", fontsize="medium"
    )
    return figure


def _metric(row: SweepRow, term: str) -> float:
    if term == "late_months":
        return float(row.result.late_months or 0)
    return float(row.result.objective.get(term, 0))


def _exact_steps(ax: Any, result: SweepResult, term: str) -> None:
    """On the first term's panel of a single cap-amount sweep: the exact frontier as steps (the
    best value from each breakpoint to the next), under the swept points."""
    gaps = findings(result)
    base = result.spec.base
    if len(gaps) != 1 or gaps[0].exact is None or base.objective.stages[0] != ((term, 1),):
        return
    exact = gaps[0].exact
    steps = exact.steps
    if not steps:
        return
    xs = [step.value / 1000 for step in steps] + [exact.high / 1000]
    ys = [_scale(term, from_model(term, step.stage, base.horizon.start)) for step in steps]
    ax.step(xs, ys + ys[-1:], where="post", color="C1", linewidth=1, label="exact frontier")


def _mark_gap(ax: Any, result: SweepResult, money_x: bool, labelled: bool) -> None:
    """On a single cap-amount sweep: where the best is first reached, and the scenario's own cap."""
    gaps = findings(result)
    if not money_x or len(gaps) != 1 or len(result.spec.columns) != 1:
        return
    gap = gaps[0]
    least_best, least_feasible = gap.least_best, gap.least_feasible
    exact = gap.exact
    if exact is not None:  # the exact frontier's amounts, not the grid's
        reached = exact.reached and exact.steps
        least_best = 1000 * exact.steps[-1].value if reached else None
        least_feasible = 1000 * exact.least if exact.least is not None else None
    if least_best is not None:
        ax.axvline(
            least_best / 1e6,
            color="green",
            linestyle=":",
            linewidth=1,
            label=f"best first reached ({money_text(least_best)})" if labelled else None,
        )
    if least_feasible is not None and least_feasible > gap.swept[0]:
        ax.axvspan(
            gap.swept[0] / 1e6,
            least_feasible / 1e6,
            color="red",
            alpha=0.08,
            label="no plan in this range" if labelled else None,
        )
    if gap.base_amount is not None:
        ax.axvline(
            gap.base_amount / 1e6,
            color="black",
            linestyle="--",
            linewidth=0.8,
            label=f"scenario's own ({money_text(gap.base_amount)})" if labelled else None,
        )
