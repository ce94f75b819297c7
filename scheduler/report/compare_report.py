"""A comparison as a plain-text report (terminal) or Markdown: inputs, objective terms, clusters,
funding, binding rules and the summary. Every input after the first shows its difference from the
first in brackets and a ``*`` where it differs; no colour, plain text only.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence

from scheduler.report.table import format_table
from scheduler.terms import MONEY_TERMS, MONTH_TERMS, term_text
from scheduler.units import fy_label, millions, month_label, signed_millions
from scheduler.whatif.compare_entries import months_text, signed_money
from scheduler.whatif.compare_types import ClusterFacts, Comparison, Story

__all__ = ["render_comparison", "render_markdown", "sections", "story_text"]

INDENT = 2
Table = tuple[str, list[str], list[list[str]], str]  # title, headers, rows, align


def _marked(text: str, diff: str, changed: bool) -> str:
    text = f"{text} ({diff})" if diff else text
    return f"{text} *" if changed else text


def _term_cells(comparison: Comparison, term: str) -> list[str]:
    plans = [s.plan for s in comparison.subjects]
    first = plans[0].objective.get(term) if plans[0] and plans[0].has_schedule else None
    cells = []
    for index, plan in enumerate(plans):
        if plan is None or not plan.has_schedule or term not in plan.objective:
            cells.append("-" if plan is None or plan.has_schedule else plan.status)
            continue
        value = plan.objective[term]
        diff, changed = "", False
        if index and first is not None and value != first:
            changed = True
            if term in MONTH_TERMS:
                diff = months_text(value - first, signed=True)
            elif term in MONEY_TERMS:
                diff = signed_money(value - first)
            else:
                diff = f"{value - first:+d}"
        cells.append(_marked(term_text(term, value), diff, changed))
    return cells


def _inputs(comparison: Comparison) -> Table:
    rows = []
    for subject in comparison.subjects:
        status = subject.plan.status if subject.plan else "not solved"
        changes = ", ".join(f"{p}={v}" for p, v in subject.overrides) or "-"
        rows.append([subject.label, subject.kind, subject.source, status, changes])
    headers = ["input", "kind", "file", "status", "overrides"]
    return ("Inputs (differences are against the first)", headers, rows, "")


def _objective(comparison: Comparison) -> Table:
    rows = [[term, *_term_cells(comparison, term)] for term in comparison.terms]
    headers = ["term", *(s.label for s in comparison.subjects)]
    return ("Objective (most important first)", headers, rows, "")


def _cluster_rows(comparison: Comparison, cid: str) -> list[list[str]]:
    count = len(comparison.subjects)
    facts = [comparison.facts(index, cid) for index in range(count)]
    base = facts[0]

    def month_row(item: str, get: Callable[[ClusterFacts], int | None]) -> list[str]:
        cells = []
        first = get(base) if base is not None else None
        for index, fact in enumerate(facts):
            value = get(fact) if fact is not None else None
            if value is None:  # the plan has no such cluster or legacy system
                cells.append(_marked("-", "", bool(index and first is not None)))
                continue
            diff = ""
            if index and first is not None and value != first:
                diff = months_text(value - first, signed=True)
            cells.append(_marked(month_label(value), diff, bool(index and value != first)))
        return [item, *cells]

    rows = [
        month_row("market entry", lambda f: f.entry),
        month_row("award", lambda f: f.award),
        month_row("go-live", lambda f: f.go_live),
    ]
    phases = [p for f in facts if f for p, _ in f.options]
    for phase_id in dict.fromkeys(phases):
        labels = [dict(f.options).get(phase_id, "-") if f else "-" for f in facts]
        first = labels[0]
        cells = [_marked(label, "", bool(i and label != first)) for i, label in enumerate(labels)]
        rows.append([f"{phase_id} option", *cells])
    names = [name for f in facts if f for name, _, _ in f.retired]
    for name in dict.fromkeys(names):
        rows.append(month_row(f"retires {_short(name)}", functools.partial(_retired, name=name)))
    return [[cid if i == 0 else "", *row] for i, row in enumerate(rows)]


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 3] + "..."


def _retired(facts: ClusterFacts, name: str) -> int | None:
    """The month ``name`` is retired (legacy systems are matched by name, their id within the
    cluster); ``None`` when the plan has no legacy system of that name."""
    return next((month for item, month, _ in facts.retired if item == name), None)


def _clusters(comparison: Comparison) -> Table:
    rows: list[list[str]] = []
    for cid in comparison.cluster_ids:
        rows.extend(_cluster_rows(comparison, cid))
    headers = ["cluster", "", *(s.label for s in comparison.subjects)]
    return ("Clusters (* differs from the first; months against it in brackets)", headers, rows, "")


def _clusters_note(comparison: Comparison) -> str:
    """Says what a ``-`` in the clusters table means, when there is one."""
    for cid in comparison.cluster_ids:
        facts = [comparison.facts(i, cid) for i in range(len(comparison.subjects))]
        names = [{name for name, _, _ in f.retired} if f else None for f in facts]
        union = set().union(*(n for n in names if n is not None))
        if any(n is None or n != union for n in names):
            return (
                "- : the plan has no such cluster or legacy system (matched by cluster id and name)"
            )
    return ""


def _funding(comparison: Comparison) -> tuple[Table, str]:
    count = len(comparison.subjects)
    fy = comparison.fiscal_year_start
    rows: list[list[str]] = []
    same: list[str] = []
    totals = {year: [0] * count for year in comparison.years}
    for cid in comparison.cluster_ids:
        facts = [comparison.facts(index, cid) for index in range(count)]
        amounts = [f.funding if f else {} for f in facts]
        for index, funding in enumerate(amounts):
            for year, amount in funding.items():
                totals.setdefault(year, [0] * count)[index] += amount
        if all(a == amounts[0] for a in amounts):
            same.append(cid)
            continue
        years = sorted({year for funding in amounts for year in funding})
        for position, year in enumerate(years):
            values = [funding.get(year, 0) for funding in amounts]
            cells = _money_cells(values, [f is not None for f in facts])
            rows.append([cid if position == 0 else "", fy_label(year, fy), *cells])
    for position, year in enumerate(sorted(totals)):
        cells = _money_cells(totals[year], [s.plan is not None for s in comparison.subjects])
        rows.append(["all clusters" if position == 0 else "", fy_label(year, fy), *cells])
    headers = ["cluster", "year", *(s.label for s in comparison.subjects)]
    note = f"same funding in every plan: {', '.join(same)}" if same else ""
    title = "Funding released per financial year (£m; * differs from the first)"
    return (title, headers, rows, "ll" + "r" * count), note


def _money_cells(values: Sequence[int], present: Sequence[bool]) -> list[str]:
    cells = []
    for index, value in enumerate(values):
        if not present[index]:
            cells.append("-")
            continue
        diff = ""
        if index and value != values[0]:
            diff = signed_millions(value - values[0])
        cells.append(_marked(millions(value), diff, bool(diff)))
    return cells


def _bindings(comparison: Comparison) -> Table:
    titles: dict[str, str] = {}
    for rules in comparison.bindings:
        for rule in rules or ():
            titles.setdefault(rule.key, rule.title)
    rows = []
    for key, title in titles.items():
        cells = []
        for index, rules in enumerate(comparison.bindings):
            found = next((r for r in rules or () if r.key == key), None)
            if found is not None:
                cells.append(found.short or "yes")
            elif rules is None:
                cells.append("no plan")
            elif not comparison.rules_known(index) and not key.startswith("cap "):
                cells.append("?")
            else:
                cells.append("-")
        rows.append([title, *cells])
    headers = ["rule", *(s.label for s in comparison.subjects)]
    title = "Rules that bind (at their limit: loosening them could change the plan)"
    if any(not comparison.rules_known(i) for i in range(len(comparison.subjects))):
        title += "; ? = needs the plan's scenario (--scenario)"
    return (title, headers, rows, "")


def _risk(comparison: Comparison) -> tuple[Table, str] | None:
    """Each plan's probabilities side by side (plans whose scenario has a risk section)."""
    risks = list(comparison.risk) + [None] * (len(comparison.subjects) - len(comparison.risk))
    if not any(risks):
        return None
    rows = []
    for kind, word in (("hard_deadlines", "hard deadline"), ("expiries", "expiry")):
        keys = list(dict.fromkeys(key for r in risks if r for key in r[kind]))
        for key in keys:
            cells = [
                "-" if r is None or key not in r[kind] else f"{100 * r[kind][key]:.1f}%"
                for r in risks
            ]
            rows.append([f"P({word}) {_short(key, 36)}", *cells])
    cids = list(dict.fromkeys(cid for r in risks if r for cid in r["go_live_P80"]))
    for cid in cids:
        cells = [
            "-" if r is None or cid not in r["go_live_P80"] else month_label(r["go_live_P80"][cid])
            for r in risks
        ]
        rows.append([f"go-live P80 {cid}", *cells])
    rows.append(
        ["completion P80", *("-" if r is None else month_label(r["completion_P80"]) for r in risks)]
    )
    most = []
    for r in risks:
        item = None if r is None else r["most_at_risk"]
        most.append("-" if item is None else f"{item['cluster']} {100 * item['probability']:.1f}%")
    rows.append(["most at risk", *most])
    runs = sorted({r["runs"] for r in risks if r})
    title = f"Risk (Monte Carlo of each plan, {', '.join(f'{n:,}' for n in runs)} runs)"
    headers = ["", *(s.label for s in comparison.subjects)]
    note = "- : the plan's scenario has no risk section" if None in risks else ""
    return (title, headers, rows, "l" + "r" * len(risks)), note


