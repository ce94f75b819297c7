"""PSPLIB import: the mapping, and solved makespans against the published j30 optima."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scheduler.cli.main import main
from scheduler.errors import ScenarioError
from scheduler.instances.from_psplib import (
    makespan_of,
    read_bounds,
    read_optima,
    read_rcpsp,
    scenario_dict,
    scenario_yaml,
)
from scheduler.pipeline import solve
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.solve.options import SolveOptions

REPO = Path(__file__).resolve().parents[2]
PSPLIB = Path(os.environ.get("SCHEDULER_SHARED_DATA", REPO / ".." / "shared" / "data")) / "psplib"
J30 = PSPLIB / "sm" / "j30"
needs_data = pytest.mark.skipif(not J30.is_dir(), reason=f"PSPLIB data not found at {PSPLIB}")

TINY = """\
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  5
horizon                       :  9
RESOURCES
  - renewable                 :  1   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           5
   4        1          1           5
   5        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     4       2
  4      1     0       0
  5      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    3
************************************************************************
"""


def test_zero_duration_jobs_are_contracted_keeping_precedences(tmp_path) -> None:
    path = tmp_path / "tiny.sm"
    path.write_text(TINY)
    instance = read_rcpsp(path)
    assert [job.cluster_id for job in instance.jobs] == ["j2", "j3"]
    assert instance.contracted == 3  # source, sink, and real job 4 of duration 0
    data = scenario_dict(instance)
    assert data["suppliers"] == [{"id": "r1", "name": "PSPLIB resource R1", "capacity": 3}]
    assert data["horizon"] == {"start": "2000-01", "end": "2000-07"}  # 7 months = sum of durations
    scenario = load_scenario_text(scenario_yaml(instance))
    plan = solve(scenario, SolveOptions(time_limit=10, workers=1)).plan
    assert plan.status == "optimal"
    assert makespan_of(plan.objective["completion"]) == 7  # j2 and j3 cannot overlap (2 + 2 > 3)


@needs_data
def test_j301_1_maps_and_solves_to_the_published_optimum() -> None:
    instance = read_rcpsp(J30 / "j301_1.sm")
    assert len(instance.jobs) == 30 and instance.capacities == (12, 13, 4, 12)
    assert instance.horizon == 158
    data = scenario_dict(instance)
    j3 = next(c for c in data["clusters"] if c["id"] == "j3")
    assert j3["phases"]["work"] == {"months": 4, "uses": {"r1": 10}}
    arcs = sum(len(c.get("depends_on", [])) for c in data["clusters"])
    assert arcs == 48 - 3 - 3  # the file's 48 arcs less those from the source and into the sink
    plan = solve(load_scenario_text(scenario_yaml(instance)), SolveOptions(time_limit=20)).plan
    assert plan.status == "optimal"
    assert makespan_of(plan.objective["completion"]) == 43


@needs_data
@pytest.mark.parametrize("name", ["j301_2.sm", "j3010_4.sm", "j3046_10.sm"])
def test_more_j30_against_published_optima(name: str) -> None:
    optima = read_optima(PSPLIB / "bounds" / "psplib_original" / "j30opt.sm")
    bounds = read_bounds(PSPLIB / "derived" / "sm_best_known_bounds.csv")
    par, inst = name[3:-3].split("_")
    assert len(optima) == 480 and bounds[name] == (optima[int(par), int(inst)],) * 2
    scenario = load_scenario_text(scenario_yaml(read_rcpsp(J30 / name)))
    plan = solve(scenario, SolveOptions(time_limit=20)).plan
    assert plan.status == "optimal"
    assert makespan_of(plan.objective["completion"]) == optima[int(par), int(inst)]


@needs_data
def test_cli_import(tmp_path, capsys) -> None:
    out = tmp_path / "j301_1.yaml"
    assert main(["import-psplib", str(J30 / "j301_1.sm"), "-o", str(out)]) == 0
    assert len(load_scenario(out).clusters) == 30
    assert main(["import-psplib", str(J30 / "j301_1.sm")]) == 0
    assert "objective: [completion]" in capsys.readouterr().out


def test_bad_files_are_input_errors(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        read_rcpsp(tmp_path / "missing.sm")
    bad = tmp_path / "bad.sm"
    bad.write_text("not a psplib file\n")
    with pytest.raises(ScenarioError, match="not a PSPLIB instance"):
        read_rcpsp(bad)
    assert main(["import-psplib", str(bad)]) == 2
