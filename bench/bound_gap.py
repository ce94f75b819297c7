"""Where the first stage's LP bound loses against the optimum, and what CP-SAT proves alone.

    python bench/bound_gap.py families g100.yaml [--limit 120] [--aggregated]
    python bench/bound_gap.py alone g1000.yaml [--workers 1] [--hint] [--limit 60]

``families``: the LP relaxation of :mod:`scheduler.solve.cpsat.lpbound` (HiGHS) and the integer
optimum of the same rows (CP-SAT, 2 workers, no presolve), with every rule family, with each family
dropped in turn (the caps; the shared supplier, i.e. the ERP market; the other suppliers, i.e. the
integrator pools; the dependencies), and with the dependencies as one aggregated row each (no
month-by-month rows, :mod:`scheduler.solve.cpsat.precedence`); with ``--aggregated`` every line
without the month-by-month rows (the relaxation before them). A family whose removal closes the
LP's gap is the one that makes it.

``alone``: the shipped CP-SAT model (:class:`scheduler.solve.cpsat.model.CpsatModel`) of the
first stage solved by CP-SAT alone (no neighbourhood search; linearisation level 2 with one
worker, ``max_lp`` and ``default_lp`` with two; presolve off as in the backend), without a hint
or with ``--hint`` the greedy plan's; prints each improvement of the plan and the bound.
"""

from __future__ import annotations

import argparse
import math
import time

import highspy
import numpy as np
from ortools.sat.python import cp_model

from scheduler.scenario.load import load_scenario
from scheduler.solve.cpsat import lpbound
from scheduler.solve.highs import quiet_highs

FAMILIES = ("none", "caps", "shared supplier", "other suppliers", "dependencies", "month rows")


def _relaxation(sc, blocks, dropped: str, aggregated: bool) -> lpbound._Rows:
    rows = lpbound._Rows()
    lpbound._one_per_cluster(sc, blocks, rows)
    users: dict[str, int] = {}
    for c in sc.clusters:
        for sid in {s for p in c.phases for m in p.modes for s, _ in m.uses}:
            users[sid] = users.get(sid, 0) + 1
    shared = {s for s, n in users.items() if 2 * n > len(sc.clusters)}
    keep = {
        "shared supplier": lambda sid: sid not in shared,
        "other suppliers": lambda sid: sid in shared,
    }.get(dropped, lambda sid: True)
    kept = [s for s in sc.suppliers if keep(s.id)]
    # the same columns (generated suppliers have no windows), the dropped suppliers unused
    lpbound._capacity(sc, lpbound._blocks(_with_suppliers(sc, kept)), rows)
    lpbound._stagger_and_years(sc, blocks, rows)
    if dropped == "dependencies":
        pass
    elif dropped == "month rows" or aggregated:
        real = lpbound.dependency_rows
        lpbound.dependency_rows = lambda *args: iter(())  # type: ignore[assignment]
        lpbound._dependencies(sc, blocks, rows)
        lpbound.dependency_rows = real
    else:
        lpbound._dependencies(sc, blocks, rows)
    if dropped != "caps":
        lpbound._caps(sc, blocks, rows)
    return rows


def _with_suppliers(sc, kept):
    """The scenario with only ``kept`` suppliers' capacity (modes of the others use nothing)."""
    import dataclasses

    ids = {s.id for s in kept}
    clusters = tuple(
        dataclasses.replace(
            c,
            phases=tuple(
                dataclasses.replace(
                    p,
                    modes=tuple(
                        dataclasses.replace(m, uses=tuple(u for u in m.uses if u[0] in ids))
                        for m in p.modes
                    ),
                )
                for p in c.phases
            ),
        )
        for c in sc.clusters
    )
    return dataclasses.replace(sc, clusters=clusters)


def _lp(cost: np.ndarray, rows: lpbound._Rows, limit: float) -> float:
    lower, upper = np.array(rows.lower), np.array(rows.upper)
    row = np.concatenate(rows.rows)
    col, val = np.concatenate(rows.cols), np.concatenate(rows.vals)
    order = np.argsort(row, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=len(lower)))])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), len(lower)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, np.zeros(len(cost)), np.ones(len(cost))
    lp.row_lower_ = np.where(np.isinf(lower), -highspy.kHighsInf, lower)
    lp.row_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = col[order].astype(np.int32)
    lp.a_matrix_.value_ = val[order]
    highs = quiet_highs()
    highs.setOptionValue("time_limit", limit)
    highs.passModel(lp)
    highs.run()
    return highs.getInfo().objective_function_value


