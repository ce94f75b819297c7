"""Packaging: the distribution's own name (``scheduler`` on PyPI is another project), one version,
the licence and the type hints shipped."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import scheduler

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DISTRIBUTION = PYPROJECT["project"]["name"]


def test_the_distribution_is_not_pypis_scheduler_but_the_import_name_is():
    assert DISTRIBUTION == "shared-services-scheduler"
    assert PYPROJECT["project"]["scripts"]["scheduler"] == "scheduler.cli.main:main"
    assert PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"] == ["scheduler*"]


def test_every_install_hint_names_the_distribution():
    """``pip install scheduler`` (or ``'scheduler[dask]'``) would install someone else's code."""
    wrong = re.compile(r"pip install ['\"]?scheduler\b(?!-)")
    places = [*ROOT.glob("scheduler/**/*.py"), ROOT / "README.md", *ROOT.glob("bench/*.md")]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in places
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if wrong.search(line)
    ]
    assert not found
    executors = (ROOT / "scheduler/whatif/executors.py").read_text(encoding="utf-8")
    assert f"pip install '{DISTRIBUTION}[dask]'" in executors


def test_one_version_read_from_the_package():
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "scheduler.__version__"
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+", scheduler.__version__)


def test_licence_metadata_and_type_hints_are_shipped():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert project["authors"] == [{"name": "scheduler developers"}]
    assert "Typing :: Typed" in project["classifiers"]
    assert (ROOT / "scheduler" / "py.typed").is_file()
    assert PYPROJECT["tool"]["setuptools"]["package-data"]["scheduler"] == ["py.typed"]


def test_the_command_line_reports_the_version(capsys):
    from scheduler.cli.main import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"python -m scheduler {scheduler.__version__}\n"


def test_ci_runs_the_readmes_test_command_step_by_step():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run the tests", 1)[1]
    command = section.split("```sh\n", 1)[1].split("\n```", 1)[0]
    readme_lines = [line.split("  #", 1)[0] for line in command.splitlines()]
    readme_steps = [step.strip() for line in readme_lines for step in line.split("&&")]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ci_lines = [line for line in ci if line and not line.startswith(("#", "set ", "cd "))]
    ci_steps = [step.strip() for line in ci_lines for step in line.split("&&")]
    assert readme_steps == ci_steps
    assert "mypy scheduler" in ci_steps
