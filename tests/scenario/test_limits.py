"""Limits and validation gaps, in process: what an empty --set removes, escaped control
characters, lifecycle values every cluster overrides, money in a file, the node count."""

from __future__ import annotations

from pathlib import Path

import pytest
from loading import problems

from scheduler.errors import Problem, ScenarioError
from scheduler.scenario.load import ParsedScenario, load_scenario, load_scenario_text
from scheduler.scenario.yamlcompose import measure

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"

TINY = """\
name: t
horizon: {start: 2022-04, end: 2030-03}
suppliers: [{id: erp}]
lifecycle:
  - {id: tender, months: 6, cost: £6m, uses: [erp]}
  - {id: implement, months: 24}
clusters:
  - {id: a, phases: {tender: {months: 6, cost: 1, uses: [erp]}}}
"""


def test_measure_counts_aliases_without_expanding_them() -> None:
    # root map, key a, the anchored list of 3 + a map of 2 (6), key c, a list of two aliases (13)
    assert measure("a: &x [1, 2, {b: 3}]\nc: [*x, *x]\n", "s") == (22, True)
    assert measure("a: [1, 2]\n", "s") == (5, False)


def test_empty_set_value_says_what_it_removed() -> None:
    scenario = load_scenario(BASE, [("budget", "")])
    assert scenario.budget is None
    assert any(
        warning.startswith("--set: budget: removed the value given on line")
        and "caps (2 items)" in warning
        for warning in scenario.warnings
    )


def test_empty_set_value_on_a_key_with_no_value_is_an_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BASE, [("policy.deadline", "")])
    assert [str(p) for p in caught.value.problems] == [
        "--set: policy.deadline: nothing to remove: it has no value "
        "(an empty --set value removes a key)"
    ]


def test_empty_set_value_on_a_required_key_is_an_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BASE, [("name", "")])
    assert [str(p) for p in caught.value.problems] == ["--set: name: required but empty"]


def test_problems_escape_newlines_and_terminal_controls() -> None:
    problem = Problem("s.yaml", 3, "clusters[0].id", "got 'a\nb' and \x1b]0;TITLE\x07")
    assert str(problem) == "s.yaml:3: clusters[0].id: got 'a\\nb' and \\x1b]0;TITLE\\x07"
    text = TINY.replace("id: a,", 'id: "a\\nb",')
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml")
    assert all("\n" not in str(p) for p in caught.value.problems)


def test_lifecycle_values_are_checked_even_when_every_cluster_overrides_them(
    tmp_path: Path,
) -> None:
    text = TINY.replace("months: 6, cost: £6m, uses: [erp]", "months: -5, cost: .nan, uses: [sap]")
    assert problems(tmp_path, text) == [
        (5, "lifecycle[0].cost", "expected an amount of money like £5m, 1.2bn or 750k, got .nan"),
        (5, "lifecycle[0].months", "must be 1 or more, got -5"),
        (5, "lifecycle[0].uses[0]", "unknown supplier 'sap'"),
    ]


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("'£1,5m'", "a comma must separate groups of three digits (as in £1,500,000), got '£1,5m'"),
        (
            "'£1,2,3'",
            "a comma must separate groups of three digits (as in £1,500,000), got '£1,2,3'",
        ),
        ("35000000.5", "expected a whole number of pounds, got 35000000.5 (£35000000.5)"),
    ],
)
def test_money_in_a_file_is_exact_or_refused(tmp_path: Path, cost: str, message: str) -> None:
    text = TINY.replace("cost: 1,", f"cost: {cost},")
    assert problems(tmp_path, text) == [(8, "clusters[0].phases.tender.cost", message)]


def test_money_with_thousands_separators_is_read_exactly() -> None:
    scenario = load_scenario_text(TINY.replace("cost: 1,", "cost: '£1,500,000',"))
    assert scenario.clusters[0].phases[0].modes[0].cost == 1_500_000


def test_a_horizon_of_a_hundred_years_is_the_longest(tmp_path: Path) -> None:
    assert load_scenario_text(TINY.replace("end: 2030-03", "end: 2122-03")).horizon.months == 1200
    assert problems(tmp_path, TINY.replace("end: 2030-03", "end: 2122-04")) == [
        (
            2,
            "horizon.end",
            "the horizon 2022-04 to 2122-04 is 1,201 months; it may be at most 1,200 (100 years)",
        )
    ]


def test_counts_and_weights_are_bounded(tmp_path: Path) -> None:
    text = TINY.replace("[{id: erp}]", "[{id: erp, capacity: 10000000000}]") + (
        "objective: {weights: {delivery_cost: 10000000}}\n"
    )
    assert problems(tmp_path, text) == [
        (3, "suppliers[0].capacity", "must be at most 1,000,000,000, got 10000000000"),
        (9, "objective.weights.delivery_cost", "must be at most 1,000,000, got 10000000"),
    ]


def test_a_parsed_scenario_serves_every_variant_and_stays_as_parsed() -> None:
    parsed = ParsedScenario.read(BASE)
    funded = parsed.load([("budget.caps.SR21.amount", "£403m"), ("policy", "")])
    assert funded.budget is not None and funded.budget.caps[0].amount == 403_000_000
    assert funded.policy.stagger_months == 0
    assert parsed.load() == load_scenario(BASE)  # the overrides left the parsed tree alone
