"""Every kind of sentence compare's summary says, on hand-made pairs of scenarios and plans, read
back by an independent reader (``tests/compare_truth.py``) that recomputes each claim from the two
plans' JSON: no sentence may be contradicted, and the reader itself catches a false one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import m, plan_of
from compare_pairs import programme, solved, story_of, subject, true
from compare_truth import contradictions

from scheduler.plan import Plan
from scheduler.report.compare_report import render_comparison
from scheduler.scenario.data import Scenario
from scheduler.whatif.compare import compare, read_inputs
from scheduler.whatif.compare_types import Story, Subject

# -- headlines: the same plan, entries, effects, net -----------------------------------------


def test_identical_plans_under_other_names_are_the_same_plan() -> None:
    a = subject("base", programme())
    b = Subject(
        "v-again", "v-again.yaml", "scenario", a.scenario, replace(a.plan, scenario="v-again")
    )
    story = story_of(a, b)
    assert story.headline.startswith("the same plan (identical market entries")
    assert story.points == ()
    true(story, a, b)


def test_the_same_schedule_under_another_cap_says_only_the_cap_differs() -> None:
    a = subject("base", programme())
    richer = programme(cap=40_000_000)
    entries = {cp.id: cp.entry for cp in a.plan.clusters}
    decisions = {cp.id: cp for cp in a.plan.clusters}
    plan = plan_of(richer, entries)
    assert [c.phases for c in plan.clusters] != [] and decisions
    b = subject("v-richer", richer, replace(plan, objective=dict(plan.objective)))
    story = story_of(a, b)
    text = true(story, a, b)
    if story.headline.startswith("the same plan"):
        assert "The SR cap is £40m in v-richer against £30m in base" in text
    else:  # back-to-back decisions differ from the solved plan: still every sentence true
        assert "v-richer" in story.subject


@pytest.fixture(scope="module")
def pinned() -> tuple[Subject, Subject, Story]:
    """Two clusters' entries fixed a month apart, without the stagger."""
    a = subject("base", programme())
    b = subject("v-pinned", programme(stagger=0, b="2024-04", c="2024-05"))
    return a, b, story_of(a, b)


def test_fixed_entries_bunched_and_counterfactuals_both_ways(pinned) -> None:
    a, b, story = pinned
    text = true(story, a, b)
    assert "fixes the market entries of" in text
    assert "With the market entries of b and c free, as in base, instead of fixed at" in text
    assert "With base's stagger (entries at least 2 months apart)" in text
    assert "Checked by solving v-pinned with each difference from base undone" in text
    assert "1 month apart" in text  # not "1 months"
    # the stagger is what the fixed entries' gain comes from: base without it reproduces it
    assert (
        "With v-pinned's stagger (no stagger), and base otherwise unchanged, the extension cost is "
        "£0, which reproduces its £2m fall" in text
    )
    assert "attributed to the stagger rule" in text


def test_counterfactual_solves_are_bounded_per_comparison(monkeypatch) -> None:
    monkeypatch.setattr("scheduler.whatif.compare_cause.MAX_COUNTERFACTUALS", 2)
    calls = []

    def counting(sc: Scenario) -> Plan:
        calls.append(sc)
        return solved(sc)

    a = subject("base", programme())
    b = subject("v-pinned", programme(stagger=0, b="2024-04", c="2024-05"))
    (story,) = compare([a, b], counting, "test solves").summary
    text = true(story, a, b)
    assert len(calls) == 2
    assert "the stagger rule not checked (at most 2 solves a comparison)" in text


def test_a_cap_cut_is_checked_against_the_baselines_own_plan() -> None:
    a = subject("base", programme())
    b = subject("v-cut", programme(cap=20_000_000))
    story = story_of(a, b)
    text = true(story, a, b)
    assert (
        "With the SR cap at base's £30m, and v-cut otherwise unchanged (which is base's scenario)"
        in text
    )
    assert (
        "Checked against base's own plan: v-cut differs from base only in the SR cap's amount"
        in text
    )
    assert "is attributed to the SR cap's amount" in text


