"""The fuzzer: mutated scenarios, plan JSON and command lines through the front door, in process.

Every case runs ``python -m scheduler``'s :func:`main` on a mutated input and asserts what a user
relies on: no traceback and no internal error (exit 1), only the documented exit statuses, and
every plan written with exit 0 passes ``check``. Inputs: the shipped scenarios (loaded and checked
against their own plan: solving them takes seconds), small generated scenarios (solved), the base
plan's JSON (checked against the base scenario) and command lines of every sub-command.

Hypothesis runs derandomised (the same cases on every run, so a failure is reproducible in CI).
The normal run takes a small sample of each (a few seconds in all); ``pytest -m slow
tests/fuzz`` runs 10,000 cases (``FUZZ_CASES`` below; see README "Run the tests" for the time).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import SCALARS, mutated_documents, mutated_texts

import scheduler.cli.sweep as sweep_command
from scheduler.cli.main import main
from scheduler.instances.generate import generate_yaml
from scheduler.whatif.sweep import serial_runner

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [ROOT / "scenarios" / "base.yaml", ROOT / "scenarios" / "actual-2023.yaml"]
GENERATED = [generate_yaml(clusters, 6, seed) for clusters, seed in ((2, 1), (3, 2), (4, 3))]
DOCUMENTED = {0, 2, 3, 4, 5, 6, 7, 8, 130, 141}  # the exit statuses of README "Exit status"
CASE_SECONDS = 60.0  # a case that runs longer is a hang
FAST = 12  # cases per fuzz target in the normal run
# The slow run's cases per target, 10,000 in all; SCHEDULER_FUZZ_SCALE=0.1 runs a tenth of them.
FUZZ_CASES = {"shipped": 400, "generated": 400, "plan": 5_200, "options": 4_000}
SCALE = float(os.environ.get("SCHEDULER_FUZZ_SCALE", "1"))


class CaseTimeout(BaseException):
    """A case ran past CASE_SECONDS (a BaseException, so that main's handlers let it through)."""


@contextlib.contextmanager
def _within(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"the case ran for more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` in this process: its exit status, stdout and stderr, asserting that it
    ended as a user may rely on."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _within(CASE_SECONDS):
        code = main(argv)
    text = err.getvalue()
    assert code in DOCUMENTED, f"exit {code} for {argv}:\n{text}"
    assert code != 1 and "internal error" not in text, f"internal error for {argv}:\n{text}"
    assert "Traceback" not in text, text
    return code, out.getvalue(), text


_COMMON = dict(
    derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)
FAST_RUN = settings(max_examples=FAST, **_COMMON)


def slow_run(target: str) -> settings:
    return settings(max_examples=max(1, round(FUZZ_CASES[target] * SCALE)), **_COMMON)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def shipped_plans(work) -> dict[Path, Path]:
    """Each shipped scenario's plan, and the plan of the first generated scenario (``small.yaml``)."""
    small = work / "small.yaml"
    small.write_text(GENERATED[0], encoding="utf-8")
    plans = {}
    for scenario in (*SHIPPED, small):
        plan = work / f"{scenario.stem}.plan.json"
        assert run([str(scenario), "--deterministic", "--json", str(plan), "--quiet"])[0] == 0
        plans[scenario] = plan
    return plans


@pytest.fixture(autouse=True)
def _sweeps_in_process(monkeypatch):
    """Sweeps solve their variants in this process (the executors have tests of their own)."""
    monkeypatch.setattr(sweep_command, "local_runner", lambda jobs: serial_runner)


def _yaml(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=200)


@st.composite
def _scenario_texts(draw: st.DrawFn, texts: list[str]) -> str:
    text = draw(st.sampled_from(texts))
    if draw(st.booleans()):
        return draw(mutated_texts(text))
    return _yaml(draw(mutated_documents(yaml.safe_load(text))))


SHIPPED_TEXTS = [path.read_text(encoding="utf-8") for path in SHIPPED]


def _shipped(work, shipped_plans, data) -> None:
    """A mutated shipped scenario is loaded (bad input named, or a scenario) and its own plan is
    checked against it: it either fits or is refused, never a crash."""
    index = data.draw(st.integers(0, len(SHIPPED) - 1))
    path = work / "shipped.yaml"
    path.write_text(data.draw(_scenario_texts([SHIPPED_TEXTS[index]])), encoding="utf-8")
    run(["check", str(path), str(shipped_plans[SHIPPED[index]])])


@FAST_RUN
@given(data=st.data())
def test_mutated_shipped_scenarios(work, shipped_plans, data) -> None:
    _shipped(work, shipped_plans, data)


@pytest.mark.slow
@slow_run("shipped")
@given(data=st.data())
def test_mutated_shipped_scenarios_slow(work, shipped_plans, data) -> None:
    _shipped(work, shipped_plans, data)


def _generated(work, data) -> None:
    """A mutated small generated scenario is solved; a plan it writes passes ``check``."""
    path, plan = work / "generated.yaml", work / "generated.plan.json"
    path.write_text(data.draw(_scenario_texts(GENERATED)), encoding="utf-8")
    plan.unlink(missing_ok=True)
    argv = [str(path), "--json", str(plan), "--time-limit", "5", "--workers", "1", "--quiet"]
    code, _, _ = run([*argv, "--deterministic"])
    if code == 0:
        assert run(["check", str(path), str(plan)])[0] == 0


@FAST_RUN
@given(data=st.data())
def test_mutated_generated_scenarios(work, data) -> None:
    _generated(work, data)


@pytest.mark.slow
@slow_run("generated")
@given(data=st.data())
def test_mutated_generated_scenarios_slow(work, data) -> None:
    _generated(work, data)


def _plan(work, shipped_plans, data) -> None:
    """A mutated plan JSON (or its text cut or spliced) checked against its scenario: mostly the
    small generated one (quick to read), one case in ten a shipped one."""
    scenarios = list(shipped_plans)
    small = scenarios[-1]
    scenario = (
        data.draw(st.sampled_from(scenarios[:-1])) if data.draw(st.integers(0, 9)) == 0 else small
    )
    text = shipped_plans[scenario].read_text(encoding="utf-8")
    if data.draw(st.integers(0, 4)) == 0:
        mutated = data.draw(mutated_texts(text))
    else:
        document = data.draw(mutated_documents(json.loads(text), most=4))
        mutated = json.dumps(document, ensure_ascii=False, allow_nan=True)
    path = work / "plan.json"
    path.write_text(mutated, encoding="utf-8")
    run(["check", str(scenario), str(path)])


@FAST_RUN
@given(data=st.data())
def test_mutated_plan_json(work, shipped_plans, data) -> None:
    _plan(work, shipped_plans, data)


@pytest.mark.slow
@slow_run("plan")
@given(data=st.data())
def test_mutated_plan_json_slow(work, shipped_plans, data) -> None:
    _plan(work, shipped_plans, data)


OPTION_VALUES = st.one_of(
    st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "-1",
            "0",
            "1",
            "2",
            "0.001",
            "1e308",
            "2147483648",
            "-2147483649",
            "9" * 30,
            "100000",
            "",
            "x",
            "£250m..£300m/£25m",
            "0..2",
            "a=b",
            "=",
            "..",
            "/0",
            "policy.stagger_months=0,1",
            "budget.caps.SR21.amount=£250m,£300m",
            "clusters.synergy.fixed_entry=2023-04..2099-12/24",
            "policy.stager_months=1",
            "clusters.unity.legacy[name=SAP ECC 6.0].expires=2030-01",
            "clusters.x[=].y=1",
            "scenarios/base.yaml",
            "/nonexistent",
            "/dev/null",
            "\x1b[2J",
        ]
    ),
    SCALARS.map(str),
)
OPTIONS = {
    "solve": ["--time-limit", "--seed", "--workers", "--set", "--json", "--solver", "--quiet"],
    "sweep": ["--vary", "--set", "--jobs", "--time-limit", "--workers", "--seed", "--csv", "--quiet"],
    "compare": ["--set", "--time-limit", "--quiet", "--json", "--markdown", "--workers"],
    "funding": ["--cap", "--scale-caps", "--late-months", "--frontier", "--from", "--to", "--set",
                "--time-limit", "--json", "--csv"],
    "check": [],
    "generate": ["--clusters", "--years", "--seed"],
}  # fmt: skip
FLAGS = {"--quiet", "--deterministic", "--scale-caps", "--frontier"}
OUTPUTS = {"--json", "--csv", "--markdown"}


