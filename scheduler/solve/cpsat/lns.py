"""Large-neighbourhood search over groups of clusters, for a large time-indexed model.

On 1,000 generated clusters CP-SAT's own search barely moves from the greedy plan within a
minute: every neighbourhood its workers try is a copy of the whole model (78,000 literals, 3.5
million terms). Here the model is read once into one sparse matrix (numpy), and each
neighbourhood is a small model of its own: the literals of a group of clusters are free, every
other cluster keeps its incumbent (entry, combination), and each row keeps only its free terms,
its bounds shifted by what the fixed ones contribute:

``lo - sum_{fixed} a_j v_j <= sum_{free} a_j x_j <= hi - sum_{fixed} a_j v_j``.

The small model is solved from the incumbent (a complete hint, so its first solution), and an
improvement of the stage is kept. Passes of neighbourhoods, in turn:

- a random partition of the clusters into groups of ``size`` (drawn from the solve's seed): on
  1,000 generated clusters the binding rows are the two spending-review caps, which every
  cluster shares, so a group trades budget between clusters of any timing or supplier; at equal
  CP-SAT work such groups found £5.30bn against £5.65bn for the structured ones below, and
  alternating both £5.12bn against £5.15bn for random groups alone (bench/README.md);
- clusters sharing their suppliers (those not used by most clusters: an integrator pool, say),
  whole groups at a time, up to ``size`` clusters, then windows of clusters by incumbent market
  entry, ``size`` at a time, half overlapping.

Every variable that is not a cluster's assignment literal (the completion month, constants) is
free in every neighbourhood. It applies only to a model of linear and exactly-one constraints
without enforcement literals (the time-indexed form is); otherwise :func:`read_rows` gives ``None``.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from scheduler.solve.cpsat.variables import ModelCore

INT64_MAX = 2**63 - 1
SMALL_LIMIT = 5.0  # seconds for one neighbourhood (a pool of 25 clusters takes about 0.5 s)
FIRST_SIZE = (
    25  # clusters per neighbourhood at first (an integrator pool; 1,000 clusters: 0.3 s each)
)
LARGEST_SIZE = 50
GROW_BELOW = 0.005  # a pass improving the objective by less than this part doubles the size
MOST_AT_ONCE = 8  # small solves running at once, at most (threads)
INT64_MIN = -(2**63)


@dataclass
class Rows:
    """A model's constraints as one sparse matrix (terms sorted by row), its variables'
    domains and its linear objective."""

    row_of: np.ndarray  # per term
    var_of: np.ndarray
    coef_of: np.ndarray
    domains: list[list[int]]  # per row: CP-SAT's flattened intervals
    var_domains: list[list[int]]
    objective_vars: np.ndarray
    objective_coefs: np.ndarray
    var_low: np.ndarray = field(init=False)  # each variable's least and greatest value
    var_high: np.ndarray = field(init=False)
    row_simple: np.ndarray = field(init=False)  # whether a row's domain is one interval
    row_low: np.ndarray = field(init=False)
    row_high: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.var_low = np.array([d[0] for d in self.var_domains], dtype=np.int64)
        self.var_high = np.array([d[-1] for d in self.var_domains], dtype=np.int64)
        self.row_simple = np.array([len(d) == 2 for d in self.domains], dtype=bool)
        self.row_low = np.array([d[0] for d in self.domains], dtype=np.int64)
        self.row_high = np.array([d[-1] for d in self.domains], dtype=np.int64)


def read_rows(model: cp_model.CpModel) -> Rows | None:
    """The model's rows (through its serialised form: reading a large model's fields one by one
    from Python takes seconds), or ``None`` when it has anything but linear and exactly-one
    constraints without enforcement literals, or a non-linear objective."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pb")
        model.export_to_file(path)
        with open(path, "rb") as handle:
            proto = cp_model_pb2.CpModelProto.FromString(handle.read())
    if proto.HasField("floating_point_objective"):
        return None
    rows, coefs, domains = [], [], []
    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            return None
        kind = constraint.WhichOneof("constraint")
        if kind == "linear":
            rows.append(np.array(constraint.linear.vars, dtype=np.int64))
            coefs.append(np.array(constraint.linear.coeffs, dtype=np.int64))
            domains.append(list(constraint.linear.domain))
        elif kind == "exactly_one":
            literals = np.array(constraint.exactly_one.literals, dtype=np.int64)
            if (literals < 0).any():
                return None
            rows.append(literals)
            coefs.append(np.ones(len(literals), dtype=np.int64))
            domains.append([1, 1])
        else:
            return None
    sizes = np.array([len(r) for r in rows], dtype=np.int64)
    return Rows(
        row_of=np.repeat(np.arange(len(rows)), sizes),
        var_of=np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
        coef_of=np.concatenate(coefs) if coefs else np.zeros(0, dtype=np.int64),
        domains=domains,
        var_domains=[list(v.domain) for v in proto.variables],
        objective_vars=np.array(proto.objective.vars, dtype=np.int64),
        objective_coefs=np.array(proto.objective.coeffs, dtype=np.int64),
    )


