"""Sweeps: --vary parsing, grid order, the funding-gap reading, executors and the CLI end to end."""

from __future__ import annotations

import csv
import dataclasses
import time
from pathlib import Path

import pytest

from scheduler.cli.main import main
from scheduler.errors import ScenarioError
from scheduler.pipeline import solve
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.options import SolveOptions
from scheduler.whatif.executors import local_runner
from scheduler.whatif.sweep import (
    Axis,
    SweepRow,
    Value,
    VariantResult,
    expand_grid,
    grid_spec,
    parse_vary,
    rows_of,
    run_sweep,
    serial_runner,
)
from scheduler.whatif.sweep_gap import funding_gaps, gap_lines

# Three clusters, a three-year horizon and a cap that binds: at £0 the work cannot all fit after
# the cap's years (infeasible), more money buys earlier retirements (less extension cost).
SMALL = """\
name: Small sweep test
horizon: {start: 2024-04, end: 2027-06}
budget:
  tranche: £1m
  caps:
    - {name: SR, from: 2024-25, to: 2025-26, amount: £20m}
suppliers:
  - {id: market, capacity: 2}
policy: {stagger_months: 2}
lifecycle:
  - {id: tender, months: 4, cost: £4m, uses: [market]}
  - {id: implement, months: 8, cost: £16m}
clusters:
  - id: a
    earliest_entry: 2024-04
    legacy: [{name: A old, expires: 2025-03, extension_cost: £1m}]
  - id: b
    earliest_entry: 2024-04
    legacy: [{name: B old, expires: 2025-06, extension_cost: £0.5m}]
  - id: c
    earliest_entry: 2024-06
    legacy: [{name: C old, expires: 2025-12, extension_cost: £0.2m, hard_deadline: 2027-06}]
"""
CAP = "budget.caps.SR.amount"
OPTIONS = SolveOptions(time_limit=20.0, workers=1, deterministic=True)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spec(small):
    axes = [parse_vary(f"{CAP}=£0..£60m/£20m"), parse_vary("policy.stagger_months=0,3")]
    return grid_spec(str(small), [], axes)


@pytest.fixture(scope="module")
def serial_rows(spec):
    return rows_of(run_sweep(spec, OPTIONS, serial_runner).rows)


# -- --vary parsing ------------------------------------------------------------------------------


def test_money_range_is_inclusive_and_typed() -> None:
    axis = parse_vary("budget.caps.SR21.amount=£250m..£450m/£25m")
    assert axis.path == "budget.caps.SR21.amount"
    assert [v.number for v in axis.values] == [250_000_000 + i * 25_000_000 for i in range(9)]
    assert [v.text for v in axis.values][:2] == ["£250m", "£275m"]
    assert {v.kind for v in axis.values} == {"money"}
    assert axis.values[0].label == "£250m"


def test_money_range_stops_at_or_before_to() -> None:
    values = parse_vary("x=£0..£10m/£3m").values
    assert [v.number for v in values] == [0, 3_000_000, 6_000_000, 9_000_000]
    assert values[0].text == "£0"
    assert [v.text for v in parse_vary("x=1.5m..2m/250k").values] == ["£1500k", "£1750k", "£2m"]


def test_integer_and_month_ranges() -> None:
    assert [v.number for v in parse_vary("policy.stagger_months=0..6/1").values] == list(range(7))
    assert [v.text for v in parse_vary("policy.stagger_months=0..6/3").values] == ["0", "3", "6"]
    assert [v.number for v in parse_vary("a=2..4").values] == [2, 3, 4]  # step 1 by default
    months = parse_vary("policy.deadline=2028-03..2029-03/3").values
    assert [v.label for v in months] == ["2028-03", "2028-06", "2028-09", "2028-12", "2029-03"]
    assert {v.kind for v in months} == {"month"}


def test_lists_are_typed_together() -> None:
    assert [(v.kind, v.number) for v in parse_vary("a=3,1,2").values] == [
        ("int", 3),
        ("int", 1),
        ("int", 2),
    ]
    money = parse_vary("a=0, £2.5m ,300k").values
    assert [v.number for v in money] == [0, 2_500_000, 300_000]
    assert [v.text for v in money] == ["0", "£2.5m", "300k"]  # applied exactly as written
    months = parse_vary("policy.deadline=2028-03,2029-01").values
    assert [v.kind for v in months] == ["month", "month"]
    text = parse_vary("budget.carry_forward=true,false").values
    assert [(v.kind, v.number, v.text) for v in text] == [
        ("text", None, "true"),
        ("text", None, "false"),
    ]


