"""Ctrl-C and SIGTERM during a solve: the first stops the solve with its best plan, a second exits.

A command that wants this (``solve``; not a sweep, whose workers are stopped by their parent)
wraps its work in :func:`interruptible` and passes the :class:`Interrupt` to the solve. While it is
active (in the main thread; elsewhere it does nothing, since only the main thread may handle
signals) SIGINT and SIGTERM are caught. The first one records its name
in :attr:`Interrupt.requested` and asks the running solver to stop; the driver then skips every
later stage and returns the best plan found. A second signal of either kind exits the process at
once with the shell's code for it (130 for SIGINT, 143 for SIGTERM), without a plan.

A solver call runs in a helper thread (:meth:`Interrupt.run`) so that the main thread stays free to
run Python's signal handlers while the solver works in C++; CP-SAT's own SIGINT handling is off
(``catch_sigint_signal``) for the same reason.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")
SIGNALS: dict[int, str] = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}
EXIT_ON_SECOND: dict[int, int] = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Stoppable(Protocol):
    def stop(self) -> None: ...


class Interrupt:
    """The state of one solve: which signal asked it to stop, and who to tell."""

    def __init__(self, active: bool = False) -> None:
        self.active = active  # whether this process's signal handlers report to it
        self.requested: str | None = None
        self._running: Stoppable | None = None
        self._lock = threading.Lock()

    def signal(self, number: int) -> None:
        """A first signal asks the solve to stop; a second exits at once."""
        if self.requested is not None:
            sys.stderr.write(f"\n{SIGNALS.get(number, number)} again: exiting without a plan\n")
            sys.stderr.flush()
            os._exit(EXIT_ON_SECOND.get(number, 1))
        self.requested = SIGNALS.get(number, str(number))
        sys.stderr.write(
            f"\n{self.requested}: stopping the solve and keeping the best plan found "
            "(again to exit at once)\n"
        )
        sys.stderr.flush()
        with self._lock:
            running = self._running
        if running is not None:
            running.stop()

    def run(self, call: Callable[[], T], solver: Stoppable) -> T:
        """``call()``, stopped through ``solver.stop()`` on a first signal. In the main thread the
        call runs in a helper thread while this one waits, so that signal handlers run promptly."""
        with self._lock:
            self._running = solver
        try:
            if not self.active or threading.current_thread() is not threading.main_thread():
                return call()
            box: dict[str, object] = {}

            def target() -> None:
                try:
                    box["value"] = call()
                except BaseException as exc:  # re-raised in the caller's thread
                    box["error"] = exc

            worker = threading.Thread(target=target, name="solver", daemon=True)
            worker.start()
            while worker.is_alive():
                worker.join(0.05)
            if "error" in box:
                raise box["error"]  # type: ignore[misc]
            return box["value"]  # type: ignore[return-value]
        finally:
            with self._lock:
                self._running = None


@contextlib.contextmanager
def interruptible() -> Iterator[Interrupt]:
    """Catch SIGINT and SIGTERM for the duration (main thread only); restore the handlers after."""
    if threading.current_thread() is not threading.main_thread():
        yield Interrupt()
        return
    interrupt = Interrupt(active=True)
    previous = {number: signal.getsignal(number) for number in SIGNALS}
    for number in SIGNALS:
        signal.signal(number, lambda number, _frame: interrupt.signal(number))
    try:
        yield interrupt
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