def _integer(cost: np.ndarray, rows: lpbound._Rows, limit: float) -> tuple[float, float, str]:
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in cost]
    for cols, vals, lower, upper in zip(rows.cols, rows.vals, rows.lower, rows.upper, strict=True):
        expr = cp_model.LinearExpr.weighted_sum(
            [x[c] for c in cols.tolist()], vals.astype(int).tolist()
        )
        model.add_linear_constraint(
            expr,
            math.ceil(lower) if math.isfinite(lower) else cp_model.INT_MIN,
            math.floor(upper) if math.isfinite(upper) else cp_model.INT_MAX,
        )
    model.minimize(cp_model.LinearExpr.weighted_sum(x, cost.astype(int).tolist()))
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers, params.max_time_in_seconds, params.cp_model_presolve = 2, limit, False
    params.subsolvers.extend(["max_lp", "default_lp"])
    params.num_full_subsolvers = 2
    status = solver.solve(model)
    return solver.objective_value, solver.best_objective_bound, solver.status_name(status)


def families(path: str, limit: float, aggregated: bool) -> None:
    sc = load_scenario(path)
    stage = sc.objective.stages[0]
    blocks = lpbound._blocks(sc)
    cost = np.zeros(sum(len(b.entries) for b in blocks))
    for block in blocks:
        cost[block.cols] = lpbound._stage_cost(sc, block, stage)
    rows_of = "one row per dependency" if aggregated else "dependencies month by month"
    print(f"{path}, first stage {stage}, {rows_of}; money in £m")
    print("| dropped | rows | LP | integer (bound, status) | LP gap |")
    print("|---|---|---|---|---|")
    for dropped in FAMILIES:
        if aggregated and dropped == "month rows":
            continue
        rows = _relaxation(sc, blocks, dropped, aggregated)
        began = time.monotonic()
        lp = _lp(cost, rows, limit)
        lp_s = time.monotonic() - began
        began = time.monotonic()
        value, bound, status = _integer(cost, rows, limit)
        ip_s = time.monotonic() - began
        gap = (bound - lp) / bound if bound else 0.0
        print(
            f"| {dropped} | {len(rows.lower)} | {lp / 1e6:.3f} ({lp_s:.1f} s) | "
            f"{value / 1e6:.3f} ({bound / 1e6:.3f}, {status}, {ip_s:.1f} s) | {100 * gap:.2f}% |",
            flush=True,
        )


def alone(path: str, workers: int, hint: bool, limit: float) -> None:
    from scheduler.solve.cpsat.hints import hint_decisions, latest_end
    from scheduler.solve.cpsat.model import CpsatModel
    from scheduler.solve.greedy import greedy_schedule

    sc = load_scenario(path)
    began = time.monotonic()
    built = CpsatModel(sc)
    print(f"{path}: model built in {time.monotonic() - began:.1f} s", flush=True)
    built.model.minimize(built.stage(sc.objective.stages[0]))
    if hint:
        greedy = greedy_schedule(sc)
        hint_decisions(built, greedy)
        built.model.add_hint(built.completion, latest_end(built, greedy))
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers, params.max_time_in_seconds, params.cp_model_presolve = workers, limit, False
    if workers > 1:
        params.subsolvers.extend(["max_lp", "default_lp"])
        params.num_full_subsolvers = 2
    else:
        params.linearization_level = 2
    params.log_search_progress = True
    params.log_to_stdout = False
    solver.log_callback = lambda line: (
        print(line, flush=True)
        if line[:2] in ("#1", "#2", "#3", "#4", "#5", "#6", "#7", "#8", "#9", "#B", "#D")
        else None
    )
    status = solver.solve(built.model)
    print(
        f"{solver.status_name(status)}: £{solver.objective_value / 1e6:.1f}m, "
        f"bound £{solver.best_objective_bound / 1e6:.1f}m, {solver.wall_time:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("families", "alone"))
    parser.add_argument("scenario")
    parser.add_argument("--limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--hint", action="store_true")
    parser.add_argument(
        "--aggregated", action="store_true", help="families: no month-by-month dependency rows"
    )
    args = parser.parse_args()
    if args.mode == "families":
        families(args.scenario, args.limit, args.aggregated)
    else:
        alone(args.scenario, args.workers, args.hint, args.limit)


if __name__ == "__main__":
    main()
