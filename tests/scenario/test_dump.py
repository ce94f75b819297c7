"""A scenario written back as YAML reads back equal, and the loader and the data validation find
the same problems in it (two independent paths to one set of rules)."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import tiny_scenarios

from scheduler.errors import ScenarioError
from scheduler.instances.generate import generate
from scheduler.scenario.data import Scenario
from scheduler.scenario.dump import scenario_yaml
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.scenario.validate import infeasibilities, validate


def _read_back(scenario: Scenario) -> Scenario:
    again = load_scenario_text(scenario_yaml(scenario), "<dump>")
    return dataclasses.replace(again, source=scenario.source, warnings=scenario.warnings)


@pytest.mark.parametrize("path", ["scenarios/base.yaml", "scenarios/actual-2023.yaml"])
def test_the_shipped_scenarios_read_back_equal(path):
    scenario = load_scenario(path)
    assert _read_back(scenario) == scenario


def test_a_generated_programme_reads_back_equal():
    scenario = load_scenario_text(yaml.safe_dump(generate(12, 8, seed=3)), "generated")
    assert _read_back(scenario) == scenario


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_scenarios())
def test_loader_and_data_validation_agree(scenario):
    objective = scenario.objective
    if objective.weights is not None:  # terms are unused beside weights; the loader derives them
        terms = tuple(term for term, _ in objective.weights)
        scenario = dataclasses.replace(
            scenario, objective=dataclasses.replace(objective, terms=terms)
        )
    problems = validate(scenario)
    if not problems:
        assert _read_back(scenario) == scenario
        return
    try:  # bad input, or valid but certainly infeasible (what the static checks find)
        found = infeasibilities(_read_back(scenario))
    except ScenarioError as error:
        found = error.problems
    assert {p.message for p in found} == {p.message for p in problems}


def _first_cluster(scenario: Scenario, **changes) -> Scenario:
    first = dataclasses.replace(scenario.clusters[0], **changes)
    return dataclasses.replace(scenario, clusters=(first, *scenario.clusters[1:]))


def _first_phase(scenario: Scenario, **changes) -> Scenario:
    phases = scenario.clusters[0].phases
    return _first_cluster(scenario, phases=(dataclasses.replace(phases[0], **changes), *phases[1:]))


BREAKERS = {
    "deadline before the start": lambda s: dataclasses.replace(
        s, policy=dataclasses.replace(s.policy, deadline=s.horizon.start - 1)
    ),
    "entry after the horizon": lambda s: _first_cluster(
        s, earliest_entry=None, latest_entry=None, fixed_entry=s.horizon.end + 1
    ),
    "unknown supplier": lambda s: _first_phase(
        s,
        modes=tuple(
            dataclasses.replace(m, uses=(("zz", 1),)) for m in s.clusters[0].phases[0].modes
        ),
    ),
    "duplicate cluster": lambda s: dataclasses.replace(s, clusters=(*s.clusters, s.clusters[0])),
    "zero months": lambda s: _first_phase(
        s, modes=tuple(dataclasses.replace(m, months=0) for m in s.clusters[0].phases[0].modes)
    ),
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_scenarios(), st.sampled_from(sorted(BREAKERS)))
def test_loader_and_data_validation_find_the_same_problems(scenario, breaker):
    broken = BREAKERS[breaker](scenario)
    problems = validate(broken)
    assert problems
    try:  # bad input, or (a deadline before any finish) valid but certainly infeasible
        found = infeasibilities(_read_back(broken))
    except ScenarioError as error:
        found = error.problems
    assert {p.message for p in found} == {p.message for p in problems}


def test_months_and_money_are_written_as_a_planner_writes_them():
    text = scenario_yaml(load_scenario("scenarios/base.yaml"))
    data = yaml.safe_load(text)
    assert data["horizon"] == {"start": "2022-04", "end": "2032-03", "fiscal_year_start": 4}
    assert data["budget"]["caps"][0] == {
        "name": "SR21",
        "from": "2022-23",
        "to": "2024-25",
        "amount": 300_000_000,
    }
    assert "lifecycle" not in data
    synergy = data["clusters"][2]
    assert list(synergy["phases"]) == ["tender", "implement", "transition"]
    assert [o["name"] for o in synergy["phases"]["implement"]["options"]] == [
        "standard",
        "accelerated",
    ]
