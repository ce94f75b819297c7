"""The risk of a plan, for people: terminal text, JSON and CSV, and :func:`write_risk` writing
them with the chart (:mod:`scheduler.report.risk_chart`).

Months are ``YYYY-MM``; probabilities are percentages of the runs, with the 95% sampling error
(``1.96 * sqrt(p (1 - p) / runs)``) on the headline; money in the text is short (``£4.2m``) and
exact pounds in JSON and CSV.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from scheduler.analysis.risk.simulate import RiskResult
from scheduler.report.atomic import write_atomic
from scheduler.report.risk_chart import risk_figure
from scheduler.report.table import format_table
from scheduler.scenario.data import Scenario
from scheduler.units import fy_label, money_label, month_label

__all__ = [
    "RISK_FORMAT",
    "render_risk",
    "risk_to_dict",
    "write_risk",
    "write_risk_csv",
    "write_runs_csv",
]

RISK_FORMAT = "scheduler-risk/1"
INDENT = 2
WIDTH = 100


def _pct(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.1f}%"


def _short(name: str, width: int = 32) -> str:
    return name if len(name) <= width else name[: width - 3].rstrip() + "..."


def _months(values: tuple[int, ...]) -> list[str]:
    return [month_label(v) for v in values]


def headline(result: RiskResult, scenario: Scenario) -> str:
    """One sentence naming the cluster most at risk and its probability."""
    item = result.most_at_risk
    if item is None:
        return "No legacy system has an expiry or hard deadline to put at risk."
    cluster = scenario.cluster(item.cluster).label
    if item.p_deadline is not None:
        p, what = item.p_deadline, f"its hard deadline {month_label(item.hard_deadline or 0)}"
    else:
        p, what = item.p_expiry, f"its expiry {month_label(item.expires)}"
    error = 1.96 * result.standard_error(p) * 100
    return (
        f"Most at risk: {cluster} ({item.name}) meets {what} in {_pct(p)} of runs "
        f"(+-{error:.1f} points at 95%); retirement planned {month_label(item.planned)}, "
        f"P80 {month_label(item.retired[1])}."
    )


def _status_lines(result: RiskResult) -> list[str]:
    """What a status date holds fixed, in one wrapped paragraph (nothing without one)."""
    if result.status_date is None:
        return []
    finished, running = result.history
    text = (
        f"As at {month_label(result.status_date)}: history is the same in every run "
        f"({finished} finished phase(s) at their actuals; {running} running phase(s) from their "
        "actual start, only their months to go sampled); nothing new starts before "
        f"{month_label(result.status_date)}; spend, releases, late months and extension cost "
        "before it are facts."
    )
    return textwrap.wrap(text, WIDTH)


def render_risk(scenario: Scenario, result: RiskResult, source: str = "") -> str:
    fy = scenario.horizon.fiscal_year_start
    lines = [
        f"Risk of the plan for {result.scenario}" + (f" ({source})" if source else ""),
        f"{result.runs:,} runs, seed {result.seed}, cost {result.cost.replace('_', '-')}",
        *_status_lines(result),
        "",
        textwrap.fill(headline(result, scenario), WIDTH, subsequent_indent=" " * INDENT),
        "",
        "Legacy systems: how likely each date holds, and retirement at P50/P80/P90",
    ]
    rows = [
        [
            item.cluster,
            _short(item.name),
            month_label(item.expires),
            _pct(item.p_expiry),
            month_label(item.hard_deadline) if item.hard_deadline is not None else "-",
            _pct(item.p_deadline),
            month_label(item.planned),
            *_months(item.retired),
        ]
        for item in result.legacy
    ]
    headers = ["cluster", "legacy", "expires", "P(holds)", "hard deadline", "P(holds)"]
    headers += ["planned", "P50", "P80", "P90"]
    lines.append(format_table(headers, rows, "lllrlrllll", INDENT))
    status = result.status_date is not None
    lines += [
        "",
        "Extension cost of each legacy system"
        + (" (incurred before the status date: the same in every run)" if status else ""),
    ]
    rows = [
        [
            item.cluster,
            _short(item.name),
            *([money_label(item.extension_incurred)] if status else []),
            money_label(item.planned_extension_cost),
            *(money_label(v) for v in item.extension_cost),
        ]
        for item in result.legacy
    ]
    headers = ["cluster", "legacy", *(["incurred"] if status else []), "planned"]
    headers += ["P50", "P80", "P90"]
    lines.append(format_table(headers, rows, "llrrrrr" if status else "llrrrr", INDENT))
    lines += ["", "Go-live per cluster"]
    rows = [[c.cluster, month_label(c.planned), *_months(c.go_live)] for c in result.clusters]
    lines.append(format_table(["cluster", "planned", "P50", "P80", "P90"], rows, "", INDENT))
    lines.append(
        f"\nCompletion: planned {month_label(result.completion_planned)}; "
        f"P50 {month_label(result.completion[0])}, P80 {month_label(result.completion[1])}, "
        f"P90 {month_label(result.completion[2])}"
    )
    if result.caps:
        lines += ["", "Caps: the probability that the releases a run needs exceed the cap"]
        if status:
            note = (
                "(history: released in years ended before the status date, counted in every "
                "run; only releases to come can exceed a cap)"
            )
            lines += textwrap.wrap(
                note, WIDTH, initial_indent=" " * INDENT, subsequent_indent=" " * INDENT
            )
        rows = [
            [
                cap.name,
                money_label(cap.amount),
                *([money_label(cap.history)] if status else []),
                money_label(cap.planned),
                _pct(cap.p_exceeded),
                money_label(cap.released_p80),
            ]
            for cap in result.caps
        ]
        headers = ["cap", "amount", *(["history"] if status else []), "planned release"]
        headers += ["P(exceeded)", "needed at P80"]
        lines.append(format_table(headers, rows, "lrrrrr" if status else "lrrrr", INDENT))
    if result.spend:
        lines += ["", "Spend per financial year (all clusters)"]
        rows = [[fy_label(y, fy), money_label(p), money_label(q)] for y, p, q in result.spend]
        lines.append(format_table(["year", "planned", "P80"], rows, "lrr", INDENT))
    critical = sorted(
        (item for item in result.criticality if item[1] > 0), key=lambda item: -item[1]
    )
    lines += [
        "",
        "Criticality index: share of runs in which a phase's months set completion or a breached "
        "hard deadline",
    ]
    if critical:
        rows = [[label, _pct(index)] for label, index in critical]
        lines.append(format_table(["phase", "index"], rows, "lr", INDENT))
    else:
        lines.append(f"{' ' * INDENT}no phase's months set either (every duration certain)")
    lines += [
        "",
        "Top drivers of each date at risk (tornado: correlation of a phase's sampled months with "
        "the retirement month)",
    ]
    any_drivers = False
    for item in result.legacy:
        if not item.drivers:
            continue
        any_drivers = True
        breach = f"expiry missed in {_pct(1 - item.p_expiry)}"
        if item.p_deadline is not None:
            breach += f", hard deadline missed in {_pct(1 - item.p_deadline)}"
        lines.append(f"{' ' * INDENT}{item.cluster}: {item.name} ({breach} of runs)")
        rows = [[label, f"{r:+.2f}", "#" * round(20 * abs(r))] for label, r in item.drivers]
        lines.append(format_table([], rows, "lrl", 2 * INDENT))
    if not any_drivers:
        lines.append(f"{' ' * INDENT}no date is missed in any run")
    if result.events:
        lines += ["", "Events"]
        rows = [[name, f"happened in {_pct(share)} of runs"] for name, share in result.events]
        lines.append(format_table([], rows, "ll", INDENT))
    return "\n".join(lines) + "\n"


def risk_to_dict(result: RiskResult, scenario: Scenario) -> dict[str, Any]:
    fy = scenario.horizon.fiscal_year_start

    def triple(values: tuple[int, int, int], money: bool = False) -> dict[str, Any]:
        shown = values if money else _months(values)
        return dict(zip(("P50", "P80", "P90"), shown, strict=True))

    most = result.most_at_risk
    return {
        "format": RISK_FORMAT,
        "scenario": result.scenario,
        "runs": result.runs,
        "seed": result.seed,
        "cost": result.cost,
        **(
            {
                "status_date": month_label(result.status_date),
                "history": {"finished": result.history[0], "running": result.history[1]},
            }
            if result.status_date is not None
            else {}
        ),
        "most_at_risk": None if most is None else most.at_risk(),
        "legacy": [
            {
                "cluster": item.cluster,
                "name": item.name,
                "expires": month_label(item.expires),
                "p_expiry_holds": item.p_expiry,
                "hard_deadline": None
                if item.hard_deadline is None
                else month_label(item.hard_deadline),
                "p_hard_deadline_holds": item.p_deadline,
                "planned_retirement": month_label(item.planned),
                "retirement": triple(item.retired),
                "planned_extension_cost": item.planned_extension_cost,
                "extension_cost": triple(item.extension_cost, money=True),
                "drivers": [{"phase": label, "correlation": r} for label, r in item.drivers],
                **(
                    {
                        "late_months_incurred": item.late_incurred,
                        "extension_cost_incurred": item.extension_incurred,
                    }
                    if result.status_date is not None
                    else {}
                ),
            }
            for item in result.legacy
        ],
        "clusters": [
            {
                "id": c.cluster,
                "planned_go_live": month_label(c.planned),
                "go_live": triple(c.go_live),
            }
            for c in result.clusters
        ],
        "completion": {
            "planned": month_label(result.completion_planned),
            **triple(result.completion),
        },
        "caps": [
            {
                "name": cap.name,
                "amount": cap.amount,
                "planned_released": cap.planned,
                "p_exceeded": cap.p_exceeded,
                "needed_P80": cap.released_p80,
                **({"history_released": cap.history} if result.status_date is not None else {}),
            }
            for cap in result.caps
        ],
        "spend": [
            {"year": fy_label(year, fy), "planned": planned, "P80": p80}
            for year, planned, p80 in result.spend
        ],
        "criticality": [{"phase": label, "index": index} for label, index in result.criticality],
        "events": [{"name": name, "happened": share} for name, share in result.events],
    }


def _csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def risk_csv_rows(result: RiskResult, scenario: Scenario) -> list[dict[str, Any]]:
    """The summary as long-form rows: ``section, subject, measure, value``."""
    fy = scenario.horizon.fiscal_year_start
    rows: list[dict[str, Any]] = []

    def add(section: str, subject: str, measure: str, value: Any) -> None:
        rows.append({"section": section, "subject": subject, "measure": measure, "value": value})

    for item in result.legacy:
        subject = f"{item.cluster}: {item.name}"
        add("legacy", subject, "p_expiry_holds", item.p_expiry)
        if item.p_deadline is not None:
            add("legacy", subject, "p_hard_deadline_holds", item.p_deadline)
        for q, month, cost in zip(
            ("P50", "P80", "P90"), item.retired, item.extension_cost, strict=True
        ):
            add("legacy", subject, f"retirement_{q}", month_label(month))
            add("legacy", subject, f"extension_cost_{q}", cost)
    for c in result.clusters:
        for q, month in zip(("P50", "P80", "P90"), c.go_live, strict=True):
            add("go_live", c.cluster, q, month_label(month))
    for q, month in zip(("P50", "P80", "P90"), result.completion, strict=True):
        add("completion", "", q, month_label(month))
    for cap in result.caps:
        add("cap", cap.name, "p_exceeded", cap.p_exceeded)
        add("cap", cap.name, "needed_P80", cap.released_p80)
    for year, _, p80 in result.spend:
        add("spend", fy_label(year, fy), "P80", p80)
    for label, index in result.criticality:
        add("criticality", label, "index", index)
    for item in result.legacy:
        for label, r in item.drivers:
            add("driver", f"{item.cluster}: {item.name}", label, r)
    return rows


def write_risk_csv(result: RiskResult, scenario: Scenario, path: str | Path) -> Path:
    rows = risk_csv_rows(result, scenario)
    return write_atomic(path, _csv_text(rows, ["section", "subject", "measure", "value"]))


def write_runs_csv(result: RiskResult, path: str | Path) -> Path:
    """One row per run: completion, each go-live and retirement (``YYYY-MM``), and each sampled
    duration that varies (months); a phase running at the status date also gets its months to go
    (the sampled whole less the months it ran before the status date)."""
    detail = result.detail
    if detail is None:
        raise ValueError("the result holds no per-run detail")
    out = detail.outcomes
    columns = ["run", "completion"]
    series: list[tuple[str, np.ndarray, bool]] = [("completion", out.completion, True)]
    for cid, values in out.go_live.items():
        series.append((f"go_live {cid}", values, True))
    for (cid, name), values in out.retired.items():
        series.append((f"retired {cid}: {name}", values, True))
    for j in detail.draws.uncertain:
        job = detail.jobs[j]
        series.append((f"months {job.label}", detail.draws.months[j], False))
        if job.running:  # history before the status date, sampled only from it on
            series.append(
                (f"months to go {job.label}", detail.draws.months[j] - job.elapsed, False)
            )
    columns = ["run"] + [name for name, _, _ in series]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    labels = [
        [month_label(int(v)) for v in values] if is_month else [int(v) for v in values]
        for _, values, is_month in series
    ]
    for run in range(result.runs):
        writer.writerow([run + 1, *(column[run] for column in labels)])
    return write_atomic(path, buffer.getvalue())


def write_risk(result: RiskResult, scenario: Scenario, directory: str | Path) -> list[Path]:
    """``risk.txt``, ``risk.json``, ``risk.csv``, ``runs.csv`` and ``risk.png`` in ``directory``."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        write_atomic(folder / "risk.txt", render_risk(scenario, result)),
        write_risk_json(result, scenario, folder / "risk.json"),
        write_risk_csv(result, scenario, folder / "risk.csv"),
        write_runs_csv(result, folder / "runs.csv"),
    ]
    buffer = io.BytesIO()
    risk_figure(result, scenario).savefig(buffer, format="png", dpi=110)
    written.append(write_atomic(folder / "risk.png", buffer.getvalue()))
    return written


def write_risk_json(result: RiskResult, scenario: Scenario, path: str | Path) -> Path:
    text = json.dumps(risk_to_dict(result, scenario), indent=2, ensure_ascii=False) + "\n"
    return write_atomic(path, text)
