"""Where a sweep's variants run: local worker processes, or an existing Dask cluster.

Both runners take a picklable top-level function and a list of picklable items, and yield
``(index, result)`` as results finish (in any order: callers sort). An item whose worker dies is
yielded as a :class:`Failed` with the reason, never lost with the others. Interrupting the
iteration (Ctrl-C, or closing the generator) cancels what has not started and stops what is
running.

Local workers are started with the ``forkserver`` method (``spawn`` where there is none): OR-Tools
keeps threads and state that do not survive ``fork``. Workers ignore SIGINT, so Ctrl-C reaches
only the parent (workers run in their own process group), which then stops them itself. When a
worker process dies (killed, out of memory, a crash in native code) the pool is broken: it is
replaced and every unfinished item resubmitted; the item that was running in the dead process is
tried at most ``attempts`` times in all, then it is a :class:`Failed` row.

On Dask each item is one task keyed by its position (``variant-00001-<run>``). When workers die,
Dask retries their tasks and gives up with ``KilledWorker`` after the scheduler's
``allowed-failures``, also on tasks that only shared a worker with the one that kills it; so each
such task is run once more, alone, after the others, and is a :class:`Failed` row only if it
kills its worker again. Before anything is submitted the workers' identity
(:mod:`scheduler.whatif.identity`) is compared with this process's and a mismatch is refused.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from scheduler.errors import Problem, ScenarioError
from scheduler.whatif.identity import identity, mismatches

__all__ = ["MAX_ATTEMPTS", "Failed", "cpu_count", "dask_runner", "local_runner", "start_method"]

T = TypeVar("T")
R = TypeVar("R")
Runner = Callable[[Callable[[T], R], Sequence[T]], Iterator[tuple[int, "R | Failed"]]]

MAX_ATTEMPTS = 2  # a local variant whose worker process dies is tried once more, then it fails


@dataclass(frozen=True)
class Failed:
    """What a runner yields for an item that produced no result: its worker died, or the result
    could not be sent back. ``reason`` is one sentence for the planner."""

    reason: str


def cpu_count() -> int:
    """Cores this process may use (its CPU affinity where the platform tells)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def _detach_from_ctrl_c() -> None:
    """Worker initializer: leave the terminal's process group, so that Ctrl-C reaches only the
    parent (which stops the workers itself). Ignoring SIGINT alone is not enough: CP-SAT installs
    its own SIGINT handler while it solves and leaves the default (terminate) one behind."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _marked(fn: Callable[[T], R], item: T, index: int, marks: str) -> R:
    """Run ``fn(item)`` in a worker, first leaving a mark (``marks/INDEX`` holding this process's
    id) so that the parent can tell which item was running in a worker that died."""
    Path(marks, str(index)).write_text(str(os.getpid()), encoding="ascii")
    return fn(item)


def _death(exitcode: int | None) -> str:
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"it was killed by {name}{hint}"
    return f"it exited with code {exitcode}"


def _blame(marks: Path, pending: set[int], processes: Sequence[Any]) -> dict[int, str]:
    """The pending items that were running in a worker that died on its own (not one the broken
    pool terminated), with how it died; if none can be told apart, every pending item that had
    started (else every pending item: the pool broke before any started)."""
    dead = {
        process.pid: process.exitcode
        for process in processes
        if process.exitcode not in (None, 0, -signal.SIGTERM)
    }
    started: dict[int, int] = {}
    for mark in marks.iterdir():
        with contextlib.suppress(ValueError, OSError):
            if int(mark.name) in pending:
                started[int(mark.name)] = int(mark.read_text(encoding="ascii"))
    culprits = {index: _death(dead[pid]) for index, pid in started.items() if pid in dead}
    if culprits:
        return culprits
    suspects = started or dict.fromkeys(pending, 0)
    return dict.fromkeys(suspects, "its worker process died")


def local_runner(jobs: int, attempts: int = MAX_ATTEMPTS) -> Runner:
    """A runner on ``jobs`` local worker processes; a dead pool is replaced (see the module)."""

    def run(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R | Failed]]:
        pending = set(range(len(items)))
        tries = dict.fromkeys(pending, 0)
        context = multiprocessing.get_context(start_method())
        with tempfile.TemporaryDirectory(prefix="scheduler-sweep-") as folder:
            marks = Path(folder)
            while pending:
                for mark in marks.iterdir():
                    mark.unlink()
                pool = ProcessPoolExecutor(
                    max_workers=max(1, min(jobs, len(pending))),
                    mp_context=context,
                    initializer=_detach_from_ctrl_c,
                )
                broken = finished = False
                processes: list[Any] = []
                try:
                    futures: dict[Future[R], int] = {
                        pool.submit(_marked, fn, items[index], index, folder): index
                        for index in sorted(pending)
                    }
                    processes = list((getattr(pool, "_processes", None) or {}).values())
                    for future in as_completed(futures):
                        index = futures[future]
                        try:
                            outcome: R | Failed = future.result()
                        except BrokenProcessPool:
                            broken = True
                            continue
                        except Exception as exc:  # raised in the worker, or lost on the way back
                            outcome = Failed(f"its worker failed: {type(exc).__name__}: {exc}")
                        pending.discard(index)
                        yield index, outcome
                    finished = True
                finally:
                    if finished and not broken:
                        pool.shutdown(wait=True)
                    else:
                        _stop(pool, processes)
                if not broken:
                    break
                for index, how in sorted(_blame(marks, pending, processes).items()):
                    tries[index] += 1
                    if tries[index] >= attempts:
                        pending.discard(index)
                        times = "once" if tries[index] == 1 else f"{tries[index]} times"
                        yield index, Failed(f"its worker process died ({how}), {times}")

    return run


def _stop(pool: ProcessPoolExecutor, processes: Sequence[Any] = ()) -> None:
    """Cancel what has not started, then terminate the pool's own workers (those still solving).

    Futures are cancelled by ``shutdown(cancel_futures=True)``, not one by one: Python 3.11's pool
    fails on a future cancelled behind its back when it then finds a terminated worker."""
    known = list((getattr(pool, "_processes", None) or {}).values())
    processes = [*processes, *(p for p in known if p not in processes)]
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def _dask_problem(message: str) -> ScenarioError:
    return ScenarioError([Problem("--dask", None, "", message)])


def _task_resources(client: Any, cpus: int) -> dict[str, int] | None:
    """``{"CPU": cpus}`` when the workers declare a ``CPU`` resource (``dask worker --resources
    CPU=N``): then a worker runs only as many variants at once as its cores hold. Without the
    resource, a worker runs one variant per thread (``--nthreads``)."""
    workers = client.scheduler_info().get("workers", {})
    declared = [info.get("resources", {}).get("CPU") for info in workers.values()]
    if not any(amount is not None for amount in declared):
        return None
    if not any(amount is not None and amount >= cpus for amount in declared):
        most = max(amount for amount in declared if amount is not None)
        raise _dask_problem(
            f"each variant needs {cpus} CPU (--workers {cpus}) but no worker declares more than "
            f"{most:g}; start workers with --resources CPU=N (N >= {cpus}) or lower --workers"
        )
    return {"CPU": cpus}


def check_workers(client: Any, timeout: float) -> None:
    """Refuse a cluster with no workers, or whose workers differ from this process (versions
    of scheduler and the solvers, or the scheduler code itself)."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError) as exc:
        raise _dask_problem(f"no Dask worker joined within {timeout:g} s ({exc})") from None
    try:
        theirs = client.run(identity)
    except Exception as exc:  # the workers cannot import scheduler, or died answering
        raise _dask_problem(
            f"the Dask workers cannot run scheduler ({type(exc).__name__}: {exc}); install the "
            "same scheduler on every worker"
        ) from None
    lines = mismatches(identity(), theirs)
    if lines:
        raise _dask_problem(
            "the Dask workers do not run the same scheduler and solvers as this process, so "
            "their rows could differ; install the same versions everywhere: " + "; ".join(lines)
        )


