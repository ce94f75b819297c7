"""One name per rule family: the check's violations, the CP-SAT model's rule keys, the MILP's
constraint names, the binding rules and the graph's edges all use the kinds of
:mod:`scheduler.rules.kinds`."""

from __future__ import annotations

import pickle
import re
import warnings

from builders import Supplier, plan_of
from cases import three_clusters, waits

from scheduler.analysis.bindings import binding_rules
from scheduler.analysis.graph import build_graph
from scheduler.pipeline import solve
from scheduler.rules import kinds
from scheduler.rules.evaluate import decisions_from_plan, evaluate
from scheduler.rules.kinds import RULE_KINDS, Violation
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.milp.model import MilpModel
from scheduler.solve.options import SolveOptions


def test_every_cpsat_rule_key_starts_with_a_kind():
    for sc in (three_clusters(), waits()):
        keys = CpsatModel(sc, relaxable=True).rules
        assert keys
        assert {key.split(":")[0] for key in keys} <= set(RULE_KINDS)
    assert "supplier_capacity:market" in CpsatModel(three_clusters(), relaxable=True).rules


def test_every_milp_constraint_is_named_by_a_kind():
    for sc in (three_clusters(), waits()):
        with warnings.catch_warnings():  # PuLP 3.3 deprecates reading constraints as a dict
            warnings.simplefilter("ignore", DeprecationWarning)
            names = list(MilpModel(sc).problem.constraints)
        families = {re.sub(r"(_-?\d+)+$", "", name) for name in names}
        # "one": each cluster's single candidate; "completion": the objective term's bounds
        assert families <= {*RULE_KINDS, "one", "completion"}
        assert {kinds.CAP, kinds.SUPPLIER_CAPACITY} & families


def test_a_broken_rule_has_its_familys_kind_and_subject():
    sc = three_clusters(suppliers=(Supplier("market", "ERP market", 1),))
    plan = plan_of(sc, {"a": "2024-01", "b": "2024-01", "c": "2024-03"}, windows=False)
    found = evaluate(sc, decisions_from_plan(plan)).violations
    capacity = [v for v in found if v.kind == kinds.SUPPLIER_CAPACITY]
    assert capacity and {v.subject for v in capacity} == {"market"}
    assert {v.kind for v in found} <= set(RULE_KINDS)
    assert all(isinstance(v, str) and v == v.text for v in found)


def test_violations_pickle_with_their_kind():
    violation = Violation(kinds.CAP, "SR21", "cap SR21: released £310m, cap £300m")
    back = pickle.loads(pickle.dumps(violation))
    assert (back.kind, back.subject, back) == (kinds.CAP, "SR21", violation)


def test_bindings_and_graph_edges_use_the_same_kinds():
    sc = three_clusters()
    plan = solve(sc, SolveOptions(time_limit=20, workers=1)).plan
    bound = {rule.kind for rule in binding_rules(plan, sc)}
    assert kinds.SUPPLIER_CAPACITY in bound or kinds.CAP in bound
    assert bound <= set(RULE_KINDS)
    edges = {data["kind"] for *_, data in build_graph(sc, plan).edges(data=True)}
    assert edges <= {*RULE_KINDS, kinds.LIFECYCLE}
