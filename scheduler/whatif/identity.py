"""What must be the same on every worker for a sweep's rows not to depend on where they ran.

A worker's identity is the installed ``scheduler`` version, a digest of the package's own source
files (so two checkouts of the same version that differ are told apart) and the versions of the
solver packages. :func:`mismatches` says, in words, how the workers differ from this process.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Mapping
from pathlib import Path

from scheduler.solve.versions import solver_versions

__all__ = ["IDENTITY_KEYS", "identity", "mismatches"]

IDENTITY_KEYS = ("scheduler", "scheduler code", "ortools", "pulp")
_PACKAGE = Path(__file__).resolve().parents[1]


def _distribution_version() -> str:
    """The version of the distribution that provides the ``scheduler`` package."""
    for name in importlib.metadata.packages_distributions().get("scheduler", []):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - odd installs
            continue
    return "not installed"


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def identity() -> dict[str, str]:
    """This process's identity (run on every Dask worker before a sweep starts)."""
    return {
        "scheduler": _distribution_version(),
        "scheduler code": _code_digest(),
        **solver_versions(),
    }


def mismatches(here: Mapping[str, str], workers: Mapping[str, Mapping[str, str]]) -> list[str]:
    """One line per worker whose identity differs from ``here``, naming each difference."""
    lines = []
    for address, theirs in sorted(workers.items()):
        differences = [
            f"{key} {theirs.get(key, 'missing')} (here {here[key]})"
            for key in IDENTITY_KEYS
            if theirs.get(key) != here.get(key)
        ]
        if differences:
            lines.append(f"worker {address}: " + ", ".join(differences))
    return lines
