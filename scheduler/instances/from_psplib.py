"""PSPLIB single-mode RCPSP instances (``.sm``) as scenarios.

The mapping (docs/design-notes.md, "External data"): each activity of positive duration becomes a
one-phase cluster ``j<jobnr>`` whose phase ``work`` lasts ``duration`` months and uses its non-zero
resource demands; each renewable resource ``R k`` becomes a supplier ``r<k>`` with its capacity; each
finish-to-start precedence becomes ``depends_on: {cluster: <pred>, milestone: work.end, lag: 0}``
(this cluster's entry >= the predecessor's last month + 1, i.e. start >= predecessor's finish). The
objective is ``[completion]``, one period is one month, and the horizon starts in 2000-01.

Zero-duration activities (the dummy source and sink, and any real job of duration 0) cannot be
phases (``months >= 1``), so they are *contracted*: every predecessor of a zero-duration activity
becomes a direct predecessor of each of its successors. This is exact for the makespan: a
zero-duration activity occupies no period and no capacity, and it can always start at the latest
finish of its predecessors, which is then the earliest start its successors see through it.

Makespan of an imported plan = ``completion - horizon.start + 1`` (completion is the last month in
which any phase runs, inclusive).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import psplib
import yaml

from scheduler.errors import Problem, ScenarioError
from scheduler.units import month, month_label

__all__ = [
    "HORIZON_START",
    "RcpspInstance",
    "RcpspJob",
    "makespan_of",
    "read_bounds",
    "read_optima",
    "read_rcpsp",
    "scenario_dict",
    "scenario_yaml",
]

HORIZON_START = month(2000, 1)


@dataclass(frozen=True)
class RcpspJob:
    """A job of positive duration: its PSPLIB number, duration, demands and kept predecessors."""

    number: int
    duration: int
    demands: tuple[int, ...]
    predecessors: tuple[int, ...]

    @property
    def cluster_id(self) -> str:
        return f"j{self.number}"


@dataclass(frozen=True)
class RcpspInstance:
    name: str
    capacities: tuple[int, ...]
    jobs: tuple[RcpspJob, ...]
    contracted: int  # zero-duration activities removed (2 for every PSPLIB .sm file)

    @property
    def horizon(self) -> int:
        """Sum of durations: a trivial upper bound on the makespan (the file's ``horizon``)."""
        return sum(job.duration for job in self.jobs)


def read_rcpsp(path: str | Path) -> RcpspInstance:
    """Parse a single-mode PSPLIB file; problems are raised as :class:`ScenarioError`."""
    source = str(path)

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(source, None, "", message)])

    if not Path(path).is_file():
        raise fail("no such file")
    try:
        data = psplib.parse(path, instance_format="psplib")
    except Exception as exc:  # psplib raises bare ValueError/IndexError on malformed files
        raise fail(f"not a PSPLIB instance: {type(exc).__name__}: {exc}") from None
    resources = data.resources
    if any(not resource.renewable for resource in resources):
        raise fail(
            "nonrenewable resources (multi-mode .mm budgets) are not supported; use a .sm file"
        )
    capacities = tuple(resource.capacity for resource in resources)
    activities = data.activities
    for index, activity in enumerate(activities):
        if len(activity.modes) != 1:
            raise fail(
                f"job {index + 1} has {len(activity.modes)} modes; only single-mode is supported"
            )
    predecessors: list[list[int]] = [[] for _ in activities]
    for index, activity in enumerate(activities):
        for successor in activity.successors:
            predecessors[successor].append(index)
    durations = [activity.modes[0].duration for activity in activities]
    kept = _contract(predecessors, durations)
    jobs = []
    for index, activity in enumerate(activities):
        mode = activity.modes[0]
        if mode.duration <= 0:
            continue
        for k, (demand, capacity) in enumerate(zip(mode.demands, capacities, strict=True)):
            if demand > capacity:
                raise fail(
                    f"job {index + 1} needs {demand} of resource R{k + 1}, whose capacity is "
                    f"{capacity}: the instance is infeasible"
                )
        jobs.append(
            RcpspJob(
                number=index + 1,
                duration=mode.duration,
                demands=tuple(mode.demands),
                predecessors=tuple(p + 1 for p in sorted(kept[index])),
            )
        )
    if not jobs:
        raise fail("no activity of positive duration: nothing to schedule")
    contracted = len(activities) - len(jobs)
    return RcpspInstance(Path(path).stem, capacities, tuple(jobs), contracted)


