"""The ``funding`` command's answers as a terminal table, JSON (``scheduler-funding/1``), CSV and,
with ``--frontier``, the frontier's table and chart (PNG).

Money in the text is in short labels (exact pounds where a label would round); in the JSON and
CSV it is integer pounds. A scale factor is written ``x0.3333`` (basis points in the files).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from scheduler.plan import Plan
from scheduler.report.atomic import OutputDir, atomic_file, write_text
from scheduler.report.table import format_table
from scheduler.scenario.data import Scenario
from scheduler.solve.cpsat.least_cap import SCALE, Frontier, Lever
from scheduler.terms import MONEY_TERMS, MONTH_TERMS, from_model, term_text
from scheduler.units import millions, money_text, month_label, printable
from scheduler.whatif.funding import (
    FundingResult,
    LeverResult,
    PromiseResult,
    frontier_sentences,
    scale_text,
    stage_name,
    stage_text,
)

__all__ = [
    "FUNDING_OUTPUTS",
    "frontier_figure",
    "frontier_rows",
    "funding_json",
    "render_funding",
    "write_frontier_chart",
    "write_funding",
    "write_funding_csv",
    "write_funding_json",
]


def lever_value_text(scenario: Scenario, lever: Lever, value: int) -> str:
    """``£100m`` for a cap; ``x0.3333 (SR21 £100m, Later SRs £200m)`` for the scale."""
    if not lever.scale:
        return money_text(1000 * value)
    amounts = ", ".join(
        f"{name} {money_text(a)}" for name, a in lever.amounts(scenario, value).items()
    )
    return f"{scale_text(value)} ({amounts})"


def _against(lever: Lever, value: int, current: int) -> str:
    """Headroom (the current amount is more than the least) or shortfall."""
    diff = current - value
    text = f"{abs(diff) / SCALE:.2%}" if lever.scale else money_text(1000 * abs(diff))
    if diff > 0:
        return f"{text} headroom"
    if diff < 0:
        return f"{text} short"
    return "exactly"


def _late(plan: Plan) -> int:
    return sum(system.late_months for c in plan.clusters for system in c.legacy)


def _completion(plan: Plan) -> int:
    return max(c.finish for c in plan.clusters)


def _status(answer: PromiseResult) -> str:
    least = answer.least
    if least.status == "optimal":
        return "least, proven"
    if least.status == "feasible":
        return f"found, not proven least (bound {least.bound})"
    if least.status == "infeasible":
        return "no amount keeps it"
    return "no answer in the time limit"


def _lever_heading(scenario: Scenario, lever_result: LeverResult) -> str:
    lever = lever_result.lever
    if lever.scale:
        return (
            "Every cap scaled by one factor (x1.0000 is the scenario's own amounts; "
            "the least factor to 0.0001)"
        )
    cap = lever.caps(scenario)[0]
    label = scenario.horizon.fy_label
    span = f"{label(cap.first_year)}..{label(cap.last_year)}"
    return f"Cap {cap.name} ({span}), now {money_text(cap.amount)}"


def _extra_columns(scenario: Scenario) -> tuple[bool, bool]:
    """Whether late months and completion get their own columns (not already objective terms)."""
    terms = scenario.objective.reported_terms
    return "late_months" not in terms, "completion" not in terms


def promise_rows(
    result: FundingResult, lever_result: LeverResult
) -> tuple[list[str], list[list[object]]]:
    """The table's headers and rows for one lever."""
    scenario = result.scenario
    terms = list(scenario.objective.reported_terms)
    late, completion = _extra_columns(scenario)
    lever = lever_result.lever
    now = lever_value_text(scenario, lever, lever_result.current)
    headers = ["promise", "least amount", f"against {now}", *[t.replace("_", " ") for t in terms]]
    headers += ["late months"] * late + ["completion"] * completion + ["plan at that amount"]
    blank = [""] * (len(terms) + late + completion)
    rows: list[list[object]] = []
    for answer in lever_result.promises:
        if answer.value is None:
            why = "no plan at any amount" if answer.same_as else f"{_status(answer)} (below)"
            rows.append([answer.label, "none", "", *blank, why])
            continue
        cells: list[object] = [
            answer.label,
            lever_value_text(scenario, lever, answer.value),
            _against(lever, answer.value, lever_result.current),
        ]
        if answer.least.status != "optimal":
            cells[1] = f"{cells[1]} (not proven least)"
        plan = answer.plan
        if answer.same_as is not None:
            cells += [*blank, "the same: hard deadlines are rules, kept by every plan"]
        elif plan is not None and plan.has_schedule:
            cells += [term_text(t, plan.objective[t]) for t in terms]
            cells += [_late(plan)] * late + [month_label(_completion(plan))] * completion
            kept = "keeps it" if answer.kept else "DOES NOT keep it"
            cells.append(f"{plan.status}, checked, {kept}")
        else:
            cells += [*blank, plan.status if plan is not None else "-"]
        rows.append(cells)
    return headers, rows


