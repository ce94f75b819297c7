"""Loading a generated 1,000-cluster, 10-year scenario (the file that
``python -m scheduler generate --clusters 1000 --years 10 --seed 1`` writes, about 0.55 MB).

Timed as shipped (libyaml's ``CSafeLoader`` with the event-stream limits of
``scenario/yamlnodes.measure``) and, in the same run, with PyYAML's pure-Python ``SafeLoader`` in
its place (what the loader used before), so the ratio does not depend on the machine's load. Also
times a 20-variant grid parsed once (``ParsedScenario``) against 20 separate loads.

    pytest bench/test_bench_loading.py --benchmark-enable -s
"""

from __future__ import annotations

import time

import pytest
import yaml

from scheduler.instances.generate import generate_yaml
from scheduler.scenario import yamlnodes
from scheduler.scenario.load import ParsedScenario, load_scenario


@pytest.fixture(scope="module")
def g1000(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("loading") / "g1000.yaml"
    path.write_text(generate_yaml(1000, 10, 1), encoding="utf-8")
    return path


def _best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def test_load_thousand_clusters(benchmark, g1000, record, monkeypatch) -> None:
    scenario = benchmark(load_scenario, g1000)
    assert len(scenario.clusters) == 1000
    if benchmark.disabled:  # a plain pytest run: loading once is the test
        return
    shipped = _best_of(3, lambda: load_scenario(g1000))
    monkeypatch.setattr(yamlnodes, "_LOADER", yaml.SafeLoader)
    pure = _best_of(1, lambda: load_scenario(g1000))
    benchmark.extra_info.update(
        shipped_s=round(shipped, 3), pure_yaml_s=round(pure, 3), ratio=round(pure / shipped, 1)
    )
    record.row(
        "loading",
        what="1,000-cluster YAML",
        shipped_s=shipped,
        pure_yaml_s=pure,
        speedup=pure / shipped,
    )


def test_sweep_parses_its_base_once(benchmark, g1000, record) -> None:
    if benchmark.disabled:
        parsed = ParsedScenario.read(g1000)
        assert parsed.load([("policy.stagger_months", "3")]).policy.stagger_months == 3
        assert parsed.load().policy.stagger_months == 0
        return
    overrides = [[("policy.stagger_months", str(months))] for months in range(5)]

    def parsed_once() -> list:
        parsed = ParsedScenario.read(g1000)
        return [parsed.load(o) for o in overrides]

    once = _best_of(1, parsed_once)
    separately = _best_of(1, lambda: [load_scenario(g1000, o) for o in overrides])
    record.row(
        "loading",
        what="5 variants of it",
        shipped_s=once,
        pure_yaml_s=None,
        speedup=separately / once,
    )
    assert [s.policy.stagger_months for s in parsed_once()] == [0, 1, 2, 3, 4]
