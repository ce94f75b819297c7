"""Writing a plan's files: the JSON plan, the CSV of phases, the graph exports and the reports."""

from __future__ import annotations

import json
from pathlib import Path

from scheduler.analysis.graph import build_graph, critical_chain
from scheduler.analysis.indicators import Indicators, indicators
from scheduler.analysis.targets import target_results
from scheduler.plan import Plan
from scheduler.report.atomic import OutputDir, write_atomic, write_text
from scheduler.report.csv import write_funding_csv, write_indicators_csv, write_plan_csv
from scheduler.report.graph_files import write_dot, write_graphml, write_node_link
from scheduler.report.html import plan_risk, render_report
from scheduler.report.mermaid import write_mermaid
from scheduler.report.mspdi import write_mspdi
from scheduler.report.terminal import render_plan
from scheduler.report.xlsx import write_xlsx
from scheduler.scenario.data import Scenario
from scheduler.units import printable

SOLVE_OUTPUTS = (
    "plan.json",
    "plan.csv",
    "funding.csv",
    "indicators.csv",
    "plan.xlsx",
    "plan.xml",
    "plan.mmd",
    "report.txt",
    "report.html",
    "graph.graphml",
    "graph.dot",
    "graph.json",
)
"""The files ``solve --out DIR`` owns: a run removes those of an earlier run it does not write."""


def plan_json(plan: Plan, scenario: Scenario | None = None, found: Indicators | None = None) -> str:
    """The plan JSON; with its scenario, what the reports add from it: ``targets`` (met or missed,
    when the scenario has any) and, for a plan with a schedule, ``indicators`` per financial year
    (:mod:`scheduler.analysis.indicators`; ``found``, when the caller has them already)."""
    data = plan.to_dict()
    if scenario is not None:
        results = target_results(scenario, plan)
        if results:
            data["targets"] = [result.to_dict() for result in results]
        if found is None:
            found = indicators(scenario, plan)
        if found is not None:
            data["indicators"] = found.to_dict()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_json(
    plan: Plan,
    path: str | Path,
    scenario: Scenario | None = None,
    found: Indicators | None = None,
) -> Path:
    """Write the plan JSON atomically (an existing file is replaced whole, or left as it was)."""
    return write_text(path, plan_json(plan, scenario, found))


def write_outputs(
    scenario: Scenario, plan: Plan, directory: str | Path, found: Indicators | None = None
) -> list[Path]:
    """Write plan.json, report.txt, report.html and, for a plan with a schedule, the files other
    tools read (plan.csv, funding.csv, indicators.csv, plan.xlsx, plan.xml for MS Project,
    plan.mmd for Mermaid) and the dependency graph (graph.graphml, graph.dot, graph.json) into
    ``directory``, each atomically; then remove the files of :data:`SOLVE_OUTPUTS` that this run
    did not write (an infeasible run leaves no plan.csv of an earlier feasible one). Return the
    paths written. The plan's indicators are computed once for all of them (``found``, when the
    caller has them already)."""
    out = OutputDir(directory, SOLVE_OUTPUTS)
    if found is None:
        found = indicators(scenario, plan)
    write_json(plan, out.path("plan.json"), scenario, found)
    graph = build_graph(scenario, plan)
    chain = critical_chain(scenario, plan, graph) if plan.has_schedule else []
    text = render_plan(scenario, plan, chain, found)
    write_text(out.path("report.txt"), printable(text) + "\n")
    html = render_report(scenario, plan, chain, graph, plan_risk(scenario, plan), found)
    write_atomic(out.path("report.html"), html)
    if plan.has_schedule:
        write_plan_csv(scenario, plan, out.path("plan.csv"))
        write_funding_csv(plan, out.path("funding.csv"))
        if found is not None:
            write_indicators_csv(found, out.path("indicators.csv"))
        write_xlsx(scenario, plan, out.path("plan.xlsx"), found)
        write_mspdi(scenario, plan, out.path("plan.xml"))
        write_mermaid(scenario, plan, out.path("plan.mmd"), chain)
        for name, writer in (
            ("graph.graphml", write_graphml),
            ("graph.dot", write_dot),
            ("graph.json", write_node_link),
        ):
            writer(graph, out.path(name))
    out.finish()
    return list(out.written)
