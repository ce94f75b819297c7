"""The sweep chart: planner labels, one legend entry each, lines broken where a row has no plan,
unrelated variants never joined."""

from __future__ import annotations

import math

import pytest

from scheduler.report.sweep_chart import path_label, sweep_figure
from scheduler.solve.options import SolveOptions
from scheduler.whatif.sweep import grid_spec, parse_vary, run_sweep, serial_runner, variants_spec

# Two clusters and a cap that binds: at £0 no plan exists, more money retires legacy earlier.
SCENARIO = """\
name: Sweep chart test
horizon: {start: 2024-04, end: 2026-12}
budget:
  tranche: £1m
  caps:
    - {name: SR, from: 2024-25, to: 2025-26, amount: £20m}
suppliers:
  - {id: market, capacity: 1}
lifecycle:
  - {id: tender, months: 3, cost: £3m, uses: [market]}
  - {id: implement, months: 6, cost: £9m}
clusters:
  - id: a
    earliest_entry: 2024-04
    legacy: [{name: A old, expires: 2025-01, extension_cost: £1m}]
  - id: b
    earliest_entry: 2024-04
    legacy: [{name: B old, expires: 2025-06, extension_cost: £0.5m}]
"""
VARIANTS = """\
format: scheduler-variants/1
name: Chart variants
base: scenario.yaml
variants:
  - name: no money
    set: {budget.caps.SR.amount: £0}
  - name: rich
    set: {budget.caps.SR.amount: £60m}
  - name: wide market
    set: {suppliers.market.capacity: 2}
"""
OPTIONS = SolveOptions(time_limit=20.0, workers=1, deterministic=True)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("chart")
    (path / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    (path / "variants.yaml").write_text(VARIANTS, encoding="utf-8")
    return path


def _legend_labels(ax) -> list[str]:
    legend = ax.get_legend()
    return [text.get_text() for text in legend.get_texts()] if legend else []


def test_planner_labels_for_varied_paths():
    assert path_label("budget.caps.SR21.amount") == "SR21 cap"
    assert path_label("policy.stagger_months") == "stagger (months between entries)"
    assert path_label("clusters.unity.fixed_entry") == "unity fixed entry"
    assert path_label("suppliers.erp-market.capacity") == "erp-market capacity"
    assert path_label("budget.tranche") == "tranche"


def test_grid_chart_breaks_lines_at_rows_without_a_plan(folder):
    axes_ = [
        parse_vary("budget.caps.SR.amount=£0..£40m/£20m"),
        parse_vary("policy.stagger_months=0,3"),
    ]
    result = run_sweep(grid_spec(str(folder / "scenario.yaml"), [], axes_), OPTIONS, serial_runner)
    statuses = [row.result.status for row in result.rows]
    assert statuses[:2] == ["infeasible", "infeasible"] and "optimal" in statuses
    figure = sweep_figure(result)
    panels = [ax for ax in figure.axes if ax.get_ylabel() != "late months (legacy)"]
    assert panels[-1].get_xlabel() == "SR cap", "a planner's label, not the key path"
    for ax in panels:
        labels = _legend_labels(ax)
        assert len(labels) == len(set(labels)), f"a legend entry twice: {labels}"
        assert labels.count("no plan") == 1
        for line in ax.get_lines():
            if line.get_label().startswith("stagger"):
                ys = list(line.get_ydata())
                assert math.isnan(ys[0]), "no line into the £0 row, which has no plan"
                assert not any(math.isnan(y) for y in ys[1:])
    title = figure.get_suptitle()
    assert "sweep of SR cap, stagger (months between entries)" in title


def test_variants_are_points_never_joined_and_the_title_fits(folder):
    result = run_sweep(variants_spec(str(folder / "variants.yaml")), OPTIONS, serial_runner)
    figure = sweep_figure(result)
    first = figure.axes[0]
    series = [line for line in first.get_lines() if line.get_label() != "no plan"]
    assert series and all(line.get_linestyle() == "None" for line in series)
    title = figure.get_suptitle()
    assert "variants in variants.yaml, varying SR cap, market capacity" in title
    assert all(len(line) <= 110 for line in title.splitlines())


def test_sweep_page_has_the_chart_beside_its_table_and_the_reasons_for_no_plan(folder, tmp_path):
    from scheduler.report.html.sweep_page import write_sweep_html

    result = run_sweep(variants_spec(str(folder / "variants.yaml")), OPTIONS, serial_runner)
    path = write_sweep_html(result, tmp_path / "sweep.html")
    html = path.read_text(encoding="utf-8")
    assert html.count("<svg") == 1 and "<script" not in html
    assert "<caption>One row per variant</caption>" in html
    for row in result.rows:
        assert f"<td>{row.name}</td>" in html
    assert '<section id="no-plan">' in html and "#2 no money: infeasible" in html


def test_sweep_out_owns_its_page_and_removes_what_an_earlier_run_left(folder, tmp_path):
    from scheduler.report.html.sweep_page import render_sweep_html
    from scheduler.report.sweep_report import write_sweep

    result = run_sweep(variants_spec(str(folder / "variants.yaml")), OPTIONS, serial_runner)
    out = tmp_path / "out"
    written = write_sweep(result, out, html=render_sweep_html)
    assert out / "sweep.html" in written
    assert (out / "sweep.html").read_text(encoding="utf-8") == render_sweep_html(result)
    (out / "plans" / "099.json").write_text("{}", encoding="utf-8")  # an earlier, longer sweep's
    write_sweep(result, out)  # this run writes no page
    assert not (out / "sweep.html").exists() and not (out / "plans" / "099.json").exists()
    assert (out / "sweep.csv").exists()
