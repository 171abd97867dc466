"""Qiskit off the Hub's threads: inputs are parsed and simulated in worker processes.

Why processes: Aer holds the GIL while it simulates, so a simulation on one of the Hub's
threads froze every HTTP request (a 25-qubit job stalled status polls, the token endpoint
and the gateway for seconds), and Qiskit crashed when two threads used it at once. Worker
processes keep the server answering, let simulations use every core, let a cancel stop a
running simulation, and turn a crash or an out-of-memory kill into one failed job instead of
a dead Hub.

One parser process validates and converts inputs (fast, so a submission never waits behind
a long simulation); ``size`` simulator processes run jobs, one each at a time. Circuits
travel between them pickled. Processes start on first use, are shared by every Hub in the
Python process, and exit with it (or when their parent dies: their pipe closes).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .circuits import InvalidJobInput, build_circuit, circuit_to_qasm3, run_circuit

__all__ = [
    "PreparedCircuit",
    "SimulationFailed",
    "Simulator",
    "SimulatorCrashed",
    "SimulatorPool",
    "simulator_pool",
]

Counts = dict[str, int]


class SimulatorCrashed(RuntimeError):
    """A worker process died mid-call: killed, out of memory, or a crash inside Qiskit."""


class SimulationFailed(RuntimeError):
    """The simulator raised; the message names the error (``Type: message``)."""


@dataclass(frozen=True)
class PreparedCircuit:
    """A validated, measured circuit, pickled for a simulator process."""

    pickled: bytes


# -- what runs inside a worker process --------------------------------------------------------


def _prepare(input_format: str, data: Mapping[str, Any], max_qubits: int) -> bytes:
    try:
        circuit = build_circuit(input_format, data, max_qubits)
    except InvalidJobInput:
        raise
    except Exception as exc:  # anything else a malformed input provokes in Qiskit
        raise InvalidJobInput(f"the input can't be read: {type(exc).__name__}: {exc}") from None
    return pickle.dumps(circuit, protocol=pickle.HIGHEST_PROTOCOL)


def _to_qasm3(input_format: str, data: Mapping[str, Any], max_qubits: int) -> str:
    return circuit_to_qasm3(build_circuit(input_format, data, max_qubits))


def _simulate(
    pickled: bytes, shots: int, seed: int | None, memory: bool
) -> tuple[Counts, list[str] | None]:
    try:
        # Pickled by our parser process from a validated input; never bytes from a client.
        return run_circuit(pickle.loads(pickled), shots, seed, memory=memory)  # noqa: S301
    except Exception as exc:
        raise SimulationFailed(f"{type(exc).__name__}: {exc}") from None


_WARM_UP = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; c = measure q;'
_WARM_UP_2 = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; measure q -> c;'


def _ready() -> bool:
    """Answered once the worker has warmed up: what :meth:`_Worker.warm` waits for."""
    return True


def _serve(connection: Connection) -> None:
    """A worker's loop: run each ``(function, args)`` received, send back the outcome."""
    # Warm every path once (imports, Aer's first run) before the first job waits on it.
    warm_up = build_circuit("OPEN_QASM_V3", {"qasm": _WARM_UP}, 2)
    run_circuit(warm_up, 1, 0)
    build_circuit("OPEN_QASM_V2", {"qasm": _WARM_UP_2}, 2)

    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):  # the Hub is gone
            return
        try:
            outcome: tuple[bool, Any] = (True, function(*args))
        except (InvalidJobInput, SimulationFailed) as exc:
            outcome = (False, exc)
        except Exception as exc:  # keep what crosses the pipe picklable
            outcome = (False, SimulationFailed(f"{type(exc).__name__}: {exc}"))
        connection.send(outcome)


# -- the Hub's side ---------------------------------------------------------------------------


#: Imported once by the fork server, so each worker starts with Qiskit loaded (forked, copy on
#: write) instead of importing it again (about 1.5 s of CPU per worker).
PRELOAD = ["qiskit", "qiskit_aer", "qiskit_qasm3_import", "qhub.local.simulation.workers"]


