"""Compare plans side by side: objective terms, each cluster's dates, options and funding, the
rules that bind, and a plain-language summary of what changed and why (no printing here).

Inputs (:func:`read_inputs`) are scenario files (solved by the caller), plan JSON files (detected by
content: a JSON object with ``"format": "scheduler-plan/1"``) and variants files (expanded to their
variants, see :mod:`scheduler.variants`). A plan JSON is compared on its own figures; its binding
rules and option labels need its scenario, given with ``scenario_for_plans`` (``--scenario``).
Without it only the caps are judged (full or not) and options show as ``option N``.
Differences are always against the first input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scheduler.bindings import Binding, binding_rules
from scheduler.check import check_plan
from scheduler.compare_summary import Story, summarise
from scheduler.errors import Problem, ScenarioError
from scheduler.plan import PLAN_FORMAT, ClusterPlan, Plan
from scheduler.report.labels import option_label
from scheduler.scenario.loader import load_scenario
from scheduler.scenario.model import Scenario
from scheduler.units import fy_label, month_label
from scheduler.variants import is_variants_file, load_variant_scenario, load_variants

__all__ = [
    "ClusterFacts",
    "Comparison",
    "Subject",
    "cluster_facts",
    "compare",
    "read_inputs",
    "solve_inputs",
]


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


# -- inputs --------------------------------------------------------------------------------------


def _json_object(path: Path) -> dict[str, Any] | None:
    """The file's JSON object if it is one (``None`` for YAML or anything else)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _read_plan(path: Path, data: dict[str, Any]) -> Plan:
    try:
        return Plan.from_dict(data)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ScenarioError([Problem(str(path), None, "", f"not a valid plan: {what}")]) from None


def read_inputs(
    paths: Sequence[str],
    overrides: Sequence[tuple[str, str]] = (),
    scenario_for_plans: str | None = None,
) -> list[Subject]:
    """Every input as a :class:`Subject` (scenarios and variants not yet solved).

    ``overrides`` (``--set``) apply to every scenario, variant and ``scenario_for_plans``. All
    inputs are read before any problem is raised, so every bad input is reported at once.
    """
    subjects: list[Subject] = []
    problems: list[Problem] = []
    plan_scenario: Scenario | None = None
    if scenario_for_plans:
        try:
            plan_scenario = load_scenario(scenario_for_plans, overrides)
        except ScenarioError as error:
            problems.extend(error.problems)
    for name in paths:
        path = Path(name)
        try:
            subjects.extend(_read_one(path, overrides, plan_scenario))
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return _unique_labels(subjects)


def _read_one(
    path: Path, overrides: Sequence[tuple[str, str]], plan_scenario: Scenario | None
) -> list[Subject]:
    data = _json_object(path)
    if data is not None:
        if data.get("format") != PLAN_FORMAT:
            message = f"a JSON file but not a {PLAN_FORMAT} plan (format {data.get('format')!r})"
            raise ScenarioError([Problem(str(path), None, "", message)])
        plan = _read_plan(path, data)
        if plan_scenario is not None and plan.has_schedule:
            violations = check_plan(plan_scenario, plan)
            if violations:
                text = "; ".join(violations[:3]) + (" ..." if len(violations) > 3 else "")
                message = f"does not fit the scenario {plan_scenario.source} (--scenario): {text}"
                raise ScenarioError([Problem(str(path), None, "", message)])
        return [Subject(path.stem, str(path), "plan", plan_scenario, plan)]
    if path.is_file() and is_variants_file(path):
        variants = load_variants(path)
        if overrides:
            load_scenario(variants.base, overrides)  # --set problems once, named --set
        result = []
        for variant in variants.variants:
            scenario = load_variant_scenario(variants, variant, overrides)
            all_overrides = (*variant.overrides, *overrides)
            result.append(
                Subject(variant.name, str(path), "variant", scenario, None, all_overrides)
            )
        return result
    scenario = load_scenario(path, overrides)
    return [Subject(path.stem, str(path), "scenario", scenario, None, tuple(overrides))]


def _unique_labels(subjects: list[Subject]) -> list[Subject]:
    """Labels made unique: a repeated label gets its file (then a number) added."""
    counts: dict[str, int] = {}
    for subject in subjects:
        counts[subject.label] = counts.get(subject.label, 0) + 1
    result, seen = [], set()
    for subject in subjects:
        label = subject.label
        if counts[label] > 1:
            label = f"{label} ({Path(subject.source).name})"
        base, number = label, 2
        while label in seen:
            label, number = f"{base} #{number}", number + 1
        seen.add(label)
        result.append(replace(subject, label=label))
    return result


def solve_inputs(subjects: Sequence[Subject], solve: Callable[[Scenario], Plan]) -> list[Subject]:
    """Solve every subject that has no plan yet with ``solve``."""
    return [
        s if s.plan is not None or s.scenario is None else replace(s, plan=solve(s.scenario))
        for s in subjects
    ]


# -- the comparison ------------------------------------------------------------------------------


def compare(subjects: Sequence[Subject]) -> Comparison:
    """Compare solved subjects (the first is the baseline); see :mod:`scheduler.compare_summary`."""
    subjects = tuple(subjects)
    terms: list[str] = []
    for subject in subjects:
        if subject.scenario is not None:
            terms += [t for t in subject.scenario.objective.reported_terms if t not in terms]
        if subject.plan is not None:
            terms += [t for t in subject.plan.objective if t not in terms]
    cluster_ids: list[str] = []
    for subject in subjects:
        ids = [c.id for c in subject.scenario.clusters] if subject.scenario else []
        ids += [c.id for c in subject.plan.clusters] if subject.plan else []
        for cid in ids:
            if cid not in cluster_ids:
                cluster_ids.append(cid)
    years = sorted(
        {
            year
            for subject in subjects
            if subject.plan is not None and subject.plan.has_schedule
            for cp in subject.plan.clusters
            for year, amount in cp.funding.items()
            if amount
        }
    )
    bindings = tuple(
        None if s.plan is None else tuple(binding_rules(s.plan, s.scenario)) for s in subjects
    )
    comparison = Comparison(subjects, tuple(terms), tuple(cluster_ids), tuple(years), bindings)
    return replace(comparison, summary=tuple(summarise(comparison)))
