"""Writing a plan's files: the JSON plan, the CSV of phases, the graph exports and the report."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from scheduler.analysis.graph import build_graph, critical_chain
from scheduler.analysis.targets import target_results
from scheduler.plan import Plan
from scheduler.report.csv import write_plan_csv
from scheduler.report.graph_files import write_dot, write_graphml, write_node_link
from scheduler.report.terminal import render_plan
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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``,
    so that a reader never sees half a file and a failure leaves any old file as it was."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(raw)
        os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary open() would have made it
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_json(plan: Plan, path: str | Path, scenario: Scenario | None = None) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(plan_json(plan, scenario), encoding="utf-8")
    return target


def write_outputs(scenario: Scenario, plan: Plan, directory: str | Path) -> list[Path]:
    """Write plan.json, plan.csv, report.txt and (for a plan with a schedule) graph.graphml,
    graph.dot and graph.json into ``directory``; return the paths written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_json(plan, folder / "plan.json", scenario)]
    chain = critical_chain(scenario, plan) if plan.has_schedule else []
    report = folder / "report.txt"
    report.write_text(printable(render_plan(scenario, plan, chain)) + "\n", encoding="utf-8")
    written.append(report)
    if plan.has_schedule:
        write_plan_csv(scenario, plan, folder / "plan.csv")
        written.append(folder / "plan.csv")
        graph = build_graph(scenario, plan)
        for name, writer in (
            ("graph.graphml", write_graphml),
            ("graph.dot", write_dot),
            ("graph.json", write_node_link),
        ):
            writer(graph, folder / name)
            written.append(folder / name)
    return written
