"""Where a sweep's variants run: local worker processes, or an existing Dask cluster.

Both runners take a picklable top-level function and a list of picklable items, and yield
``(index, result)`` as results finish (in any order: callers sort). Interrupting the iteration
(Ctrl-C, or closing the generator) cancels what has not started and stops what is running.

Local workers are started with the ``forkserver`` method (``spawn`` where there is none): OR-Tools
keeps threads and state that do not survive ``fork``. Workers ignore SIGINT, so Ctrl-C reaches
only the parent (workers run in their own process group), which then stops them itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from scheduler.errors import Problem, ScenarioError

__all__ = ["cpu_count", "dask_runner", "local_runner", "start_method"]

T = TypeVar("T")
R = TypeVar("R")


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


def local_runner(jobs: int) -> Callable[[Callable[[T], R], Sequence[T]], Iterator[tuple[int, R]]]:
    """A runner on ``jobs`` local worker processes."""

    def run(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if not items:
            return
        context = multiprocessing.get_context(start_method())
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(jobs, len(items))),
            mp_context=context,
            initializer=_detach_from_ctrl_c,
        )
        futures: dict[Future[R], int] = {}
        finished = False
        try:
            futures = {pool.submit(fn, item): index for index, item in enumerate(items)}
            for future in as_completed(futures):
                yield futures[future], future.result()
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:
                _stop(pool)

    return run


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started, then terminate the pool's own workers (those still solving).

    Futures are cancelled by ``shutdown(cancel_futures=True)``, not one by one: Python 3.11's pool
    fails on a future cancelled behind its back when it then finds a terminated worker."""
    processes: list[Any] = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def dask_runner(
    address: str, timeout: float = 10.0
) -> Callable[[Callable[[T], R], Sequence[T]], Iterator[tuple[int, R]]]:
    """A runner on the Dask distributed cluster whose scheduler is at ``address``.

    The workers must be able to import :mod:`scheduler` (the function is sent by reference) and
    each worker thread runs one variant with its own solver threads.
    """

    def run(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        try:
            from distributed import Client
            from distributed import as_completed as dask_completed
        except ImportError:
            message = "needs dask[distributed]: pip install 'shared-services-scheduler[dask]'"
            raise ScenarioError([Problem("--dask", None, "", message)]) from None
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            message = f"cannot connect to a Dask scheduler at {address!r}: {exc}"
            raise ScenarioError([Problem("--dask", None, "", message)]) from None
        futures: list[Any] = []
        finished = False
        try:
            futures = [client.submit(fn, item, pure=False) for item in items]
            position = {future.key: index for index, future in enumerate(futures)}
            for future in dask_completed(futures, loop=client.loop):
                yield position[future.key], future.result()
            finished = True
        finally:
            if not finished and futures:
                client.cancel(futures)
            client.close()

    return run
