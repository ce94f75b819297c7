"""The one lexicographic driver, against a scripted backend: time shares, holds and hints between
stages, bounds, the fallback to the starting schedule, and interrupts."""

from __future__ import annotations

import signal
import threading
import time

import pytest
from builders import Objective, cluster, phase, scenario

from scheduler.rules.check import check_plan
from scheduler.solve.common import BuildStopped, ClusterValues, Values
from scheduler.solve.interrupt import interruptible
from scheduler.solve.lexico import StageResult, solve_lexico
from scheduler.solve.options import SolveOptions

THREE = Objective(terms=("extension_cost", "delivery_cost", "completion"))


def one_cluster(objective: Objective = THREE):
    return scenario(cluster("a", phase("tender", 3, 1_000_000)), objective=objective)


class Scripted:
    """A backend that returns ``results`` stage by stage and records what the driver asked."""

    name = "scripted"
    label = "The scripted solver"
    version = "1"
    workers = 1
    least_seconds = 0.01
    counts_work = True
    first_share = 0.5

    def __init__(self, sc, options, should_stop, results, block=None):
        self.scenario = sc
        self.calls: list[tuple] = []
        self.results = list(results)
        self.block = block  # minimise waits on this event (set by stop) when given
        self.stopped = threading.Event()

    def start_from(self, decisions, seconds):
        self.calls.append(("start_from", seconds))
        return 0.5

    def minimise(self, stage, seconds):
        self.calls.append(("minimise", stage, seconds))
        if self.block is not None:
            self.stopped.wait(10)
        return self.results.pop(0)

    def hold(self, stage, value):
        self.calls.append(("hold", stage, value))

    def hint_last(self):
        self.calls.append(("hint_last",))

    def stop(self):
        self.stopped.set()

    def hint_status(self):
        return "none"

    def values(self):
        start = self.scenario.horizon.start
        tender = ClusterValues((start,), (start + 2,), (None,), (), {2024: 1000}, {2024: 1000})
        terms = {"extension_cost": 0, "delivery_cost": 1_000_000, "completion": start + 2}
        return Values({"a": tender}, terms)


def driven(results, objective: Objective = THREE, first_share: float = 0.5, **options):
    made: list[Scripted] = []

    def build(sc, opts, should_stop):
        made.append(Scripted(sc, opts, should_stop, results))
        made[0].first_share = first_share
        return made[0]

    sc = one_cluster(objective)
    plan, stats = solve_lexico(sc, SolveOptions(**options), build)
    return sc, plan, stats, made[0].calls


def test_time_shares_first_stage_half_then_what_is_left_over_the_stages_left():
    """Deterministic: the shares come from the work the stages report, never the wall clock."""
    results = [StageResult("OPTIMAL", 0, 0, 10.0), StageResult("OPTIMAL", 5, 5, 4.0)]
    results.append(StageResult("OPTIMAL", 2, 2, 1.0))
    _, plan, stats, calls = driven(results, time_limit=60, deterministic=True)
    shares = [call[2] for call in calls if call[0] == "minimise"]
    left = 60 - 0.5  # the completion of the starting schedule's hint used 0.5
    assert shares[0] == pytest.approx(left / 2)
    assert shares[1] == pytest.approx((left - 10) / 2)
    assert shares[2] == pytest.approx(left - 10 - 4)
    assert plan.status == "optimal"
    assert plan.solver.deterministic_time == 15.0
    assert [r.status for r in stats.stages] == ["OPTIMAL"] * 3


def test_a_backend_may_give_the_first_stage_most_of_what_is_left():
    """A large model's backend asks for 80%: the later stages share the rest."""
    results = [StageResult("OPTIMAL", 0, 0, 40.0), StageResult("OPTIMAL", 5, 5, 4.0)]
    results.append(StageResult("OPTIMAL", 2, 2, 1.0))
    _, _, _, calls = driven(results, first_share=0.8, time_limit=60, deterministic=True)
    shares = [call[2] for call in calls if call[0] == "minimise"]
    left = 60 - 0.5
    assert shares[0] == pytest.approx(left * 0.8)
    assert shares[1] == pytest.approx((left - 40) / 2)
    assert shares[2] == pytest.approx(left - 40 - 4)


