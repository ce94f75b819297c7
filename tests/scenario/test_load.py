"""Loading scenario files: every key, lifecycle overrides, defaults, and one test per problem."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from loading import one, write

from scheduler.errors import ScenarioError
from scheduler.scenario.data import (
    DEFAULT_OBJECTIVE,
    Budget,
    Cap,
    Dependency,
    Legacy,
    Milestone,
    Mode,
    Policy,
    Supplier,
)
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.units import parse_month as m

FULL = """\
name: Government shared services, base case
description: every key
horizon: {start: 2022-04, end: 2031-03, fiscal_year_start: 4}
budget:
  tranche: £5m
  carry_forward: true
  caps:
    - {name: SR21, from: 2022-23, to: 2024-25, amount: £300m}
    - {from: 2023-24, to: 2023-24, amount: 110_000_000}
  covers_extensions: true
suppliers:
  - {id: erp-market, name: ERP software market, capacity: 2}
  - {id: ibm, capacity: 1}
  - {id: accenture, capacity: 2, from: 2023-01, to: 2031-03}
policy: {stagger_months: 3, max_entries_per_year: 2, deadline: 2031-03}
lifecycle:
  - {id: tender, months: 14, cost: £6m, uses: [erp-market]}
  - {id: implement, months: 36, cost: £90m}
  - {id: transition, months: 6, cost: £5m}
clusters:
  - id: synergy
    name: Synergy
    lead: DWP
    departments: [DWP, Home Office, MoJ, Defra]
    users: 265000
    earliest_entry: 2023-04
    latest_entry: 2025-03
    fixed_entry: 2023-10-31
    phases:
      implement:
        options:
          - {supplier: ibm, months: 48, cost: £300m}
          - {supplier: accenture, months: 42, cost: 1.2bn, units: 2, name: fast}
      transition: {months: 12, cost: £40m, max_wait: 2}
    legacy:
      - name: SSCL ISSC2 contract
        expires: 2025-10
        replaced_by: implement
        extension_cost: £20m
        hard_deadline: 2028-10
      - {name: other, expires: 2027-12}
    depends_on:
      - {cluster: matrix, milestone: tender.end, lag: 3}
      - {cluster: matrix, milestone: implement.start, lag: -2, this: transition.start}
      - {cluster: matrix, milestone: entry}
    benefits: £10m
  - id: matrix