def test_late_months_and_total_cost_terms() -> None:
    terms = ("late_months", "total_cost", "completion")
    a = subject("base", programme(terms=terms))
    b = subject("v-cut", programme(cap=20_000_000, terms=terms))
    story = story_of(a, b)
    text = true(story, a, b)
    assert "the late months rise by" in text or "the late months fall by" in text


def test_a_limit_on_entries_per_year_holds_entries_and_is_checked() -> None:
    sc = programme(stagger=0, cap=60_000_000)
    a = subject("base", sc)
    b = subject("v-one", replace(sc, policy=replace(sc.policy, max_entries_per_year=1)))
    text = true(story_of(a, b), a, b)
    assert "it is held by at most 1 entries a year: 2024-25 is full" in text
    assert "entries per year 2024-25 (c (1 allowed))" in text
    assert "is attributed to the limit on entries per year" in text


def test_a_difference_of_another_kind_is_not_attributed() -> None:
    a = subject("base", programme())
    dearer = programme()
    clusters = tuple(
        replace(
            c,
            phases=(
                replace(c.phases[0], modes=(replace(c.phases[0].modes[0], months=5),)),
                c.phases[1],
            ),
        )
        if c.id == "a"
        else c
        for c in dearer.clusters
    )
    b = subject("v-slower", replace(dearer, clusters=clusters))
    story = story_of(a, b)
    text = true(story, a, b)
    assert (
        "Not attributed: v-slower differs from base in no fixed entry, entry bound, policy rule or cap amount"
        in text
    )


def test_a_counterfactual_that_is_not_a_valid_scenario_attributes_nothing() -> None:
    sc = programme(stagger=0)
    latest = tuple(replace(c, latest_entry=m("2024-06")) if c.id == "c" else c for c in sc.clusters)
    fixed = tuple(replace(c, fixed_entry=m("2024-09")) if c.id == "c" else c for c in sc.clusters)
    a = subject("base", replace(sc, clusters=latest))
    b = subject("v-late", replace(sc, clusters=fixed))
    text = true(story_of(a, b), a, b)
    assert (
        "With the market entries of c fixed at 2024-09, as in v-late, and base otherwise "
        "unchanged, the scenario is not valid (2024-09 is after latest_entry 2024-06): nothing is "
        "attributed to the fixed entry of c." in text
    )


def test_without_a_solve_nothing_is_attributed() -> None:
    a = subject("base", programme())
    b = subject("v-cut", programme(cap=20_000_000))
    (story,) = compare([a, b]).summary
    text = true(story, a, b, None)
    assert (
        "Not attributed: v-cut differs from base in the SR cap's amount, but no counterfactual was solved."
        in text
    )
    assert "is attributed" not in text


def test_another_plan_of_the_same_scenario_is_the_solvers_choice() -> None:
    a = subject("base", programme())
    sc = a.scenario
    later = plan_of(sc, {"a": "2024-04", "b": "2024-06", "c": "2024-10"})
    b = subject("v-later", sc, later)
    story = story_of(a, b)
    text = true(story, a, b)
    assert "v-later's scenario differs from base's in nothing that changes a plan" in text
    assert "c enters 2024-10 instead of" in text


def test_plan_files_absent_clusters_and_renamed_legacy() -> None:
    a = subject("base", programme())
    plan = a.plan
    renamed = tuple(
        replace(cp, legacy=tuple(replace(x, name="A ledger, v3") for x in cp.legacy))
        if cp.id == "a"
        else cp
        for cp in plan.clusters
    )
    other = replace(plan, scenario="other", clusters=tuple(c for c in renamed if c.id != "c"))
    pa = Subject("base (plan.json)", "one/plan.json", "plan", None, plan)
    pb = Subject("other (plan.json)", "two/plan.json", "plan", None, other)
    comparison = compare([pa, pb], solved)
    (story,) = comparison.summary
    text = true(story, pa, pb)
    assert "The cluster c is not in other (plan.json)." in text
    assert "a's legacy system A ledger, v2 is not in other (plan.json)." in text
    assert "a's legacy system A ledger, v3 is not in base (plan.json)." in text
    assert "Not attributed: a plan file says what was planned, not how" in text
    assert "(Binding rules other than caps need the scenario of a plan JSON: --scenario.)" in text
    report = render_comparison(comparison)
    assert "0000-01" not in report and "- : the plan has no such cluster or legacy system" in report


