"""Targets (scenario ``targets``): dated aims such as the 2021 strategy's "all departments on cloud
systems by 2028 at the latest", reported as met or missed, never enforced.

A target is met when every cluster it names (every cluster when it names none) goes live
(:attr:`~scheduler.plan.ClusterPlan.go_live`) in or before its month; ``margin`` is the target
month less the latest go-live (negative: missed by that many months).
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.plan import Plan
from scheduler.scenario.data import Scenario, Target
from scheduler.units import month_label

__all__ = ["TargetResult", "target_results"]


@dataclass(frozen=True)
class TargetResult:
    target: Target
    clusters: tuple[str, ...]  # the clusters it concerns
    latest: str  # the cluster that goes live last
    go_live: int  # its go-live month

    @property
    def margin(self) -> int:
        return self.target.month - self.go_live

    @property
    def met(self) -> bool:
        return self.margin >= 0

    def text(self) -> str:
        """``met with 3 months to spare`` / ``missed by 8 months (synergy goes live 2028-11)``."""
        when = f"{self.latest} goes live {month_label(self.go_live)}"
        if self.met:
            spare = self.margin
            return f"met, {spare} month{'s' if spare != 1 else ''} to spare ({when})"
        late = -self.margin
        return f"missed by {late} month{'s' if late != 1 else ''} ({when})"

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.target.name,
            "month": month_label(self.target.month),
            "clusters": list(self.clusters),
            "go_live": month_label(self.go_live),
            "latest": self.latest,
            "met": self.met,
            "months": abs(self.margin),
        }


def target_results(scenario: Scenario, plan: Plan) -> list[TargetResult]:
    """Each target of the scenario against the plan (none when the plan has no schedule)."""
    if not plan.has_schedule:
        return []
    planned = {cp.id: cp for cp in plan.clusters}
    out = []
    for target in scenario.targets:
        ids = target.clusters or tuple(c.id for c in scenario.clusters)
        ids = tuple(cid for cid in ids if cid in planned)
        if not ids:
            continue
        latest = max(ids, key=lambda cid: planned[cid].go_live)
        out.append(TargetResult(target, ids, latest, planned[latest].go_live))
    return out
