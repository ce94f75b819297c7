"""``sweep --html`` (and ``sweep.html`` in ``--out``): the sweep as one self-contained page: the
frontier chart as inline SVG beside its table, the price of the funding gap, and why the variants
without a plan have none."""

from __future__ import annotations

from pathlib import Path

from scheduler.report.atomic import write_atomic
from scheduler.report.html.charts import chart_svg, svg_settings
from scheduler.report.html.page import Section, esc, figure, page, table
from scheduler.report.sweep_chart import sweep_figure
from scheduler.report.sweep_report import heading_lines, no_plan_notes, table_parts
from scheduler.report.sweep_rows import findings
from scheduler.whatif.sweep import SweepResult
from scheduler.whatif.sweep_gap import gap_lines

__all__ = ["render_sweep_html", "write_sweep_html"]


def _frontier(result: SweepResult) -> str:
    headers, body, align = table_parts(result)
    numeric = [i for i in range(len(headers)) if align[i : i + 1] == "r"]
    data = table(headers, body, numeric=numeric, caption="One row per variant")
    if not result.rows:
        return data
    with svg_settings("sweep"):
        svg = chart_svg(sweep_figure(result), "sweep", "Sweep frontier")
    return figure(svg, data)


def render_sweep_html(result: SweepResult) -> str:
    heading = heading_lines(result)
    sections = [Section("frontier", "Frontier", _frontier(result))]
    gaps = findings(result)
    if gaps:
        items = "".join(
            "<li>" + "<br>".join(esc(line.strip()) for line in gap_lines(g)) + "</li>" for g in gaps
        )
        intro = "Measured on the swept amounts only."
        body = f'<p class="note">{esc(intro)}</p><ul class=plain>{items}</ul>'
        sections.append(Section("gap", "The price of the funding gap", body))
    notes = no_plan_notes(result)
    if notes:
        body = "".join(
            f"<h3>{esc(title)}</h3><ul class=plain>"
            + "".join(f"<li>{esc(line.strip())}</li>" for line in lines)
            + "</ul>"
            for title, lines in notes
        )
        sections.append(Section("no-plan", "Variants without a plan", body))
    subtitle = "; ".join(heading[1:])
    return page(heading[0], subtitle, sections, "Written by scheduler (python -m scheduler sweep).")


def write_sweep_html(result: SweepResult, path: str | Path) -> Path:
    return write_atomic(path, render_sweep_html(result))