@pytest.mark.parametrize("as_files", [False, True])
def test_a_cluster_and_a_legacy_system_only_one_plan_has(as_files: bool) -> None:
    sc = programme(stagger=0)
    renamed = tuple(
        replace(c, legacy=tuple(replace(x, name="A ledger, v3") for x in c.legacy))
        if c.id == "a"
        else c
        for c in sc.clusters
        if c.id != "c"
    )
    smaller = replace(sc, clusters=renamed)
    a, b = subject("base", sc), subject("v-smaller", smaller)
    if as_files:
        a = Subject("base (plan.json)", "one/plan.json", "plan", None, a.plan)
        b = Subject("v-smaller (plan.json)", "two/plan.json", "plan", None, b.plan)
    story = story_of(a, b)
    text = true(story, a, b)
    assert f"The cluster c is not in {b.label}." in text
    assert f"a's legacy system A ledger, v2 is not in {b.label}." in text
    assert f"a's legacy system A ledger, v3 is not in {a.label}." in text
    assert f"c, not in {b.label} (-£9m)" in text or f"c, not in {b.label} (-£" in text


def test_plan_files_are_labelled_by_scenario_name_and_file(tmp_path: Path, capsys) -> None:
    a = subject("base", programme())
    b = subject("v-pinned", programme(stagger=0, b="2024-04", c="2024-05"))
    for folder, sub in (("one", a), ("two", b)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "plan.json").write_text(replace(sub.plan, scenario=folder).to_json())
    (tmp_path / "three").mkdir()
    (tmp_path / "three" / "plan.json").write_text(replace(b.plan, scenario="two").to_json())
    labels = [
        s.label
        for s in read_inputs([str(tmp_path / f / "plan.json") for f in ("one", "two", "three")])
    ]
    assert labels[0] == "one (plan.json)"
    assert labels[1:] == [
        f"two ({tmp_path / 'two' / 'plan.json'})",
        f"two ({tmp_path / 'three' / 'plan.json'})",
    ]
    assert not any("#" in label for label in labels)


def test_a_plan_that_cannot_be_compared() -> None:
    a = subject("base", programme())
    b = subject("v-stuck", programme(stagger=3, b="2024-04", c="2024-05"))
    assert not b.plan.has_schedule
    story = story_of(a, b)
    assert story.headline == "cannot be compared."
    true(story, a, b)


# -- the reader catches a false sentence -----------------------------------------------------


@pytest.mark.parametrize(
    "old, new",
    [
        ("1 month earlier (2025-01)", "2 months earlier (2025-01)"),
        ("instead of fixed at", "instead of fixed near"),
        ("which reproduces its £2m fall", "which reproduces £1m of its £2m fall"),
        ("until b's tender ends 2024-06", "until c's tender ends 2024-06"),
        ("at least 2 months apart)", "at least 3 months apart)"),
        ("-£1m); b retires", "-£2m); b retires"),
        ("all 2 in use 2024-05..2024-07", "all 2 in use 2024-05..2024-08"),
        ("1 month apart", "2 months apart"),
        ("£6m instead of £9m", "£6m instead of £8m"),
        (
            "there is no plan (infeasible): nothing is attributed to the stagger rule",
            "the extension cost is £2m, which removes its £2m fall: the change in extension cost "
            "is attributed to the stagger rule",
        ),
    ],
)
def test_the_reader_catches_a_false_sentence(old: str, new: str, pinned) -> None:
    a, b, story = pinned
    points = tuple(p.replace(old, new, 1) for p in story.points)
    headline = story.headline.replace(old, new, 1)
    changed = replace(story, headline=headline, points=points)
    assert changed != story, old
    assert contradictions(changed, a, b, solved)
