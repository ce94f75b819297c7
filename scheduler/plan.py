"""The solver-independent plan, and its JSON form (``scheduler-plan/1``, see scenario-format.md).

Months are ordinals held as :class:`~scheduler.units.Month` (an ``int`` that prints ``2030-03``)
and financial years start years, as in :mod:`scheduler.units`; money is integer pounds. A ``Plan``
is what every solver returns and what the check, the graph and the reports read: nothing in it
refers to a solver object.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scheduler.terms import TERMS, term_text
from scheduler.units import Month, fy_label, month_label, parse_fy, parse_month, window_text

PLAN_FORMAT = "scheduler-plan/1"
STATUSES = ("optimal", "feasible", "infeasible", "unknown")
MONTH_TERMS = frozenset({"completion"})


@dataclass(frozen=True)
class PhasePlan:
    id: str
    start: int
    end: int
    option: int | None
    uses: dict[str, int]
    cost: int
    actual: bool = False  # history (scenario actuals), not a decision
    # Total float: months the phase may overrun, everything else held, before its cluster's
    # legacy expiry / hard deadline breaks (negative: late already; None: no such date after it).
    float_expiry: int | None = None
    float_deadline: int | None = None

    def __post_init__(self) -> None:
        _months(self, "start", "end")

    @property
    def months(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class LegacyPlan:
    name: str
    expires: int
    retired: int
    late_months: int
    extension_cost: int
    late_incurred: int = 0  # of late_months, those before the status date
    extension_incurred: int = 0  # of extension_cost, that of the months before the status date

    @property
    def late_to_come(self) -> int:
        return self.late_months - self.late_incurred

    @property
    def extension_to_come(self) -> int:
        return self.extension_cost - self.extension_incurred

    def __post_init__(self) -> None:
        _months(self, "expires", "retired")


@dataclass(frozen=True)
class ClusterPlan:
    id: str
    entry: int
    entry_window: tuple[int, int]
    phases: tuple[PhasePlan, ...]
    legacy: tuple[LegacyPlan, ...] = ()
    spend: dict[int, int] = field(default_factory=dict)
    funding: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _months(self, "entry")
        low, high = self.entry_window
        object.__setattr__(self, "entry_window", (Month(low), Month(high)))

    @property
    def award(self) -> int:
        """Contract award: the last month of the first phase (the competition)."""
        return self.phases[0].end

    @property
    def go_live(self) -> int:
        """Go-live: the month the cluster's last legacy system is retired (the end of the phase
        that replaces it), or the end of its last phase when it has no legacy system."""
        if self.legacy:
            return max(system.retired for system in self.legacy)
        return self.finish

    @property
    def finish(self) -> int:
        """The last month of the cluster's last phase (what ``completion`` takes the latest of)."""
        return self.phases[-1].end

    def phase(self, phase_id: str) -> PhasePlan:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)


@dataclass(frozen=True)
class CapUse:
    name: str
    first_year: int
    last_year: int
    amount: int
    released: int


@dataclass(frozen=True)
class SolverInfo:
    name: str = "cp-sat"
    version: str = ""
    seconds: float | None = None
    workers: int = 1
    seed: int = 0
    deterministic: bool = False
    deterministic_time: float | None = None
    first_plan_seconds: float | None = None  # the solve had a plan to return this soon (wall)


