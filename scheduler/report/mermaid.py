"""The plan as a Mermaid gantt (``plan.mmd``), for Markdown pages that render Mermaid (GitHub,
GitLab, Confluence, Azure DevOps wikis) and the Mermaid live editor.

One section per cluster: a bar per phase (``crit`` when it is on the critical chain), milestones
for market entry, award and go-live. A phase ``start .. end`` runs from the first day of ``start``
to the first day of the month after ``end`` (Mermaid's end dates are exclusive). ``todayMarker
off``: the chart does not depend on the day it is viewed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from scheduler.analysis.graph import ChainLink, critical_chain
from scheduler.plan import Plan
from scheduler.report.atomic import write_atomic
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario
from scheduler.units import month_label

__all__ = ["mermaid_text", "write_mermaid"]

_UNSAFE = re.compile(r"[:;#\n\r\t%]+")


def _clean(text: str) -> str:
    """Text Mermaid cannot misread: its separators (``:``, ``;``), comments and line breaks go."""
    return " ".join(_UNSAFE.sub(" ", text).split()) or "-"


def _task_id(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))


def _day(ordinal: int) -> str:
    return f"{month_label(ordinal)}-01"


def mermaid_text(scenario: Scenario, plan: Plan, chain: Sequence[ChainLink] | None = None) -> str:
    """The Mermaid gantt of a plan (an empty chart with its title when there is no schedule)."""
    if chain is None:
        chain = critical_chain(scenario, plan) if plan.has_schedule else []
    on_chain = {link.milestone for link in chain}
    lines = [
        "gantt",
        f"    title {_clean(scenario.name)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m",
        "    todayMarker off",
    ]
    for c in plan.clusters:
        try:
            name = scenario.cluster(c.id).label
        except KeyError:
            name = c.id
        lines.append(f"    section {_clean(name)}")
        entry_id = _task_id(c.id, "entry")
        lines.append(f"    market entry : milestone, {entry_id}, {_day(c.entry)}, 0d")
        for p in c.phases:
            label = option_label(scenario, c.id, p)
            text = _clean(f"{p.id} ({label})" if label else p.id)
            critical = {f"{c.id}:{p.id}.start", f"{c.id}:{p.id}.end"} <= on_chain
            tags = "crit, " if critical else ""
            task = _task_id(c.id, p.id)
            lines.append(f"    {text} : {tags}{task}, {_day(p.start)}, {_day(p.end + 1)}")
        award, live = _task_id(c.id, "award"), _task_id(c.id, "go_live")
        lines.append(f"    contract award : milestone, {award}, {_day(c.award + 1)}, 0d")
        lines.append(f"    go-live : milestone, {live}, {_day(c.go_live + 1)}, 0d")
    return "\n".join(lines) + "\n"


def write_mermaid(
    scenario: Scenario, plan: Plan, path: str | Path, chain: Sequence[ChainLink] | None = None
) -> Path:
    """Write :func:`mermaid_text` to ``path`` atomically."""
    return write_atomic(path, mermaid_text(scenario, plan, chain))
