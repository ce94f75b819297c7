"""A sweep's rows as a terminal table and a CSV file, with the funding-gap findings; the PNG chart
is :mod:`scheduler.report.sweep_chart`'s, and :func:`write_sweep` writes them all.

Money in the table is in short labels (exact pounds added where the label rounds); in the CSV it is
integer pounds. Completion is ``YYYY-MM`` in both.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from scheduler.report.atomic import OutputDir, atomic_file, write_atomic, write_text
from scheduler.report.sweep_chart import write_chart
from scheduler.report.sweep_rows import PLANNED, extra_late, findings, value_cell
from scheduler.report.table import format_table
from scheduler.terms import MONTH_TERMS, term_text
from scheduler.units import month_label, printable
from scheduler.whatif.sweep import SweepResult, SweepRow
from scheduler.whatif.sweep_gap import gap_lines

__all__ = [
    "heading_lines",
    "no_plan_notes",
    "render_sweep",
    "sweep_csv_rows",
    "table_parts",
    "write_csv",
    "write_sweep",
]


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
    headers += ["late months"] if extra_late(result) else []
    headers += [heading for _, _, heading in risk]
    headers += ["seconds", "hint"]
    body = []
    for row in result.rows:
        r = row.result
        planned = r.status in PLANNED
        cells: list[object] = [row.index + 1, *([row.name] if variants else [])]
        cells += [value_cell(row, i) for i in range(len(result.spec.columns))]
        cells.append(r.status)
        cells += [
            term_text(t, r.objective[t]) if planned and t in r.objective else "" for t in terms
        ]
        if extra_late(result):
            cells.append(r.late_months if planned else "")
        cells += [_risk_cell(row, kind, key, text=True) for kind, key, _ in risk]
        cells += [f"{r.seconds:.2f}", r.hint]
        body.append(cells)
    left = 2 if variants else 1
    align = "r" + "l" * (left - 1) + "r" * len(result.spec.columns) + "l" + "r" * len(terms)
    align += ("r" if extra_late(result) else "") + "r" * len(risk) + "rl"
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
    if base.status in PLANNED and label in base.objective:
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
        if row.result.status not in PLANNED and row.result.explanation
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
        planned = r.status in PLANNED
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
        if extra_late(result):
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
    columns += ["late_months"] if extra_late(result) else []
    columns += [_risk_csv_name(kind, key) for kind, key, _ in _risk_columns(result)]
    columns += ["seconds", "hint", "explanation"]
    with atomic_file(target, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(sweep_csv_rows(result))
    return target


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
