"""What runs inside a worker process: its loop, and how it dies with the Hub.

A worker answers each ``(function, args)`` it receives (:func:`serve`); a generator function
(a staged call) answers once per value it yields and once more with its return value. The
Hub's side of the pipe is :class:`.processes.Worker`.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing.forkserver
import os
import signal
import sys
import types
from collections.abc import Callable, Generator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .errors import InvalidJobInput, SimulationFailed

__all__ = ["address_space", "ready", "serve"]


def address_space(pid: int | str = "self") -> int | None:
    """A process's virtual memory size (``VmSize``), bytes; None where ``/proc`` doesn't
    say (not Linux, or the process is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return None


def ready() -> bool:
    """Answered once the worker has warmed up: what :meth:`.processes.Worker.ensure_ready` waits for."""
    return True


#: ``prctl`` option: the signal this process gets when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1


def _die_with_the_fork_server() -> None:
    """Let this worker be killed when the Hub dies, even in the middle of a call.

    A worker's parent is the fork server, which exits when the Hub's end of its "alive"
    pipe closes, but only once nobody else holds that end either, and every process it
    forks inherits one. So the worker closes its copy (it never starts processes itself),
    then asks the kernel for SIGKILL when its parent goes (Linux only; elsewhere a worker
    ends when it next reads from the Hub's closed pipe).
    """
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def serve(connection: Connection, warm_up: Callable[[], None]) -> None:
    """A worker's loop: warm up, then run each ``(function, args)`` received and send back
    its outcomes as ``(ok, value, last)``: one for a function; for a generator function (a
    staged call), one per value it yields as soon as it yields it, then its return value
    marked last. A failure is always the last answer."""
    _die_with_the_fork_server()
    warm_up()
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):  # the Hub is gone
            return
        try:
            result = function(*args)
            if isinstance(result, types.GeneratorType):
                result = _send_stages(connection, result)
            outcome: tuple[bool, Any, bool] = (True, result, True)
        except (InvalidJobInput, SimulationFailed) as exc:
            outcome = (False, exc, True)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # keep what crosses the pipe picklable (a Rust panic too)
            outcome = (False, SimulationFailed(f"{type(exc).__name__}: {exc}"), True)
        connection.send(outcome)


def _send_stages(connection: Connection, stages: Generator[Any, None, Any]) -> Any:
    """Send each value a staged call yields as it comes; its return value, the last answer."""
    while True:
        try:
            value = next(stages)
        except StopIteration as end:
            return end.value
        connection.send((True, value, False))