def plans_lines(result: FundingResult, lever_result: LeverResult) -> list[str]:
    """The plans at the least amounts side by side: each cluster's market entry and go-live,
    and each cap's releases against its amount at that plan."""
    answers = [
        a for a in lever_result.promises if a.same_as is None and a.plan and a.plan.has_schedule
    ]
    if not answers:
        return []
    scenario, lever = result.scenario, lever_result.lever
    headers = ["cluster"] + [
        f"{a.label} ({lever_value_text(scenario, lever, a.value).split(' (')[0]})"
        for a in answers
        if a.value is not None
    ]
    rows: list[list[object]] = []
    for cluster in scenario.clusters:
        row: list[object] = [cluster.id]
        for answer in answers:
            assert answer.plan is not None
            planned = answer.plan.cluster(cluster.id)
            row.append(f"{month_label(planned.entry)} -> {month_label(planned.go_live)}")
        rows.append(row)
    for cap in scenario.budget.caps if scenario.budget else ():
        row = [f"cap {cap.name}"]
        for answer in answers:
            assert answer.plan is not None
            use = next((c for c in answer.plan.caps if c.name == cap.name), None)
            row.append(f"{millions(use.released)} of {millions(use.amount)}" if use else "")
        rows.append(row)
    title = "The plans at those amounts: market entry -> go-live per cluster, £m released per cap"
    return [title, format_table(headers, rows, "l" + "r" * len(answers), indent=2)]


def _wrapped(text: str, indent: str = "  ", width: int = 100) -> list[str]:
    """A paragraph wrapped to ``width``, continuation lines indented two more."""
    import textwrap

    return textwrap.wrap(
        text, width, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    )


def render_funding(result: FundingResult) -> str:
    """The full text report: per lever, the promises' table, notes and explanations, and the
    frontier when asked for."""
    scenario = result.scenario
    lines = [f"Funding: {scenario.name}" + (f" ({scenario.source})" if scenario.source else "")]
    for lever_result in result.levers:
        lines += [
            "",
            _lever_heading(scenario, lever_result)
            + ": the least amount at which each promise holds",
        ]
        headers, rows = promise_rows(result, lever_result)
        align = "lrr" + "r" * (len(headers) - 4) + "l"
        lines.append(format_table(headers, rows, align, indent=2))
        lines += ["", *plans_lines(result, lever_result)]
        lines.append("")
        for note in _notes(result, lever_result):
            lines += _wrapped(note)
        for answer in lever_result.promises:
            if answer.explanation:
                lines += ["", f'No amount keeps "{answer.label}" ({_unlimited(lever_result)}):']
                lines += ["  " + text for text in answer.explanation]
        if lever_result.frontier is not None:
            lines += ["", *frontier_lines(scenario, lever_result)]
    return "\n".join(lines)