objective: {weights: {extension_cost: 2, delivery_cost: 1}}
"""


def test_full_scenario_every_key(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, FULL))
    assert s.name == "Government shared services, base case"
    assert s.description == "every key"
    assert s.source == str(tmp_path / "s.yaml")
    assert (s.horizon.start, s.horizon.end, s.horizon.fiscal_year_start) == (
        m("2022-04"),
        m("2031-03"),
        4,
    )
    assert s.budget == Budget(
        tranche=5_000_000,
        carry_forward=True,
        caps=(Cap("SR21", 2022, 2024, 300_000_000), Cap("2023-24", 2023, 2023, 110_000_000)),
        covers_extensions=True,
    )
    assert s.suppliers == (
        Supplier("erp-market", "ERP software market", 2),
        Supplier("ibm", "ibm", 1),
        Supplier("accenture", "accenture", 2, m("2023-01"), m("2031-03")),
    )
    assert s.policy == Policy(3, 2, m("2031-03"))
    assert s.objective.weights == (("extension_cost", 2), ("delivery_cost", 1))
    synergy = s.cluster("synergy")
    assert (synergy.name, synergy.lead, synergy.users) == ("Synergy", "DWP", 265000)
    assert synergy.departments == ("DWP", "Home Office", "MoJ", "Defra")
    assert (synergy.earliest_entry, synergy.latest_entry) == (m("2023-04"), m("2025-03"))
    assert synergy.fixed_entry == m("2023-10")
    assert synergy.benefits == 10_000_000
    assert [p.id for p in synergy.phases] == ["tender", "implement", "transition"]
    assert synergy.phase("tender").modes == (Mode(14, 6_000_000, (("erp-market", 1),)),)
    assert synergy.phase("implement").modes == (
        Mode(48, 300_000_000, (("ibm", 1),), 0, "ibm"),
        Mode(42, 1_200_000_000, (("accenture", 2),), 1, "fast"),
    )
    assert synergy.phase("transition").modes == (Mode(12, 40_000_000),)
    assert synergy.phase("transition").max_wait == 2
    assert synergy.legacy == (
        Legacy("SSCL ISSC2 contract", m("2025-10"), "implement", 20_000_000, m("2028-10")),
        Legacy("other", m("2027-12"), "transition", 0, None),
    )
    entry = Milestone("tender", "start")
    assert synergy.depends_on == (
        Dependency("matrix", Milestone("tender", "end"), 3, entry),
        Dependency("matrix", Milestone("implement", "start"), -2, Milestone("transition", "start")),
        Dependency("matrix", entry, 0, entry),
    )
    matrix = s.cluster("matrix")
    assert [p.id for p in matrix.phases] == ["tender", "implement", "transition"]
    assert matrix.phase("implement").modes == (Mode(36, 90_000_000),)


def test_defaults(tmp_path: Path) -> None:
    s = load_scenario_text(
        dedent("""\
        name: minimal
        horizon: {start: 2023-04, end: 2030-03}
        suppliers: [{id: pool}]
        clusters:
          - id: a
            phases: {build: {months: 12, uses: pool}, run: {months: 2}}
            legacy: [{name: old, expires: 2025-01}]
        """),
        source="mini",
    )
    assert s.source == "mini"
    assert s.budget is None and s.description == ""
    assert s.horizon.fiscal_year_start == 4
    assert s.policy == Policy()
    assert s.objective.terms == DEFAULT_OBJECTIVE and s.objective.weights is None
    assert s.suppliers == (Supplier("pool", "pool", 1),)
    a = s.cluster("a")
    assert [p.id for p in a.phases] == ["build", "run"]
    assert a.phase("build").modes == (Mode(12, 0, (("pool", 1),)),)
    assert a.phase("run").max_wait == 0
    assert a.legacy == (Legacy("old", m("2025-01"), "run", 0, None),)
    assert (a.name, a.lead, a.departments, a.users, a.benefits) == ("", "", (), None, 0)
    assert a.earliest_entry is a.latest_entry is a.fixed_entry is None


def test_budget_defaults_and_objective_list(tmp_path: Path) -> None:
    s = load_scenario_text(
        dedent("""\
        name: x
        horizon: {start: 2023-01, end: 2030-12, fiscal_year_start: 1}
        budget: {caps: [{from: 2024, to: 2025, amount: £5m}]}
        clusters: [{id: a, phases: {t: {months: 1}}}]
        objective: [completion, net_cost]
        """)
    )
    assert s.budget == Budget(caps=(Cap("2024 to 2025", 2024, 2025, 5_000_000),))
    assert s.objective.terms == ("completion", "net_cost")


LIFECYCLE = """\
name: overrides
horizon: {start: 2023-04, end: 2035-03}
suppliers: [{id: market, capacity: 3}, {id: si, capacity: 4}, {id: ccs, capacity: 2}]
lifecycle:
  - {id: tender, months: 14, cost: £6m, uses: [market]}
  - {id: implement, months: 36, cost: £90m, uses: {si: 1}}
  - {id: transition, months: 6, cost: £5m, max_wait: 3}
clusters:
  - id: a
    phases:
      review: {months: 2}
      tender: {months: 10}
      implement:
        options:
          - {}
          - {months: 30, supplier: ccs, units: 2}
          - {cost: £100m, uses: [si, ccs], label: two}
          - {units: 3}
      pilot: {months: 4, cost: 1m}
