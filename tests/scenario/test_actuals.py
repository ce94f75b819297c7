"""Status date and actuals in the loader: what history means, and every inconsistency as a
``FILE:LINE: key`` problem, all at once; history that broke a rule is a warning."""

from __future__ import annotations

from builders import m
from loading import problems, write

from scheduler.scenario.load import load_scenario

HEAD = """\
name: t
status_date: 2025-04
horizon: {start: 2023-04, end: 2030-03}
policy: {stagger_months: 3}
suppliers: [{id: market, capacity: 1}]
budget:
  tranche: £1m
  caps: [{name: SR, from: 2023-24, to: 2025-26, amount: £100m}]
lifecycle:
  - {id: tender, months: 12, cost: £6m, uses: [market]}
  - id: implement
    months: 24
    cost: £48m
    options: [{name: standard}, {name: fast, months: 18, cost: £60m}]
"""


def test_finished_and_running_phases(tmp_path):
    text = (
        HEAD
        + """\
clusters:
  - id: a
    phases:
      tender: {actual_start: 2023-06, actual_end: 2024-08}
      implement: {actual_start: 2024-09, remaining_months: 20, option: fast, actual_cost: £70m}
  - id: b
"""
    )
    sc = load_scenario(write(tmp_path, text))
    a = sc.cluster("a")
    tender, implement = a.phases
    assert (tender.actual.start, tender.actual.end, tender.actual.running) == (
        m("2023-06"),
        m("2024-08"),
        False,
    )
    assert tender.modes[0].months == 15 and tender.actual.planned.months == 12
    assert implement.actual.end == m("2025-04") + 20 - 1 and implement.actual.running
    assert implement.modes == (implement.modes[0],) and implement.modes[0].option == 1
    assert implement.modes[0].cost == 70_000_000 and implement.actual.planned.cost == 60_000_000
    assert sc.status_date == m("2025-04") and sc.cluster("b").phases[0].actual is None
    assert sc.is_history_year(2024) and not sc.is_history_year(2025)


def test_every_inconsistency_at_once(tmp_path):
    text = (
        HEAD
        + """\
clusters:
  - id: a
    phases:
      tender: {actual_start: 2024-08, actual_end: 2024-06}
  - id: b
    phases:
      tender: {actual_start: 2023-06, actual_end: 2025-05}
  - id: c
    phases:
      implement: {actual_start: 2024-01, remaining_months: 3, option: fast}
  - id: d
    phases:
      tender: {actual_start: 2023-01, actual_end: 2023-12}
      implement: {actual_start: 2024-01, remaining_months: 3, option: turbo}
  - id: e
    phases:
      tender: {actual_start: 2025-06, remaining_months: 2}
  - id: f
    phases:
      tender: {actual_start: 2023-05, actual_end: 2023-12, remaining_months: 4}
      implement: {actual_start: 2024-01}
"""
    )
    found = problems(tmp_path, text)
    keys = [(key, message.split(":")[0]) for _, key, message in found]
    assert (
        "clusters[0].phases.tender.actual_end",
        "2024-06 is before actual_start 2024-08",
    ) in keys
    assert any(
        k == "clusters[1].phases.tender.actual_end" and "on or after the status date" in t
        for k, t in ((key, msg) for _, key, msg in found)
    )
    messages = {key: message for _, key, message in found}
    assert (
        "follows 'tender', which has no actuals"
        in messages["clusters[2].phases.implement.actual_start"]
    )
    assert "before the horizon starts" in messages["clusters[3].phases.tender.actual_start"]
    assert "unknown option 'turbo'" in messages["clusters[3].phases.implement.option"]
    assert (
        "on or after the status date 2025-04" in messages["clusters[4].phases.tender.actual_start"]
    )
    assert "has no remaining_months" in messages["clusters[5].phases.tender.remaining_months"]
    assert "name the one taken" in messages["clusters[5].phases.implement.option"]
    assert all(line is not None for line, _, _ in found)


def test_actuals_need_a_status_date_and_released_years_must_be_history(tmp_path):
    text = (
        HEAD.replace("status_date: 2025-04\n", "")
        + """\
clusters:
  - id: a
    phases:
      tender: {actual_start: 2023-06, actual_end: 2024-08}
"""
    )
    ((_line, key, message),) = problems(tmp_path, text)
    assert key == "clusters[0].phases.tender.actual_start" and "need a status_date" in message
    released = HEAD.replace("caps:", "released: {a: {2024-25: £5m, 2025-26: £1m}, z: {}}\n  caps:")
    found = problems(tmp_path, released + "clusters: [{id: a}]\n")
    messages = {key: message for _, key, message in found}
    assert (
        "2025-26 has not ended by the status date 2025-04" in messages["budget.released.a.2025-26"]
    )
    assert "unknown cluster 'z'" in messages["budget.released.z"]


def test_history_that_broke_rules_is_a_warning(tmp_path):
    text = (
        HEAD.replace("£100m", "£5m")
        + """\
clusters:
  - id: a
    phases:
      tender: {actual_start: 2023-06, actual_end: 2024-05}
  - id: b
    earliest_entry: 2023-09
    phases:
      tender: {actual_start: 2023-07, actual_end: 2024-06}
"""
    )
    sc = load_scenario(write(tmp_path, text))
    text_of = "\n".join(sc.warnings)
    assert "entered the market 1 months apart (2023-06, 2023-07); stagger is 3 months" in text_of
    assert "supplier market over its capacity 1" in text_of
    assert "outside earliest_entry 2023-09" in text_of
    assert "over cap SR of £5m" in text_of
    assert all(":" in w and "clusters[" in w for w in sc.warnings)


def test_targets(tmp_path):
    text = (
        HEAD
        + """\
targets:
  - {name: all live by 2028, month: 2028-03}
  - {name: a by 2027, month: 2027-03, clusters: [a, zz]}
clusters: [{id: a}]
"""
    )
    ((_, key, message),) = problems(tmp_path, text)
    assert key == "targets[1].clusters[1]" and "unknown cluster 'zz'" in message


def test_a_scenario_with_history_reads_back_equal_from_its_dump(tmp_path):
    import dataclasses

    from scheduler.scenario.dump import scenario_yaml
    from scheduler.scenario.load import load_scenario_text

    text = (
        HEAD.replace("caps:", "released: {a: {2023-24: £3m}}\n  caps:")
        + """\
targets: [{name: live by 2028, month: 2028-03, clusters: [a]}]
clusters:
  - id: a
    phases:
      tender: {actual_start: 2023-06, actual_end: 2024-08}
      implement: {actual_start: 2024-09, remaining_months: 20, option: fast, actual_cost: £70m}
  - id: b
"""
    )
    sc = load_scenario(write(tmp_path, text))
    again = load_scenario_text(scenario_yaml(sc), "<dump>")
    assert dataclasses.replace(again, source=sc.source, warnings=sc.warnings) == sc
