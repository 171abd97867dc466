"""Worker processes: one call at a time each, over a pipe, started from a fork server.

Why processes: Aer holds the GIL while it simulates, so a simulation on one of the Hub's
threads froze every HTTP request, and Qiskit crashed when two threads used it at once.
Worker processes keep the server answering, let simulations use every core, let a cancel or
a deadline stop a call in flight, and turn a crash or an out-of-memory kill into one failed
call instead of a dead Hub. They exit with the Hub, however it dies (``kill -9`` too): its
fork server sees its "alive" pipe close and exits, and the kernel kills each worker with it,
a call in flight included (:func:`.serving._die_with_the_fork_server`).
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.forkserver
import threading
import time
from collections.abc import Callable, Generator
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from .errors import SimulatorCrashed, WorkerOverMemory, WorkerTimedOut
from .serving import address_space, ready, serve

__all__ = ["PRELOAD", "StagedCall", "Worker", "address_space"]

#: How often a bounded call's process is looked at while it runs, seconds.
WATCH_INTERVAL = 0.05
#: A message this small is sent without a deadline: between calls the process's end of the
#: pipe is empty, and the socket buffer takes it whole without blocking.
DIRECT_SEND_BYTES = 16 * 1024

#: Imported once by the fork server, so each worker starts with Qiskit loaded (forked, copy on
#: write) instead of importing it again (about 1.5 s of CPU per worker). Also the CLI: each
#: worker re-runs a main module started by path, such as the ``qhub-local`` script (Python's
#: multiprocessing does), which then finds what it imports loaded already. First, how Aer's
#: OpenMP threads wait (:mod:`.openmp`).
PRELOAD = [
    "qhub.local.simulation.openmp",  # before Qiskit loads the OpenMP runtime
    "qiskit",
    "qiskit_aer",
    "qiskit_qasm3_import",
    "qhub.local.simulation.workers",
    "qhub.local.cli",
]


def _worker_context() -> Any:
    """Workers come from a fork server (a clean single-threaded process, unlike the Hub,
    which is not safe to fork) that has Qiskit imported already."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class Worker:
    """One worker process, one call at a time; started on first use, restarted after it
    dies, killed and replaced when a call overruns its deadline.

    Args:
        name: what the process is, in error messages (``circuit parser 0``).
        warm_up: run in the process once it starts, before its first call (a module-level
            function: it is pickled by name).
    """

    def __init__(self, name: str, warm_up: Callable[[], None]) -> None:
        self.name = name
        self._warm_up = warm_up
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Connection | None = None
        self._ready = False

    def call(
        self,
        function: Callable[..., Any],
        *args: Any,
        timeout: float | None = None,
        max_growth: int | None = None,
    ) -> Any:
        """Run ``function(*args)`` in the process; re-raise what it raised.

        ``timeout`` bounds the call's seconds, ``max_growth`` how many bytes the process's
        address space may grow during it (looked at every :data:`WATCH_INTERVAL`); neither
        counts the start of a fresh process.

        Raises:
            SimulatorCrashed: the process died before answering.
            WorkerTimedOut / WorkerOverMemory: it overran; it was killed and a new one
                started in its place.
        """
        with self._lock:
            value, last = self._exchange(function, args, timeout, max_growth)
        if not last:  # a generator function: not for call()
            with self._lock:
                self._replace()
            raise TypeError(f"{function!r} answers in stages: start it with begin()")
        return value

    def begin(
        self,
        function: Callable[..., Generator[Any, None, Any]],
        *args: Any,
        timeout: float | None = None,
        max_growth: int | None = None,
    ) -> tuple[Any, StagedCall]:
        """Start a staged call: ``function`` is a generator function, whose first yielded
        value is returned now (bounded as :meth:`call` bounds its call), and the rest through
        the returned :class:`StagedCall`. The process is the caller's until that call is
        finished (its last answer read, or :meth:`StagedCall.finish`).

        Raises:
            what :meth:`call` raises, for the first stage (the call is then over).
        """
        self._lock.acquire()
        try:
            first, last = self._exchange(function, args, timeout, max_growth)
        except BaseException:
            self._lock.release()
            raise
        staged = StagedCall(self)
        if last:  # it answered once only: nothing more to read
            staged._release()
        return first, staged

    def _exchange(
        self,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        timeout: float | None,
        max_growth: int | None,
    ) -> tuple[Any, bool]:
        """Send a call and read its first answer (the lock held): its value, and whether it
        was the last."""
        try:
            connection = self._connected()
            before = address_space(self._process.pid) if max_growth is not None else None
            deadline = math.inf if timeout is None else time.monotonic() + timeout
            self._send(connection, (function, args), deadline, timeout)
        except (EOFError, OSError):
            raise self._crashed() from None
        return self._answer(connection, deadline, timeout, before, max_growth)

    def _next_answer(self, timeout: float | None) -> tuple[Any, bool]:
        """The next answer of a staged call (the lock held), within ``timeout`` seconds."""
        connection = self._connection
        if connection is None:
            raise self._crashed()
        deadline = math.inf if timeout is None else time.monotonic() + timeout
        return self._answer(connection, deadline, timeout, None, None)

    def _answer(
        self,
        connection: Connection,
        deadline: float,
        timeout: float | None,
        before: int | None,
        max_growth: int | None,
    ) -> tuple[Any, bool]:
        """Read the process's next answer, watched as :meth:`_watch` says when bounded: its
        value and whether it was the last; re-raise what the call raised."""
        try:
            if timeout is not None or before is not None:
                self._watch(connection, deadline, timeout, before, max_growth)
            ok, value, last = connection.recv()
        except (EOFError, OSError):
            raise self._crashed() from None
        if ok:
            return value, last
        raise value

    def _crashed(self) -> SimulatorCrashed:
        exitcode = self._discard()
        return SimulatorCrashed(
            f"the {self.name} process stopped unexpectedly "
            "(it was stopped, ran out of memory, or crashed)",
            exitcode,
        )

    def _send(
        self, connection: Connection, message: Any, deadline: float, timeout: float | None
    ) -> None:
        """Send ``message`` within the deadline: a big one fills the pipe, and a process that
        stopped reading it would otherwise hold the sender forever.

        Raises:
            WorkerTimedOut: the process did not take it in time (it was killed and replaced).
            OSError: the process went away.
        """
        payload = ForkingPickler.dumps(message)  # what Connection.send sends
        if math.isinf(deadline) or len(payload) <= DIRECT_SEND_BYTES:
            connection.send_bytes(payload)
            return
        failure: list[BaseException] = []

        def send() -> None:
            try:
                connection.send_bytes(payload)
            except BaseException as error:  # handed to the caller below
                failure.append(error)

        sender = threading.Thread(target=send, name=f"{self.name} send", daemon=True)
        sender.start()
        sender.join(max(0.0, deadline - time.monotonic()))
        if sender.is_alive():
            self._replace()  # the killed process's pipe breaks, and the send ends with it
            sender.join(5)
            raise WorkerTimedOut(f"the {self.name} took longer than {timeout:g} s")
        if failure:
            raise failure[0]

    def _watch(
        self,
        connection: Connection,
        deadline: float,
        timeout: float | None,
        before: int | None,
        max_growth: int | None,
    ) -> None:
        """Wait for the answer to be ready; kill and replace the process if it overruns."""
        pid = self._process.pid
        while not connection.poll(max(0.0, min(WATCH_INTERVAL, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                self._replace()
                raise WorkerTimedOut(f"the {self.name} took longer than {timeout:g} s")
            if before is not None and max_growth is not None:
                now = address_space(pid)
                if now is not None and now - before > max_growth:
                    self._replace()
                    raise WorkerOverMemory(f"the {self.name} grew past {max_growth} bytes")

    @property
    def ready(self) -> bool:
        """Whether the process is running and warmed up (a call starts at once)."""
        process = self._process
        return self._ready and process is not None and process.is_alive()

    def ensure_ready(self) -> None:
        """Start the process if it isn't running, and wait until it has warmed up.

        Raises:
            SimulatorCrashed: it died while starting.
        """
        with self._lock:
            try:
                self._connected()
            except (EOFError, OSError):
                exitcode = self._discard()
                raise SimulatorCrashed(f"the {self.name} process did not start", exitcode) from None

    def _connected(self) -> Connection:
        """The pipe to a live, warmed-up process (started now if need be)."""
        if self._connection is None or not self._process.is_alive():
            self._discard()
            self._start()
        assert self._connection is not None
        if not self._ready:
            self._connection.send((ready, ()))
            self._connection.recv()
            self._ready = True
        return self._connection

    def _start(self) -> None:
        """Start a process; it warms up on its own (:meth:`_connected` waits for that)."""
        context = _worker_context()
        ours, theirs = context.Pipe()
        process = context.Process(
            target=serve,
            args=(theirs, self._warm_up),
            name=f"qhub-{self.name}",
            daemon=True,
        )
        process.start()
        theirs.close()
        self._process, self._connection, self._ready = process, ours, False

    def _replace(self) -> None:
        """Kill the process (its call overran) and start another, which warms up while the
        caller hears about the overrun."""
        if self._process is not None:
            self._process.kill()
        self._discard()
        self._start()

    def _discard(self) -> int | None:
        """Forget the process (reaping it); how it ended, if it has."""
        exitcode = None
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            self._process.join(timeout=5)
            exitcode = self._process.exitcode
        self._process = self._connection = None
        self._ready = False
        return exitcode

    def kill(self) -> None:
        """Stop the process now; a call in flight raises :class:`SimulatorCrashed`."""
        process = self._process
        if process is not None and process.is_alive():
            process.kill()

    @property
    def pid(self) -> int | None:
        """The live process's id, if it has started."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None


class StagedCall:
    """The rest of a call started with :meth:`Worker.begin`: its next answers, read in turn.

    The worker is held until the last answer is read or :meth:`finish` is called; finishing
    before the last answer kills the process (it may be mid-way through a long stage) and
    starts another.
    """

    def __init__(self, worker: Worker) -> None:
        self._worker = worker
        self._open = True

    def next(self, timeout: float | None = None) -> Any:
        """The call's next answer, waiting up to ``timeout`` seconds (None: as long as it
        takes); the call is finished after its last answer, or a failure.

        Raises:
            what the stage raised in the process; ``SimulatorCrashed`` if the process died
            (or was killed); ``WorkerTimedOut`` past ``timeout`` (the process is replaced).
            ``RuntimeError`` when the call is already finished.
        """
        if not self._open:
            raise RuntimeError(f"the staged call on the {self._worker.name} is finished")
        try:
            value, last = self._worker._next_answer(timeout)
        except BaseException:
            self._release()
            raise
        if last:
            self._release()
        return value

    def answered(self, within: float) -> bool:
        """Whether the next answer has come (or the process has died), waiting up to
        ``within`` seconds for it; reads nothing."""
        connection = self._worker._connection
        return connection is None or connection.poll(within)

    @property
    def finished(self) -> bool:
        """Whether the call is over (the worker is free for others)."""
        return not self._open

    def finish(self) -> None:
        """End the call now: a call with answers still to come has its process replaced."""
        if self._open:
            self._worker._replace()
            self._release()

    def _release(self) -> None:
        if self._open:
            self._open = False
            self._worker._lock.release()
