"""A hand-built scenario and a plan of it, for the report tests (terminal, CSV, HTML, files)."""

from __future__ import annotations

from scheduler.plan import CapUse, ClusterPlan, LegacyPlan, PhasePlan, Plan, SolverInfo
from scheduler.scenario.data import (
    Budget,
    Cap,
    Cluster,
    Horizon,
    Legacy,
    Mode,
    Objective,
    Phase,
    Scenario,
    Supplier,
)
from scheduler.units import month

M0 = month(2023, 4)


def sample_scenario() -> Scenario:
    tender = Phase("tender", (Mode(6, 6_000_000, (("erp-market", 1),)),))
    implement = Phase(
        "implement",
        (
            Mode(12, 90_000_000, (("ibm", 1),), option=0, label="IBM"),
            Mode(10, 120_000_000, (("acme", 2),), option=1, label="Acme fast track"),
        ),
    )
    synergy = Cluster(
        "synergy",
        (tender, implement),
        earliest_entry=M0,
        legacy=(Legacy("SSCL ISSC2 contract", M0 + 15, "implement", 2_000_000),),
    )
    matrix = Cluster("matrix", (tender, Phase("implement", (Mode(8, 40_000_000),))))
    return Scenario(
        name="Shared services, test case",
        horizon=Horizon(M0, M0 + 59),
        clusters=(synergy, matrix),
        budget=Budget(
            tranche=1_000,
            caps=(
                Cap("SR21", 2023, 2024, 200_000_000),
                Cap("2023-24 ceiling", 2023, 2023, 90_000_000),
            ),
        ),
        suppliers=(
            Supplier("erp-market", "ERP", 1),
            Supplier("ibm", "IBM", 1),
            Supplier("acme", "Acme", 2),
        ),
        objective=Objective(("extension_cost", "delivery_cost", "completion")),
    )


def sample_plan() -> Plan:
    synergy = ClusterPlan(
        "synergy",
        M0,
        (M0, M0 + 2),
        (
            PhasePlan("tender", M0, M0 + 5, None, {"erp-market": 1}, 6_000_000),
            PhasePlan("implement", M0 + 6, M0 + 15, 1, {"acme": 2}, 120_000_000),
        ),
        legacy=(LegacyPlan("SSCL ISSC2 contract", M0 + 15, M0 + 15, 0, 0),),
        spend={2023: 84_000_000, 2024: 42_000_000},
        funding={2023: 84_000_000, 2024: 42_000_000},
    )
    matrix = ClusterPlan(
        "matrix",
        M0 + 6,
        (M0 + 6, M0 + 6),
        (
            PhasePlan("tender", M0 + 6, M0 + 11, None, {"erp-market": 1}, 6_000_000),
            PhasePlan("implement", M0 + 12, M0 + 19, None, {}, 40_000_000),
        ),
        spend={2023: 6_000_000, 2024: 40_000_000},
        funding={2023: 6_000_000, 2024: 40_000_000},
    )
    return Plan(
        scenario="Shared services, test case",
        status="feasible",
        objective={"extension_cost": 0, "delivery_cost": 172_000_000, "completion": M0 + 19},
        bounds={"extension_cost": 0, "delivery_cost": 171_250_000, "completion": M0 + 19},
        solver=SolverInfo("cp-sat", "9.15.6755", 0.4123, 2, 7),
        clusters=(synergy, matrix),
        caps=(
            CapUse("SR21", 2023, 2024, 200_000_000, 172_000_000),
            CapUse("2023-24 ceiling", 2023, 2023, 90_000_000, 90_000_000),
        ),
    )
