"""The plan as MS Project XML (MSPDI), which Microsoft Project and ProjectLibre open.

Tasks: a summary task per cluster; under it the market-entry milestone, a task per phase, and the
award and go-live milestones. Links: the scenario's lifecycle and ``depends_on``
(:mod:`scheduler.report.links`; FS/SS/FF/SF with lags in months, written in elapsed months as
``LinkLag`` tenths of minutes of 20 working days), the entry milestone start-to-start into the
first phase, and the award and go-live milestones finish-to-finish from their phases.

Dates: a phase runs from 08:00 on the first working day (Monday to Friday) of its start month to
17:00 on the last working day of its end month, on a standard calendar (8 hours a day, 5 days a
week); its duration is those working days. Each phase has a *start no earlier than* constraint at
its planned start, so the tool schedules it where the plan has it, and stays free to push it
later. The plan is also saved as the baseline (``Baseline`` number 0). Costs are each phase's
cost as a fixed cost (MSPDI money is in hundredths: pence). No creation date is written, so the
same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.analysis.graph import uses_text
from scheduler.plan import ClusterPlan, Plan
from scheduler.report.atomic import write_atomic
from scheduler.report.links import PhaseLink, phase_links
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario

__all__ = ["LINK_TYPES", "month_finish", "month_start", "mspdi_text", "write_mspdi"]

NS = "http://schemas.microsoft.com/project"
LINK_TYPES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
MINUTES_PER_DAY = 480
DAYS_PER_MONTH = 20
LAG_PER_MONTH = MINUTES_PER_DAY * DAYS_PER_MONTH * 10  # LinkLag is in tenths of a minute
LAG_FORMAT_MONTHS = 11
DURATION_FORMAT_DAYS = 7
SNET = 4  # constraint type: start no earlier than


def _working_days(first: dt.date, last: dt.date) -> int:
    days = (last - first).days + 1
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    for offset in range(extra):
        if (first + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def _first_working_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _last_working_day(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    day = nxt - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def month_start(ordinal: int) -> dt.datetime:
    """08:00 on the first working day of a month ordinal."""
    year, index = divmod(ordinal, 12)
    return dt.datetime.combine(_first_working_day(year, index + 1), dt.time(8))


def month_finish(ordinal: int) -> dt.datetime:
    """17:00 on the last working day of a month ordinal."""
    year, index = divmod(ordinal, 12)
    return dt.datetime.combine(_last_working_day(year, index + 1), dt.time(17))


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _duration(start: dt.datetime, finish: dt.datetime) -> str:
    if finish <= start:
        return "PT0H0M0S"
    return f"PT{8 * _working_days(start.date(), finish.date())}H0M0S"


@dataclass
class _Task:
    uid: int
    name: str
    level: int
    outline: str
    start: dt.datetime
    finish: dt.datetime
    summary: bool = False
    milestone: bool = False
    cost: int = 0
    notes: str = ""
    links: list[tuple[int, str, int]] = field(default_factory=list)  # (uid before, type, lag)
    constrain: bool = False


def _sub(parent: ET.Element, tag: str, text: object) -> None:
    ET.SubElement(parent, tag).text = str(text)


def _task_element(parent: ET.Element, task: _Task) -> None:
    el = ET.SubElement(parent, "Task")
    _sub(el, "UID", task.uid)
    _sub(el, "ID", task.uid)
    _sub(el, "Name", task.name)
    _sub(el, "Type", 1 if task.summary else 0)  # 1 fixed duration for summaries, 0 fixed units
    _sub(el, "IsNull", 0)
    _sub(el, "WBS", task.outline)
    _sub(el, "OutlineNumber", task.outline)
    _sub(el, "OutlineLevel", task.level)
    _sub(el, "Start", _stamp(task.start))
    _sub(el, "Finish", _stamp(task.finish))
    duration = _duration(task.start, task.finish)
    _sub(el, "Duration", duration)
    _sub(el, "DurationFormat", DURATION_FORMAT_DAYS)
    _sub(el, "Milestone", int(task.milestone))
    _sub(el, "Summary", int(task.summary))
    if not task.summary:
        _sub(el, "FixedCost", task.cost * 100)
        _sub(el, "FixedCostAccrual", 3)  # prorated over the task
    _sub(el, "Cost", task.cost * 100)
    if task.constrain:
        _sub(el, "ConstraintType", SNET)
        _sub(el, "ConstraintDate", _stamp(task.start))
    else:
        _sub(el, "ConstraintType", 0)  # as soon as possible
    if task.notes:
        _sub(el, "Notes", task.notes)
    for before, kind, lag in task.links:
        link = ET.SubElement(el, "PredecessorLink")
        _sub(link, "PredecessorUID", before)
        _sub(link, "Type", LINK_TYPES[kind])
        _sub(link, "CrossProject", 0)
        _sub(link, "LinkLag", lag * LAG_PER_MONTH)
        _sub(link, "LagFormat", LAG_FORMAT_MONTHS)
    baseline = ET.SubElement(el, "Baseline")
    _sub(baseline, "Number", 0)
    _sub(baseline, "Start", _stamp(task.start))
    _sub(baseline, "Finish", _stamp(task.finish))
    _sub(baseline, "Duration", duration)
    _sub(baseline, "Cost", task.cost * 100)


def _cluster_tasks(
    scenario: Scenario, cluster_plan: ClusterPlan, index: int, next_uid: int
) -> tuple[list[_Task], dict[str, int]]:
    """The summary, milestones and phases of one cluster; the uid of each phase by id."""
    cid = cluster_plan.id
    try:
        name = scenario.cluster(cid).label
    except KeyError:
        name = cid
    start, finish = month_start(cluster_plan.entry), month_finish(cluster_plan.finish)
    cost = sum(p.cost for p in cluster_plan.phases)
    summary = _Task(next_uid, name, 1, str(index), start, finish, summary=True, cost=cost)
    tasks = [summary]
    uid = next_uid + 1
    entry = _Task(uid, f"{cid}: market entry", 2, f"{index}.1", start, start, milestone=True)
    tasks.append(entry)
    uid += 1
    phase_uids: dict[str, int] = {}
    for number, phase in enumerate(cluster_plan.phases, start=2):
        notes = [f"{cid} {phase.id}"]
        label = option_label(scenario, cid, phase)
        if label:
            notes.append(f"option: {label}")
        if phase.uses:
            notes.append(f"suppliers: {uses_text(phase.uses)}")
        task = _Task(
            uid,
            f"{cid}: {phase.id}" + (f" ({label})" if label else ""),
            2,
            f"{index}.{number}",
            month_start(phase.start),
            month_finish(phase.end),
            cost=phase.cost,
            notes="; ".join(notes),
            constrain=True,
        )
        if number == 2:
            task.links.append((entry.uid, "SS", 0))
        tasks.append(task)
        phase_uids[phase.id] = uid
        uid += 1
    first = cluster_plan.phases[0]
    award_at = month_finish(cluster_plan.award)
    award = _Task(uid, f"{cid}: contract award", 2, f"{index}.{uid - next_uid}", award_at, award_at)
    award.milestone = True
    award.links.append((phase_uids[first.id], "FF", 0))
    tasks.append(award)
    uid += 1
    live_at = month_finish(cluster_plan.go_live)
    live_phase = next(
        (p.id for p in cluster_plan.phases if p.end == cluster_plan.go_live),
        cluster_plan.phases[-1].id,
    )
    go_live = _Task(uid, f"{cid}: go-live", 2, f"{index}.{uid - next_uid}", live_at, live_at)
    go_live.milestone = True
    go_live.links.append((phase_uids[live_phase], "FF", 0))
    tasks.append(go_live)
    return tasks, phase_uids


def _add_links(
    tasks: list[_Task], uids: dict[tuple[str, str], int], links: list[PhaseLink]
) -> None:
    by_uid = {task.uid: task for task in tasks}
    for link in links:
        by_uid[uids[link.after]].links.append((uids[link.before], link.kind, link.lag))
        if link.max_wait:
            by_uid[uids[link.after]].notes += f"; may wait up to {link.max_wait} months"


def _calendar(parent: ET.Element) -> None:
    calendars = ET.SubElement(parent, "Calendars")
    calendar = ET.SubElement(calendars, "Calendar")
    _sub(calendar, "UID", 1)
    _sub(calendar, "Name", "Standard")
    _sub(calendar, "IsBaseCalendar", 1)
    _sub(calendar, "BaseCalendarUID", -1)
    weekdays = ET.SubElement(calendar, "WeekDays")
    for day in range(1, 8):  # 1 is Sunday
        weekday = ET.SubElement(weekdays, "WeekDay")
        _sub(weekday, "DayType", day)
        working = day not in (1, 7)
        _sub(weekday, "DayWorking", int(working))
        if working:
            times = ET.SubElement(weekday, "WorkingTimes")
            for begin, end in (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")):
                slot = ET.SubElement(times, "WorkingTime")
                _sub(slot, "FromTime", begin)
                _sub(slot, "ToTime", end)


def mspdi_text(scenario: Scenario, plan: Plan) -> str:
    """The MSPDI document (UTF-8 XML text) of a plan with a schedule."""
    root = ET.Element("Project", xmlns=NS)
    tasks: list[_Task] = []
    uids: dict[tuple[str, str], int] = {}
    for index, cluster_plan in enumerate(plan.clusters, start=1):
        cluster_tasks, phase_uids = _cluster_tasks(scenario, cluster_plan, index, len(tasks) + 1)
        tasks += cluster_tasks
        uids.update({(cluster_plan.id, pid): uid for pid, uid in phase_uids.items()})
    _add_links(tasks, uids, phase_links(scenario, plan))
    first = min((t.start for t in tasks), default=month_start(scenario.horizon.start))
    last = max((t.finish for t in tasks), default=month_finish(scenario.horizon.end))
    _sub(root, "SaveVersion", 14)
    _sub(root, "Name", "plan.xml")
    _sub(root, "Title", scenario.name)
    _sub(root, "ScheduleFromStart", 1)
    _sub(root, "StartDate", _stamp(first))
    _sub(root, "FinishDate", _stamp(last))
    _sub(root, "FYStartDate", scenario.horizon.fiscal_year_start)
    _sub(root, "CurrencySymbol", "£")
    _sub(root, "CurrencySymbolPosition", 0)
    _sub(root, "CurrencyDigits", 0)
    _sub(root, "CurrencyCode", "GBP")
    _sub(root, "CalendarUID", 1)
    _sub(root, "DefaultStartTime", "08:00:00")
    _sub(root, "DefaultFinishTime", "17:00:00")
    _sub(root, "MinutesPerDay", MINUTES_PER_DAY)
    _sub(root, "MinutesPerWeek", MINUTES_PER_DAY * 5)
    _sub(root, "DaysPerMonth", DAYS_PER_MONTH)
    _calendar(root)
    container = ET.SubElement(root, "Tasks")
    project_cost = sum(t.cost for t in tasks if t.level == 1)
    _task_element(container, _Task(0, scenario.name, 0, "0", first, last, True, cost=project_cost))
    for task in tasks:
        _task_element(container, task)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + "\n"


def write_mspdi(scenario: Scenario, plan: Plan, path: str | Path) -> Path:
    """Write :func:`mspdi_text` to ``path`` atomically."""
    return write_atomic(path, mspdi_text(scenario, plan))