def test_each_stage_is_held_and_hinted_before_the_next_and_not_after_the_last():
    results = [StageResult("OPTIMAL", 7, 7), StageResult("OPTIMAL", 9, 9)]
    results.append(StageResult("OPTIMAL", 2, 2))
    _, _, _, calls = driven(results)
    kinds = [call[0] for call in calls]
    stage = ["minimise", "hold", "hint_last"]
    assert kinds == ["start_from", *stage, *stage, "minimise"]
    holds = [call for call in calls if call[0] == "hold"]
    assert holds[0][1:] == ((("extension_cost", 1),), 7)


def test_a_stage_without_a_solution_ends_the_solve_feasible_with_the_bounds_so_far():
    results = [StageResult("OPTIMAL", 0, 0), StageResult("UNKNOWN")]
    sc, plan, stats, _ = driven(results)
    assert plan.status == "feasible"
    assert plan.bounds == {"extension_cost": 0}
    assert len(stats.stages) == 2
    assert check_plan(sc, plan.with_windows({"a": (sc.horizon.start, sc.horizon.start)})) == []


def test_the_bound_of_a_weighted_single_term_is_the_stage_bound_over_its_weight():
    weights = Objective(terms=("completion",), weights=(("completion", 3),))
    sc, plan, _, _ = driven([StageResult("FEASIBLE", 9, 7)], weights)
    assert plan.bounds == {"completion": sc.horizon.start + 3}  # ceil(7 / 3)


def test_no_plan_in_time_returns_the_starting_schedule_with_a_note():
    _, plan, stats, _ = driven([StageResult("UNKNOWN")])
    assert plan.status == "feasible" and stats.fallback
    assert "found no plan within the time limit" in plan.explanation[0]


def test_infeasible_first_stage_gives_an_infeasible_plan():
    _, plan, stats, _ = driven([StageResult("INFEASIBLE")])
    assert plan.status == "infeasible" and not plan.clusters and not stats.fallback


def test_a_model_that_cannot_be_built_in_time_falls_back_to_the_starting_schedule():
    def build(sc, options, should_stop):
        while not should_stop():
            time.sleep(0.01)
        raise BuildStopped("scripted")

    plan, stats = solve_lexico(one_cluster(), SolveOptions(time_limit=0.2), build)
    assert plan.status == "feasible" and stats.fallback
    assert "took longer than the time limit" in plan.explanation[0]


def test_a_first_signal_stops_the_running_stage_and_skips_the_rest():
    results = [StageResult("FEASIBLE", 3, 0), StageResult("OPTIMAL", 1, 1)]
    made: list[Scripted] = []

    def build(sc, options, should_stop):
        made.append(Scripted(sc, options, should_stop, results, block=True))
        return made[0]

    timer = threading.Timer(0.3, signal.raise_signal, (signal.SIGTERM,))
    began = time.monotonic()
    with interruptible() as interrupt:
        timer.start()
        plan, stats = solve_lexico(one_cluster(), SolveOptions(), build, interrupt)
    assert time.monotonic() - began < 3
    assert stats.interrupted == "SIGTERM"
    assert [call[0] for call in made[0].calls].count("minimise") == 1
    assert plan.status == "feasible"
    assert "Interrupted (SIGTERM) during objective stage 1 of 3" in plan.explanation[0]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers restored


