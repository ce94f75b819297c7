"""Indicators per financial year: how the programme stands at the end of each year of the horizon.

Everything comes from the plan and the scenario (clusters' ``departments``, ``users``,
``benefits`` and legacy systems), never from typed-in figures. With ``E`` the last month of
financial year ``y`` and, for a cluster, ``entry``, ``award`` (end of its first phase),
``go_live`` (its last legacy retirement, else its finish) and ``finish`` (end of its last phase),
its **stage** at the end of ``y`` is (:func:`stage_at`; events happen at the end of their month,
a market entry at the start of its month)::

    pre-market      E < entry
    in competition  entry <= E < award
    implementing    award <= E < go_live
    transitioning   go_live <= E < finish
    live            finish <= E

A cluster is **on the new systems** once it has gone live (``go_live <= E``: transitioning or
live). A department is on them when every cluster naming it is; users are the sum of those
clusters' ``users``. A legacy system is **retired** by the end of ``y`` when ``retired <= E``,
**due** when ``expires <= E``, **in service** otherwise. Benefits are earned per month after a
cluster's finish, inside the horizon (as ``net_cost`` counts them). A figure the scenario does not
give (a cluster without ``users`` or ``departments``, no benefits at all) is ``None`` with the
reason in :attr:`Indicators.not_given`, never 0.

Two more measures of convergence: the **platforms in use** at the end of ``y`` are the distinct
``platform`` values of the clusters gone live (those without one are counted, not guessed; when no
cluster names a platform the list is ``None``, not given), and **legacy instances** weigh each
legacy system by its ``instances`` (default 1): retired in the year, retired to date and still in
service, as for the systems themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scheduler.plan import ClusterPlan, Plan
from scheduler.scenario.data import Scenario
from scheduler.units import month_label

__all__ = [
    "STAGES",
    "CapYear",
    "Indicators",
    "Share",
    "YearIndicators",
    "YearMilestone",
    "indicators",
    "stage_at",
]

STAGES = ("pre_market", "in_competition", "implementing", "transitioning", "live")
STAGE_LABELS = {
    "pre_market": "pre-market",
    "in_competition": "in competition",
    "implementing": "implementing",
    "transitioning": "transitioning",
    "live": "live",
}
MILESTONES = ("market entry", "award", "go-live", "legacy retired")


def stage_at(cluster: ClusterPlan, month: int) -> str:
    """The cluster's stage at the end of ``month`` (one of :data:`STAGES`; see the module)."""
    if month < cluster.entry:
        return "pre_market"
    if month < cluster.award:
        return "in_competition"
    if month < cluster.go_live:
        return "implementing"
    if month < cluster.finish:
        return "transitioning"
    return "live"


@dataclass(frozen=True)
class Share:
    """``value`` of ``total`` (either ``None`` when the scenario does not give it)."""

    value: int | None
    total: int | None

    @property
    def share(self) -> float | None:
        """``value / total`` to four decimals; ``None`` when either is unknown or total is 0."""
        if self.value is None or not self.total:
            return None
        return round(self.value / self.total, 4)

    def text(self) -> str:
        """``1 of 10 (10%)``; ``not given`` when the value is unknown."""
        if self.value is None:
            return "not given"
        if self.total is None:
            return f"{self.value:,} of ?"
        share = self.share
        percent = "" if share is None else f" ({share:.0%})"
        return f"{self.value:,} of {self.total:,}{percent}"


@dataclass(frozen=True)
class CapYear:
    """A cap covering the year: releases in its years up to and including this one."""

    name: str
    amount: int
    released: int

    @property
    def headroom(self) -> int:
        return self.amount - self.released


@dataclass(frozen=True)
class YearMilestone:
    cluster: str
    milestone: str  # one of MILESTONES
    month: int
    legacy: str = ""  # the legacy system, for "legacy retired"
    actual: bool = False  # before the status date: history

    def text(self) -> str:
        what = f"{self.milestone} ({self.legacy})" if self.legacy else self.milestone
        return f"{self.cluster} {what} {month_label(self.month)}"


