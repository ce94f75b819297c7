"""Status date and actuals (scenario-format 1.1): what had happened by the status date, read into
each phase's :class:`~scheduler.scenario.data.Actual`.

A phase with ``actual_end`` finished; one with ``actual_start`` and ``remaining_months`` is running
and ends ``status_date + remaining_months - 1``. A phase with actuals keeps one mode: the option
taken (``option``: index, ``name`` or ``label``), lasting its actual months, costing
``actual_cost`` when given (else the option's cost, spread over the actual months). Every
inconsistency is a problem at its key; history that broke a rule of the cluster itself (a wait
longer than ``max_wait``, an entry outside the entry bounds) is a warning.
"""

from __future__ import annotations

from dataclasses import replace

from scheduler.scenario.data import Actual, Cluster, Horizon, Mode, Phase
from scheduler.scenario.fields import Fields, Reader, did_you_mean
from scheduler.scenario.phases import ACTUAL_KEYS
from scheduler.units import month_label

__all__ = ["check_entry_history", "read_actuals"]


def read_actuals(
    reader: Reader,
    phases: tuple[Phase, ...],
    overrides: dict[str, Fields],
    status: int | None,
    horizon: Horizon | None,
) -> tuple[Phase, ...]:
    """The phases with their actuals read and checked against each other and the status date."""
    result: list[Phase] = []
    previous: Phase | None = None
    broken = False  # the previous phase's actuals had problems (reported there)
    for phase in phases:
        fields = overrides.get(phase.id)
        actual = None
        given = fields is not None and any(fields.has(key) for key in ACTUAL_KEYS)
        if given:  # after a phase whose actuals are broken, its order is not checked
            before = None if broken else previous
            actual = _phase_actual(reader, phase, fields, status, horizon, before)
        broken = given and actual is None
        if actual is not None:
            mode = replace(
                actual.planned,
                months=actual.months,
                cost=fields.money("actual_cost", actual.planned.cost) or 0,
            )
            phase = replace(phase, modes=(mode,), actual=actual)
        result.append(phase)
        previous = phase
    return tuple(result)


def _phase_actual(
    reader: Reader,
    phase: Phase,
    fields: Fields,
    status: int | None,
    horizon: Horizon | None,
    previous: Phase | None,
) -> Actual | None:
    before = len(reader.problems)
    given = [key for key in ACTUAL_KEYS if fields.has(key)]
    if status is None:
        fields.error(
            given[0],
            "actuals need a status_date at the top level (the month the plan is made as at)",
        )
        return None
    when = month_label(status)
    start = fields.month("actual_start")
    end = fields.month("actual_end")
    remaining = fields.integer("remaining_months", None, minimum=1)
    if not fields.has("actual_start"):
        fields.error(given[0], f"phase '{phase.id}' has actuals but no actual_start")
        return None
    if start is None:
        return None
    if start >= status:
        fields.error(
            "actual_start",
            f"{month_label(start)} is on or after the status date {when}: actuals are history, "
            "before it (a phase that starts later is a decision: give no actuals)",
        )
    if end is not None and fields.has("remaining_months"):
        fields.error(
            "remaining_months",
            "a finished phase (actual_end) has no remaining_months; give one or the other",
        )
    elif end is None and not fields.has("actual_end") and not fields.has("remaining_months"):
        fields.error(
            "actual_start",
            f"phase '{phase.id}' started {month_label(start)} but gives neither actual_end "
            "(finished) nor remaining_months (running, at least 1)",
        )
    if end is not None:
        if end < start:
            fields.error(
                "actual_end", f"{month_label(end)} is before actual_start {month_label(start)}"
            )
        elif end >= status:
            fields.error(
                "actual_end",
                f"{month_label(end)} is on or after the status date {when}: a phase still "
                "running at the status date gives remaining_months instead",
            )
    running = end is None
    last = end if end is not None else status + (remaining or 1) - 1
    if horizon is not None:
        if start < horizon.start:
            fields.error(
                "actual_start",
                f"{month_label(start)} is before the horizon starts {month_label(horizon.start)}"
                " (history must lie inside the horizon)",
            )
        if last > horizon.end:
            fields.error(
                "remaining_months" if running else "actual_end",
                f"the phase would end {month_label(last)}, after the horizon ends "
                f"{month_label(horizon.end)}",
            )
    planned = _option_taken(reader, phase, fields)
    _follows(reader, phase, fields, start, previous)
    if len(reader.problems) != before or planned is None:
        return None
    return Actual(start, last, running, planned, phase.modes)


def _option_taken(reader: Reader, phase: Phase, fields: Fields) -> Mode | None:
    """The planned mode of the option taken: by 0-based index, ``name`` or ``label``."""
    if not phase.has_options:
        if fields.has("option"):
            fields.error("option", f"phase '{phase.id}' has no options")
            return None
        return phase.modes[0]
    entry = fields.get("option")
    labels = [mode.label for mode in phase.modes]
    if entry is None:
        fields.error(
            "option",
            f"phase '{phase.id}' has options ({', '.join(labels)}): name the one taken",
        )
        return None
    value = entry[0].value
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < len(phase.modes):
            return phase.modes[value]
        fields.error("option", f"no option {value} (options 0..{len(phase.modes) - 1})")
        return None
    text = str(value)
    for mode in phase.modes:
        if text == mode.label:
            return mode
    hint = did_you_mean(text, labels)
    fields.error("option", f"unknown option {text!r} (options: {', '.join(labels)}){hint}")
    return None


def _follows(
    reader: Reader, phase: Phase, fields: Fields, start: int, previous: Phase | None
) -> None:
    """A phase with actuals follows a finished phase (or is the first), and starts after it."""
    if previous is None:
        return
    done = previous.actual
    if done is None or done.running:
        state = "has no actuals" if done is None else "is still running"
        fields.error(
            "actual_start",
            f"phase '{phase.id}' has actuals but follows '{previous.id}', which {state}",
        )
        return
    if start <= done.end:
        fields.error(
            "actual_start",
            f"{month_label(start)} is not after '{previous.id}' ended {month_label(done.end)}",
        )
    elif start - done.end - 1 > phase.max_wait:
        reader.warn(
            fields.get("actual_start")[0],
            fields.key_path("actual_start"),
            f"history broke a rule: '{phase.id}' started {start - done.end - 1} months after "
            f"'{previous.id}' ended (max_wait {phase.max_wait})",
        )


def check_entry_history(reader: Reader, fields: Fields, cluster: Cluster) -> None:
    """An actual market entry against the cluster's entry bounds: a different fixed entry is a
    contradiction (an error), an entry outside earliest/latest is history (a warning)."""
    actual = cluster.phases[0].actual if cluster.phases else None
    if actual is None:
        return
    entry = actual.start
    if cluster.fixed_entry is not None and cluster.fixed_entry != entry:
        fields.error(
            "fixed_entry",
            f"{month_label(cluster.fixed_entry)} is not the actual market entry "
            f"{month_label(entry)} ({cluster.phases[0].id}.actual_start)",
        )
    for key, bound, broken in (
        ("earliest_entry", cluster.earliest_entry, lambda b: entry < b),
        ("latest_entry", cluster.latest_entry, lambda b: entry > b),
    ):
        if bound is not None and broken(bound):
            node, path = fields.get(key)
            reader.warn(
                node,
                path,
                f"history broke a rule: the actual market entry {month_label(entry)} is outside "
                f"{key} {month_label(bound)}",
            )