def _worker_context() -> Any:
    """Workers come from a fork server (a clean single-threaded process, unlike the Hub,
    which is not safe to fork) that has Qiskit imported already."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class _Worker:
    """One worker process, one call at a time; restarted after it dies."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Connection | None = None

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` in the process; re-raise what it raised.

        Raises:
            SimulatorCrashed: the process died before answering.
        """
        with self._lock:
            connection = self._connection
            if connection is None or not self._process.is_alive():
                self._discard()
                connection = self._start()
            try:
                connection.send((function, args))
                ok, value = connection.recv()
            except (EOFError, OSError):
                self._discard()
                raise SimulatorCrashed(
                    f"the {self._name} process stopped unexpectedly "
                    "(it was stopped, ran out of memory, or crashed)"
                ) from None
        if ok:
            return value
        raise value

    def warm(self) -> None:
        """Start the process now and wait until it has warmed up (imports, a first run)."""
        self.call(_ready)

    def _start(self) -> Connection:
        context = _worker_context()
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve, args=(theirs,), name=f"qhub-{self._name}", daemon=True
        )
        process.start()
        theirs.close()
        self._process, self._connection = process, ours
        connection: Connection = ours
        return connection

    def _discard(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            self._process.join(timeout=5)
        self._process = self._connection = None

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


class Simulator:
    """One simulator process, lent to one caller at a time by :meth:`SimulatorPool.simulator`."""

    def __init__(self, worker: _Worker) -> None:
        self._worker = worker

    def simulate(
        self, circuit: PreparedCircuit, shots: int, seed: int | None, memory: bool
    ) -> tuple[Counts, list[str] | None]:
        """Counts (and per-shot memory if asked) for ``circuit``.

        Raises:
            SimulationFailed: Aer refused or failed.
            SimulatorCrashed: the process died (or was killed).
        """
        result: tuple[Counts, list[str] | None] = self._worker.call(
            _simulate, circuit.pickled, shots, seed, memory
        )
        return result

    def kill(self) -> None:
        """Stop the process now (a simulation in flight raises :class:`SimulatorCrashed`);
        it is restarted on next use."""
        self._worker.kill()

    @property
    def pid(self) -> int | None:
        """The process's id, if it is running."""
        return self._worker.pid


class SimulatorPool:
    """Qiskit in worker processes: one parser, ``size`` simulators, and the threads that
    drive jobs through them (``jobs``: at most ``size`` jobs simulate at once).

    The pool keeps no record of which job runs where: a caller borrows a simulator
    (:meth:`simulator`) and whoever schedules the jobs keeps track of it.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size!r}")
        self.size = size
        self._parser = _Worker("circuit parser")
        self._simulators = [_Worker(f"simulator {n}") for n in range(size)]
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._simulators:
            self._idle.put(worker)
        #: Threads that run jobs; their number bounds how many simulate at once.
        self.jobs = ThreadPoolExecutor(max_workers=size, thread_name_prefix="qhub-jobs")

    def prepare(
        self, input_format: str, data: Mapping[str, Any], max_qubits: int
    ) -> PreparedCircuit:
        """Validate an input and build its circuit.

        Raises:
            InvalidJobInput: the input is malformed, too large, or uses unsupported gates.
        """
        try:
            return PreparedCircuit(self._parser.call(_prepare, input_format, data, max_qubits))
        except SimulatorCrashed:
            pass  # maybe killed from outside: try once more on a fresh process
        try:
            return PreparedCircuit(self._parser.call(_prepare, input_format, data, max_qubits))
        except SimulatorCrashed:
            raise InvalidJobInput("reading this input crashed the circuit parser") from None

    def to_qasm3(self, input_format: str, data: Mapping[str, Any], max_qubits: int) -> str:
        """The input as an OpenQASM 3 program."""
        text: str = self._parser.call(_to_qasm3, input_format, data, max_qubits)
        return text

    def warm(self) -> None:
        """Start the parser and every simulator now, in parallel, and wait until each has
        warmed up, so the first job doesn't pay for starting Qiskit."""
        workers = [self._parser, *self._simulators]
        threads = [threading.Thread(target=w.warm, name="qhub-warm-up") for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @contextmanager
    def simulator(self) -> Iterator[Simulator]:
        """Borrow a simulator (waiting until one is free); it is returned on exit."""
        worker = self._idle.get()
        try:
            yield Simulator(worker)
        finally:
            self._idle.put(worker)


_pool: SimulatorPool | None = None
_pool_lock = threading.Lock()


def simulator_pool() -> SimulatorPool:
    """The process-wide pool (two simulators on machines with two cores or more)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = SimulatorPool(size=min(2, os.cpu_count() or 1))
        return _pool