@pytest.mark.parametrize(
    ("argument", "key", "words"),
    [
        ("budget.caps.SR21.amount=£250m..£450m/0", "budget.caps.SR21.amount", "positive"),
        ("policy.stagger_months=0..6/0", "policy.stagger_months", "positive"),
        ("a=£450m..£250m/£25m", "a", "backwards"),
        ("a=£2x..£5m/£1m", "a", "cannot read range"),
        ("a=£1m..£5m", "a", "needs a step"),
        ("a=2028-01..2029-01/1.5", "a", "whole months"),
        ("a=..5/1", "a", "FROM..TO/STEP"),
        ("a=1,,2", "a", "empty value"),
        ("a=0..5000/1", "a", "at most"),
        ("no-equals-sign", "", "PATH=FROM..TO/STEP"),
        ("a=", "", "PATH=FROM..TO/STEP"),
    ],
)
def test_bad_vary_names_vary_and_the_path(argument: str, key: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_vary(argument)
    (problem,) = caught.value.problems
    assert problem.file == "--vary"
    assert problem.key == key
    assert words in problem.message


def test_grid_is_a_product_with_the_first_axis_slowest() -> None:
    first = Axis("a", (Value("1", 1, "int"), Value("2", 2, "int")))
    second = Axis("b", tuple(Value(t) for t in "xyz"))
    grid = expand_grid([first, second])
    assert [(p.text, q.text) for p, q in grid] == [
        ("1", "x"), ("1", "y"), ("1", "z"), ("2", "x"), ("2", "y"), ("2", "z"),
    ]  # fmt: skip


def test_grid_spec_names_variants_in_grid_order(spec) -> None:
    assert spec.columns == (CAP, "policy.stagger_months")
    assert [v.name for v in spec.variants][:3] == [
        f"{CAP}=£0, policy.stagger_months=0",
        f"{CAP}=£0, policy.stagger_months=3",
        f"{CAP}=£20m, policy.stagger_months=0",
    ]
    assert spec.variants[2].scenario.budget.caps[0].amount == 20_000_000
    assert spec.variants[3].scenario.policy.stagger_months == 3


@pytest.mark.parametrize(
    ("argument", "key", "words"),
    [
        ("policy.stager_months=0..2/1", "policy.stager_months", "did you mean"),
        ("budget.caps.SR9.amount=£1m,£2m", "budget.caps.SR9.amount", "no item"),
        ("policy.stagger_months=a,b", "policy.stagger_months", "whole number"),
    ],
)
def test_unknown_path_or_bad_value_is_found_by_loading_each_variant(
    small, argument, key, words
) -> None:
    with pytest.raises(ScenarioError) as caught:
        grid_spec(str(small), [], [parse_vary(argument)])
    problems = caught.value.problems
    assert all(p.file == "--vary" for p in problems)
    assert any(p.key.split("[")[0].startswith(key.split(".")[0]) for p in problems)
    assert any(words in p.message for p in problems)


def test_bad_vary_on_the_command_line_exits_2(small, capsys) -> None:
    code = main(["sweep", str(small), "--vary", "policy.stager_months=0..2/1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--vary" in err and "stager_months" in err
    assert main(["sweep", str(small), "--vary", f"{CAP}=£1m..£2m/£0", "--quiet"]) == 2
    assert "positive" in capsys.readouterr().err
    assert main(["sweep", str(small), "--quiet"]) == 2
    assert "nothing to sweep" in capsys.readouterr().err


# -- the price of the funding gap ------------------------------------------------------------------


def _row(index: int, amount: int, status: str, first: int | None, other: Value | None = None):
    values = (Value(f"£{amount}m", amount * 1_000_000, "money"), other)
    result = VariantResult(status, {}, first, None, 0.1, "used")
    return SweepRow(index, f"#{index}", values, result)


def test_funding_gap_on_hand_made_rows() -> None:
    base = load_scenario_text(SMALL)  # its cap SR is £20m
    rows = [
        _row(0, 5, "infeasible", None),
        _row(1, 10, "unknown", None),
        _row(2, 15, "optimal", 9_000_000),
        _row(3, 20, "optimal", 4_000_000),
        _row(4, 25, "optimal", 2_500_000),
        _row(5, 30, "optimal", 2_500_000),
    ]
    rows = [SweepRow(r.index, r.name, r.values[:1], r.result) for r in rows]
    (gap,) = funding_gaps([CAP], rows, "extension_cost", base, base_value=4_000_000)
    assert gap.cap == "SR"
    assert gap.least_feasible == 15_000_000
    assert gap.best == 2_500_000 and gap.least_best == 25_000_000
    assert gap.below_best == (20_000_000, 4_000_000)
    assert gap.infeasible == (5_000_000,) and gap.no_plan == (10_000_000,)
    assert gap.base_amount == 20_000_000 and gap.worse_above == ()
    text = "\n".join(gap_lines(gap))
    assert (
        "SR needs at least £25m for extension cost to reach its best over the sweep, £2.5m" in text
    )
    assert "(at £20m: £4m)" in text
    assert "below £15m no plan exists (proven infeasible at £5m" in text
    assert "none found in the time limit at £10m" in text
    assert "£1.5m above that best" in text
    assert "every hard deadline holds, at every swept amount" not in text  # lower ones failed


def test_funding_gap_on_the_grid_says_how_low_late_months_go() -> None:
    rows = []
    for index, (amount, late) in enumerate([(10, 9), (20, 7), (30, 7)]):
        row = _row(index, amount, "optimal", 100 - amount)
        result = dataclasses.replace(row.result, late_months=late)
        rows.append(SweepRow(row.index, row.name, row.values[:1], result))
    text = "\n".join(gap_lines(funding_gaps([CAP], rows, "extension_cost")[0]))
    assert "No swept amount brings late months below 7 (first reached at £20m)." in text
    assert "every hard deadline holds, at every swept amount down to £10m" in text


def test_funding_gap_groups_by_the_other_varied_values() -> None:
    low, high = Value("0", 0, "int"), Value("3", 3, "int")
    rows = [
        _row(0, 10, "optimal", 5, low),
        _row(1, 10, "infeasible", None, high),
        _row(2, 20, "optimal", 1, low),
        _row(3, 20, "optimal", 7, high),
        _row(4, 30, "optimal", 1, low),
        _row(5, 30, "optimal", 7, high),
    ]
    gaps = funding_gaps([CAP, "policy.stagger_months"], rows, "late_months")
    assert [(g.context, g.least_feasible, g.least_best) for g in gaps] == [
        ("policy.stagger_months=0", 10_000_000, 20_000_000),
        ("policy.stagger_months=3", 20_000_000, 20_000_000),
    ]
    assert all(g.base_amount is None for g in gaps)  # the base is not either group's context
    none = funding_gaps([CAP], [_row(0, 10, "infeasible", None)], "extension_cost")[0]
    assert "no swept amount from £10m to £10m gives a plan" in gap_lines(none)[0]


# -- executors ---------------------------------------------------------------------------------------


def test_serial_sweep_rows(spec, serial_rows) -> None:
    assert len(serial_rows) == 8
    statuses = [row[2] for row in serial_rows]
    assert statuses[:2] == ["infeasible", "infeasible"]
    assert set(statuses[2:]) == {"optimal"}
    assert {row[5] for row in serial_rows[2:]} == {"used"}  # the base plan was the warm start


@pytest.mark.parametrize("jobs", [1, 2])
def test_local_processes_give_the_same_rows_for_any_jobs(spec, serial_rows, jobs: int) -> None:
    result = run_sweep(spec, OPTIONS, local_runner(jobs))
    assert not result.interrupted
    assert rows_of(result.rows) == serial_rows


def test_dask_local_cluster_gives_the_same_rows(spec, serial_rows) -> None:
    distributed = pytest.importorskip("distributed")
    from scheduler.whatif.executors import dask_runner

    started = time.monotonic()
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    ) as cluster:
        result = run_sweep(spec, OPTIONS, dask_runner(cluster.scheduler_address))
    assert rows_of(result.rows) == serial_rows
    assert time.monotonic() - started < 60


def test_interrupted_sweep_keeps_finished_rows(spec) -> None:
    def two_then_ctrl_c(fn, items):
        for index in (3, 2):
            yield index, fn(items[index])
        raise KeyboardInterrupt

    result = run_sweep(spec, OPTIONS, two_then_ctrl_c)
    assert result.interrupted
    assert [row.index for row in result.rows] == [2, 3]  # sorted by variant, not finish order


# -- the command line, end to end -------------------------------------------------------------------


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli_sweep_writes_table_csv_and_chart(small, tmp_path, capsys) -> None:
    out_csv, chart = tmp_path / "rows.csv", tmp_path / "chart.png"
    argv = ["sweep", str(small), "--vary", f"{CAP}=£0..£60m/£20m", "--jobs", "2", "--quiet"]
    code = main([*argv, "--csv", str(out_csv), "--chart", str(chart), "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0
    rows = _csv(out_csv)
    assert [r[CAP] for r in rows] == ["0", "20000000", "40000000", "60000000"]
    assert [r["status"] for r in rows] == ["infeasible", "optimal", "optimal", "optimal"]
    assert rows[0]["extension_cost"] == "" and "cap SR" in rows[0]["explanation"]
    costs = [int(r["extension_cost"]) for r in rows[1:]]
    assert costs == sorted(costs, reverse=True)  # more money, no more extension cost
    assert all(len(r["completion"]) == 7 and r["completion"][4] == "-" for r in rows[1:])
    assert {r["hint"] for r in rows[1:]} == {"used"}
    assert all(float(r["seconds"]) >= 0 for r in rows)
    assert chart.stat().st_size > 1000 and chart.read_bytes()[:4] == b"\x89PNG"
    assert "The price of the funding gap" in out and "SR needs at least" in out
    # one cap swept: the findings are the exact frontier's, each amount checked by a solve here
    assert "(exact, from the funding frontier)" in out
    assert "A plan exists, and with it every hard deadline holds, down to £1m; below £1m" in out
    base = load_scenario_text(SMALL)
    at = solve(base.with_overrides({CAP: "£1m"}), OPTIONS).plan
    assert at.has_schedule
    assert solve(base.with_overrides({CAP: "£999k"}), OPTIONS).plan.status == "infeasible"
    assert "SR needs at least £60m for extension cost to reach its best, £0" in out
    assert solve(base.with_overrides({CAP: "£59.999m"}), OPTIONS).plan.objective["extension_cost"]
    assert "No legacy expiry is missed from £60m on" in out
    written = {p.name for p in (tmp_path / "o").iterdir()}
    assert {"sweep.txt", "sweep.csv", "sweep.png", "plans"} <= written
    assert len(list((tmp_path / "o" / "plans").glob("*.json"))) == 4  # the infeasible one too


def test_cli_sweep_of_a_variants_file(small, tmp_path, capsys) -> None:
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        f"base: {small}\nvariants:\n"
        "  - {name: rich, set: {budget.caps.SR.amount: £60m}}\n"
        "  - {name: no stagger, set: {policy.stagger_months: 0}}\n",
        encoding="utf-8",
    )
    out_csv = tmp_path / "v.csv"
    code = main(["sweep", str(variants), "--jobs", "1", "--quiet", "--csv", str(out_csv)])
    assert code == 0
    rows = _csv(out_csv)
    assert [r["variant"] for r in rows] == ["base", "rich", "no stagger"]
    assert [r[CAP] for r in rows] == ["", "60000000", ""]
    assert main(["sweep", str(variants), "--vary", f"{CAP}=1,2", "--quiet"]) == 2
    assert "variants file" in capsys.readouterr().err


def test_cli_ctrl_c_writes_the_finished_rows_and_exits_130(small, tmp_path, monkeypatch) -> None:
    import scheduler.cli.sweep as command

    def interrupted(jobs):
        def run(fn, items):
            yield 0, fn(items[0])
            raise KeyboardInterrupt

        return run

    monkeypatch.setattr(command, "local_runner", interrupted)
    out_csv = tmp_path / "partial.csv"
    argv = [
        "sweep",
        str(small),
        "--vary",
        f"{CAP}=£20m..£60m/£20m",
        "--quiet",
        "--csv",
        str(out_csv),
    ]
    assert main(argv) == 130
    assert [r["status"] for r in _csv(out_csv)] == ["optimal"]


def test_oversubscription_warns(small, capsys) -> None:
    argv = ["sweep", str(small), "--vary", f"{CAP}=£60m", "--jobs", "64", "--workers", "2"]
    assert main([*argv, "--quiet"]) == 0
    assert "oversubscribed" in capsys.readouterr().err