"""


def test_lifecycle_override_field_by_field(tmp_path: Path) -> None:
    a = load_scenario(write(tmp_path, LIFECYCLE)).cluster("a")
    assert [p.id for p in a.phases] == ["tender", "implement", "transition", "review", "pilot"]
    assert a.phase("tender").modes == (Mode(10, 6_000_000, (("market", 1),)),)
    assert a.phase("transition").modes == (Mode(6, 5_000_000),)
    assert a.phase("transition").max_wait == 3
    assert a.phase("pilot").modes == (Mode(4, 1_000_000),)


def test_options_default_to_the_phase_and_add_to_its_uses(tmp_path: Path) -> None:
    implement = load_scenario(write(tmp_path, LIFECYCLE)).cluster("a").phase("implement")
    assert implement.has_options
    assert implement.modes == (
        Mode(36, 90_000_000, (("si", 1),), 0, "option 0"),
        Mode(30, 90_000_000, (("ccs", 2), ("si", 1)), 1, "ccs"),
        Mode(36, 100_000_000, (("ccs", 1), ("si", 2)), 2, "two"),
        Mode(36, 90_000_000, (("si", 3),), 3, "option 3"),
    )
    assert implement.shortest == 30


def test_phases_without_lifecycle_keep_file_order_and_list_form(tmp_path: Path) -> None:
    s = load_scenario_text(
        dedent("""\
        name: x
        horizon: {start: 2023-04, end: 2030-03}
        clusters:
          - {id: a, phases: {zeta: {months: 1}, alpha: {months: 2}}}
          - id: b
            phases:
              - {id: one, months: 3, cost: 2_000}
              - {id: two, months: 4}
        """)
    )
    assert [p.id for p in s.cluster("a").phases] == ["zeta", "alpha"]
    assert [p.id for p in s.cluster("b").phases] == ["one", "two"]
    assert s.cluster("b").phase("one").modes[0].cost == 2_000


def test_overrides_edit_the_tree_before_validation(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    s = load_scenario(
        path,
        [
            ("budget.caps.SR21.amount", "£403m"),
            ("clusters.synergy.phases.transition.months", "10"),
            ("clusters.matrix.latest_entry", "2024-01"),
            ("policy.stagger_months", "0"),
            ("budget.caps.1.amount", "1bn"),
        ],
    )
    assert s.budget is not None and s.budget.caps[0].amount == 403_000_000
    assert s.budget.caps[1].amount == 1_000_000_000
    assert s.cluster("synergy").phase("transition").modes[0].months == 10
    assert s.cluster("matrix").latest_entry == m("2024-01")
    assert s.policy.stagger_months == 0


def test_override_problems_name_the_override(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, [("budget.caps.SR22.amount", "1"), ("policy.deadline", "soon")])
    assert [str(p) for p in caught.value.problems] == [
        "--set: budget.caps.SR22.amount: no item with id or name 'SR22' in budget.caps",
        "--set: policy.deadline: expected a month like 2025-10, got 'soon'",
    ]


def test_yaml_anchors_and_merge_keys(tmp_path: Path) -> None:
    text = dedent("""\
        name: t
        horizon: {start: 2023-04, end: 2035-03}
        clusters:
          - {id: a, phases: {tender: &tender {months: 14, cost: £6m}}}
          - {id: b, phases: {tender: {<<: *tender, cost: £7m}}}
          - {id: c, phases: {tender: {<<: *tender, cost: £1m, cost: £2m}}}
        """)
    assert one(tmp_path, text) == (
        6,
        "clusters[2].phases.tender.cost",
        "duplicate key 'cost' (first given on line 6)",
    )
    s = load_scenario_text(text.replace(", cost: £2m", ""))
    assert s.cluster("a").phases[0].modes == (Mode(14, 6_000_000),)
    assert s.cluster("b").phases[0].modes == (Mode(14, 7_000_000),)
    assert s.cluster("c").phases[0].modes == (Mode(14, 1_000_000),)


def test_override_creates_missing_sections(tmp_path: Path) -> None:
    text = "name: t\nhorizon: {start: 2023-04, end: 2030-03}\n"
    text += "clusters: [{id: a, phases: {t: {months: 1}}}]\n"
    s = load_scenario(write(tmp_path, text), [("policy.stagger_months", "4")])
    assert s.policy.stagger_months == 4
