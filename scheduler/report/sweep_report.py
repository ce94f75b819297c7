"""A sweep's rows as a terminal table, a CSV file and a PNG chart, plus the funding-gap findings.

Money in the table is in short labels (exact pounds added where the label rounds); in the CSV it is
integer pounds. Completion is ``YYYY-MM`` in both. The chart is drawn with matplotlib's Agg
canvas directly (no pyplot, no display needed).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scheduler.report.atomic import OutputDir, atomic_file, write_atomic, write_text
from scheduler.report.table import format_table
from scheduler.terms import MONEY_TERMS, MONTH_TERMS, from_model, term_text
from scheduler.units import money_text, month_label, printable
from scheduler.whatif.sweep import SweepResult, SweepRow
from scheduler.whatif.sweep_gap import GapFinding, funding_gaps, gap_lines

__all__ = [
    "findings",
    "heading_lines",
    "no_plan_notes",
    "path_label",
    "render_sweep",
    "sweep_csv_rows",
    "sweep_figure",
    "table_parts",
    "write_chart",
    "write_csv",
    "write_sweep",
]

_PLAN = ("optimal", "feasible")


def _extra_late(result: SweepResult) -> bool:
    """Late months get their own column when no objective term already reports them."""
    return "late_months" not in result.terms


def _risk_columns(result: SweepResult) -> list[tuple[str, str, str]]:
    """``(kind, key, heading)`` of the risk columns: each hard deadline's probability (each
    expiry's when no row has a hard deadline), then completion at P80; none without risk."""
    summaries = [row.result.risk for row in result.rows if row.result.risk is not None]
    if not summaries:
        return []
    kind = "hard_deadlines" if any(s["hard_deadlines"] for s in summaries) else "expiries"
    keys = list(dict.fromkeys(key for s in summaries for key in s[kind]))
    clusters = [key.split(": ", 1)[0] for key in keys]
    word = "deadline" if kind == "hard_deadlines" else "expiry"
    columns = [
        (kind, key, f"P({cid} {word})" if clusters.count(cid) == 1 else f"P({key[:24]})")
        for key, cid in zip(keys, clusters, strict=True)
    ]
    return [*columns, ("completion_P80", "", "completion P80")]


def _risk_cell(row: SweepRow, kind: str, key: str, text: bool) -> object:
    risk = row.result.risk
    if risk is None:
        return ""
    if kind == "completion_P80":
        return month_label(risk[kind])
    value = risk[kind].get(key)
    if value is None:
        return ""
    return f"{100 * value:.1f}%" if text else round(value, 4)


def findings(result: SweepResult) -> list[GapFinding]:
    return funding_gaps(
        result.spec.columns,
        result.rows,
        result.first_stage_label,
        result.spec.base,
        result.base.first_stage,
        result.frontiers,
    )


def _value_cell(row: SweepRow, position: int) -> str:
    value = row.values[position] if position < len(row.values) else None
    return value.label if value is not None else ""


def _short(path: str) -> str:
    """A column heading: the last two segments of a long path (``SR21.amount``)."""
    segments = path.split(".")
    return ".".join(segments[-2:]) if len(segments) > 2 else path


def table_parts(result: SweepResult) -> tuple[list[str], list[list[object]], str]:
    """The sweep table's headers, rows and column alignment (``l``/``r`` per column)."""
    variants = result.spec.kind == "variants"
    terms = result.terms
    shown = [_short(path) for path in result.spec.columns]
    risk = _risk_columns(result)
    headers = ["#", *(["variant"] if variants else []), *shown, "status", *terms]
    headers += ["late months"] if _extra_late(result) else []
    headers += [heading for _, _, heading in risk]
    headers += ["seconds", "hint"]
    body = []
    for row in result.rows:
        r = row.result
        planned = r.status in _PLAN
        cells: list[object] = [row.index + 1, *([row.name] if variants else [])]
        cells += [_value_cell(row, i) for i in range(len(result.spec.columns))]
        cells.append(r.status)
        cells += [
            term_text(t, r.objective[t]) if planned and t in r.objective else "" for t in terms
        ]
        if _extra_late(result):
            cells.append(r.late_months if planned else "")
        cells += [_risk_cell(row, kind, key, text=True) for kind, key, _ in risk]
        cells += [f"{r.seconds:.2f}", r.hint]
        body.append(cells)
    left = 2 if variants else 1
    align = "r" + "l" * (left - 1) + "r" * len(result.spec.columns) + "l" + "r" * len(terms)
    align += ("r" if _extra_late(result) else "") + "r" * len(risk) + "rl"
    return headers, body, align


def render_table(result: SweepResult) -> str:
    headers, body, align = table_parts(result)
    return format_table(headers, body, align)


def heading_lines(result: SweepResult) -> list[str]:
    """What was swept, the base scenario's result and how many variants are done."""
    spec = result.spec
    base = result.base
    label = result.first_stage_label
    lines = [f"Sweep of {spec.source}: {spec.base.name}"]
    base_text = base.status
    if base.status in _PLAN and label in base.objective:
        base_text += f", {label.replace('_', ' ')} {term_text(label, base.objective[label])}"
    lines.append(f"base scenario (unvaried; its plan is every variant's warm start): {base_text}")
    done = f"{len(result.rows)} of {len(spec.variants)} variants"
    lines.append(done + (" (INTERRUPTED: only the finished rows)" if result.interrupted else ""))
    return lines