@dataclass(frozen=True)
class YearIndicators:
    year: int
    label: str  # 2025-26
    end: int  # the year's last month
    history: bool  # the year ended before the status date
    stages: dict[str, tuple[str, ...]]  # stage -> cluster ids, every stage of STAGES
    departments: Share  # on the new systems
    users: Share
    legacy_retired_in_year: int
    legacy_due_in_year: int
    legacy_retired: int  # by the year's end
    legacy_due: int  # expiry by the year's end
    legacy_in_service: int
    legacy_due_not_retired: int
    spend: int
    released: int
    caps: tuple[CapYear, ...]
    benefits: int | None
    benefits_to_date: int | None
    milestones: tuple[YearMilestone, ...]
    platforms: tuple[str, ...] | None = (
        None  # distinct, of the clusters gone live (None: not given)
    )
    live_without_platform: int = 0  # clusters gone live that name no platform
    instances_retired_in_year: int = 0
    instances_retired: int = 0  # by the year's end
    instances_in_service: int = 0

    @property
    def on_new_systems(self) -> tuple[str, ...]:
        return self.stages["transitioning"] + self.stages["live"]

    def platforms_text(self) -> str:
        """``2: Oracle Cloud, Workday``; ``0: none yet``; ``not given`` when no cluster names a
        platform."""
        if self.platforms is None:
            return "not given"
        return f"{len(self.platforms)}: {', '.join(self.platforms) or 'none yet'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.label,
            "end": month_label(self.end),
            "history": self.history,
            "stages": {stage: list(self.stages[stage]) for stage in STAGES},
            "on_new_systems": {
                "clusters": list(self.on_new_systems),
                "departments": self.departments.value,
                "departments_share": self.departments.share,
                "users": self.users.value,
                "users_share": self.users.share,
            },
            "legacy": {
                "retired_in_year": self.legacy_retired_in_year,
                "due_in_year": self.legacy_due_in_year,
                "retired": self.legacy_retired,
                "due": self.legacy_due,
                "in_service": self.legacy_in_service,
                "due_not_retired": self.legacy_due_not_retired,
                "instances_retired_in_year": self.instances_retired_in_year,
                "instances_retired": self.instances_retired,
                "instances_in_service": self.instances_in_service,
            },
            "platforms": {
                "in_use": None if self.platforms is None else list(self.platforms),
                "count": None if self.platforms is None else len(self.platforms),
                "live_without_platform": self.live_without_platform,
            },
            "spend": self.spend,
            "released": self.released,
            "caps": [
                {
                    "name": cap.name,
                    "amount": cap.amount,
                    "released_to_date": cap.released,
                    "headroom": cap.headroom,
                }
                for cap in self.caps
            ],
            "benefits": self.benefits,
            "benefits_to_date": self.benefits_to_date,
            "milestones": [
                {
                    "month": month_label(item.month),
                    "cluster": item.cluster,
                    "milestone": item.milestone,
                    **({"legacy": item.legacy} if item.legacy else {}),
                    "actual": item.actual,
                }
                for item in self.milestones
            ],
        }


@dataclass(frozen=True)
class Indicators:
    """The indicators of every financial year of the horizon, and the scenario's totals."""

    years: tuple[YearIndicators, ...]
    clusters: int
    departments: int | None  # distinct departments named by the clusters (None: not given)
    users: int | None
    legacy: int
    not_given: dict[str, str]  # indicator -> why the scenario does not give it
    legacy_instances: int = 0  # the legacy systems weighed by their instances
    platforms: tuple[str, ...] | None = None  # every platform the clusters name (None: none)

    def to_dict(self) -> dict[str, Any]:
        """The plan JSON's ``indicators`` object."""
        return {
            "totals": {
                "clusters": self.clusters,
                "departments": self.departments,
                "users": self.users,
                "legacy": self.legacy,
                "legacy_instances": self.legacy_instances,
                "platforms": None if self.platforms is None else list(self.platforms),
            },
            "not_given": dict(self.not_given),
            "years": [year.to_dict() for year in self.years],
        }


def _missing(ids: list[str], what: str) -> str:
    """``not given for defence, unity (no users in the scenario)``."""
    return f"not given for {', '.join(ids)} (no {what} in the scenario)"


def indicators(scenario: Scenario, plan: Plan) -> Indicators | None:
    """The indicators of ``plan`` per financial year of the horizon (``None`` without a schedule)."""
    if not plan.has_schedule:
        return None
    no_users = [c.id for c in scenario.clusters if c.users is None]
    no_departments = [c.id for c in scenario.clusters if not c.departments]
    not_given: dict[str, str] = {}
    if no_users:
        not_given["users"] = _missing(no_users, "users")
    if no_departments:
        not_given["departments"] = _missing(no_departments, "departments")
    modelled = any(c.benefits for c in scenario.clusters)
    if not modelled:
        not_given["benefits"] = "not given (no cluster has benefits in the scenario)"
    named = sorted({c.platform for c in scenario.clusters if c.platform is not None})
    if not named:
        not_given["platforms"] = "not given (no cluster has a platform in the scenario)"
    departments = sorted({d for c in scenario.clusters for d in c.departments})
    total_users = None if no_users else sum(c.users or 0 for c in scenario.clusters)
    total_departments = None if no_departments else len(departments)
    years = []
    earned = 0
    for year in scenario.horizon.fiscal_years():
        row = _year(scenario, plan, year, departments, total_departments, total_users)
        if row.benefits is not None:
            earned += row.benefits
            row = replace(row, benefits_to_date=earned)
        years.append(row)
    legacy = sum(len(c.legacy) for c in plan.clusters)
    weight = _instances(scenario)
    instances = sum(weight[cp.id, item.name] for cp in plan.clusters for item in cp.legacy)
    return Indicators(
        tuple(years),
        len(plan.clusters),
        total_departments,
        total_users,
        legacy,
        not_given,
        instances,
        tuple(named) if named else None,
    )


