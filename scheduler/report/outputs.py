"""Writing a plan's files: the JSON plan, the CSV of phases, the graph exports and the reports."""

from __future__ import annotations

import json
from pathlib import Path

from scheduler.analysis.graph import build_graph, critical_chain
from scheduler.analysis.targets import target_results
from scheduler.plan import Plan
from scheduler.report.csv import write_funding_csv, write_plan_csv
from scheduler.report.files import write_atomic
from scheduler.report.graph_files import write_dot, write_graphml, write_node_link
from scheduler.report.html import plan_risk, render_report
from scheduler.report.mermaid import write_mermaid
from scheduler.report.mspdi import write_mspdi
from scheduler.report.terminal import render_plan
from scheduler.report.xlsx import write_xlsx
from scheduler.scenario.data import Scenario
from scheduler.units import printable


def plan_json(plan: Plan, scenario: Scenario | None = None) -> str:
    """The plan JSON; with its scenario, what the reports add from it: ``targets`` (met or missed,
    when the scenario has any)."""
    data = plan.to_dict()
    if scenario is not None:
        results = target_results(scenario, plan)
        if results:
            data["targets"] = [result.to_dict() for result in results]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_json(plan: Plan, path: str | Path, scenario: Scenario | None = None) -> Path:
    return write_atomic(path, plan_json(plan, scenario))


def write_outputs(scenario: Scenario, plan: Plan, directory: str | Path) -> list[Path]:
    """Write plan.json, report.txt, report.html and, for a plan with a schedule, the files other
    tools read (plan.csv, funding.csv, plan.xlsx, plan.xml for MS Project, plan.mmd for Mermaid)
    and the dependency graph (graph.graphml, graph.dot, graph.json) into ``directory``; return
    the paths written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_json(plan, folder / "plan.json", scenario)]
    graph = build_graph(scenario, plan)
    chain = critical_chain(scenario, plan, graph) if plan.has_schedule else []
    text = printable(render_plan(scenario, plan, chain)) + "\n"
    written.append(write_atomic(folder / "report.txt", text))
    html = render_report(scenario, plan, chain, graph, plan_risk(scenario, plan))
    written.append(write_atomic(folder / "report.html", html))
    if plan.has_schedule:
        written += [
            write_plan_csv(scenario, plan, folder / "plan.csv"),
            write_funding_csv(plan, folder / "funding.csv"),
            write_xlsx(scenario, plan, folder / "plan.xlsx"),
            write_mspdi(scenario, plan, folder / "plan.xml"),
            write_mermaid(scenario, plan, folder / "plan.mmd", chain),
        ]
        for name, writer in (
            ("graph.graphml", write_graphml),
            ("graph.dot", write_dot),
            ("graph.json", write_node_link),
        ):
            writer(graph, folder / name)
            written.append(folder / name)
    return written
