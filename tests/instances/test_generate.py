"""The scenario generator: valid, deterministic, realistic ranges, feasible by construction."""

from __future__ import annotations

import pytest

from scheduler.cli.main import main
from scheduler.instances.generate import generate, generate_yaml
from scheduler.pipeline import solve
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.solve.options import SolveOptions


@pytest.mark.parametrize(
    ("clusters", "years", "seed"), [(1, 5, 0), (5, 10, 3), (40, 10, 7), (120, 8, 2)]
)
def test_generated_scenarios_load(clusters: int, years: int, seed: int) -> None:
    scenario = load_scenario_text(generate_yaml(clusters, years, seed))
    assert len(scenario.clusters) == clusters
    assert scenario.horizon.months == 12 * years
    for cluster in scenario.clusters:
        tender, implement, transition = cluster.phases
        assert 9 <= tender.modes[0].months <= 15
        assert 3 <= transition.modes[0].months <= 9
        standard, accelerated = implement.modes
        assert standard.months <= 60
        assert accelerated.months < standard.months and accelerated.cost > standard.cost
        assert 1_000_000 <= standard.cost <= 500_000_000
        for legacy in cluster.legacy:
            assert scenario.horizon.start <= legacy.expires <= scenario.horizon.end
            if legacy.hard_deadline is not None:
                assert legacy.expires <= legacy.hard_deadline <= scenario.horizon.end


def test_same_seed_same_text_and_different_seed_differs() -> None:
    assert generate_yaml(30, 10, 5) == generate_yaml(30, 10, 5)
    assert generate_yaml(30, 10, 5) != generate_yaml(30, 10, 6)


def test_policy_scales_with_size() -> None:
    assert generate(5, 10, 0)["policy"]["stagger_months"] > 0
    large = generate(200, 10, 0)
    assert large["policy"] == {"stagger_months": 0}
    capacities = {s["id"]: s["capacity"] for s in large["suppliers"]}
    assert len(capacities) == 1 + 8  # the ERP market and one integrator pool per 25 clusters


def test_dependencies_point_backwards() -> None:
    data = generate(60, 10, 4)
    order = {cluster["id"]: index for index, cluster in enumerate(data["clusters"])}
    edges = [(c["id"], d["cluster"]) for c in data["clusters"] for d in c.get("depends_on", [])]
    assert edges
    assert all(order[other] < order[this] for this, other in edges)


@pytest.mark.parametrize(("clusters", "seed"), [(2, 0), (4, 1), (6, 2)])
def test_small_generated_scenarios_solve(clusters: int, seed: int) -> None:
    scenario = load_scenario_text(generate_yaml(clusters, 7, seed))
    outcome = solve(scenario, SolveOptions(time_limit=20, workers=2))
    assert outcome.plan.status in ("optimal", "feasible")  # the pipeline re-checks every rule
    caps = {cap.name: cap for cap in outcome.plan.caps}
    assert all(cap.released <= cap.amount for cap in caps.values())


def test_cli_writes_a_file(tmp_path, capsys) -> None:
    out = tmp_path / "gen.yaml"
    assert main(["generate", "--clusters", "3", "--years", "6", "--seed", "1", "-o", str(out)]) == 0
    assert len(load_scenario(out).clusters) == 3
    assert main(["generate", "--clusters", "2", "--years", "6"]) == 0
    assert "clusters:" in capsys.readouterr().out


def test_cli_rejects_bad_sizes() -> None:
    assert main(["generate", "--clusters", "0"]) == 2
    assert main(["generate", "--clusters", "3", "--years", "2"]) == 2


def test_generate_refuses_sizes_it_cannot_draw_in_reasonable_time(capsys) -> None:
    from scheduler.cli.main import main

    assert main(["generate", "--clusters", "100000", "--years", "51"]) == 2
    err = capsys.readouterr().err
    assert "--clusters: must be 1 to 10,000, got 100000" in err
    assert "--years: must be at most 50, got 51" in err
    assert main(["generate", "--clusters", "0"]) == 2
