"""The robust plan's report: each hard deadline's buffer and probability, and the price paid."""

from __future__ import annotations

import textwrap

from scheduler.report.table import format_table
from scheduler.terms import term_text
from scheduler.units import month_label
from scheduler.whatif.robust import RobustResult

__all__ = ["render_robust"]

INDENT = 2
WIDTH = 100


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def render_robust(result: RobustResult) -> str:
    how = (
        f"Buffers from the {_pct(result.target)} quantile of each deadline's sampled slip, "
        f"{result.samples:,} in-sample runs (seed {result.seeds[0]}), {result.rounds} round(s); "
        f"checked on {result.runs:,} fresh runs (seed {result.seeds[1]})."
    )
    lines = [
        f"Robust plan: every hard deadline to hold with probability at least {_pct(result.target)}",
        textwrap.fill(how, WIDTH, initial_indent=" " * INDENT, subsequent_indent=" " * INDENT),
    ]
    if not result.deadlines:
        lines.append("  the scenario has no hard deadline: the deterministic plan is the plan")
        return "\n".join(lines) + "\n"
    rows = []
    for row in result.deadlines:
        error = 1.96 * result.standard_error(row.out_of_sample) * 100
        rows.append(
            [
                row.cluster,
                row.legacy,
                month_label(row.hard_deadline),
                row.buffer,
                month_label(row.retired),
                _pct(row.deterministic),
                _pct(row.in_sample),
                f"{_pct(row.out_of_sample)} +-{error:.1f}",
            ]
        )
    headers = ["cluster", "legacy", "hard deadline", "buffer", "retired", "deterministic plan"]
    headers += ["in sample", "out of sample (95%)"]
    lines += ["", format_table(headers, rows, "lllrlrrr", INDENT)]
    if result.met:
        lines.append(
            f"\nEvery hard deadline holds in at least {_pct(result.target)} of the in-sample runs."
        )
    else:
        best = min(row.in_sample for row in result.deadlines)
        history = dict(result.history)
        capped = ", ".join(
            f"{cluster}: {name}"
            + (
                f" (retired by {cluster} {history[(cluster, name)]}, which has actuals: history"
                ", no decision moves it)"
                if (cluster, name) in history
                else " (no plan retires it any earlier)"
            )
            for cluster, name in result.capped_by
        )
        text = (
            f"No plan reaches {_pct(result.target)}: the deadline that caps it is {capped or '-'}; "
            f"the best reachable is {_pct(best)} for the least likely deadline, the plan shown."
        )
        lines += ["", textwrap.fill(text, WIDTH)]
    lines += ["", "The price of robustness (robust plan against the deterministic plan)"]
    rows = []
    for term, value in result.plan.objective.items():
        before = result.deterministic.objective.get(term)
        if before is None:
            continue
        change = value - before
        shown = "0" if change == 0 else ("+" if change > 0 else "-") + term_text(term, abs(change))
        if term == "completion":
            shown = f"{change:+d} months" if change else "0"
        rows.append([term, term_text(term, before), term_text(term, value), shown])
    lines.append(format_table(["term", "deterministic", "robust", "price"], rows, "lrrr", INDENT))
    return "\n".join(lines) + "\n"