def sections(comparison: Comparison) -> list[tuple[Table, str]]:
    """Every table of the report with a note line under it."""
    found = [
        (_inputs(comparison), ""),
        (_objective(comparison), ""),
        (_clusters(comparison), _clusters_note(comparison)),
        _funding(comparison),
        (_bindings(comparison), ""),
    ]
    risk = _risk(comparison)
    return found + ([risk] if risk is not None else [])


def render_comparison(comparison: Comparison) -> str:
    """The plain-text report for the terminal."""
    parts = []
    for (title, headers, rows, align), note in sections(comparison):
        text = f"{title}\n" + format_table(headers, rows, align, indent=INDENT)
        if note:
            text += f"\n{' ' * INDENT}{note}"
        parts.append(text)
    if comparison.summary:
        parts.append("What changed and why\n" + "\n\n".join(map(story_text, comparison.summary)))
    return "\n\n".join(parts) + "\n"


def story_text(story: Story, indent: int = INDENT) -> str:
    """A story as wrapped plain text: the headline, then one bullet per point."""
    lines = [_wrap(f"{story.subject} against {story.baseline}: {story.headline}", indent)]
    lines += [_wrap(point, indent + 2, bullet="- ") for point in story.points]
    return "\n".join(lines)


def _wrap(text: str, indent: int, width: int = 100, bullet: str = "") -> str:
    first = " " * indent + bullet
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=" " * (len(first) + 2 * (not bullet)),
        break_on_hyphens=False,  # never "erp-" / "market": names and months stay whole to paste
        break_long_words=False,
    )


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|") or " "


def render_markdown(comparison: Comparison) -> str:
    """The same report as Markdown (tables and a bulleted summary)."""
    labels = ", ".join(s.label for s in comparison.subjects)
    parts = [f"# Comparison: {labels}"]
    for (title, headers, rows, align), note in sections(comparison):
        heads = [h or " " for h in headers]
        marks = ["---:" if (align[i : i + 1] == "r") else "---" for i in range(len(heads))]
        lines = [f"## {title}", "", "| " + " | ".join(map(_md_cell, heads)) + " |"]
        lines.append("| " + " | ".join(marks) + " |")
        lines += ["| " + " | ".join(_md_cell(str(c)) for c in row) + " |" for row in rows]
        if note:
            lines += ["", note]
        parts.append("\n".join(lines))
    if comparison.summary:
        stories = []
        for story in comparison.summary:
            head = f"**{story.subject} against {story.baseline}:** {story.headline}"
            stories.append("\n".join([head, "", *(f"- {point}" for point in story.points)]))
        parts.append("## What changed and why\n\n" + "\n\n".join(stories))
    return "\n\n".join(parts) + "\n"