def _instances(scenario: Scenario) -> dict[tuple[str, str], int]:
    """``(cluster id, legacy name) -> instances`` (1 unless the scenario says otherwise)."""
    return {(c.id, item.name): item.instances for c in scenario.clusters for item in c.legacy}


def _year(
    scenario: Scenario,
    plan: Plan,
    year: int,
    departments: list[str],
    total_departments: int | None,
    total_users: int | None,
) -> YearIndicators:
    first, end = scenario.horizon.fy_months(year)
    stages: dict[str, list[str]] = {stage: [] for stage in STAGES}
    for cp in plan.clusters:
        stages[stage_at(cp, end)].append(cp.id)
    live = set(stages["transitioning"]) | set(stages["live"])
    cluster_of = {c.id: c for c in scenario.clusters}
    # departments: on the new systems once every cluster naming them has gone live
    dept_value = None
    if total_departments is not None:
        dept_value = sum(
            1
            for d in departments
            if all(c.id in live for c in scenario.clusters if d in c.departments)
        )
    live_users = [cluster_of[cid].users for cid in sorted(live)]
    user_value = None if any(u is None for u in live_users) else sum(u or 0 for u in live_users)
    systems = [item for cp in plan.clusters for item in cp.legacy]
    weight = _instances(scenario)
    weighed = [(item, weight[cp.id, item.name]) for cp in plan.clusters for item in cp.legacy]
    fy = scenario.horizon.fiscal_year
    status = scenario.status_date
    platforms = None
    if any(c.platform is not None for c in scenario.clusters):
        platforms = tuple(
            sorted({p for cid in live if (p := cluster_of[cid].platform) is not None})
        )
    return YearIndicators(
        year=year,
        label=scenario.horizon.fy_label(year),
        end=end,
        history=scenario.is_history_year(year),
        stages={stage: tuple(ids) for stage, ids in stages.items()},
        departments=Share(dept_value, total_departments),
        users=Share(user_value, total_users),
        legacy_retired_in_year=sum(1 for s in systems if fy(s.retired) == year),
        legacy_due_in_year=sum(1 for s in systems if fy(s.expires) == year),
        legacy_retired=sum(1 for s in systems if s.retired <= end),
        legacy_due=sum(1 for s in systems if s.expires <= end),
        legacy_in_service=sum(1 for s in systems if s.retired > end),
        legacy_due_not_retired=sum(1 for s in systems if s.expires <= end < s.retired),
        spend=sum(cp.spend.get(year, 0) for cp in plan.clusters),
        released=sum(cp.funding.get(year, 0) for cp in plan.clusters),
        caps=tuple(
            CapYear(
                cap.name,
                cap.amount,
                sum(
                    amount
                    for cp in plan.clusters
                    for y, amount in cp.funding.items()
                    if cap.first_year <= y <= year
                ),
            )
            for cap in plan.caps
            if cap.first_year <= year <= cap.last_year
        ),
        benefits=_benefits(scenario, plan, first, end),
        benefits_to_date=None,
        milestones=_milestones(plan, year, fy, status),
        platforms=platforms,
        live_without_platform=sum(1 for cid in live if cluster_of[cid].platform is None),
        instances_retired_in_year=sum(n for s, n in weighed if fy(s.retired) == year),
        instances_retired=sum(n for s, n in weighed if s.retired <= end),
        instances_in_service=sum(n for s, n in weighed if s.retired > end),
    )


def _benefits(scenario: Scenario, plan: Plan, first: int, end: int) -> int | None:
    """``sum_c benefits[c] * |{t in first..min(end, H.end) : t > finish[c]}|``."""
    if not any(c.benefits for c in scenario.clusters):
        return None
    last = min(end, scenario.horizon.end)
    total = 0
    for cp in plan.clusters:
        rate = scenario.cluster(cp.id).benefits
        months = last - max(first, cp.finish + 1) + 1
        if rate and months > 0:
            total += rate * months
    return total


def _milestones(
    plan: Plan, year: int, fy: Callable[[int], int], status: int | None
) -> tuple[YearMilestone, ...]:
    """Market entry, award, go-live and each legacy retirement that falls in ``year``."""
    found = []
    for cp in plan.clusters:
        events = [("market entry", cp.entry, ""), ("award", cp.award, "")]
        events.append(("go-live", cp.go_live, ""))
        events += [("legacy retired", item.retired, item.name) for item in cp.legacy]
        for name, month, legacy in events:
            if fy(month) == year:
                actual = status is not None and month < status
                found.append(YearMilestone(cp.id, name, month, legacy, actual))
    order = {cid: index for index, cid in enumerate(c.id for c in plan.clusters)}
    return tuple(
        sorted(found, key=lambda m: (m.month, order[m.cluster], MILESTONES.index(m.milestone)))
    )