def _unlimited(lever_result: LeverResult) -> str:
    lever = lever_result.lever
    if lever.scale:
        return "even with every cap unlimited"
    return f"even with {lever.cap} unlimited, the other caps at their amounts"


def _notes(result: FundingResult, lever_result: LeverResult) -> list[str]:
    scenario = result.scenario
    notes = [
        "Each least amount is minimised exactly (the amount a decision, the promise as "
        "constraints); one £1k less and no plan keeps the promise. Each plan is the scenario "
        "solved at that amount with the promise kept, re-checked independently."
    ]
    best = next((a for a in lever_result.promises if a.key == "best"), None)
    if best is not None and best.least.best is not None:
        stage = scenario.objective.stages[0]
        if len(stage) == 1:
            name, weight = stage[0]
            value = from_model(name, best.least.best // weight, scenario.horizon.start)
            text = term_text(name, value)
        else:
            text = str(best.least.best)
        proven = "" if best.least.best_proven else " (best found, not proven)"
        notes.append(f"The unlimited best of the first objective stage is {text}{proven}.")
    lever = lever_result.lever
    floor = lever.floor(scenario)
    if floor > 0 and any(a.value == floor for a in lever_result.promises):
        notes.append(
            f"{lever_value_text(scenario, lever, floor)} had already been released before the "
            f"status date ({month_label(scenario.status_date or 0)}) in the years capped: no "
            "amount can be lower, so a least amount equal to it means the decisions need nothing "
            "more there."
        )
    return notes


# -- frontier ---------------------------------------------------------------------------------


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
    marked. Drawn with the Agg canvas, as the sweep's chart (:mod:`scheduler.report.sweep_report`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from scheduler.report.sweep_report import _legend

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
    _legend(ax, *([twin] if twin is not None else []))
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


# -- files ------------------------------------------------------------------------------------


def _plan_summary(plan: Plan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    if not plan.has_schedule:
        return {"status": plan.status}
    return {
        "status": plan.status,
        "objective": {
            k: (month_label(v) if k in MONTH_TERMS else v) for k, v in plan.objective.items()
        },
        "late_months": _late(plan),
        "completion": month_label(_completion(plan)),
        "caps": [{"name": c.name, "amount": c.amount, "released": c.released} for c in plan.caps],
    }


def _lever_json(scenario: Scenario, lever: Lever, value: int | None) -> Any:
    if value is None:
        return None
    if lever.scale:
        return {
            "factor": value / SCALE,
            "basis_points": value,
            "amounts": lever.amounts(scenario, value),
        }
    return 1000 * value


def funding_json(result: FundingResult) -> dict[str, Any]:
    """The ``scheduler-funding/1`` document."""
    scenario = result.scenario
    levers = []
    for lr in result.levers:
        lever = lr.lever
        promises = []
        for answer in lr.promises:
            least = answer.least
            promises.append(
                {
                    "promise": answer.key,
                    "label": answer.label,
                    "status": least.status,
                    "least": _lever_json(scenario, lever, least.value),
                    "bound": _lever_json(scenario, lever, least.bound)
                    if least.status == "feasible"
                    else None,
                    "difference": None
                    if least.value is None
                    else ((lr.current - least.value) * (1 if lever.scale else 1000)),
                    "same_as": answer.same_as,
                    "kept": answer.kept,
                    "plan": _plan_summary(answer.plan),
                    "explanation": list(answer.explanation),
                }
            )
        entry: dict[str, Any] = {
            "cap": lever.cap,
            "scale": lever.scale,
            "current": _lever_json(scenario, lever, lr.current),
            "promises": promises,
        }
        if lr.frontier is not None:
            frontier = lr.frontier
            entry["frontier"] = {
                "from": _lever_json(scenario, lever, frontier.low),
                "to": _lever_json(scenario, lever, frontier.high),
                "least_with_plan": _lever_json(scenario, lever, frontier.least),
                "reached_best": frontier.reached,
                "complete": frontier.complete,
                "steps": [
                    {
                        "from": _lever_json(scenario, lever, row["from"]),
                        "to": _lever_json(scenario, lever, row["to"]),
                        "first_stage": _stage_json(scenario, row["stage"]),
                        "late_months": row["late"],
                    }
                    for row in frontier_rows(scenario, lever, frontier)
                ],
            }
        levers.append(entry)
    return {
        "format": "scheduler-funding/1",
        "scenario": scenario.name,
        "source": scenario.source,
        "first_stage": [list(pair) for pair in scenario.objective.stages[0]],
        "late_months_allowed": result.late_months,
        "levers": levers,
    }


def _stage_json(scenario: Scenario, value: int) -> Any:
    stage = scenario.objective.stages[0]
    if len(stage) != 1:
        return value
    name, weight = stage[0]
    plain = from_model(name, value // weight, scenario.horizon.start)
    return month_label(plain) if name in MONTH_TERMS else plain


def write_funding_json(result: FundingResult, path: str | Path) -> Path:
    text = json.dumps(funding_json(result), indent=2, ensure_ascii=False) + "\n"
    return write_text(path, text)


CSV_COLUMNS = (
    "cap", "promise", "status", "least", "current", "difference", "objective", "late_months",
    "completion", "plan_status", "kept",
)  # fmt: skip


def write_funding_csv(result: FundingResult, path: str | Path) -> Path:
    """One row per lever and promise: money in pounds (a scale as its factor); ``difference`` is
    the current amount less the least (positive: headroom, negative: shortfall)."""
    target = Path(path)
    with atomic_file(target, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        for lr in result.levers:
            unit = (lambda v: v / SCALE) if lr.lever.scale else (lambda v: 1000 * v)
            for answer in lr.promises:
                plan = answer.plan if answer.plan is not None and answer.plan.has_schedule else None
                writer.writerow(
                    {
                        "cap": lr.lever.cap or "(every cap, scaled)",
                        "promise": answer.key,
                        "status": answer.least.status,
                        "least": "" if answer.value is None else unit(answer.value),
                        "current": unit(lr.current),
                        "difference": ""
                        if answer.value is None
                        else unit(lr.current - answer.value),
                        "objective": ""
                        if plan is None
                        else "; ".join(
                            f"{k}={month_label(v) if k in MONTH_TERMS else v}"
                            for k, v in plan.objective.items()
                        ),
                        "late_months": "" if plan is None else _late(plan),
                        "completion": "" if plan is None else month_label(_completion(plan)),
                        "plan_status": "" if answer.plan is None else answer.plan.status,
                        "kept": "" if answer.kept is None else answer.kept,
                    }
                )
    return target


FUNDING_OUTPUTS = ("funding.txt", "funding.json", "funding.csv", "frontier-*.png", "plans/*.json")
"""The files ``funding --out DIR`` owns (an earlier run's that this one does not write go)."""


def write_funding(result: FundingResult, directory: str | Path) -> list[Path]:
    """``funding.txt``, ``funding.json``, ``funding.csv``, a ``frontier-<cap>.png`` per frontier
    and each promise's plan as ``plans/<cap>-<promise>.json``, each written atomically."""
    out = OutputDir(directory, FUNDING_OUTPUTS)
    write_text(out.path("funding.txt"), printable(render_funding(result)) + "\n")
    write_funding_json(result, out.path("funding.json"))
    write_funding_csv(result, out.path("funding.csv"))
    for lr in result.levers:
        stem = _stem(lr.lever.cap or "scaled")
        if lr.frontier is not None and lr.frontier.steps:
            write_frontier_chart(result.scenario, lr, out.path(f"frontier-{stem}.png"))
        for answer in lr.promises:
            if answer.plan is not None and answer.plan.has_schedule and answer.same_as is None:
                name = f"plans/{stem}-{_stem(answer.key)}.json"
                write_text(out.path(name), answer.plan.to_json())
    out.finish()
    return list(out.written)


def _stem(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
