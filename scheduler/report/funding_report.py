"""The ``funding`` command's answers as a terminal table, and ``funding --out DIR``'s files: the
text, the JSON and CSV (:mod:`scheduler.report.funding_files`), the frontier's chart
(:mod:`scheduler.report.funding_frontier`) and each promise's plan.

Money in the text is in short labels (exact pounds where a label would round); in the JSON and
CSV it is integer pounds. A scale factor is written ``x0.3333`` (basis points in the files).
"""

from __future__ import annotations

from pathlib import Path

from scheduler.report.atomic import OutputDir, write_text
from scheduler.report.funding_files import (
    plan_completion,
    plan_late,
    write_funding_csv,
    write_funding_json,
)
from scheduler.report.funding_frontier import frontier_lines, lever_value_text, write_frontier_chart
from scheduler.report.table import format_table
from scheduler.scenario.data import Scenario
from scheduler.solve.cpsat.least_cap import SCALE, Lever
from scheduler.terms import from_model, term_text
from scheduler.units import millions, money_text, month_label, printable
from scheduler.whatif.funding import FundingResult, LeverResult, PromiseResult
from scheduler.whatif.funding_words import unlimited_text

__all__ = ["FUNDING_OUTPUTS", "render_funding", "write_funding"]


def _against(lever: Lever, value: int, current: int) -> str:
    """Headroom (the current amount is more than the least) or shortfall."""
    diff = current - value
    text = f"{abs(diff) / SCALE:.2%}" if lever.scale else money_text(1000 * abs(diff))
    if diff > 0:
        return f"{text} headroom"
    if diff < 0:
        return f"{text} short"
    return "exactly"


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
            cells += [plan_late(plan)] * late + [month_label(plan_completion(plan))] * completion
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
    others = "" if lever.scale else ", the other caps at their amounts"
    return f"even with {unlimited_text(lever)}{others}"


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