@dataclass(frozen=True)
class Plan:
    """A plan for one scenario. ``objective`` holds each term's value; ``bounds`` the proven bound
    on it from the solver (equal to the value when the term is proven optimal)."""

    scenario: str
    status: str
    objective: dict[str, int]
    solver: SolverInfo
    clusters: tuple[ClusterPlan, ...] = ()
    caps: tuple[CapUse, ...] = ()
    bounds: dict[str, int] = field(default_factory=dict)
    explanation: tuple[str, ...] = ()
    fiscal_year_start: int = 4
    status_date: int | None = None  # the plan is made as at the start of this month

    def __post_init__(self) -> None:
        for values in (self.objective, self.bounds):
            for name in MONTH_TERMS.intersection(values):
                values[name] = Month(values[name])

    def __repr__(self) -> str:
        """One line: the status, each term in £ or ``YYYY-MM`` with its bound, the entries."""
        head = f"<Plan {self.scenario!r}: {self.status}"
        terms = [
            _term_text(name, value, self.bounds.get(name)) for name, value in self.objective.items()
        ]
        if terms:
            proven = all(self.bounds.get(name) == value for name, value in self.objective.items())
            head += "; " + ", ".join(terms) + (" (proven optimal)" if proven else "")
        if self.clusters:
            entries = [c.entry for c in self.clusters]
            span = window_text((min(entries), max(entries)))
            head += f"; {len(self.clusters)} clusters entering {span}"
        elif self.explanation:
            head += f"; {len(self.explanation)} lines of explanation (.explanation)"
        return head + ">"

    def _repr_html_(self) -> str:
        """The plan as tables in Jupyter: objective terms with bounds, then one row per cluster."""
        esc = html.escape
        rows = "".join(
            f"<tr><td>{esc(TERMS[name].label if name in TERMS else name)}</td>"
            f"<td>{esc(term_text(name, value))}</td>"
            f"<td>{esc(_bound_text(name, self.bounds.get(name)))}</td></tr>"
            for name, value in self.objective.items()
        )
        parts = [
            f"<p><b>{esc(self.scenario)}</b>: {esc(self.status)}</p>",
            "<table><thead><tr><th>term</th><th>value</th><th>proven bound</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>",
        ]
        if self.clusters:
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td>{esc(text)}</td>"
                    for text in (
                        c.id,
                        month_label(c.entry),
                        window_text(c.entry_window),
                        month_label(c.award),
                        month_label(c.go_live),
                        term_text("funding", sum(c.funding.values())),
                    )
                )
                + "</tr>"
                for c in self.clusters
            )
            head = "".join(
                f"<th>{name}</th>"
                for name in ("cluster", "entry", "entry window", "award", "go-live", "funding")
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if self.explanation:
            lines = "<br>".join(esc(line) for line in self.explanation)
            parts.append(f"<p>{lines}</p>")
        return "".join(parts)

    @property
    def has_schedule(self) -> bool:
        return self.status in ("optimal", "feasible")

    def cluster(self, cluster_id: str) -> ClusterPlan:
        for cluster in self.clusters:
            if cluster.id == cluster_id:
                return cluster
        raise KeyError(cluster_id)

    def supplier_use(self) -> dict[str, dict[int, int]]:
        """Units of each supplier in use in each month."""
        use: dict[str, dict[int, int]] = {}
        for cluster_plan in self.clusters:
            for phase in cluster_plan.phases:
                for supplier, units in phase.uses.items():
                    months = use.setdefault(supplier, {})
                    for month in range(phase.start, phase.end + 1):
                        months[month] = months.get(month, 0) + units
        return use

    def with_windows(self, windows: dict[str, tuple[int, int]]) -> Plan:
        clusters = tuple(replace(c, entry_window=windows[c.id]) for c in self.clusters)
        return replace(self, clusters=clusters)

    def with_floats(self, floats: dict[tuple[str, str], tuple[int | None, int | None]]) -> Plan:
        """The plan with each phase's float ``(to expiry, to hard deadline)`` by (cluster, phase)."""
        clusters = tuple(
            replace(
                c,
                phases=tuple(
                    replace(
                        p,
                        float_expiry=floats.get((c.id, p.id), (None, None))[0],
                        float_deadline=floats.get((c.id, p.id), (None, None))[1],
                    )
                    for p in c.phases
                ),
            )
            for c in self.clusters
        )
        return replace(self, clusters=clusters)

    # -- JSON -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        fy = self.fiscal_year_start

        def term(name: str, value: int) -> Any:
            return month_label(value) if name in MONTH_TERMS else value

        def years(amounts: dict[int, int]) -> dict[str, int]:
            return {
                fy_label(year, fy): amount for year, amount in sorted(amounts.items()) if amount
            }

        data: dict[str, Any] = {
            "format": PLAN_FORMAT,
            "scenario": self.scenario,
            "status": self.status,
            "objective": {name: term(name, value) for name, value in self.objective.items()},
            "bounds": {name: term(name, value) for name, value in self.bounds.items()},
            "solver": {
                "name": self.solver.name,
                "version": self.solver.version,
                "seconds": self.solver.seconds,
                "workers": self.solver.workers,
                "seed": self.solver.seed,
                "deterministic": self.solver.deterministic,
                "deterministic_time": self.solver.deterministic_time,
                **(
                    {"first_plan_seconds": self.solver.first_plan_seconds}
                    if self.solver.first_plan_seconds is not None
                    else {}
                ),
            },
            "fiscal_year_start": fy,
            **(
                {"status_date": month_label(self.status_date)}
                if self.status_date is not None
                else {}
            ),
            "clusters": [
                {
                    "id": c.id,
                    "entry": month_label(c.entry),
                    "entry_window": [
                        month_label(c.entry_window[0]),
                        month_label(c.entry_window[1]),
                    ],
                    "award": month_label(c.award),
                    "go_live": month_label(c.go_live),
                    "finish": month_label(c.finish),
                    "phases": [
                        {
                            "id": p.id,
                            "start": month_label(p.start),
                            "end": month_label(p.end),
                            "option": p.option,
                            "uses": dict(sorted(p.uses.items())),
                            "cost": p.cost,
                            **({"actual": p.actual} if self.status_date is not None else {}),
                            "float": {"expiry": p.float_expiry, "hard_deadline": p.float_deadline},
                        }
                        for p in c.phases
                    ],
                    "legacy": [
                        {
                            "name": legacy.name,
                            "expires": month_label(legacy.expires),
                            "retired": month_label(legacy.retired),
                            "late_months": legacy.late_months,
                            "extension_cost": legacy.extension_cost,
                            **(_split(legacy) if self.status_date is not None else {}),
                        }
                        for legacy in c.legacy
                    ],
                    "spend": years(c.spend),
                    "funding": years(c.funding),
                }
                for c in self.clusters
            ],
            "caps": [
                {
                    "name": cap.name,
                    "from": fy_label(cap.first_year, fy),
                    "to": fy_label(cap.last_year, fy),
                    "amount": cap.amount,
                    "released": cap.released,
                }
                for cap in self.caps
            ],
            "explanation": list(self.explanation),
        }
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Read a plan written by :meth:`to_dict`. Raises ``KeyError``/``ValueError`` on bad data."""
        if data.get("format") != PLAN_FORMAT:
            raise ValueError(f"not a {PLAN_FORMAT} plan (format is {data.get('format')!r})")
        fy = int(data.get("fiscal_year_start", 4))

        def term(name: str, value: Any) -> int:
            return parse_month(value) if name in MONTH_TERMS else int(value)

        def years(amounts: dict[str, Any]) -> dict[int, int]:
            return {parse_fy(label, fy): int(amount) for label, amount in amounts.items()}

        solver = data.get("solver", {})
        clusters = tuple(
            ClusterPlan(
                id=c["id"],
                entry=parse_month(c["entry"]),
                entry_window=(parse_month(c["entry_window"][0]), parse_month(c["entry_window"][1])),
                phases=tuple(
                    PhasePlan(
                        id=p["id"],
                        start=parse_month(p["start"]),
                        end=parse_month(p["end"]),
                        option=p.get("option"),
                        uses={k: int(v) for k, v in (p.get("uses") or {}).items()},
                        cost=int(p.get("cost", 0)),
                        actual=bool(p.get("actual", False)),
                        float_expiry=_optional_int((p.get("float") or {}).get("expiry")),
                        float_deadline=_optional_int((p.get("float") or {}).get("hard_deadline")),
                    )
                    for p in c["phases"]
                ),
                legacy=tuple(
                    LegacyPlan(
                        name=item["name"],
                        expires=parse_month(item["expires"]),
                        retired=parse_month(item["retired"]),
                        late_months=int(item["late_months"]),
                        extension_cost=int(item["extension_cost"]),
                        late_incurred=int(item.get("late_months_incurred", 0)),
                        extension_incurred=int(item.get("extension_cost_incurred", 0)),
                    )
                    for item in c.get("legacy", [])
                ),
                spend=years(c.get("spend", {})),
                funding=years(c.get("funding", {})),
            )
            for c in data.get("clusters", [])
        )
        caps = tuple(
            CapUse(
                name=cap["name"],
                first_year=parse_fy(cap["from"], fy),
                last_year=parse_fy(cap["to"], fy),
                amount=int(cap["amount"]),
                released=int(cap["released"]),
            )
            for cap in data.get("caps", [])
        )
        return cls(
            scenario=data["scenario"],
            status=data["status"],
            objective={k: term(k, v) for k, v in data.get("objective", {}).items()},
            bounds={k: term(k, v) for k, v in data.get("bounds", {}).items()},
            solver=SolverInfo(
                name=solver.get("name", ""),
                version=solver.get("version", ""),
                seconds=solver.get("seconds"),
                workers=int(solver.get("workers", 1)),
                seed=int(solver.get("seed", 0)),
                deterministic=bool(solver.get("deterministic", False)),
                deterministic_time=solver.get("deterministic_time"),
                first_plan_seconds=solver.get("first_plan_seconds"),
            ),
            clusters=clusters,
            caps=caps,
            explanation=tuple(data.get("explanation", [])),
            fiscal_year_start=fy,
            status_date=parse_month(data["status_date"]) if data.get("status_date") else None,
        )

    @classmethod
    def read(cls, path: str | Path) -> Plan:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _split(legacy: LegacyPlan) -> dict[str, int]:
    """Late months and extension cost incurred (before the status date) and still to come."""
    return {
        "late_months_incurred": legacy.late_incurred,
        "late_months_to_come": legacy.late_to_come,
        "extension_cost_incurred": legacy.extension_incurred,
        "extension_cost_to_come": legacy.extension_to_come,
    }


def _months(item: object, *names: str) -> None:
    """Hold the named month fields of a frozen plan item as :class:`Month` (prints ``YYYY-MM``)."""
    for name in names:
        object.__setattr__(item, name, Month(getattr(item, name)))


def _bound_text(name: str, bound: int | None) -> str:
    return "" if bound is None else term_text(name, bound)


def _term_text(name: str, value: int, bound: int | None) -> str:
    """``extension cost £72.6m``; with its proven bound when the value is not proven optimal."""
    label = TERMS[name].label if name in TERMS else name
    text = f"{label} {term_text(name, value)}"
    if bound is not None and bound != value:
        text += f" (bound {term_text(name, bound)})"
    return text


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
