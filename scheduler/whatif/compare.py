"""Compare plans side by side: objective terms, each cluster's dates, options and funding, the
rules that bind, and a plain-language summary of what changed and why (no printing here).

Inputs (:func:`read_inputs`) are scenario files (solved by the caller), plan JSON files (detected by
content: a JSON object with ``"format": "scheduler-plan/1"``) and variants files (expanded to their
variants, see :mod:`scheduler.scenario.variants`). A plan JSON is compared on its own figures; its binding
rules and option labels need its scenario, given with ``scenario_for_plans`` (``--scenario``).
Without it only the caps are judged (full or not) and options show as ``option N``.
Differences are always against the first input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from scheduler.analysis.bindings import binding_rules
from scheduler.analysis.risk.simulate import simulate
from scheduler.errors import Problem, ScenarioError
from scheduler.plan import PLAN_FORMAT, Plan
from scheduler.rules.check import check_plan
from scheduler.rules.plan_file import plan_from_json
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario
from scheduler.scenario.variants import is_variants_file, load_variant_scenario, load_variants
from scheduler.whatif.compare_summary import summarise
from scheduler.whatif.compare_types import ClusterFacts, Comparison, Subject, cluster_facts

__all__ = [
    "ClusterFacts",
    "Comparison",
    "Subject",
    "cluster_facts",
    "compare",
    "read_inputs",
    "solve_inputs",
]


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
    """The plan in ``data``, validated field by field (problems by key path, in ``path``)."""
    return plan_from_json(data, str(path)).plan


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
        return [Subject(f"{plan.scenario} ({path.name})", str(path), "plan", plan_scenario, plan)]
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
    """Labels made unique: a repeated label gets its file added (a plan file, labelled by its
    scenario name and file name, gets its whole path), then, for the same file given twice, a
    number."""
    counts: dict[str, int] = {}
    for subject in subjects:
        counts[subject.label] = counts.get(subject.label, 0) + 1
    result, seen = [], set()
    for subject in subjects:
        label = subject.label
        if counts[label] > 1 and subject.kind == "plan" and subject.plan is not None:
            label = f"{subject.plan.scenario} ({subject.source})"
        elif counts[label] > 1:
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


def compare(
    subjects: Sequence[Subject], solve: Callable[[Scenario], Plan] | None = None, how: str = ""
) -> Comparison:
    """Compare solved subjects (the first is the baseline); see :mod:`scheduler.whatif.compare_summary`.
    ``solve`` (bounded in time) solves the counterfactuals that check each attribution; without
    it the summary attributes nothing (:mod:`scheduler.whatif.compare_cause`); ``how`` says how
    it solves (``"deterministic, at most 10 s each"``), for the summary to say what was checked."""
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
    risk = tuple(_risk(s) for s in subjects)
    comparison = Comparison(
        subjects, tuple(terms), tuple(cluster_ids), tuple(years), bindings, risk=risk
    )
    return replace(comparison, summary=tuple(summarise(comparison, solve, how)))


def _risk(subject: Subject) -> dict[str, Any] | None:
    """The subject's plan simulated under its scenario's risk section (``None`` without one)."""
    scenario, plan = subject.scenario, subject.plan
    if scenario is None or scenario.risk is None or plan is None or not plan.has_schedule:
        return None
    return simulate(scenario, plan).summary()
