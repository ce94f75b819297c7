"""Entry windows of a 1,000-cluster plan (incremental) against one naive evaluate-per-shift pass
over 20 clusters, in the same run: the ratio shows what the incremental method buys."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bruteforce import naive_windows
from builders import large_plan

from scheduler.analysis.window import entry_windows


def test_entry_windows_thousand_clusters(benchmark):
    scenario, plan = large_plan()
    windows = benchmark(entry_windows, scenario, plan)
    assert len(windows) == 1000
    started = time.perf_counter()
    entry_windows(scenario, plan)
    incremental = time.perf_counter() - started
    small = plan.__class__(**{**plan.__dict__, "clusters": plan.clusters[:20]})
    sub = scenario.__class__(**{**scenario.__dict__, "clusters": scenario.clusters[:20]})
    started = time.perf_counter()
    naive_windows(sub, small)
    naive = time.perf_counter() - started
    benchmark.extra_info["incremental_1000_clusters_s"] = round(incremental, 3)
    benchmark.extra_info["naive_20_clusters_s"] = round(naive, 3)
    benchmark.extra_info["naive_per_cluster_over_incremental_per_cluster"] = round(
        (naive / 20) / (incremental / 1000), 1
    )
