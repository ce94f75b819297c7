"""The optional convergence fields: a cluster's ``platform`` and a legacy system's ``instances``.
Version 1 files without them read as before; bad values are ``FILE:LINE: key: message`` problems;
overrides, the Python validation and the YAML dump all know them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from builders import cluster, phase, scenario
from loading import problems, write

from scheduler.errors import ScenarioError
from scheduler.scenario.data import Legacy
from scheduler.scenario.dump import scenario_yaml
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.scenario.validate import validate

FILE = """\
name: t
horizon: {start: 2023-04, end: 2030-03}
clusters:
  - id: a
    platform: Oracle Cloud
    phases:
      tender: {months: 3}
    legacy:
      - {name: old, expires: 2025-01, instances: 15}
  - id: b
    phases:
      tender: {months: 3}
    legacy:
      - {name: mainframe, expires: 2025-01}
"""


def test_platform_and_instances_are_read_and_default_to_none_and_one(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, FILE))
    a, b = sc.clusters
    assert (a.platform, a.legacy[0].instances) == ("Oracle Cloud", 15)
    assert (b.platform, b.legacy[0].instances) == (None, 1)


def test_a_version_1_file_without_them_reads_as_before() -> None:
    """base.yaml without its platform and instances lines reads as base.yaml with the defaults."""
    text = Path("scenarios/base.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    kept, skipping = [], False
    for line in lines:
        key = line.strip()
        if key.startswith(("platform:", "instances:")):
            skipping = True
            continue
        if skipping and key.startswith("#") and line.startswith(" " * 44):
            continue  # the comment's continuation lines
        skipping = False
        kept.append(line)
    old = load_scenario_text("".join(kept), "v1.yaml")
    assert all(c.platform is None for c in old.clusters)
    assert all(item.instances == 1 for c in old.clusters for item in c.legacy)
    new = load_scenario("scenarios/base.yaml")
    defaults = tuple(
        dataclasses.replace(
            c,
            platform=None,
            legacy=tuple(dataclasses.replace(item, instances=1) for item in c.legacy),
        )
        for c in new.clusters
    )
    assert old.clusters == defaults


BAD = """\
name: t
horizon: {start: 2023-04, end: 2030-03}
clusters:
  - id: a
    platform: "  "
    phases:
      tender: {months: 3}
    legacy:
      - {name: l0, expires: 2025-01, instances: 0}
      - {name: l1, expires: 2025-01, instances: 2.5}
      - {name: l2, expires: 2025-01, instances: 10000000}
      - {name: l3, expires: 2025-01, instances: many}
  - id: b
    platform: [Oracle, SAP]
    phases:
      tender: {months: 3}
  - id: c
    platform: {long}
    phases:
      tender: {months: 3}
"""


def test_bad_values_are_reported_with_line_and_key_path(tmp_path: Path) -> None:
    text = BAD.replace("{long}", "x" * 201)
    assert problems(tmp_path, text) == [
        (5, "clusters[0].platform", "expected the name of an ERP platform, got empty text"),
        (9, "clusters[0].legacy[0].instances", "must be 1 or more, got 0"),
        (10, "clusters[0].legacy[1].instances", "expected a whole number, got 2.5"),
        (11, "clusters[0].legacy[2].instances", "must be at most 1,000,000, got 10000000"),
        (12, "clusters[0].legacy[3].instances", "expected a whole number, got 'many'"),
        (14, "clusters[1].platform", "expected text, got a list"),
        (18, "clusters[2].platform", "201 characters: at most 200 in a name"),
    ]


def test_overrides_set_them(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, FILE))
    changed = sc.with_overrides({"clusters.b.platform": "SAP", "clusters.b.legacy[0].instances": 4})
    assert changed.cluster("b").platform == "SAP"
    assert changed.cluster("b").legacy[0].instances == 4
    with pytest.raises(ScenarioError) as caught:
        sc.with_overrides({"clusters.a.legacy[0].instances": -1})
    assert [(p.key, p.message) for p in caught.value.problems] == [
        ("clusters[0].legacy[0].instances", "must be 1 or more, got -1")
    ]


def test_the_dump_writes_them_and_reads_back_equal(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, FILE))
    text = scenario_yaml(sc)
    assert "platform: Oracle Cloud" in text and "instances: 15" in text
    assert "instances: 1\n" not in text  # the default is left out, as a planner writes it
    again = load_scenario_text(text, "<dump>")
    assert again.clusters == sc.clusters


def test_a_scenario_built_in_python_gets_the_loaders_messages() -> None:
    sc = scenario(
        cluster("a", phase("p"), platform=" ", legacy=(Legacy("old", 0, "p", instances=0),)),
        cluster("b", phase("p"), platform="y" * 201),
        cluster("c", phase("p"), legacy=(Legacy("big", 0, "p", instances=10**7),)),
    )
    found = {(p.key, p.message) for p in validate(sc, static=False)}
    assert found == {
        ("clusters[0].platform", "expected the name of an ERP platform, got empty text"),
        ("clusters[0].legacy[0].instances", "must be 1 or more, got 0"),
    }
    # sizes are checked once the scenario has no other problem (the loader's limits)
    fixed = dataclasses.replace(sc, clusters=sc.clusters[1:])
    assert {(p.key, p.message) for p in validate(fixed, static=False)} == {
        ("clusters[0].platform", "201 characters: at most 200 in a name"),
        ("clusters[1].legacy[0].instances", "must be at most 1,000,000, got 10000000"),
    }
