"""The two YAML readers agree: the one pass over the parser's events (``yamlevents``) gives the
same tree, lines and problems as composing PyYAML's graph first (``yamlcompose``), and leaves to
it every text it does not read itself (anchors, aliases, merge keys, refusals)."""

from __future__ import annotations

import pickle
import weakref
from pathlib import Path

import pytest
import yaml

from scheduler.errors import ScenarioError
from scheduler.instances.generate import generate_yaml
from scheduler.scenario.gcpause import gc_paused
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.scenario.overrides import apply_overrides
from scheduler.scenario.yamlcompose import read_composed
from scheduler.scenario.yamlevents import Unusual, read_events
from scheduler.scenario.yamlnodes import OVERRIDE_ORIGIN, Node
from scheduler.scenario.yamlparse import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _tree(node: Node | None) -> object:
    """Everything a node holds, its children's too, with each scalar's type."""
    if node is None:
        return None
    value = node.value
    if isinstance(value, dict):
        value = {key: _tree(child) for key, child in value.items()}
    elif isinstance(value, list):
        value = [_tree(child) for child in value]
    else:
        value = (type(value).__name__, value)
    return (value, node.line, node.key_lines, node.raw, node.file)


def _both(text: str, origin: str | None = None, base: str = "") -> tuple[object, object]:
    events, event_problems = read_events(text, "s.yaml", origin, base)
    composed, composed_problems = read_composed(text, "s.yaml", origin, base)
    return (_tree(events), event_problems), (_tree(composed), composed_problems)


READ_IN_ONE_PASS = {
    "empty": "",
    "comments only": "# nothing\n",
    "an empty document": "---\n",
    "a scalar": "hello\n",
    "a list": "- 1\n- [2, {a: b}]\n",
    "scalars of every kind": (
        "a: 2024-01-15\nb: 2024-01-15 10:00:00\nc: 0x1F\nd: 1_000\ne: .inf\nf: yes\ng: ~\n"
        "h: '5'\ni: \"x\\ty\"\nj: |\n  two\n  lines\nk: >\n  folded\nl: 2025-10\nm: £5m\n"
    ),
    "tags": "a: !!str 5\nb: !!int '7'\nc: !foo x\nd: !!map x\ne: ! 12\nf: !!float 1\n",
    "tag directives": "%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\nb: !!binary aGk=\n",
    "tagged collections": "a: !!seq [1]\nb: !custom {x: 1}\nc: !!set {a, b}\n",
    "bad values": "a: 2024-02-30\nb: [2024-13-01, !!int x]\nc: {d: 2023-02-29}\n",
    "duplicate keys": "a: 1\nb: 2\na: 3\nl:\n- {a: 1, a: 2, a: [x]}\n",
    "a duplicate's bad value is dropped": "a: 1\na: {d: 2024-02-30}\nb: 2024-02-31\n",
    "keys that are not text": "~: 1\n1: 2\n1.0: 3\ntrue: 4\n'a': 5\n\"a\": 6\n",
    "empty values": "a:\nb: []\nc: {}\nd: ''\n",
}


@pytest.mark.parametrize("text", READ_IN_ONE_PASS.values(), ids=READ_IN_ONE_PASS.keys())
def test_one_pass_gives_the_composed_tree_and_problems(text: str) -> None:
    events, composed = _both(text)
    assert events == composed
    origin_events, origin_composed = _both(text, OVERRIDE_ORIGIN, "policy.x")
    assert origin_events == origin_composed


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_one_pass_reads_every_shipped_scenario_as_composed(path: Path) -> None:
    events, composed = _both(path.read_text(encoding="utf-8"))
    assert events == composed
    assert events[1] == []


def test_one_pass_reads_a_generated_programme_as_composed() -> None:
    events, composed = _both(generate_yaml(30, 10, 1))
    assert events == composed


LEFT_TO_THE_COMPOSER = {
    "an anchor": "a: &x 1\nb: 2\n",
    "an alias": "a: *x\n",
    "a merge key": "a: {<<: {x: 1}, y: 2}\n",
    "a tagged merge key": "a: {!!merge <<: {x: 1}}\n",
    "a list as a key": "? [a, b]\n: 1\n",
    "a mapping as a key": "{? {a: 1}: 2}\n",
    "a second document": "a: 1\n---\nb: 2\n",
    "a syntax error": "a: [1, 2\n",
    "a syntax error after a bad value": "a: 2024-02-30\nb: {\n",
    "too deep": "a: " + "[" * 64 + "]" * 64 + "\n",
}


@pytest.mark.parametrize("text", LEFT_TO_THE_COMPOSER.values(), ids=LEFT_TO_THE_COMPOSER.keys())
def test_what_one_pass_does_not_read_is_left_to_the_composer(text: str) -> None:
    with pytest.raises(Unusual):
        read_events(text, "s.yaml")
    try:
        root, problems = read_composed(text, "s.yaml")
        expected: object = str(ScenarioError(problems)) if problems else _tree(root)
    except ScenarioError as error:
        expected = str(error)
    try:
        found: object = _tree(parse_yaml(text, "s.yaml"))
    except ScenarioError as error:
        found = str(error)
    assert found == expected


@pytest.mark.slow
def test_more_values_than_the_limit_are_refused_while_reading() -> None:
    # the composer then words it (as for an alias bomb: test_hostile), counting the same way
    with pytest.raises(Unusual):
        read_events("a: [" + ", ".join(["1"] * 1_000_001) + "]\n", "s.yaml")


def test_pure_python_parser_gives_the_same_tree() -> None:
    text = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8")
    shipped = read_events(text, "s.yaml")
    pure = read_events(text, "s.yaml", loader=yaml.SafeLoader)
    assert _tree(shipped[0]) == _tree(pure[0])


def test_an_override_value_is_read_as_in_a_file() -> None:
    root = parse_yaml("policy: {stagger_months: 1}\n", "s.yaml")
    edited, problems = apply_overrides(root, [("policy.deadline", "{a: 2024-02-30, a: 1}")])
    assert [str(p) for p in problems] == [
        "--set: policy.deadline.a: cannot read value '2024-02-30': day is out of range for month",
        "--set: policy.deadline.a: duplicate key 'a'",
    ]
    edited, problems = apply_overrides(root, [("policy.deadline", "[2025-10, '7']")])
    assert problems == []
    assert _tree(edited.value["policy"].value["deadline"]) == (
        [
            (("str", "2025-10"), None, {}, "2025-10", "--set"),
            (("str", "7"), None, {}, "7", "--set"),
        ],
        None,
        {},
        "",
        "--set",
    )


def test_a_scenario_no_longer_used_is_freed_without_the_cyclic_collector() -> None:
    with gc_paused():
        scenario = load_scenario(ROOT / "scenarios" / "base.yaml")
        assert scenario.origin is not None and scenario.origin.made(scenario)
        gone = weakref.ref(scenario)
        del scenario
        assert gone() is None  # freed by reference counting: it is in no reference cycle


def test_a_pickled_scenario_still_knows_its_text() -> None:
    scenario = load_scenario_text(
        "name: t\nhorizon: {start: 2023-04, end: 2030-03}\n"
        "clusters: [{id: a, phases: {t: {months: 3}}}]\n"
    )
    copy = pickle.loads(pickle.dumps(scenario))
    assert copy == scenario
    assert copy.origin is not None and copy.origin.made(copy)
    assert copy.with_overrides({"policy.stagger_months": 2}).policy.stagger_months == 2
