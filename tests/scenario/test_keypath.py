"""Key paths of --set and --vary: names with dots, spaces and '=' are addressed by a selector or
by quoting; PATH=VALUE splits at the first '=' outside them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.errors import ScenarioError
from scheduler.scenario.keypath import Select, split_assignment, split_path
from scheduler.scenario.load import load_scenario
from scheduler.units import parse_month

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("policy.deadline", ["policy", "deadline"]),
        (
            "clusters.unity.legacy[name=SAP ECC 6.0].expires",
            ["clusters", "unity", "legacy", Select("name", "SAP ECC 6.0"), "expires"],
        ),
        (
            'clusters.unity.legacy."SAP ECC 6.0".expires',
            ["clusters", "unity", "legacy", "SAP ECC 6.0", "expires"],
        ),
        (
            "clusters.unity.legacy[0].expires",
            ["clusters", "unity", "legacy", Select(None, "0"), "expires"],
        ),
        ("a[name='x]y']", ["a", Select("name", "x]y")]),
    ],
)
def test_paths_split_into_segments(path, segments) -> None:
    assert split_path(path) == segments


@pytest.mark.parametrize(
    "path", ["", "a..b", "a.", ".a", "[0]", "a[", "a[x]", 'a."b', 'a.""', "a[0]b"]
)
def test_malformed_paths_are_refused(path) -> None:
    assert split_path(path) is None


def test_assignments_split_at_the_first_equals_outside_brackets_and_quotes() -> None:
    assert split_assignment("a.b=c=d") == ("a.b", "c=d")
    assert split_assignment("x[name=A=B].y=2030-01") == ("x[name=A=B].y", "2030-01")
    assert split_assignment('x."p=q".y=1') == ('x."p=q".y', "1")
    assert split_assignment("no equals") is None


@pytest.mark.parametrize(
    "path",
    [
        "clusters.unity.legacy[name=SAP ECC 6.0].expires",
        'clusters.unity.legacy."SAP ECC 6.0".expires',
        "clusters.unity.legacy[0].expires",
    ],
)
def test_set_reaches_a_legacy_system_whose_name_has_dots(path) -> None:
    scenario = load_scenario(BASE, [(path, "2030-01")])
    (legacy,) = scenario.cluster("unity").legacy
    assert legacy.name == "SAP ECC 6.0"
    assert legacy.expires == parse_month("2030-01")


def test_a_selector_that_matches_nothing_is_named() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BASE, [("clusters.unity.legacy[name=SAP ECC 7].expires", "2030-01")])
    (problem,) = caught.value.problems
    assert problem.file == "--set"
    assert problem.message == "no item [name=SAP ECC 7] in clusters[4].legacy"


def test_cli_set_with_a_selector(tmp_path, capsys) -> None:
    from scheduler.cli.main import main

    path = "clusters.unity.legacy[name=SAP ECC 6.0].expires"
    assert main([str(BASE), "--quiet", "--time-limit", "20", "--set", f"{path}=2031-01"]) == 0
    assert main([str(BASE), "--quiet", "--set", "clusters.unity.legacy[name=SAP=2031-01"]) == 2
    assert "expected PATH=VALUE" in capsys.readouterr().err