def neighbourhoods(
    built: ModelCore, entry: dict[str, int], size: int, rng: np.random.Generator | None
) -> list[list[str]]:
    """One pass of groups of at most ``size`` cluster ids: with ``rng``, a random partition of
    the clusters; without, supplier groups, then entry windows (see the module docstring),
    ordered by ``entry``, each cluster's incumbent market entry."""
    if rng is not None:
        ids = sorted(entry)
        order = rng.permutation(len(ids)).tolist()
        return [[ids[j] for j in order[i : i + size]] for i in range(0, len(ids), size)]
    clusters = list(built.clusters.values())
    users: dict[str, int] = {}
    keys = {}
    for cv in clusters:
        suppliers = {s for p in cv.cluster.phases for m in p.modes for s, _ in m.uses}
        keys[cv.cluster.id] = suppliers
        for s in suppliers:
            users[s] = users.get(s, 0) + 1
    shared = {s for s, n in users.items() if 2 * n > len(clusters)}
    groups: dict[tuple[str, ...], list[str]] = {}
    for cid, suppliers in keys.items():
        groups.setdefault(tuple(sorted(suppliers - shared)), []).append(cid)
    out: list[list[str]] = []
    chunk: list[str] = []
    for members in groups.values():
        if chunk and len(chunk) + len(members) > size:
            out.append(chunk)
            chunk = []
        members = sorted(members, key=lambda cid: (entry[cid], cid))
        while len(members) > size:
            out.append(members[:size])
            members = members[size:]
        chunk.extend(members)
    if chunk:
        out.append(chunk)
    ids = sorted(entry, key=lambda cid: (entry[cid], cid))
    step = max(1, size // 2)
    for first in range(0, max(1, len(ids) - step), step):
        out.append(ids[first : first + size])
    return out


def _entry(cv, incumbent: np.ndarray) -> int:
    assignment = cv.assignment
    for (e, _), literal in assignment.literals.items():
        if incumbent[literal.index]:
            return e
    return 0


@dataclass
class Outcome:
    solution: np.ndarray  # a value per variable of the whole model
    objective: int
    improved: int  # neighbourhoods that improved the incumbent
    tried: int
    work: float  # deterministic time of the small solves
    clashes: int = 0  # improvements not taken: a neighbourhood solved at once changed a row
    adopted: int = 0  # better solutions offered by the search beside (CP-SAT's) continued from


def search(
    built: ModelCore,
    rows: Rows,
    incumbent: np.ndarray,
    seconds: float,
    parameters: Callable[[cp_model.CpSolver, float], None],
    deterministic: bool,
    should_stop: Callable[[], bool],
    size: int = FIRST_SIZE,
    largest: int = LARGEST_SIZE,
    workers: Callable[[], int] = lambda: 1,
    seed: int = 0,
    offer: Callable[[], np.ndarray | None] = lambda: None,
) -> Outcome:
    """Improve ``incumbent`` (a feasible value per variable) for the model's objective within
    ``seconds`` (deterministic seconds with ``deterministic``); ``parameters(solver, limit)``
    sets each small solve's parameters and limit. Each row's value at the incumbent is kept up
    to date, so a neighbourhood costs time in its own terms only, not the whole matrix's.

    Passes of :func:`neighbourhoods`, a random one (drawn with ``seed``) then a structured one
    in turn, start with ``size`` clusters per group; a pass that improves
    the objective by less than ``GROW_BELOW`` of it doubles the size, up to ``largest``; the
    search ends at the time limit or after a pass at ``largest`` that improved nothing. A group
    whose clusters are all at their own least objective (and no other variable in the objective)
    is skipped: no solution of it can be better.

    ``workers()`` (asked before each neighbourhood) is how many small solves may run at once:
    with one, each is solved in turn (the same search every run with ``deterministic``); with
    more, each runs in a thread from the incumbent when it started, on clusters that no running
    one has, and is taken only if it still improves the incumbent of that moment and keeps every
    row it touches within its domain (checked on the rows' kept values).

    ``offer()`` (asked before each neighbourhood) may give another search's feasible solution
    of the same model (CP-SAT's, running beside): when it is better, the search continues from
    it."""
    ids = list(built.clusters)
    owner = np.full(len(rows.var_domains), len(ids), dtype=np.int64)  # len(ids): not a literal
    for i, cv in enumerate(built.clusters.values()):
        assert cv.assignment is not None  # every cluster is assigned in the time-indexed form
        owner[[lit.index for lit in cv.assignment.literals.values()]] = i
    term_owner = owner[rows.var_of]
    by_owner = np.argsort(term_owner, kind="stable")
    cuts = np.searchsorted(term_owner[by_owner], np.arange(len(ids) + 2))
    terms_of = [by_owner[cuts[i] : cuts[i + 1]] for i in range(len(ids) + 1)]
    position = {cid: i for i, cid in enumerate(ids)}
    potential = _Potential(rows, owner, len(ids))
    shared = owner == len(ids)
    state = _Incumbent(rows, incumbent.copy())
    started, work = time.monotonic(), 0.0
    rng, passes = np.random.default_rng(seed), 0
    counts = {"improved": 0, "tried": 0}
    running: list[tuple[Future[_Found], set[str], _Task]] = []
    pool = ThreadPoolExecutor(max_workers=MOST_AT_ONCE, thread_name_prefix="lns")

    def left() -> float:
        return seconds - (work if deterministic else time.monotonic() - started)

    def finish(task: _Task, found: _Found) -> None:
        nonlocal work
        work += found.work
        counts["tried"] += 1
        if found.values is not None and state.take(task, found.values):
            counts["improved"] += 1

    try:
        while left() >= 0.2 and not should_stop():
            entry = {cv.cluster.id: _entry(cv, state.solution) for cv in built.clusters.values()}
            before = state.objective
            queue = neighbourhoods(built, entry, size, rng if passes % 2 == 0 else None)
            passes += 1
            while (queue or running) and left() >= 0.2 and not should_stop():
                offered = offer()
                if offered is not None:
                    state.adopt(offered)
                busy: set[str] = set().union(*(members for _, members, _ in running))
                if queue and len(running) < min(MOST_AT_ONCE, max(1, workers())):
                    group = _next_group(queue, busy)
                    if group is not None:
                        owners = [position[cid] for cid in group]
                        if not potential.other and not potential.of(state.solution)[owners].any():
                            continue
                        owners.append(len(ids))
                        terms = np.sort(np.concatenate([terms_of[i] for i in owners]))
                        task = state.build(terms, np.isin(owner, owners), shared)
                        limit = max(0.05, min(left(), SMALL_LIMIT))  # building took time
                        if not running and workers() <= 1:
                            finish(task, _solve_small(task, limit, parameters))
                        else:
                            future = pool.submit(_solve_small, task, limit, parameters)
                            running.append((future, set(group), task))
                        continue
                if running:
                    wait([future for future, _, _ in running], return_when=FIRST_COMPLETED)
                    for item in [item for item in running if item[0].done()]:
                        running.remove(item)
                        finish(item[2], item[0].result())
            if queue or running:
                break  # time is up, or a stop
            if before - state.objective <= GROW_BELOW * abs(before):
                if size >= largest and state.objective == before:
                    break
                size = min(largest, 2 * size)
    finally:
        for _, _, task in running:
            task.solver.stop_search()
        for future, _, task in running:
            finish(task, future.result())
        pool.shutdown()
    improved, tried = counts["improved"], counts["tried"]
    return Outcome(
        state.solution, state.objective, improved, tried, work, state.clashes, state.adopted
    )


def _next_group(queue: list[list[str]], busy: set[str]) -> list[str] | None:
    """Take from ``queue`` the first group sharing no cluster with ``busy`` (a running
    neighbourhood's); ``None`` if each of the next few does."""
    for i, group in enumerate(queue[:8]):
        if busy.isdisjoint(group):
            return queue.pop(i)
    return None


@dataclass
class _Task:
    """One neighbourhood's small model: ``free_vars`` (of the whole model) are its variables in
    order, ``terms`` the free terms of the whole model's rows (in row order)."""

    model: cp_model.CpModel
    free_vars: np.ndarray
    terms: np.ndarray
    shared: np.ndarray  # per free variable: whether it is free in every neighbourhood
    solver: cp_model.CpSolver = field(default_factory=cp_model.CpSolver)


@dataclass
class _Found:
    values: np.ndarray | None  # of the task's free variables, if a solution was found
    work: float


def _solve_small(
    task: _Task, limit: float, parameters: Callable[[cp_model.CpSolver, float], None]
) -> _Found:
    """Solve a neighbourhood's small model (from its hint, the incumbent)."""
    solver = task.solver
    parameters(solver, limit)
    status = solver.solve(task.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Found(None, solver.deterministic_time)
    values = np.array(solver.response_proto.solution, dtype=np.int64)
    return _Found(values, solver.deterministic_time)


class _Potential:
    """How much each cluster's part of the objective could fall: its value at a solution less
    its least over its own literals (one of which is 1)."""

    def __init__(self, rows: Rows, owner: np.ndarray, clusters: int) -> None:
        coefficient = np.zeros(len(owner), dtype=np.int64)
        np.add.at(coefficient, rows.objective_vars, rows.objective_coefs)
        self.owner, self.coefficient, self.clusters = owner, coefficient, clusters
        literal = owner < clusters
        least = np.full(clusters + 1, INT64_MAX, dtype=np.int64)
        np.minimum.at(least, owner[literal], coefficient[literal])
        self.least = least[:clusters]
        self.other = bool(coefficient[~literal].any())  # e.g. completion, free in every group

    def of(self, solution: np.ndarray) -> np.ndarray:
        value = np.bincount(
            self.owner, weights=self.coefficient * solution, minlength=self.clusters + 1
        )
        return value[: self.clusters].round().astype(np.int64) - self.least


class _Incumbent:
    """The best solution so far, its objective and each row's value at it."""

    def __init__(self, rows: Rows, solution: np.ndarray) -> None:
        self.rows = rows
        self.solution = solution
        self.clashes = 0
        self.objective = int(rows.objective_coefs @ solution[rows.objective_vars])
        self.activity = _activity(rows, solution)
        self.adopted = 0  # solutions offered by another search and continued from

    def adopt(self, solution: np.ndarray) -> bool:
        """Continue from ``solution`` (feasible for the whole model) if its objective is lower."""
        rows = self.rows
        value = int(rows.objective_coefs @ solution[rows.objective_vars])
        if value >= self.objective:
            return False
        self.solution, self.objective = solution.copy(), value
        self.activity = _activity(rows, solution)
        self.adopted += 1
        return True

    def take(self, task: _Task, values: np.ndarray) -> bool:
        """Take ``values`` for the task's free variables if, with every other variable at the
        incumbent, the objective is lower and every row the task touches holds."""
        rows, var = self.rows, self.rows.var_of[task.terms]
        touched, first = _row_starts(rows.row_of[task.terms])
        for shared_kept in (False, True):
            found = self.solution.copy()
            found[task.free_vars] = values
            if shared_kept:  # another neighbourhood's completion month, say, for this one's
                found[task.free_vars[task.shared]] = self.solution[task.free_vars[task.shared]]
            value = int(rows.objective_coefs @ found[rows.objective_vars])
            if value >= self.objective:
                return False
            change = rows.coef_of[task.terms] * (found[var] - self.solution[var])
            activity = self.activity[touched]
            if len(first):
                activity = activity + np.add.reduceat(change, first)
            if _within(rows, touched, activity):
                self.activity[touched] = activity
                self.solution, self.objective = found, value
                return True
            if not task.shared.any():
                break
        self.clashes += 1  # another neighbourhood changed the incumbent meanwhile
        return False

    def build(self, terms: np.ndarray, free: np.ndarray, shared: np.ndarray) -> _Task:
        """The model with every variable outside ``free`` fixed at the incumbent (``terms``: the
        terms of the free variables, in row order), hinted with the incumbent; ``shared`` marks
        the variables free in every neighbourhood (no cluster's literals)."""
        rows, solution = self.rows, self.solution
        free_vars = np.flatnonzero(free)
        renumber = np.full(len(free), -1, dtype=np.int64)
        renumber[free_vars] = np.arange(len(free_vars))
        row, var, coef = rows.row_of[terms], rows.var_of[terms], rows.coef_of[terms]
        touched, first = _row_starts(row)
        own = np.add.reduceat(coef * solution[var], first) if len(terms) else np.zeros(0)
        fixed = self.activity[touched] - own  # what the fixed variables contribute to each row
        domains = {index: list(rows.var_domains[index]) for index in free_vars.tolist()}
        small_vars, bounds = renumber[var], np.append(first, len(terms))
        needed = _needed(rows, touched, first, fixed, var, coef)
        kept: list[tuple[int, list[int]]] = []  # (position in touched, shifted domain)
        for i in np.flatnonzero(needed).tolist():
            lo, hi = bounds[i], bounds[i + 1]
            shifted = _shift(rows.domains[int(touched[i])], int(fixed[i]))
            if hi - lo == 1 and len(shifted) == 2 and len(domains[int(var[lo])]) == 2:
                _tighten(domains[int(var[lo])], int(coef[lo]), shifted)  # a bound on one variable
            else:
                kept.append((i, shifted))
        small = cp_model.CpModel()
        proto = small.proto
        for index in free_vars.tolist():
            proto.variables.add().domain.extend(domains[index])
        for i, shifted in kept:
            lo, hi = bounds[i], bounds[i + 1]
            linear = proto.constraints.add().linear
            linear.vars.extend(small_vars[lo:hi].tolist())
            linear.coeffs.extend(coef[lo:hi].tolist())
            linear.domain.extend(shifted)
        keep = free[rows.objective_vars]
        proto.objective.vars.extend(renumber[rows.objective_vars[keep]].tolist())
        proto.objective.coeffs.extend(rows.objective_coefs[keep].tolist())
        proto.solution_hint.vars.extend(range(len(free_vars)))
        proto.solution_hint.values.extend(solution[free_vars].tolist())
        return _Task(small, free_vars, terms, shared[free_vars])


def _activity(rows: Rows, solution: np.ndarray) -> np.ndarray:
    """Each row's value at ``solution``."""
    return np.bincount(
        rows.row_of, weights=rows.coef_of * solution[rows.var_of], minlength=len(rows.domains)
    ).astype(np.int64)


def _within(rows: Rows, touched: np.ndarray, activity: np.ndarray) -> bool:
    """Whether each touched row's value lies in its domain."""
    simple = rows.row_simple[touched]
    low, high = rows.row_low[touched], rows.row_high[touched]
    if not ((low <= activity) & (activity <= high) | ~simple).all():
        return False
    for r, a in zip(touched[~simple].tolist(), activity[~simple].tolist(), strict=True):
        domain = rows.domains[r]
        if not any(lo <= a <= hi for lo, hi in zip(domain[::2], domain[1::2], strict=True)):
            return False
    return True


def _row_starts(row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of terms in row order and where each starts (``np.unique`` without
    its sort: terms are kept sorted by position, hence by row)."""
    first = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else row[:0]
    return row[first], first


def _needed(
    rows: Rows,
    touched: np.ndarray,
    first: np.ndarray,
    fixed: np.ndarray,
    var: np.ndarray,
    coef: np.ndarray,
) -> np.ndarray:
    """Per touched row, whether it can bind in the small model: a row of one interval
    ``lo .. hi`` whose free part ranges over ``fixed + min .. fixed + max`` inside it (each
    variable within its own bounds) holds whatever the small model does, and is left out."""
    if not len(touched):
        return np.zeros(0, dtype=bool)
    low, high = rows.var_low[var], rows.var_high[var]
    least = np.add.reduceat(np.where(coef > 0, coef * low, coef * high), first)
    most = np.add.reduceat(np.where(coef > 0, coef * high, coef * low), first)
    simple = rows.row_simple[touched]
    within = (rows.row_low[touched] <= fixed + least) & (fixed + most <= rows.row_high[touched])
    return ~(simple & within)


def _tighten(domain: list[int], coefficient: int, allowed: list[int]) -> None:
    """Intersect a variable's interval ``domain`` with ``coefficient * x in allowed`` (one
    interval, CP-SAT's infinite ends as such)."""
    lo, hi = allowed
    if coefficient < 0:
        coefficient, lo, hi = -coefficient, -hi, -lo
    if lo > INT64_MIN + 1:
        domain[0] = max(domain[0], -(-lo // coefficient))
    if hi < INT64_MAX:
        domain[1] = min(domain[1], hi // coefficient)


def _shift(domain: list[int], by: int) -> list[int]:
    """A row's domain minus a constant, CP-SAT's infinite ends kept infinite."""
    out = []
    for value in domain:
        if value in (INT64_MIN, INT64_MIN + 1, INT64_MAX):
            out.append(value)
        else:
            out.append(max(INT64_MIN + 1, min(INT64_MAX, value - by)))
    return out
