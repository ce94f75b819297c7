"""``compare --html``: the comparison as one self-contained page: the summary, the plans' Gantts
aligned on one time axis with what moved marked, and every table of the text report."""

from __future__ import annotations

from scheduler.plan import Plan
from scheduler.report.atomic import write_atomic
from scheduler.report.compare_report import sections
from scheduler.report.html.charts import chart_svg, new_figure
from scheduler.report.html.gantt import (
    GanttMarks,
    draw_gantt,
    legend_handles,
    month_span,
    phase_colours,
)
from scheduler.report.html.page import Section, esc, figure, page, table
from scheduler.scenario.data import Scenario
from scheduler.whatif.compare_types import Comparison, Subject

__all__ = ["moved_phases", "render_compare_html", "write_compare_html"]


def moved_phases(baseline: Plan, other: Plan) -> frozenset[tuple[str, str]]:
    """Phases of ``other`` whose start, end or option differ from ``baseline``'s (or that
    ``baseline`` does not have)."""
    before = {(c.id, p.id): (p.start, p.end, p.option) for c in baseline.clusters for p in c.phases}
    return frozenset(
        (c.id, p.id)
        for c in other.clusters
        for p in c.phases
        if before.get((c.id, p.id)) != (p.start, p.end, p.option)
    )


def _scheduled(comparison: Comparison) -> list[Subject]:
    return [s for s in comparison.subjects if s.plan is not None and s.plan.has_schedule]


def _gantts(comparison: Comparison, scenario: Scenario) -> str:
    subjects = _scheduled(comparison)
    plans = [s.plan for s in subjects if s.plan is not None]
    baseline = comparison.subjects[0].plan
    colours = phase_colours(plans)
    # each plan's months inside its own scenario's horizon (a re-plan may run longer)
    spans = [month_span(s.scenario or scenario, [s.plan]) for s in subjects if s.plan is not None]
    span = (min(first for first, _ in spans), max(last for _, last in spans))
    status = next((p.status_date for p in plans if p.status_date is not None), None)
    rows = max(len(p.clusters) for p in plans)
    height = 0.9 + (0.55 + 0.42 * rows) * len(plans)
    any_moved = False
    with new_figure("compare", 12, height) as fig:
        axes = fig.subplots(len(plans), 1, sharex=True, squeeze=False)[:, 0]
        for index, (ax, subject) in enumerate(zip(axes, subjects, strict=True)):
            plan = subject.plan
            assert plan is not None
            moved: frozenset[tuple[str, str]] = frozenset()
            if baseline is not None and baseline.has_schedule and plan is not baseline:
                moved = moved_phases(baseline, plan)
            any_moved = any_moved or bool(moved)
            marks = GanttMarks(moved=moved)
            draw_gantt(ax, subject.scenario or scenario, plan, span, colours, marks, f"plan{index}")
            ax.set_title(subject.label, loc="left")
        shown = GanttMarks(moved=frozenset({("", "")}) if any_moved else frozenset())
        fig.legend(
            handles=legend_handles(colours, shown, scenario, status),
            loc="outside lower center",
            ncols=6,
            fontsize=8,
            frameon=False,
        )
        return chart_svg(fig, "compare", "Gantt charts of the compared plans, aligned")


def _tables(comparison: Comparison) -> list[Section]:
    out = []
    for index, ((title, headers, rows, align), note) in enumerate(sections(comparison)):
        numeric = [i for i in range(len(headers)) if align[i : i + 1] == "r"]
        body = table(headers, rows, numeric=numeric)
        if note:
            body += f'<p class="note">{esc(note)}</p>'
        out.append(Section(f"table-{index + 1}", title, body))
    return out


def _summary(comparison: Comparison) -> str:
    parts = []
    for story in comparison.summary:
        points = "".join(f"<li>{esc(point)}</li>" for point in story.points)
        parts.append(
            f"<p><strong>{esc(story.subject)} against {esc(story.baseline)}:</strong> "
            f"{esc(story.headline)}</p><ul class=plain>{points}</ul>"
        )
    return "".join(parts) or '<p class="note">Nothing to summarise.</p>'


def render_compare_html(comparison: Comparison) -> str:
    labels = [s.label for s in comparison.subjects]
    result = [Section("summary", "What changed and why", _summary(comparison))]
    scenario = next((s.scenario for s in comparison.subjects if s.scenario is not None), None)
    if scenario is not None and _scheduled(comparison):
        note = (
            "One Gantt per plan on the same time axis; hatched, outlined bars are phases that "
            f"start, end or run a different option than in {labels[0]}."
        )
        if any(s.plan is not None and s.plan.status_date is not None for s in comparison.subjects):
            note += " Dotted, washed-out months are history, before the plan's status date."
        result.append(
            Section("gantt", "Schedules", figure(_gantts(comparison, scenario), "", note))
        )
    result += _tables(comparison)
    title = "Comparison: " + ", ".join(labels)
    subtitle = f"Differences are against the first, {labels[0]}."
    return page(title, subtitle, result, "Written by scheduler (python -m scheduler compare).")


def write_compare_html(comparison: Comparison, path: str) -> None:
    write_atomic(path, render_compare_html(comparison))
