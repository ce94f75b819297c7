"""What holds each market entry, as compare's summary says it on hand-made pairs, and every
sentence of the shipped comparisons end to end, read back by the independent reader
(``tests/compare_truth.py``): no sentence may be contradicted."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from builders import plan_of
from compare_pairs import programme, solved, story_of, subject, true
from compare_truth import contradictions

from scheduler.cli.main import main
from scheduler.plan import Plan
from scheduler.scenario.data import Dependency, Milestone
from scheduler.whatif.compare import read_inputs
from scheduler.whatif.compare_types import Story, Subject

ROOT = Path(__file__).resolve().parents[2]


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