def _contract(predecessors: list[list[int]], durations: list[int]) -> list[set[int]]:
    """Predecessors of positive duration of every activity, through zero-duration ones.

    Activities are visited in topological order (PSPLIB numbers them so, but the order is
    recomputed, so any DAG works)."""
    order = _topological(predecessors)
    kept: list[set[int]] = [set() for _ in durations]
    for index in order:
        for pred in predecessors[index]:
            if durations[pred] > 0:
                kept[index].add(pred)
            else:
                kept[index] |= kept[pred]
    return kept


def _topological(predecessors: list[list[int]]) -> list[int]:
    indegree = [len(preds) for preds in predecessors]
    successors: list[list[int]] = [[] for _ in predecessors]
    for index, preds in enumerate(predecessors):
        for pred in preds:
            successors[pred].append(index)
    ready = [index for index, degree in enumerate(indegree) if degree == 0]
    order = []
    while ready:
        index = ready.pop()
        order.append(index)
        for succ in successors[index]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                ready.append(succ)
    if len(order) != len(predecessors):
        raise ValueError("the precedence graph has a cycle")
    return order


def scenario_dict(instance: RcpspInstance, source: str = "") -> dict:
    """The scenario (as plain data, keys in contract order) of an RCPSP instance."""
    start = HORIZON_START
    end = start + instance.horizon - 1  # a makespan of at most sum(durations) months fits
    suppliers = [
        {"id": f"r{k + 1}", "name": f"PSPLIB resource R{k + 1}", "capacity": capacity}
        for k, capacity in enumerate(instance.capacities)
    ]
    clusters = []
    for job in instance.jobs:
        work: dict = {"months": job.duration}
        uses = {f"r{k + 1}": demand for k, demand in enumerate(job.demands) if demand}
        if uses:
            work["uses"] = uses
        cluster: dict = {"id": job.cluster_id, "phases": {"work": work}}
        if job.predecessors:
            cluster["depends_on"] = [
                {"cluster": f"j{pred}", "milestone": "work.end", "lag": 0}
                for pred in job.predecessors
            ]
        clusters.append(cluster)
    origin = f" from {source}" if source else ""
    return {
        "name": f"PSPLIB {instance.name}",
        "description": (
            f"RCPSP instance {instance.name}{origin}: {len(instance.jobs)} activities as one-phase "
            f"clusters, {len(instance.capacities)} renewable resources as suppliers, one period "
            "per month; makespan = completion - horizon.start + 1."
        ),
        "horizon": {"start": month_label(start), "end": month_label(end)},
        "suppliers": suppliers,
        "clusters": clusters,
        "objective": ["completion"],
    }


def scenario_yaml(instance: RcpspInstance, source: str = "") -> str:
    header = (
        f"# Imported from PSPLIB {instance.name} by 'python -m scheduler import-psplib'.\n"
        f"# {instance.contracted} zero-duration activities (dummy source/sink) contracted; "
        "precedences through them kept.\n"
    )
    body = yaml.dump(  # libyaml's emitter: the same text as PyYAML's own, several times faster
        scenario_dict(instance, source),
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )
    return header + body


def makespan_of(completion: int, horizon_start: int = HORIZON_START) -> int:
    """Periods from the horizon start to the completion month inclusive."""
    return completion - horizon_start + 1


def read_optima(path: str | Path) -> dict[tuple[int, int], int]:
    """``(par, inst) -> optimum`` from PSPLIB's ``j30opt.sm`` table (data from line 23)."""
    pattern = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)")
    optima: dict[tuple[int, int], int] = {}
    for line in Path(path).read_text(encoding="latin-1").splitlines()[22:]:
        match = pattern.match(line)
        if match:
            par, inst, value = map(int, match.groups())
            optima[(par, inst)] = value
    return optima


def read_bounds(path: str | Path) -> dict[str, tuple[int, int]]:
    """``instance file name -> (best lower bound, best upper bound)`` from
    ``derived/sm_best_known_bounds.csv``."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["instance"]: (int(row["lb"]), int(row["ub"])) for row in csv.DictReader(handle)}
