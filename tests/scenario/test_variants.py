"""Variants files: loading, the implicit base variant, and errors located at file:line:key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scheduler.errors import ScenarioError
from scheduler.scenario.variants import (
    BASE_NAME,
    is_variants_file,
    load_variant_scenarios,
    load_variants,
    render_value,
)
from scheduler.scenario.yamlparse import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"


def write(tmp_path: Path, text: str, name: str = "variants.yaml") -> Path:
    shutil.copy(BASE, tmp_path / "base.yaml")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_contingency_file_loads_every_variant() -> None:
    vs = load_variants(ROOT / "scenarios" / "contingency.yaml")
    names = [v.name for v in vs.variants]
    assert names[0] == BASE_NAME
    assert names[1:] == [
        "funded £250m",
        "funded £300m",
        "funded £350m",
        "funded £403m",
        "no stagger",
        "entries of 2023",
    ]
    assert vs.base == ROOT / "scenarios" / "base.yaml"
    assert vs.variant("funded £403m").overrides == (("budget.caps.SR21.amount", "£403m"),)
    scenarios = dict(load_variant_scenarios(vs))
    assert scenarios["base"].budget.caps[0].amount == 300_000_000
    assert scenarios["funded £250m"].budget.caps[0].amount == 250_000_000
    assert scenarios["funded £403m"].budget.caps[0].amount == 403_000_000
    assert scenarios["no stagger"].policy.stagger_months == 0
    actual = scenarios["entries of 2023"]
    fixed = {c.id: c.fixed_entry for c in actual.clusters}
    assert [fixed["synergy"], fixed["matrix"], fixed["unity"]] == [
        2023 * 12 + 5,
        2023 * 12 + 6,
        2023 * 12 + 11,
    ]
    assert actual.policy.stagger_months == 0


def test_is_variants_file(tmp_path: Path) -> None:
    assert is_variants_file(ROOT / "scenarios" / "contingency.yaml")
    assert not is_variants_file(BASE)
    assert not is_variants_file(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("variants: [", encoding="utf-8")
    assert not is_variants_file(tmp_path / "bad.yaml")


def test_include_base_false_and_descriptions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "base: base.yaml\ninclude_base: false\nvariants:\n"
        "  - name: base\n    description: the base by another route\n"
        "  - name: late\n    set:\n      clusters.unity.fixed_entry: 2024-06\n",
    )
    vs = load_variants(path)
    assert [v.name for v in vs.variants] == ["base", "late"]
    assert vs.variants[0].overrides == ()
    assert vs.variants[0].description == "the base by another route"
    assert vs.variants[1].overrides == (("clusters.unity.fixed_entry", "2024-06"),)
    assert vs.variants[1].override_lines == (8,)


@pytest.mark.parametrize(
    "text",
    ["£250m", "0", "2023-12", "'0'", "[a, b]", "{months: 3, cost: £1m}", "null", "true", "1.5"],
)
def test_render_value_round_trips(text: str) -> None:
    node = parse_yaml(f"value: {text}\n", "t").value["value"]
    again = parse_yaml(f"value: {render_value(node)}\n", "t").value["value"]
    assert type(again.value) is type(node.value)
    assert str(again.value) == str(node.value) or again.value == node.value


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_variant_scenarios(load_variants(path))
    return [str(p) for p in info.value.problems]


def test_bad_override_keys_and_values_are_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "base: base.yaml\n"  # 1
        "variants:\n"  # 2
        "  - name: bad value\n"  # 3
        "    set:\n"  # 4
        "      policy.stagger_months: abc\n"  # 5
        "  - name: bad cap\n"  # 6
        "    set: {budget.caps.NOPE.amount: 1}\n"  # 7
        "  - name: two\n"  # 8
        "    set:\n"  # 9
        "      budget.caps.SR21.amount: £250m\n"  # 10
        "      budget.caps.SR21.amont: 3\n",  # 11
    )
    problems = problems_of(path)
    assert (
        f"{path}:5: policy.stagger_months: variant 'bad value': expected a whole number, got 'abc'"
        in problems
    )
    assert any(
        p.startswith(f"{path}:7: budget.caps.NOPE.amount: variant 'bad cap': no item")
        for p in problems
    )
    assert any(
        p.startswith(f"{path}:11: budget.caps.SR21.amont: variant 'two': unknown key 'amont'")
        and "did you mean 'amount'" in p
        for p in problems
    )
    assert len(problems) == 3


def test_structure_errors_have_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "base: base.yaml\n"  # 1
        "colour: red\n"  # 2
        "variants:\n"  # 3
        "  - name: a\n"  # 4
        "  - name: a\n"  # 5
        "  - set: {policy.stagger_months: 1}\n"  # 6
        "  - name: b\n"  # 7
        "    sett: {}\n"  # 8
        "  - name: base\n",  # 9
    )
    with pytest.raises(ScenarioError) as info:
        load_variants(path)
    text = str(info.value)
    assert f"{path}:2: colour: unknown key 'colour'" in text
    assert f"{path}:5: variants[1].name: duplicate variant name 'a'" in text
    assert f"{path}:6: variants[2].name: required but missing" in text
    assert f"{path}:8: variants[3].sett: unknown key 'sett'; did you mean 'set'?" in text
    assert f"{path}:9: variants[4].name: duplicate variant name 'base'" in text


def test_missing_base_and_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    path.write_text("base: nowhere.yaml\nvariants: []\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_variants(path)
    text = str(info.value)
    assert f"{path}:1: base: no such scenario file" in text
    assert "variants: no variants given" in text
    path.write_text("base: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="YAML syntax error"):
        load_variants(path)
    with pytest.raises(ScenarioError, match="no such file"):
        load_variants(tmp_path / "missing.yaml")


def test_static_problem_names_the_variant(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "base: base.yaml\nvariants:\n  - name: too early\n    set:\n"
        "      clusters.unity.fixed_entry: 2020-01\n",
    )
    problems = problems_of(path)
    assert problems
    assert all(
        p.startswith(f"{path}:5: clusters.unity.fixed_entry: variant 'too early':")
        for p in problems
    )
