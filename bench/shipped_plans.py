"""The shipped scenarios' ``--deterministic`` plans, to show that a change keeps them (or how it
alters them):

    python bench/shipped_plans.py /tmp/before                  # on the tree before the change
    python bench/shipped_plans.py /tmp/after --against /tmp/before

writes one plan JSON per scenario (base, actual-2023, status-2025) and per variant of
``scenarios/contingency.yaml`` (base.yaml with the variant's ``--set`` overrides), each solved by
``python -m scheduler ... --deterministic --json`` in a fresh process with this checkout's code.
With ``--against DIR`` it then names each file whose bytes differ from DIR's, and the top-level
keys that differ, and exits 1 if any does (0 when all are byte-identical).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def runs() -> dict[str, list[str]]:
    """Plan name -> the command-line arguments that solve it."""
    out = {name: [f"scenarios/{name}.yaml"] for name in ("base", "actual-2023", "status-2025")}
    contingency = yaml.safe_load((ROOT / "scenarios" / "contingency.yaml").read_text("utf-8"))
    for variant in contingency["variants"]:
        args = ["scenarios/base.yaml"]
        for key, value in variant["set"].items():
            args += ["--set", f"{key}={value}"]
        out["contingency-" + variant["name"].replace(" ", "_")] = args
    return out


def write_plans(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, args in runs().items():
        path = folder / f"{name}.json"
        command = [sys.executable, "-m", "scheduler", *args, "--deterministic", "--quiet"]
        done = subprocess.run(
            [*command, "--json", str(path)], cwd=ROOT, capture_output=True, text=True
        )
        print(f"{name}: exit {done.returncode}")
        written.append(path)
    return written


def differences(path: Path, other: Path) -> list[str]:
    """The top-level keys whose values differ between two plan files (``[]``: same bytes)."""
    if not other.exists():
        return ["(no such file to compare with)"]
    if path.read_bytes() == other.read_bytes():
        return []
    mine, theirs = json.loads(path.read_text("utf-8")), json.loads(other.read_text("utf-8"))
    keys = dict.fromkeys([*mine, *theirs])
    return [key for key in keys if mine.get(key) != theirs.get(key)] or ["(formatting only)"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the plans")
    parser.add_argument("--against", type=Path, help="a folder of earlier plans to compare with")
    args = parser.parse_args(argv)
    written = write_plans(args.folder)
    if args.against is None:
        return 0
    changed = 0
    for path in written:
        keys = differences(path, args.against / path.name)
        if keys:
            changed += 1
            print(f"{path.name}: differs in {', '.join(keys)}")
    print(f"{len(written) - changed} of {len(written)} plans byte-identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
