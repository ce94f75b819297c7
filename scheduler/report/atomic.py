"""Output files written atomically, and output directories that hold only the run that wrote them.

Every file the tool writes goes through :func:`atomic_file`: it is written to a temporary name in
the same directory, flushed to disk, and renamed over the target with :func:`os.replace`. A full
disk, an interrupt or a crash leaves the previous file as it was (never half a file), and a
reader never sees a partial one.

An :class:`OutputDir` is an ``--out`` directory: it knows the names its command owns (``plan.json``,
``graph.*``, ``plans/*.json``...), and once a run has written its files, :meth:`OutputDir.finish`
removes the owned files that this run did not write (the plan.csv of an earlier feasible run after
an infeasible one, a longer earlier sweep's ``plans/005.json``). Files it does not own are left.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["OutputDir", "atomic_file", "write_atomic", "write_bytes", "write_text"]


def _file_mode() -> int:
    """The mode a newly created file gets under the process's umask (``0o644`` usually)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_file(
    path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """A handle on a temporary file next to ``path``, renamed over ``path`` when the block ends
    without an error (removed when it raises). ``mode`` is ``"w"`` (text) or ``"wb"``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    try:
        binary = "b" in mode
        with os.fdopen(
            descriptor,
            mode,
            encoding=None if binary else encoding,
            newline=None if binary else newline,
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _file_mode())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_text(path: str | Path, text: str, newline: str | None = None) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8); return the path."""
    with atomic_file(path, "w", newline=newline) as handle:
        handle.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_file(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text in ``encoding``, written as given with no newline translation, or
    bytes) to ``path`` atomically; return the path."""
    return write_bytes(path, data.encode(encoding) if isinstance(data, str) else data)


class OutputDir:
    """An output directory whose files a command owns by name pattern (relative, ``fnmatch``)."""

    def __init__(self, folder: str | Path, owned: Sequence[str]) -> None:
        self.folder = Path(folder)
        self.owned = tuple(owned)
        self.written: list[Path] = []

    def path(self, name: str) -> Path:
        """The path of ``name`` in the directory, recorded as written by this run."""
        target = self.folder / name
        self.written.append(target)
        return target

    def finish(self) -> list[Path]:
        """Remove every owned file this run did not write; return the ones removed."""
        keep = {path.resolve() for path in self.written}
        removed = []
        for pattern in self.owned:
            for found in sorted(self.folder.glob(pattern)):
                is_owned = fnmatch.fnmatch(found.relative_to(self.folder).as_posix(), pattern)
                if found.is_file() and is_owned and found.resolve() not in keep:
                    found.unlink()
                    removed.append(found)
        return removed
