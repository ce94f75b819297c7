"""The ``risk`` section and the clusters' ``phases.X.risk``: read, and every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest
from loading import one, problems, write

from scheduler.scenario.data import Range
from scheduler.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]

SMALL = """\
name: t
horizon: {start: 2023-04, end: 2030-03}
lifecycle:
  - {id: tender, months: 12}
  - {id: implement, months: 30}
clusters:
  - id: alpha
    phases:
      implement: {risk: {low: 28, likely: 30, high: 40}}
  - id: beta
risk:
  runs: 500
  seed: 3
  phases:
    implement: {low: -10%, likely: 0%, high: +40%}
  cost: fixed
  events:
    - {name: Integrator failure, probability: 0.1, delay_months: 6, clusters: [beta], phase: implement}
  target: 0.9
"""


def test_a_risk_section_is_read(tmp_path: Path) -> None:
    risk = load_scenario(write(tmp_path, SMALL)).risk
    assert risk is not None
    assert (risk.runs, risk.seed, risk.cost, risk.target) == (500, 3, "fixed", 0.9)
    assert risk.range_of("beta", "implement") == Range(-10, 0, 40, percent=True)
    assert risk.range_of("alpha", "implement") == Range(28, 30, 40)  # the cluster's own wins
    assert risk.range_of("alpha", "tender") is None
    (event,) = risk.events
    assert (event.probability, event.delay_months, event.clusters) == (0.1, 6, ("beta",))


def test_a_percentage_range_is_of_the_planned_months() -> None:
    assert Range(-10, 0, 40, percent=True).months(30) == pytest.approx((27, 30, 42))
    assert Range(28, 30, 40).months(99) == (28, 30, 40)


def test_without_a_risk_section_there_is_no_risk(tmp_path: Path) -> None:
    text = SMALL.split("risk:\n  runs")[0].replace(
        "      implement: {risk: {low: 28, likely: 30, high: 40}}\n", "      tender: {months: 12}\n"
    )
    assert load_scenario(write(tmp_path, text)).risk is None


def test_defaults(tmp_path: Path) -> None:
    text = SMALL.split("risk:\n  runs")[0] + "risk: {}\n"
    risk = load_scenario(write(tmp_path, text)).risk
    assert (risk.runs, risk.seed, risk.cost, risk.target, risk.phases) == (
        10_000,
        0,
        "pro_rata",
        0.8,
        (),
    )


def test_base_scenario_has_a_sourced_risk_section() -> None:
    risk = load_scenario(ROOT / "scenarios" / "base.yaml").risk
    assert risk is not None and risk.range_of("synergy", "implement") is not None
    assert risk.range_of("overseas", "implement").deterministic


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            "{low: -10%, likely: 0%, high: +40%}",
            "{low: 10%, likely: 0%, high: +40%}",
            "risk.phases.implement",
            "needs low <= likely <= high, got 10%, 0%, 40%",
        ),
        (
            "{low: -10%, likely: 0%, high: +40%}",
            "{low: -10%, likely: 30, high: +40%}",
            "risk.phases.implement",
            "give low, likely and high all in months or all in percent",
        ),
        (
            "{low: -10%, likely: 0%, high: +40%}",
            "{low: -10%, likely: lots, high: +40%}",
            "risk.phases.implement.likely",
            "expected months (like 44) or a percentage (like +20%), got 'lots'",
        ),
        (
            "{low: -10%, likely: 0%, high: +40%}",
            "{low: -10%, high: +40%}",
            "risk.phases.implement.likely",
            "required but missing",
        ),
        (
            "    implement: {low: -10%",
            "    implment: {low: -10%",
            "risk.phases.implment",
            "unknown phase 'implment'; did you mean 'implement'?",
        ),
        (
            "probability: 0.1",
            "probability: 1.5",
            "risk.events[0].probability",
            "must be a probability, a number from 0 to 1, got 1.5",
        ),
        (
            "clusters: [beta]",
            "clusters: [betta]",
            "risk.events[0].clusters[0]",
            "unknown cluster 'betta'; did you mean 'beta'?",
        ),
        (
            "phase: implement}",
            "phase: implemnt}",
            "risk.events[0].phase",
            "cluster 'beta' has no phase 'implemnt'; did you mean 'implement'?",
        ),
        (
            "cost: fixed",
            "cost: fixd",
            "risk.cost",
            "unknown cost rule 'fixd'; did you mean 'fixed'?",
        ),
        (
            "target: 0.9",
            "target: 0",
            "risk.target",
            "must be a probability, a number above 0 and at most 1, got 0",
        ),
        ("runs: 500", "runs: 0", "risk.runs", "must be 1 or more, got 0"),
        ("seed: 3", "seed: -3", "risk.seed", "must be 0 or more, got -3"),
        ("seed: 3", "sed: 3", "risk.sed", "unknown key 'sed'; did you mean 'seed'?"),
        (
            "{risk: {low: 28, likely: 30, high: 40}}",
            "{risk: {low: 0, likely: 30, high: 40}}",
            "clusters[0].phases.implement.risk.low",
            "must be a positive number of months, got 0",
        ),
        (
            "{risk: {low: 28, likely: 30, high: 40}}",
            "{risk: {low: 28, likely: 50, high: 40}}",
            "clusters[0].phases.implement.risk",
            "needs low <= likely <= high, got 28, 50, 40",
        ),
    ],
)
def test_problems_name_the_key(tmp_path: Path, old: str, new: str, key: str, message: str) -> None:
    assert old in SMALL
    line, got_key, got_message = one(tmp_path, SMALL.replace(old, new))
    assert (got_key, got_message) == (key, message)
    assert line is not None


def test_every_problem_is_found_in_one_pass(tmp_path: Path) -> None:
    text = SMALL.replace("probability: 0.1", "probability: -1").replace("cost: fixed", "cost: x")
    keys = {key for _, key, _ in problems(tmp_path, text)}
    assert keys == {"risk.events[0].probability", "risk.cost"}


def test_an_override_sets_a_range_bound(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    risk = load_scenario(path, [("risk.phases.implement.high", "60%")]).risk
    assert risk.range_of("beta", "implement") == Range(-10, 0, 60, percent=True)


def test_an_event_naming_a_cluster_with_its_own_problem_adds_none(tmp_path: Path) -> None:
    text = SMALL.replace("  - id: beta\n", "  - id: beta\n    users: many\n")
    (problem,) = problems(tmp_path, text)
    assert problem[1] == "clusters[1].users"
