"""Loading a generated 1,000-cluster, 10-year scenario (the file that
``python -m scheduler generate --clusters 1000 --years 10 --seed 1`` writes, about 0.55 MB), and
with ``SCHEDULER_BENCH=full`` the 10,000-cluster one (about 5.5 MB).

Timed as shipped (``load_scenario``: libyaml's events read once into the line-tracking tree,
:mod:`scheduler.scenario.yamlevents`, then validated into the dataclasses) and, in the same run,
against references that do not depend on the machine's load:

- ``pyyaml_c_s``: PyYAML's ``yaml.load`` with libyaml's ``CSafeLoader`` alone (plain Python
  objects, no lines, nothing validated): the floor of any loader built on PyYAML;
- ``pyyaml_pure_s``: PyYAML's ``yaml.load`` with its pure-Python ``SafeLoader`` alone;
- ``pure_parser_s``: ``load_scenario`` with PyYAML's pure-Python ``SafeLoader`` in libyaml's
  place (what the loader used before libyaml);
- ``parse_s`` / ``composed_parse_s``: parsing alone, in one pass from the events against
  composing PyYAML's graph and building the tree from it (the reader before the one pass, still
  used for anchors, aliases and merge keys).

Each is the best wall time of a few calls with the cyclic collector paused (as ``load_scenario``
pauses it). Also times a 5-variant grid parsed once (``ParsedScenario``) against 5 separate loads.

    pytest bench/test_bench_loading.py --benchmark-enable -s
    SCHEDULER_BENCH=full pytest bench/test_bench_loading.py --benchmark-enable -s
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from scheduler.instances.generate import generate_yaml
from scheduler.scenario import yamlparse
from scheduler.scenario.gcpause import gc_paused
from scheduler.scenario.load import ParsedScenario, load_scenario
from scheduler.scenario.yamlcompose import read_composed
from scheduler.scenario.yamlevents import read_events


def _generated(factory: pytest.TempPathFactory, clusters: int) -> Path:
    path = factory.mktemp("loading") / f"g{clusters}.yaml"
    path.write_text(generate_yaml(clusters, 10, 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def g1000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generated(tmp_path_factory, 1000)


def _best_of(runs: int, work: Callable[[], object], clock=time.perf_counter) -> float:
    """The shortest time of ``runs`` calls by ``clock`` (wall time, or ``time.process_time``:
    the CPU time, which other processes on the machine inflate less), each call with the cyclic
    collector paused as ``load_scenario`` pauses it (so that every figure is the work itself, not
    collections of the test session's heap)."""
    best = float("inf")
    for _ in range(runs):
        with gc_paused():
            started = clock()
            work()
            best = min(best, clock() - started)
    return best


def _compare(path: Path, runs: int, pure: bool) -> dict[str, float | None]:
    """The shipped load against the references of the module docstring, best of ``runs``
    (the pure-Python ones once: they take ten times as long)."""
    text = path.read_text(encoding="utf-8")
    source = str(path)
    shipped = _best_of(runs, lambda: load_scenario(path))
    shipped_cpu = _best_of(runs, lambda: load_scenario(path), time.process_time)
    parse = _best_of(runs, lambda: read_events(text, source))
    composed = _best_of(runs, lambda: read_composed(text, source))
    c_alone = _best_of(runs, lambda: yaml.load(text, Loader=yaml.CSafeLoader))
    pure_alone = pure_parser = None
    if pure:
        pure_alone = _best_of(1, lambda: yaml.load(text, Loader=yaml.SafeLoader))
        original = yamlparse._LOADER
        yamlparse._LOADER = yaml.SafeLoader
        try:
            pure_parser = _best_of(1, lambda: load_scenario(path))
        finally:
            yamlparse._LOADER = original
    return {
        "shipped_s": shipped,
        "shipped_cpu_s": shipped_cpu,
        "parse_s": parse,
        "composed_parse_s": composed,
        "pyyaml_c_s": c_alone,
        "pyyaml_pure_s": pure_alone,
        "pure_parser_s": pure_parser,
        "vs_pyyaml_c": shipped / c_alone,
        "pyyaml_pure_over_shipped": None if pure_alone is None else pure_alone / shipped,
    }


def test_load_thousand_clusters(benchmark, g1000, record) -> None:
    scenario = benchmark(load_scenario, g1000)
    assert len(scenario.clusters) == 1000
    if benchmark.disabled:  # a plain pytest run: loading once is the test
        return
    figures = _compare(g1000, 5, pure=True)
    benchmark.extra_info.update({key: round(v, 3) for key, v in figures.items() if v is not None})
    record.row("loading", what="1,000-cluster YAML", **figures)


@pytest.mark.full
def test_load_ten_thousand_clusters(benchmark, tmp_path_factory, record) -> None:
    g10000 = _generated(tmp_path_factory, 10_000)
    scenario = benchmark.pedantic(load_scenario, (g10000,), rounds=2, iterations=1)
    assert len(scenario.clusters) == 10_000
    if benchmark.disabled:
        return
    figures = _compare(g10000, 2, pure=False)
    benchmark.extra_info.update({key: round(v, 3) for key, v in figures.items() if v is not None})
    record.row("loading", what="10,000-cluster YAML", **figures)


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
        what="5 variants of it (parsed once, speedup over 5 loads)",
        shipped_s=once,
        speedup=separately / once,
    )
    assert [s.policy.stagger_months for s in parsed_once()] == [0, 1, 2, 3, 4]
