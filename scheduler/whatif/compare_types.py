"""What a comparison is made of: the subjects compared, the facts per cluster, the stories.

Plain data shared by :mod:`.compare` (which builds a :class:`Comparison`), :mod:`.compare_entries`
and :mod:`.compare_summary` (which tell what changed), and the reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from scheduler.analysis.bindings import Binding
from scheduler.plan import ClusterPlan, Plan
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario
from scheduler.units import fy_label, month_label

__all__ = ["ClusterFacts", "Comparison", "Story", "Subject", "cluster_facts"]


@dataclass(frozen=True)
class Story:
    """What changed from ``baseline`` to ``subject``: a one-sentence headline and the details."""

    subject: str
    baseline: str
    headline: str
    points: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join((f"{self.subject} against {self.baseline}: {self.headline}", *self.points))

    def to_dict(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "baseline": self.baseline,
            "headline": self.headline,
            "points": list(self.points),
        }


@dataclass(frozen=True)
class Subject:
    """One thing compared: a label, where it came from, its scenario (if known) and its plan."""

    label: str
    source: str
    kind: str  # "scenario", "variant" or "plan"
    scenario: Scenario | None
    plan: Plan | None = None
    overrides: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ClusterFacts:
    """What a plan does with one cluster, in the terms the comparison reports."""

    entry: int
    award: int
    go_live: int
    options: tuple[tuple[str, str], ...]  # (phase id, chosen option label), phases with options
    funding: dict[int, int]
    retired: tuple[tuple[str, int, int], ...]  # (legacy name, retired month, extension cost)


@dataclass(frozen=True)
class Comparison:
    subjects: tuple[Subject, ...]
    terms: tuple[str, ...]
    cluster_ids: tuple[str, ...]
    years: tuple[int, ...]
    bindings: tuple[tuple[Binding, ...] | None, ...]  # None: no plan; only caps if no scenario
    summary: tuple[Story, ...] = field(default=())
    risk: tuple[dict[str, Any] | None, ...] = ()  # RiskResult.summary() per subject, or None

    @property
    def fiscal_year_start(self) -> int:
        for subject in self.subjects:
            if subject.plan is not None:
                return subject.plan.fiscal_year_start
        return 4

    def rules_known(self, index: int) -> bool:
        """Whether every kind of binding rule was judged (only caps without the scenario)."""
        return self.subjects[index].scenario is not None

    def facts(self, index: int, cluster_id: str) -> ClusterFacts | None:
        return cluster_facts(self.subjects[index], cluster_id)

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable comparison (``scheduler-comparison/1``)."""
        fy = self.fiscal_year_start
        subjects = []
        for index, subject in enumerate(self.subjects):
            plan = subject.plan
            entry: dict[str, Any] = {
                "label": subject.label,
                "source": subject.source,
                "kind": subject.kind,
                "overrides": [f"{p}={v}" for p, v in subject.overrides],
                "status": plan.status if plan else "not solved",
                "plan": plan.to_dict() if plan else None,
                "clusters": {},
                "binding_rules": None,
            }
            for cid in self.cluster_ids:
                facts = self.facts(index, cid)
                if facts is not None:
                    entry["clusters"][cid] = {
                        "entry": month_label(facts.entry),
                        "award": month_label(facts.award),
                        "go_live": month_label(facts.go_live),
                        "options": dict(facts.options),
                        "funding": {fy_label(y, fy): a for y, a in sorted(facts.funding.items())},
                    }
            rules = self.bindings[index]
            entry["binding_rules_complete"] = self.rules_known(index)
            if rules is not None:
                entry["binding_rules"] = [
                    {"kind": b.kind, "name": b.name, "detail": b.detail} for b in rules
                ]
            entry["risk"] = _risk_dict(self.risk[index] if index < len(self.risk) else None)
            subjects.append(entry)
        return {
            "format": "scheduler-comparison/1",
            "baseline": self.subjects[0].label if self.subjects else None,
            "terms": list(self.terms),
            "subjects": subjects,
            "summary": [story.to_dict() for story in self.summary],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def cluster_facts(subject: Subject, cluster_id: str) -> ClusterFacts | None:
    plan = subject.plan
    if plan is None or not plan.has_schedule:
        return None
    try:
        cp = plan.cluster(cluster_id)
    except KeyError:
        return None
    options = tuple((p.id, _option(subject, cp, p.id)) for p in cp.phases if p.option is not None)
    retired = tuple((item.name, item.retired, item.extension_cost) for item in cp.legacy)
    funding = {year: amount for year, amount in cp.funding.items() if amount}
    return ClusterFacts(cp.entry, cp.award, cp.go_live, options, funding, retired)


def _option(subject: Subject, cp: ClusterPlan, phase_id: str) -> str:
    phase = cp.phase(phase_id)
    if subject.scenario is None:
        return f"option {phase.option}"
    return option_label(subject.scenario, cp.id, phase)


def _risk_dict(risk: dict[str, Any] | None) -> dict[str, Any] | None:
    """A risk summary with its months as ``YYYY-MM``."""
    if risk is None:
        return None
    return {
        **risk,
        "go_live_P80": {cid: month_label(m) for cid, m in risk["go_live_P80"].items()},
        "completion_P80": month_label(risk["completion_P80"]),
    }
