"""Stopping a run or report promptly on SIGINT (Ctrl-C) or SIGTERM.

The first signal — whether it reaches the whole process group or only the
main process — sets :data:`STOP`, prints one line and kills every running
kernel at once (each kernel is a session leader, so its whole process group
goes). The runs notice at their next check point (a queued run never starts,
a running one ends with status ``interrupted``, not ``failed``); the report
then writes its index and exits with 128 + the signal number (130 for
SIGINT). A second signal raises :class:`KeyboardInterrupt` in the main thread.

The kernel fork server runs in its own session and ignores SIGINT, so a
Ctrl-C in the terminal reaches only ``study`` itself.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class Stop:
    """A process-wide stop request and the kernels to kill when it comes."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None
        self._lock = threading.Lock()
        self._kernels: set[int] = set()

    def is_set(self) -> bool:
        """Whether a stop was requested."""
        return self.event.is_set()

    def reset(self) -> None:
        """Forget an earlier request (a new command starts)."""
        self.event.clear()
        self.signum = None

    def request(self, signum: int = signal.SIGINT) -> None:
        """Ask every run to stop, and kill the running kernels."""
        self.signum = self.signum or signum
        self.event.set()
        with self._lock:
            pids = list(self._kernels)
        for pid in pids:
            _kill_group(pid)

    def add_kernel(self, pid: int) -> None:
        """A kernel started (killed at once if a stop was already requested)."""
        with self._lock:
            self._kernels.add(pid)
        if self.is_set():
            _kill_group(pid)

    def remove_kernel(self, pid: int) -> None:
        """A kernel was shut down."""
        with self._lock:
            self._kernels.discard(pid)

    def exit_code(self) -> int:
        """128 + the signal number (130 for SIGINT)."""
        return 128 + int(self.signum or signal.SIGINT)


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            continue


#: The stop request of this process.
STOP = Stop()

#: Loggers of papermill, nbclient and jupyter_client, which report the kernels killed by a stop as errors.
_NOISY = ("papermill", "traitlets", "nbclient", "jupyter_client", "NotebookClient")


class _QuietAfterStop(logging.Filter):
    """Drop the "kernel died" messages that follow a requested stop (the summary says what happened)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not STOP.is_set()


_QUIET = _QuietAfterStop()
for _name in _NOISY:
    logging.getLogger(_name).addFilter(_QUIET)


@contextmanager
def handle_signals(command: str = "study") -> Iterator[Stop]:
    """Within the block, SIGINT and SIGTERM request a stop instead of raising at a random place.
    (Only in the main thread; elsewhere the block runs with the default handlers.)"""
    STOP.reset()
    if threading.current_thread() is not threading.main_thread():
        yield STOP
        return

    def handler(signum: int, frame: object) -> None:
        if STOP.is_set():
            raise KeyboardInterrupt
        # OSError, ValueError, RuntimeError: e.g. a reentrant write while the main thread prints
        with suppress(OSError, ValueError, RuntimeError):
            print(
                f"{command}: interrupted; stopping (running notebooks are shut down, no new run starts)",
                file=sys.stderr,
                flush=True,
            )
        STOP.request(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield STOP
    finally:
        for s, h in old.items():
            signal.signal(s, h)
