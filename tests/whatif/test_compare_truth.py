"""Every kind of sentence compare's summary says, on hand-made pairs of scenarios and plans, read
back by an independent reader (``tests/compare_truth.py``) that recomputes each claim from the two
plans' JSON: no sentence may be contradicted, and the reader itself catches a false one."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from builders import Budget, Cap, Objective, Policy, Supplier, cluster, m, phase, plan_of, scenario
from compare_truth import contradictions

from scheduler.cli.main import main
from scheduler.pipeline import solve
from scheduler.plan import Plan
from scheduler.report.compare_report import render_comparison
from scheduler.scenario.data import Dependency, Legacy, Milestone, Scenario
from scheduler.solve.options import SolveOptions
from scheduler.whatif.compare import compare, read_inputs
from scheduler.whatif.compare_types import Story, Subject

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = SolveOptions(time_limit=10, workers=1, deterministic=True)


@functools.lru_cache(maxsize=64)
def solved(sc: Scenario) -> Plan:
    """The deterministic plan (cached: the reader re-solves the summary's counterfactuals)."""
    return solve(sc, OPTIONS).plan


def programme(
    stagger: int = 2, cap: int = 30_000_000, terms: tuple[str, ...] = (), **fixed: str
) -> Scenario:
    """Three clusters on one ERP market of capacity 2, a cap over 2024-25, a stagger; each cluster
    retires a legacy system at the end of its implementation (£1m a month late)."""
    clusters = [
        cluster(
            cid,
            phase("tender", 3, 3_000_000, {"erp": 1}),
            phase("implement", 6, 6_000_000, options=[(6, 6_000_000, None), (4, 9_000_000, None)]),
            earliest_entry="2024-04",
            legacy=(Legacy(f"{cid.upper()} ledger, v2", m("2025-01"), "implement", 1_000_000),),
            **({"fixed_entry": fixed[cid]} if cid in fixed else {}),
        )
        for cid in ("a", "b", "c")
    ]
    return scenario(
        *clusters,
        start="2024-04",
        end="2027-03",
        budget=Budget(tranche=1_000_000, caps=(Cap("SR", 2024, 2024, cap),)),
        suppliers=(Supplier("erp", "ERP market", 2),),
        policy=Policy(stagger_months=stagger),
        objective=Objective(terms or ("extension_cost", "delivery_cost", "completion")),
    )


def story_of(a: Subject, b: Subject, solver=solved) -> Story:
    (story,) = compare([a, b], solver, "test solves").summary
    return story


def subject(label: str, sc: Scenario, plan: Plan | None = None, kind: str = "scenario") -> Subject:
    return Subject(label, f"{label}.yaml", kind, sc, plan if plan is not None else solved(sc))


def true(story: Story, a: Subject, b: Subject, solver=solved) -> str:
    """The story's text, after asserting the reader confirms every sentence."""
    assert contradictions(story, a, b, solver) == []
    return " ".join(" ".join((story.headline, *story.points)).split())


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


# -- what holds an entry ---------------------------------------------------------------------


def test_entry_reasons_capacity_stagger_readiness_fixed_and_window() -> None:
    a = subject("base", programme())
    b = subject("v-tight", programme(stagger=0, a="2024-06"))
    story = story_of(a, b)
    text = true(story, a, b)
    kinds = [
        "is held by the stagger",
        "is at its earliest entry",
        "is fixed at",
        "capacity: all 2 units",
    ]
    found = [kind for kind in kinds if kind in text]
    assert len(found) >= 2, text


def test_entry_window_reasons_name_what_a_month_earlier_and_later_would_do() -> None:
    a = subject("base", programme(stagger=0, cap=60_000_000))
    sc = a.scenario
    wide = plan_of(sc, {"a": "2024-04", "b": "2024-04", "c": "2024-09"})
    b = subject("v-wide", sc, wide)
    story = story_of(a, b)
    text = true(story, a, b)
    assert (
        "could enter in any month of its entry window 2024-07..2024-09 with no rule broken" in text
    )
    assert "a month later would make extension_cost worse" in text
    assert (
        "(net +£1m)" in text
        and "Net, the extension and delivery costs together rise by £1m" in text
    )
    for old, new in (("(net +£1m)", "(net +£2m)"), ("2024-07..2024-09", "2024-06..2024-09")):
        wrong = replace(
            story,
            headline=story.headline.replace(old, new),
            points=tuple(p.replace(old, new) for p in story.points),
        )
        assert wrong != story and contradictions(wrong, a, b, solved)


def test_a_dependency_holds_an_entry() -> None:
    base = programme(stagger=0, cap=60_000_000)
    dep = Dependency("a", Milestone("tender", "end"), 0, Milestone("tender", "start"))
    clusters = tuple(replace(c, depends_on=(dep,)) if c.id == "c" else c for c in base.clusters)
    b_sc = replace(base, clusters=clusters)
    a = subject("base", base)
    b = subject("v-dep", b_sc)
    story = story_of(a, b)
    text = true(story, a, b)
    assert (
        "waits for its dependency: depends on a tender.end (lag 0)" in text
        or "dependency c on a" in text
    )


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


# -- the shipped comparisons, end to end -----------------------------------------------------


def _cli_stories(args: list[str], tmp_path: Path, capsys) -> tuple[list[Subject], list[Story], str]:
    out = tmp_path / "comparison.json"
    assert main(["compare", *args, "--quiet", "--json", str(out), "--deterministic"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    data = json.loads(out.read_text(encoding="utf-8"))
    scenarios = [s.scenario for s in read_inputs(args)]
    subjects = [
        Subject(d["label"], d["source"], d["kind"], sc, Plan.from_dict(d["plan"]))
        for d, sc in zip(data["subjects"], scenarios, strict=True)
    ]
    stories = [
        Story(s["subject"], s["baseline"], s["headline"], tuple(s["points"]))
        for s in data["summary"]
    ]
    return subjects, stories, printed


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["scenarios/contingency.yaml"],
        ["scenarios/base.yaml", "scenarios/actual-2023.yaml"],
        ["scenarios/base.yaml", "scenarios/status-2025.yaml"],
    ],
)
def test_no_sentence_of_the_shipped_comparisons_is_contradicted(
    args, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(ROOT)
    subjects, stories, printed = _cli_stories(args, tmp_path, capsys)
    assert len(stories) == len(subjects) - 1
    for story, b in zip(stories, subjects[1:], strict=True):
        for sentence in (story.headline, *story.points):
            assert " ".join(sentence.split()) in printed  # what --quiet printed is what is checked
        assert contradictions(story, subjects[0], b, solved) == []
    if args == ["scenarios/contingency.yaml"]:
        same = next(s for s in stories if s.subject == "funded £300m")
        assert same.headline.startswith("the same plan")
        unity = next(s for s in stories if s.subject == "funded £250m")
        assert "chosen by the optimiser" not in " ".join(unity.points)
    if args[1:] == ["scenarios/actual-2023.yaml"]:
        (story,) = stories
        text = " ".join(" ".join((story.headline, *story.points)).split())
        assert "(net -£14.6m)" in text
        assert "attributed to the fixed entries of synergy, matrix and unity" in text
        assert "nothing is attributed to the stagger rule" in text
        assert "One at a time (actual-2023 otherwise unchanged): with synergy's entry free" in text
        point = next(p for p in story.points if p.startswith("One at a time"))
        figure = re.search(r"is (£[\d.]+m), which reduces", point).group(1)  # type: ignore[union-attr]
        wrong = replace(story, points=tuple(p.replace(figure, "£1m") for p in story.points))
        assert contradictions(wrong, subjects[0], subjects[1], solved)