@pytest.mark.slow
def test_deterministic_plans_do_not_depend_on_the_machines_load(tmp_path):
    """The same --deterministic solve, cut short by its time limit, alone and beside two
    CPU-burning processes: every time share comes from deterministic time, so the bytes match."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    scenario = tmp_path / "gen10.yaml"
    generate = [sys.executable, "-m", "scheduler", "generate", "--clusters", "10", "--seed", "0"]
    subprocess.run([*generate, "-o", str(scenario)], cwd=root, check=True, capture_output=True)

    def plan_bytes(name: str) -> bytes:
        out = tmp_path / name
        command = [sys.executable, "-m", "scheduler", str(scenario), "--deterministic"]
        command += ["--time-limit", "2", "--json", str(out), "--quiet"]
        subprocess.run(command, cwd=root, check=True, capture_output=True)
        return out.read_bytes()

    alone = plan_bytes("alone.json")
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        loaded = plan_bytes("loaded.json")
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert loaded == alone


def test_building_the_model_counts_against_the_time_limit(solver):
    """The longest horizon allowed (100 years) makes a model that takes far longer to build than
    the limit:
    building stops and the starting schedule is the plan (it used to build for minutes)."""
    from pathlib import Path

    from scheduler.pipeline import solve
    from scheduler.scenario.load import load_scenario

    base = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"
    sc = load_scenario(base, [("horizon.end", "2122-03")])
    began = time.monotonic()
    outcome = solve(sc, SolveOptions(time_limit=0.02), solver)  # the pipeline checks the plan
    assert time.monotonic() - began < 10
    assert outcome.plan.status == "feasible" and outcome.stats.fallback
    assert "took longer than the time limit of 0.02 s" in outcome.plan.explanation[0]


def test_a_first_stage_shorter_than_the_backend_needs_is_not_started():
    """The time limit is the solve's whole budget: a stage whose share is below the backend's
    ``least_seconds`` is not started (it used to get ``least_seconds`` anyway, past the limit);
    the starting schedule is the plan, with a note saying why."""
    made: list[Scripted] = []

    def build(sc, options, should_stop):
        backend = Scripted(sc, options, should_stop, [StageResult("OPTIMAL", 0, 0)])
        backend.least_seconds = 100.0
        made.append(backend)
        return backend

    plan, stats = solve_lexico(one_cluster(), SolveOptions(time_limit=60), build)
    assert [call[0] for call in made[0].calls] == ["start_from"]
    assert plan.status == "feasible" and stats.fallback and stats.stages == ()
    assert "less than the 100 s The scripted solver needs" in plan.explanation[0]
    assert stats.skipped == 3


def test_later_stages_without_the_time_they_need_are_skipped_with_a_note():
    """Deterministic shares: stage 1 reports 55 of the 59.5 s left, so 4.5 s are left, below
    ``least_seconds`` (5): stages 2 and 3 are not started; the plan is stage 1's, feasible (not
    proven), with its bound and a note."""
    made: list[Scripted] = []

    def build(sc, options, should_stop):
        backend = Scripted(sc, options, should_stop, [StageResult("OPTIMAL", 0, 0, 55.0)])
        backend.least_seconds = 5.0
        made.append(backend)
        return backend

    options = SolveOptions(time_limit=60, deterministic=True)
    plan, stats = solve_lexico(one_cluster(), options, build)
    assert [call[0] for call in made[0].calls].count("minimise") == 1
    assert plan.status == "feasible" and not stats.fallback
    assert plan.bounds == {"extension_cost": 0}
    assert stats.skipped == 2
    assert "Objective stages 2-3 of 3 not started" in plan.explanation[-1]


def test_a_stage_whose_share_is_too_short_takes_all_that_is_left():
    """Stage 1 reports 50 of the 59.5 s left: 9.5 s over two stages would give each less than
    ``least_seconds`` (5), so stage 2 gets all 9.5 s and stage 3 is not started. The first stage
    likewise takes everything when its share (half) would be too short."""
    made: list[Scripted] = []

    def build(sc, options, should_stop):
        results = [StageResult("OPTIMAL", 0, 0, 50.0), StageResult("OPTIMAL", 5, 5, 9.5)]
        backend = Scripted(sc, options, should_stop, results)
        backend.least_seconds = 5.0
        made.append(backend)
        return backend

    options = SolveOptions(time_limit=60, deterministic=True)
    plan, stats = solve_lexico(one_cluster(), options, build)
    shares = [call[2] for call in made[0].calls if call[0] == "minimise"]
    assert shares == [pytest.approx(59.5 / 2), pytest.approx(9.5)]
    assert stats.skipped == 1
    assert "Objective stage 3 of 3 not started" in plan.explanation[-1]
    made.clear()
    solve_lexico(one_cluster(), SolveOptions(time_limit=10, deterministic=True), build)
    first = next(call[2] for call in made[0].calls if call[0] == "minimise")
    assert first == pytest.approx(9.5)  # half of it, 4.75 s, would be too short


def test_the_first_plan_time_is_reported_and_within_the_solve():
    """The starting schedule is a plan the solve could return: its time is the first plan's, in
    the stats and the plan's solver block (wall-clock: not in a deterministic plan)."""
    results = [StageResult("OPTIMAL", 0, 0), StageResult("OPTIMAL", 1_000_000, 1_000_000)]
    results.append(StageResult("OPTIMAL", 2, 2))
    _, plan, stats, _ = driven(results, time_limit=10)
    first = stats.first_plan_seconds
    assert first is not None and 0 <= first <= stats.build_seconds
    assert plan.solver.first_plan_seconds == round(first, 2)
    assert plan.solver.seconds is not None and plan.solver.first_plan_seconds <= plan.solver.seconds
    assert plan.to_dict()["solver"]["first_plan_seconds"] == plan.solver.first_plan_seconds
    results = [StageResult("OPTIMAL", 0, 0), StageResult("OPTIMAL", 1_000_000, 1_000_000)]
    results.append(StageResult("OPTIMAL", 2, 2))
    _, plan, stats, _ = driven(results, time_limit=10, deterministic=True)
    assert stats.first_plan_seconds is not None
    assert plan.solver.first_plan_seconds is None
    assert "first_plan_seconds" not in plan.to_dict()["solver"]


