"""Hypothesis strategies that mutate documents (parsed YAML or JSON) and texts the way a hostile
or careless user would: values of the wrong type or out of range, keys deleted, misspelt or
added, list items duplicated or dropped, lines deleted, duplicated or cut.

Values stay within what the size limits allow (absurd sizes are tests of their own, in
``tests/fuzz/test_hostile_yaml.py``): months and counts up to a few thousand, money up to £100bn.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

SCALARS = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            False,
            0,
            1,
            2,
            3,
            -1,
            12,
            13,
            100,
            2_000,
            0.5,
            -0.0,
            1e-9,
            float("nan"),
            float("inf"),
            "",
            "x",
            "abc",
            "lower-case-id",
            "Name With Spaces",
            "2023-04",
            "2023-13",
            "2023-00",
            "2099-12",
            "1999-01",
            "2023-24",
            "2023-04..2024-01",
            "£35m",
            "£0",
            "-£1m",
            "35000000.5",
            "£2.5bn",
            "£100bn",
            "300k",
            "£1,000",
            "1e6",
            "tender.end",
            "entry",
            "implement.start",
            "nope.end",
            "start",
            "end",
            "\x1b]0;TITLE\x07\x1b[2J",
            "\u202eevil",
            "line\nbreak",
            "a" * 300,
        ]
    ),
    st.integers(-5_000, 5_000),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.text(max_size=12),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["id", "name", "months", "cost", "x"]), SCALARS, max_size=3),
)
KEYS = st.sampled_from(
    [
        "id", "name", "months", "cost", "uses", "options", "phases", "legacy", "depends_on",
        "fixed_entry", "earliest_entry", "latest_entry", "expires", "hard_deadline", "capacity",
        "amount", "from", "to", "tranche", "caps", "stagger_months", "deadline", "objective",
        "max_wait", "lag", "milestone", "this", "cluster", "supplier", "units", "weights",
        "risk", "unknown_key", "mnths", "horizon", "start", "end",
    ]
)  # fmt: skip


def _containers(document: Any) -> list[Any]:
    """Every mapping and list inside ``document`` (itself included)."""
    found: list[Any] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            found.append(node)
            stack.extend(node)
    return found


@st.composite
def _mutate_once(draw: st.DrawFn, document: Any) -> None:
    containers = _containers(document)
    if not containers:
        return
    node = draw(st.sampled_from(containers))
    if isinstance(node, dict):
        keys = list(node)
        op = draw(st.sampled_from(["set", "delete", "rename", "add", "nest"]))
        if not keys or op == "add":
            node[draw(KEYS)] = draw(VALUES)
            return
        key = draw(st.sampled_from(keys))
        if op == "set":
            node[key] = draw(VALUES)
        elif op == "delete":
            del node[key]
        elif op == "rename":
            node[draw(KEYS)] = node.pop(key)
        else:
            node[key] = [node[key]]
    else:
        op = draw(st.sampled_from(["set", "delete", "duplicate", "append", "empty"]))
        if not node or op == "append":
            node.append(draw(VALUES))
            return
        index = draw(st.integers(0, len(node) - 1))
        if op == "set":
            node[index] = draw(VALUES)
        elif op == "delete":
            del node[index]
        elif op == "duplicate":
            node.insert(index, copy.deepcopy(node[index]))
        else:
            node.clear()


@st.composite
def mutated_documents(draw: st.DrawFn, document: Any, most: int = 3) -> Any:
    """``document`` (not changed) with one to ``most`` structural mutations."""
    mutated = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, most))):
        draw(_mutate_once(mutated))
    return mutated


@st.composite
def mutated_texts(draw: st.DrawFn, text: str) -> str:
    """``text`` with a line deleted, duplicated, cut short or spliced with odd characters."""
    lines = text.splitlines(keepends=True)
    index = draw(st.integers(0, max(0, len(lines) - 1)))
    op = draw(st.sampled_from(["delete", "duplicate", "cut", "splice", "indent"]))
    if op == "delete":
        del lines[index]
    elif op == "duplicate":
        lines.insert(index, lines[index])
    elif op == "cut":
        lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        del lines[index + 1 :]
    elif op == "splice":
        at = draw(st.integers(0, len(lines[index])))
        odd = draw(
            st.sampled_from(
                [
                    ":",
                    "- ",
                    "{",
                    "[",
                    "&a",
                    "*a",
                    "!!python/name:os.system",
                    "\t",
                    "'",
                    '"',
                    "#",
                    "? ",
                    "|",
                    "%",
                ]
            )
        )
        lines[index] = lines[index][:at] + odd + lines[index][at:]
    else:
        lines[index] = "   " + lines[index]
    return "".join(lines)
