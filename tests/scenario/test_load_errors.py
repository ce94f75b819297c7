"""Problems in scenario files: each reported with its line, key path and a specific message."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from loading import one, problems, write

from scheduler.errors import ScenarioError
from scheduler.scenario.load import load_scenario

SMALL = """\
name: t
horizon: {start: 2023-04, end: 2030-03}
clusters:
  - id: a
    phases:
      tender: {months: 12}
"""


def test_problem_string_is_file_line_key_message(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("months: 12", "months: twelve"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    expected = f"{path}:6: clusters[0].phases.tender.months: expected a whole number, got 'twelve'"
    assert str(caught.value) == expected


def test_yaml_syntax_error(tmp_path: Path) -> None:
    line, key, message = one(tmp_path, SMALL.replace("{months: 12}", "{months: 12"))
    assert (line, key) == (7, "")
    assert message.startswith("YAML syntax error")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.yaml: no such file"):
        load_scenario(tmp_path / "nope.yaml")


def test_directory_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    (tmp_path / "latin.yaml").write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(tmp_path / "latin.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "expected a mapping with name, horizon and clusters, got a list"),
        ("just text\n", "expected a mapping with name, horizon and clusters, got 'just text'"),
        ("# nothing\n", "the file is empty; expected a mapping with name, horizon and clusters"),
    ],
)
def test_not_a_mapping(tmp_path: Path, text: str, message: str) -> None:
    assert one(tmp_path, text)[2] == message


def test_unknown_key_suggests(tmp_path: Path) -> None:
    assert one(tmp_path, SMALL + "polcy: {}\n") == (
        7,
        "polcy",
        "unknown key 'polcy'; did you mean 'policy'?",
    )
    text = SMALL.replace("{months: 12}", "{monts: 12, months: 1}")
    assert one(tmp_path, text) == (
        6,
        "clusters[0].phases.tender.monts",
        "unknown key 'monts'; did you mean 'months'?",
    )


def test_missing_required_keys(tmp_path: Path) -> None:
    assert problems(tmp_path, "description: nothing else\n") == [
        (1, "clusters", "required but missing"),
        (1, "horizon", "required but missing"),
        (1, "name", "required but missing"),
    ]
    text = SMALL.replace("{start: 2023-04, end: 2030-03}", "{start: 2023-04}")
    assert one(tmp_path, text) == (2, "horizon.end", "required but missing")
    text = SMALL.replace("  - id: a\n", "  - name: a\n")
    assert one(tmp_path, text) == (4, "clusters[0].id", "required but missing")


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    assert one(tmp_path, SMALL + "name: again\n") == (
        7,
        "name",
        "duplicate key 'name' (first given on line 1)",
    )


def test_horizon_problems(tmp_path: Path) -> None:
    text = SMALL.replace("{start: 2023-04, end: 2030-03}", "{start: 2023-04, end: 2022-03}")
    assert one(tmp_path, text) == (2, "horizon.end", "2022-03 is before the horizon starts 2023-04")
    text = SMALL.replace("end: 2030-03}", "end: 2030-03, fiscal_year_start: 13}")
    assert one(tmp_path, text) == (
        2,
        "horizon.fiscal_year_start",
        "must be a month number 1 to 12, got 13",
    )


def test_bad_month_and_money(tmp_path: Path) -> None:
    text = (
        SMALL.replace("{months: 12}", "{months: 12, cost: lots}") + "    earliest_entry: 2023-13\n"
    )
    assert problems(tmp_path, text) == [
        (
            6,
            "clusters[0].phases.tender.cost",
            "expected an amount of money like £5m, 1.2bn or 750k, got 'lots'",
        ),
        (7, "clusters[0].earliest_entry", "expected a month like 2025-10, got '2023-13'"),
    ]


def test_negative_money(tmp_path: Path) -> None:
    text = SMALL.replace("{months: 12}", "{months: 12, cost: -£5m}")
    assert one(tmp_path, text) == (
        6,
        "clusters[0].phases.tender.cost",
        "must not be negative, got -£5m",
    )


def test_zero_months_and_zero_capacity(tmp_path: Path) -> None:
    text = SMALL.replace("months: 12", "months: 0") + "suppliers: [{id: s, capacity: 0}]\n"
    assert problems(tmp_path, text) == [
        (6, "clusters[0].phases.tender.months", "must be 1 or more, got 0"),
        (7, "suppliers[0].capacity", "must be 1 or more, got 0"),
    ]


def test_budget_problems(tmp_path: Path) -> None:
    text = SMALL + dedent("""\
        budget:
          tranche: £1.5k
          caps:
            - {name: SR21, from: 2024-25, to: 2022-23, amount: £300m}
            - {name: SR21, from: 2023-25, to: 2023-24, amount: £1m}
        """)
    assert problems(tmp_path, text) == [
        (8, "budget.tranche", "must be a positive whole number of £1k, got £1.5k"),
        (10, "budget.caps[0].to", "2022-23 is before from 2024-25"),
        (11, "budget.caps[1].from", "expected a financial year like 2023-24, got '2023-25'"),
    ]


def test_duplicate_ids(tmp_path: Path) -> None:
    text = SMALL + dedent("""\
          - {id: a, phases: {t: {months: 1}}}
        suppliers: [{id: s}, {id: s}]
        lifecycle: [{id: x, months: 1}, {id: x, months: 2}]
        """)
    assert problems(tmp_path, text) == [
        (7, "clusters[1].id", "duplicate cluster id 'a' (also clusters[0])"),
        (8, "suppliers[1].id", "duplicate supplier id 's' (also suppliers[0])"),
        (9, "lifecycle[1].id", "duplicate phase id 'x' (also lifecycle[0])"),
    ]


def test_bad_cluster_id(tmp_path: Path) -> None:
    text = SMALL.replace("id: a", "id: Synergy Cluster")
    assert one(tmp_path, text) == (
        4,
        "clusters[0].id",
        "must be lower-case letters, digits and '-', got 'Synergy Cluster'",
    )


def test_empty_clusters(tmp_path: Path) -> None:
    text = "name: t\nhorizon: {start: 2023-04, end: 2030-03}\nclusters: []\n"
    assert one(tmp_path, text) == (3, "clusters", "no clusters: give at least one")


def test_cluster_without_phases(tmp_path: Path) -> None:
    text = "name: t\nhorizon: {start: 2023-04, end: 2030-03}\nclusters: [{id: a}]\n"
    assert one(tmp_path, text) == (3, "clusters[0].phases", "no phases: give a lifecycle or phases")


def test_phase_without_months(tmp_path: Path) -> None:
    text = SMALL.replace("{months: 12}", "{cost: £1m}")
    assert one(tmp_path, text) == (
        6,
        "clusters[0].phases.tender.months",
        "phase 'tender' needs months",
    )


def test_unknown_supplier_suggests(tmp_path: Path) -> None:
    text = SMALL.replace("{months: 12}", "{months: 12, uses: [ibn]}") + "suppliers: [{id: ibm}]\n"
    assert one(tmp_path, text) == (
        6,
        "clusters[0].phases.tender.uses[0]",
        "unknown supplier 'ibn'; did you mean 'ibm'?",
    )


def test_option_units_problems(tmp_path: Path) -> None:
    text = (
        SMALL.replace(
            "{months: 12}", "{months: 12, options: [{units: 2}, {supplier: ibm, units: 3}]}"
        )
        + "suppliers: [{id: ibm, capacity: 2}]\n"
    )
    assert problems(tmp_path, text) == [
        (
            6,
            "clusters[0].phases.tender.options[0].units",
            "units needs a supplier: the option names none and phase 'tender' uses none",
        ),
        (
            6,
            "clusters[0].phases.tender.options[1]",
            "option 'ibm' needs 3 units of 'ibm' but its capacity is 2",
        ),
    ]


def test_unknown_cluster_and_self_dependency(tmp_path: Path) -> None:
    text = (
        SMALL + "    depends_on: [{cluster: b, milestone: entry}, {cluster: a, milestone: entry}]\n"
    )
    text += "  - {id: bb, phases: {t: {months: 1}}}\n"
    assert problems(tmp_path, text) == [
        (7, "clusters[0].depends_on[0].cluster", "unknown cluster 'b'; did you mean 'bb'?"),
        (7, "clusters[0].depends_on[1].cluster", "cluster 'a' cannot depend on itself"),
    ]


def test_milestone_problems(tmp_path: Path) -> None:
    text = SMALL + (
        "    depends_on:\n"
        "      - {cluster: b, milestone: tendr.end}\n"
        "      - {cluster: b, milestone: tender}\n"
        "      - {cluster: b, milestone: entry, this: tender.finish}\n"
        "  - {id: b, phases: {tender: {months: 1}}}\n"
    )
    assert problems(tmp_path, text) == [
        (
            8,
            "clusters[0].depends_on[0].milestone",
            "unknown phase 'tendr' of cluster 'b' (phases: tender); did you mean 'tender'?",
        ),
        (
            9,
            "clusters[0].depends_on[1].milestone",
            "expected a milestone like tender.end, implement.start or entry, got 'tender'",
        ),
        (
            10,
            "clusters[0].depends_on[2].this",
            "expected a milestone like tender.end, implement.start or entry, got 'tender.finish'",
        ),
    ]


def test_replaced_by_unknown_phase(tmp_path: Path) -> None:
    text = SMALL + "    legacy: [{name: old, expires: 2025-10, replaced_by: tendr}]\n"
    assert one(tmp_path, text) == (
        7,
        "clusters[0].legacy[0].replaced_by",
        "unknown phase 'tendr' (phases: tender); did you mean 'tender'?",
    )


def test_entry_window_problems(tmp_path: Path) -> None:
    text = (
        SMALL + "    earliest_entry: 2024-04\n    latest_entry: 2024-01\n    fixed_entry: 2024-06\n"
    )
    assert problems(tmp_path, text) == [
        (8, "clusters[0].latest_entry", "2024-01 is before earliest_entry 2024-04"),
        (9, "clusters[0].fixed_entry", "2024-06 is after latest_entry 2024-01"),
    ]
    text = SMALL + "    fixed_entry: 2023-01\n"
    assert one(tmp_path, text) == (
        7,
        "clusters[0].fixed_entry",
        "2023-01 is outside the horizon 2023-04 to 2030-03",
    )
    text = SMALL + "    earliest_entry: 2031-01\n"
    assert one(tmp_path, text) == (
        7,
        "clusters[0].earliest_entry",
        "2031-01 is after the horizon ends 2030-03",
    )


def test_objective_problems(tmp_path: Path) -> None:
    text = SMALL + "objective: [completoin, completion, completion]\n"
    assert problems(tmp_path, text) == [
        (7, "objective[0]", "unknown objective term 'completoin'; did you mean 'completion'?"),
        (7, "objective[2]", "term 'completion' is given twice"),
    ]
    text = SMALL + "objective: {weights: {delivery_cost: 0}}\n"
    assert one(tmp_path, text) == (7, "objective.weights.delivery_cost", "must be 1 or more, got 0")


def test_wrong_types(tmp_path: Path) -> None:
    text = dedent("""\
        name: [a]
        horizon: 2023
        budget: {carry_forward: maybe}
        suppliers: {id: s}
        clusters: {id: a}
        """)
    assert problems(tmp_path, text) == [
        (1, "name", "expected text, got a list"),
        (2, "horizon", "expected a mapping (key: value), got 2023"),
        (3, "budget.carry_forward", "expected true or false, got 'maybe'"),
        (4, "suppliers", "expected a list, got a mapping"),
        (5, "clusters", "expected a list, got a mapping"),
    ]


ODD = "name: x\nhorizon: {start: 2023-04, end: 2030-03}\n"


@pytest.mark.parametrize(
    "text",
    [
        ODD + "clusters: [3, [1], null, {id: a, phases: 3}]\n",
        ODD + "lifecycle: [1, {id: [x]}]\nclusters: [{id: a}]\n",
        ODD + "clusters: [{id: a, phases: {t: {months: 1, options: 5}}}]\n",
        ODD + "clusters: [{id: a, phases: {t: {months: 1, uses: {x: many}}}}]\n",
        ODD + "clusters: [{id: a, phases: {t: {months: 1, options: [{supplier: [x]}]}}}]\n",
        "name: x\nhorizon: {start: !!binary aGk=, end: 2030-03}\nclusters: [{depends_on: 7}]\n",
        ODD + "clusters: [{id: a, phases: {t: {months: 1}}, depends_on: [{cluster: [a]}]}]\n",
        ODD + "clusters: [{id: a, phases: [{id: t, months: 1}, {id: t, months: 2}, 5]}]\n",
        "a: &a [*a]\n",
        "name: !custom x\n",
        "? [a, b]\n: c\n",
        "objective: {}\nbudget: {caps: [{amount: 1}]}\n",
    ],
)
def test_odd_input_gives_scenario_error_only(tmp_path: Path, text: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))
    assert caught.value.problems
    assert all("internal error" not in p.message for p in caught.value.problems)


def test_many_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    text = dedent("""\
        nam: x
        horizon: {start: 2023-04, end: 2030-03}
        budget: {tranche: £500}
        suppliers: [{id: ibm, capacity: 0}]
        policy: {stagger_months: -1}
        clusters:
          - id: a
            phases: {tender: {months: 0, uses: [ibx]}}
            depends_on: [{cluster: zz, milestone: entry}]
          - id: A
            phases: {tender: {months: 3}}
        objective: [speed]
        """)
    found = problems(tmp_path, text)
    assert [(line, key) for line, key, _ in found] == [
        (1, "nam"),
        (1, "name"),
        (3, "budget.tranche"),
        (4, "suppliers[0].capacity"),
        (5, "policy.stagger_months"),
        (8, "clusters[0].phases.tender.months"),
        (8, "clusters[0].phases.tender.uses[0]"),
        (9, "clusters[0].depends_on[0].cluster"),
        (10, "clusters[1].id"),
        (12, "objective[0]"),
    ]


def test_lifecycle_problems_are_reported_once_at_the_lifecycle(tmp_path: Path) -> None:
    text = dedent("""\
        name: t
        horizon: {start: 2023-04, end: 2035-03}
        lifecycle: [{id: tender, months: -1}, {id: run, months: 2, options: []}]
        clusters: [{id: a}, {id: b}, {id: c, phases: {tender: {months: 3}}}]
        """)
    assert problems(tmp_path, text) == [
        (3, "lifecycle[0].months", "must be 1 or more, got -1"),
        (3, "lifecycle[1].options", "no options given"),
    ]


def test_more_phase_and_supplier_problems(tmp_path: Path) -> None:
    text = dedent("""\
        name: t
        horizon: {start: 2023-04, end: 2035-03}
        suppliers: [{id: s, capacity: 1, from: 2025-01, to: 2024-01}, {id: p, capacity: 1}]
        clusters:
          - id: a
            phases:
              bad id: {months: 1}
              run: {months: 2, uses: {p: 2}}
            legacy: [{expires: 2024-01}, {expires: 2024-02}]
        """)
    assert problems(tmp_path, text) == [
        (3, "suppliers[0].to", "2024-01 is before from 2025-01"),
        (
            7,
            "clusters[0].phases.bad id",
            "a phase id must be letters, digits, '-' or '_', got 'bad id'",
        ),
        (
            8,
            "clusters[0].phases.run.uses",
            "phase 'run' needs 2 units of 'p' but its capacity is 1",
        ),
        (9, "clusters[0].legacy[0].name", "required but missing"),
        (9, "clusters[0].legacy[1].name", "required but missing"),
    ]


def test_a_near_miss_of_a_lifecycle_phase_id_loads_with_a_warning(tmp_path):
    path = write(
        tmp_path,
        """\
        name: Typo
        horizon: {start: 2024-01, end: 2027-12}
        lifecycle:
          - {id: tender, months: 6}
          - {id: implement, months: 12}
        clusters:
          - id: alpha
            phases:
              implment: {months: 6}
        """,
    )
    scenario = load_scenario(path)
    assert [p.id for p in scenario.clusters[0].phases] == ["tender", "implement", "implment"]
    assert scenario.warnings == (
        f"{path}:9: clusters[0].phases.implment: 'implment' is not a lifecycle phase, so it is "
        "added after them as a new phase; did you mean 'implement'?",
    )