def _options(work, shipped_plans, data) -> None:
    """A command line of random options and values on a small scenario (solves are short)."""
    command = data.draw(st.sampled_from(sorted(OPTIONS)))
    small, plan = list(shipped_plans.items())[-1]
    argv = [command]
    if command == "check":
        argv += data.draw(st.sampled_from([[str(small), str(plan)], [str(small)], [str(plan)]]))
    elif command == "generate":
        argv += ["-o", str(work / "generated-out.yaml")]
    else:
        argv += [str(small)] * (2 if command == "compare" else 1)
    for option in data.draw(st.lists(st.sampled_from(OPTIONS[command] or ["--x"]), max_size=4)):
        if option in FLAGS:
            argv.append(option)
        elif option in OUTPUTS:
            argv += [option, str(work / f"out{option}")]
        else:
            argv += [option, data.draw(OPTION_VALUES)]
    if command in ("solve", "sweep", "compare", "funding") and "--time-limit" not in argv:
        argv += ["--time-limit", "5"]
    run(argv)


@FAST_RUN
@given(data=st.data())
def test_command_lines(work, shipped_plans, data) -> None:
    _options(work, shipped_plans, data)


@pytest.mark.slow
@slow_run("options")
@given(data=st.data())
def test_command_lines_slow(work, shipped_plans, data) -> None:
    _options(work, shipped_plans, data)