def _paced_build(share_seconds: float, seen: list[float]):
    """A build adding 100 clusters, ``share_seconds`` each, reporting its progress as the CP-SAT
    model does (``should_stop.progress``) and stopping when told."""

    def build(sc, options, should_stop):
        for done in range(100):
            seen.append(done / 100)
            should_stop.progress(done / 100)
            if should_stop():
                raise BuildStopped("paced")
            time.sleep(share_seconds)
        raise AssertionError("the build should have been stopped")

    return build


def test_a_build_whose_pace_leaves_no_time_to_solve_is_stopped_early():
    """At 0.12 s per cluster the 100 clusters alone would take 12 s of a 4 s limit: once a tenth
    is built and a second has passed, the build is stopped and the starting schedule returned
    (it used to build until the time limit)."""
    seen: list[float] = []
    plan, stats = solve_lexico(one_cluster(), SolveOptions(time_limit=4), _paced_build(0.12, seen))
    assert plan.status == "feasible" and stats.fallback
    assert "was stopped" in plan.explanation[0] and "at its pace" in plan.explanation[0]
    assert max(seen) < 0.5  # stopped long before the end of the cluster loop


def test_a_deterministic_build_is_not_judged_by_its_wall_clock_pace():
    """With ``deterministic`` the pace (wall-clock) is not judged: only the time limit stops the
    build, as before."""
    seen: list[float] = []
    options = SolveOptions(time_limit=1.5, deterministic=True)
    plan, stats = solve_lexico(one_cluster(), options, _paced_build(0.12, seen))
    assert plan.status == "feasible" and stats.fallback
    assert "took longer than the time limit of 1.5 s" in plan.explanation[0]
