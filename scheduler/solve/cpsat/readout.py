"""A CP-SAT solution's figures (:class:`~scheduler.solve.common.Values`) read in one pass.

Every figure a plan takes from the model (each phase's start, end and option literals, late
months, spend and releases per financial year, the objective terms) is a linear expression of the
model's variables. :class:`Readout` flattens them all once per model into one sparse matrix (rows
in a fixed order, each row's variable indices and coefficients), so that reading a solution is one
gather, one product and one cumulative sum, whatever the model's size: on 1,000 generated clusters
29,000 expressions, which took 1.3 s to flatten one by one and 0.3-0.4 s to evaluate one by one
after every stage. The expressions of the assignment literals come with their terms already
(:data:`~scheduler.solve.cpsat.variables.Forms`); any other is flattened by CP-SAT's own
``FlatIntExpr``, so the values are exactly what ``CpSolver.value`` would give.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from ortools.sat.python import cp_model_helper

from scheduler.solve.common import ClusterValues, Values
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.cpsat.variables import Forms, LinearExpr
from scheduler.terms import from_model

Figure = LinearExpr | tuple[np.ndarray, np.ndarray]  # an expression, or (indices, coefficients)


class Readout:
    """The figures of ``built`` as rows of a sparse matrix (see the module's docstring)."""

    def __init__(self, built: CpsatModel, terms: tuple[str, ...]) -> None:
        self.built = built
        self.terms = tuple(name for name in terms if name != "completion")
        self.completion = "completion" in terms
        indices: list[np.ndarray] = []
        coeffs: list[np.ndarray] = []
        offsets: list[int] = []
        for figure in self._figures():
            index, coefficients, offset = _terms_of(figure, built.forms)
            indices.append(index)
            coeffs.append(coefficients)
            offsets.append(offset)
        self.indices = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        self.coeffs = np.concatenate(coeffs) if coeffs else np.zeros(0, dtype=np.int64)
        self.bounds = np.concatenate([[0], np.cumsum([len(i) for i in indices], dtype=np.int64)])
        self.offsets = np.array(offsets, dtype=np.int64)

    def _figures(self) -> Iterator[Figure]:
        """Every figure, in the order :meth:`values` reads them back."""
        for cluster in self.built.scenario.clusters:
            cv = self.built.clusters[cluster.id]
            for pv in cv.phases.values():
                yield from pv.chosen
                yield pv.start
                yield pv.end
            for system in cluster.legacy:
                yield cv.late[system.name]
            assignment = cv.assignment
            for year in cv.spend:
                table = cv.spend_table.get(year)
                if assignment is None or table is None:
                    yield cv.spend[year]
                else:
                    yield (assignment.index, table)
            yield from cv.tranches.values()
        for name in self.terms:
            yield self.built.term(name)

    def rows(self, solution: np.ndarray) -> list[int]:
        """Each figure's value in ``solution`` (every variable's value, by index)."""
        products = solution[self.indices] * self.coeffs
        sums = np.concatenate([[0], np.cumsum(products)])
        return (sums[self.bounds[1:]] - sums[self.bounds[:-1]] + self.offsets).tolist()

    def values(self, solution: np.ndarray) -> Values:
        """The solution's decisions and figures (months from the horizon start made ordinals)."""
        built = self.built
        origin = built.origin
        row = iter(self.rows(solution))
        clusters = {}
        last_ends = []
        for cluster in built.scenario.clusters:
            cv = built.clusters[cluster.id]
            options, starts, ends = [], [], []
            for pv in cv.phases.values():
                chosen = [next(row) for _ in pv.chosen]
                options.append(next(m.option for m, v in zip(pv.modes, chosen, strict=True) if v))
                starts.append(origin + next(row))
                ends.append(origin + next(row))
            late = tuple(next(row) for _ in cluster.legacy)
            spend = {year: next(row) for year in cv.spend}
            tranches = {year: next(row) for year in cv.tranches}
            clusters[cluster.id] = ClusterValues(
                tuple(starts), tuple(ends), tuple(options), late, spend, tranches
            )
            last_ends.append(ends[-1] - origin)
        found = {name: next(row) for name in self.terms}
        if self.completion:  # the latest phase end (in the time-indexed form completion is only
            found["completion"] = max(last_ends)  # bounded below by the phase ends)
        terms = {
            name: from_model(name, found[name], origin)
            for name in built.scenario.objective.reported_terms
        }
        return Values(clusters, terms)


def _terms_of(figure: Figure, forms: Forms) -> tuple[np.ndarray, np.ndarray, int]:
    """A figure's variable indices, coefficients and constant."""
    empty = np.zeros(0, dtype=np.int64)
    if isinstance(figure, tuple):
        indices, coefficients = figure
        return indices, coefficients.astype(np.int64, copy=False), 0
    if isinstance(figure, int):
        return empty, empty, figure
    form = forms.get(id(figure))
    if form is not None:
        _, indices, coefficients, offset = form
        return indices, coefficients, offset
    flat = cp_model_helper.FlatIntExpr(figure)
    indices = np.fromiter((var.index for var in flat.vars), dtype=np.int64)
    return indices, np.asarray(flat.coeffs, dtype=np.int64), int(flat.offset)