def dask_runner(address: str, timeout: float = 10.0, cpus: int = 1) -> Runner:
    """A runner on the Dask distributed cluster whose scheduler is at ``address``; each variant
    uses ``cpus`` solver threads (see :func:`_task_resources`).

    The workers must be able to import :mod:`scheduler` (the function is sent by reference).
    """

    def run(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R | Failed]]:
        try:
            from distributed import Client, KilledWorker
            from distributed import as_completed as dask_completed
        except ImportError:
            raise _dask_problem(
                "needs dask[distributed]: pip install 'shared-services-scheduler[dask]'"
            ) from None
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            message = f"cannot connect to a Dask scheduler at {address!r}: {exc}"
            raise _dask_problem(message) from None
        futures: list[Any] = []
        finished = False
        try:
            check_workers(client, timeout)
            resources = _task_resources(client, cpus)
            run_id = uuid.uuid4().hex[:8]

            def submit(index: int, suffix: str = "") -> Any:
                key = f"variant-{index + 1:05d}-{run_id}{suffix}"
                future = client.submit(fn, items[index], key=key, pure=False, resources=resources)
                futures.append(future)
                return future

            first = {submit(index).key: index for index in range(len(items))}
            suspects: list[int] = []
            for future in dask_completed(list(futures), loop=client.loop):
                try:
                    outcome: R | Failed = future.result()
                except KilledWorker:
                    suspects.append(first[future.key])  # maybe only beside the one that kills
                    continue
                except Exception as exc:  # the task or its result was lost
                    outcome = Failed(f"its Dask task failed: {type(exc).__name__}: {exc}")
                yield first[future.key], outcome
            for index in sorted(suspects):  # one at a time: a task that kills its worker alone
                retry = submit(index, "-alone")
                try:
                    outcome = retry.result()
                except KilledWorker as exc:
                    outcome = Failed(
                        f"it killed its Dask worker on every attempt, alone too ({exc})"
                    )
                except Exception as exc:
                    outcome = Failed(f"its Dask task failed: {type(exc).__name__}: {exc}")
                yield index, outcome
            finished = True
        finally:
            if not finished and futures:
                client.cancel(futures)
            client.close()

    return run
