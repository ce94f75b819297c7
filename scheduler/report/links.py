"""The scenario's precedences between phases, in the terms scheduling tools use (FS, SS, FF, SF
with a lag in months): what plan.csv, plan.xlsx, the MS Project file and the Mermaid gantt write.

Only the scenario's own rules are links: the lifecycle (each phase after the previous one, back to
back or with a wait up to ``max_wait``) and ``depends_on``. Orderings the plan creates (stagger,
capacity) are not: a tool that re-schedules the file must stay free to move them.

A phase occupies months ``start .. end``; on a tool's time axis it runs from the start of month
``start`` to the end of month ``end``, i.e. its *finish boundary* is ``end + 1``. A ``depends_on``
rule ``this >= other + lag (+1 when other is an .end)`` on milestone months is then, on
boundaries, ``B(this) >= B(other) + lag + (1 when this is an .end)``; its type is the pair of edges
(``other.end -> this.start`` is FS, ``start -> start`` SS, ``end -> end`` FF, ``start -> end`` SF).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from scheduler.plan import Plan
from scheduler.scenario.data import Milestone, Scenario

__all__ = ["PhaseLink", "link_text", "phase_links", "predecessors"]

_TYPES = {("end", "start"): "FS", ("start", "start"): "SS", ("end", "end"): "FF"}
_TYPES[("start", "end")] = "SF"


@dataclass(frozen=True)
class PhaseLink:
    """``before`` (cluster, phase) must reach its ``kind`` edge ``lag`` months before ``after``'s.

    ``kind`` is FS, SS, FF or SF; ``rule`` is ``lifecycle`` or ``depends_on``; ``max_wait`` is the
    lifecycle's longest allowed wait (a tool has no place for it: it is written in the notes)."""

    before: tuple[str, str]
    after: tuple[str, str]
    kind: str
    lag: int
    rule: str
    max_wait: int = 0


def _phase_of(
    scenario: Scenario, cluster_id: str, milestone: Milestone
) -> tuple[tuple[str, str], str] | None:
    """The (cluster, phase) a milestone belongs to and its edge (``entry``: the first phase's
    start); ``None`` for a milestone the scenario does not have."""
    try:
        cluster = scenario.cluster(cluster_id)
        if milestone.phase == "entry":
            return (cluster_id, cluster.phases[0].id), "start"
        cluster.phase(milestone.phase)
    except KeyError:
        return None
    return (cluster_id, milestone.phase), milestone.edge


def phase_links(scenario: Scenario, plan: Plan) -> list[PhaseLink]:
    """Every link between phases the plan schedules, in scenario order (lifecycle first within a
    cluster, then its ``depends_on`` in file order)."""
    planned = {(c.id, p.id) for c in plan.clusters for p in c.phases}
    links: list[PhaseLink] = []
    for cluster in scenario.clusters:
        for before, after in itertools.pairwise(cluster.phases):
            pair = ((cluster.id, before.id), (cluster.id, after.id))
            if pair[0] in planned and pair[1] in planned:
                links.append(PhaseLink(*pair, "FS", 0, "lifecycle", after.max_wait))
        for dep in cluster.depends_on:
            other = _phase_of(scenario, dep.cluster, dep.milestone)
            this = _phase_of(scenario, cluster.id, dep.this)
            if other is None or this is None:
                continue
            (before_key, before_edge), (after_key, after_edge) = other, this
            if before_key not in planned or after_key not in planned:
                continue
            lag = dep.lag + (1 if after_edge == "end" else 0)
            kind = _TYPES[(before_edge, after_edge)]
            links.append(PhaseLink(before_key, after_key, kind, lag, "depends_on"))
    return links


def link_text(link: PhaseLink) -> str:
    """``synergy:tender FS``, ``matrix:tender FS+3``: a predecessor as planners write it."""
    lag = f"+{link.lag}" if link.lag > 0 else (f"{link.lag}" if link.lag < 0 else "")
    return f"{link.before[0]}:{link.before[1]} {link.kind}{lag}"


def predecessors(links: list[PhaseLink]) -> dict[tuple[str, str], list[PhaseLink]]:
    """The links into each phase, in order."""
    out: dict[tuple[str, str], list[PhaseLink]] = {}
    for link in links:
        out.setdefault(link.after, []).append(link)
    return out