def no_plan_notes(result: SweepResult) -> list[tuple[str, list[str]]]:
    """``("#3 no money: infeasible", explanation lines)`` for each variant without a plan."""
    return [
        (f"#{row.index + 1} {row.name}: {row.result.status}", list(row.result.explanation[:6]))
        for row in result.rows
        if row.result.status not in _PLAN and row.result.explanation
    ]


def render_sweep(result: SweepResult) -> str:
    """The full text report: heading, table, funding-gap findings, notes."""
    lines = [*heading_lines(result), "", render_table(result)]
    gaps = findings(result)
    if gaps:
        exact = all(finding.exact is not None for finding in gaps)
        where = (
            "exact, from the funding frontier" if exact else "measured on the swept amounts only"
        )
        lines += ["", f"The price of the funding gap ({where}):"]
        for finding in gaps:
            lines += ["  " + line for line in gap_lines(finding)]
    for title, explanation in no_plan_notes(result):
        lines += ["", title]
        lines += ["  " + text for text in explanation]
    return "\n".join(lines)


def _risk_csv_name(kind: str, key: str) -> str:
    if kind == "completion_P80":
        return kind
    return f"P({'hard deadline' if kind == 'hard_deadlines' else 'expiry'} holds) {key}"


def _csv_term(term: str, value: int) -> object:
    return month_label(value) if term in MONTH_TERMS else value


def sweep_csv_rows(result: SweepResult) -> list[dict[str, object]]:
    rows = []
    for row in result.rows:
        r = row.result
        planned = r.status in _PLAN
        record: dict[str, object] = {"index": row.index + 1, "variant": row.name}
        for position, path in enumerate(result.spec.columns):
            value = row.values[position] if position < len(row.values) else None
            if value is None:
                record[path] = ""
            elif value.kind in ("money", "int", "percent") and value.number is not None:
                record[path] = value.number
            else:
                record[path] = value.label
        record["status"] = r.status
        for term in result.terms:
            amount = r.objective.get(term) if planned else None
            record[term] = "" if amount is None else _csv_term(term, amount)
        if _extra_late(result):
            record["late_months"] = r.late_months if planned else ""
        for kind, key, _ in _risk_columns(result):
            record[_risk_csv_name(kind, key)] = _risk_cell(row, kind, key, text=False)
        record["seconds"] = f"{r.seconds:.3f}"
        record["hint"] = r.hint
        record["explanation"] = " | ".join(text.strip() for text in r.explanation)
        rows.append(record)
    return rows


def write_csv(result: SweepResult, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    columns = ["index", "variant", *result.spec.columns, "status", *result.terms]
    columns += ["late_months"] if _extra_late(result) else []
    columns += [_risk_csv_name(kind, key) for kind, key, _ in _risk_columns(result)]
    columns += ["seconds", "hint", "explanation"]
    with atomic_file(target, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(sweep_csv_rows(result))
    return target


# -- chart ----------------------------------------------------------------------------------------


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
    ys = [y_of(r) if r.result.status in _PLAN else float("nan") for r in members]
    return xs, ys


def _legend(ax: Any, *others: Any, loc: str = "upper right") -> None:
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
    panels = terms + (["late_months"] if _extra_late(result) and not twin_late else [])
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
        key = "" if len(result.spec.columns) < 2 or mode == "index" else _value_cell(row, 1)
        series.setdefault(key, []).append(row)

    figure = Figure(figsize=(9, 2.6 * len(panels) + 1.0), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, term in zip(axes, panels, strict=True):
        for key, members in series.items():
            xs, ys = _points(members, x_of, lambda r, t=term: _scale(t, _metric(r, t)))
            label = f"{path_label(result.spec.columns[1])} = {key}" if key else _unit(term)
            ax.plot(xs, ys, style, label=label)
        missing = [x_of(r) for r in result.rows if r.result.status not in _PLAN]
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
        _legend(ax, *([twin] if twin is not None else []))
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


# -- everything at once ---------------------------------------------------------------------------


SWEEP_OUTPUTS = ("sweep.txt", "sweep.csv", "sweep.png", "sweep.html", "plans/*.json")
"""The files ``sweep --out DIR`` owns: a run removes those of an earlier run it does not write."""


def write_sweep(
    result: SweepResult,
    directory: str | Path,
    html: Callable[[SweepResult], str] | None = None,
) -> list[Path]:
    """``sweep.txt``, ``sweep.csv``, ``sweep.png``, ``sweep.html`` (the page ``html`` renders, when
    given) and ``plans/NNN.json`` into ``directory``, each written atomically; then the files of
    :data:`SWEEP_OUTPUTS` this run did not write (an earlier, longer sweep's ``plans/005.json``) are
    removed."""
    out = OutputDir(directory, SWEEP_OUTPUTS)
    if html is not None:
        write_atomic(out.path("sweep.html"), html(result))
    write_text(out.path("sweep.txt"), printable(render_sweep(result)) + "\n")
    write_csv(result, out.path("sweep.csv"))
    if result.rows:
        write_chart(result, out.path("sweep.png"))
    for row in result.rows:
        if row.result.plan is not None:
            data = {"variant": row.name, **row.result.plan}
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            write_text(out.path(f"plans/{row.index + 1:03d}.json"), text)
    out.finish()
    return list(out.written)
