"""Helpers of the loader tests: write a scenario file, load it, collect its problems."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from scheduler.errors import ScenarioError
from scheduler.scenario.load import load_scenario


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, str, str]]:
    """Every problem of a scenario that must not load, as (line, key, message)."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))
    return [(p.line, p.key, p.message) for p in caught.value.problems]


def one(tmp_path: Path, text: str) -> tuple[int | None, str, str]:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]
