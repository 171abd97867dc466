"""Qiskit off the Hub's threads: inputs are parsed and simulated in worker processes
(:mod:`.processes` says why processes).

A few parser processes validate and convert inputs (:mod:`.parsers`: each read bounded in
time and memory, so a submission never waits behind a long simulation or another
submission); ``size`` simulator processes run jobs, one each at a time. Circuits travel
between them pickled. Processes start on first use and are shared by every Hub in the Python
process.

When a simulator is idle as a job is submitted, the job goes straight to it
(:meth:`SimulatorPool.start_simulation`): the simulator reads the input under the parsers'
bounds, tells the Hub it is valid (so the submission is answered), and simulates at once,
with no parser, no pickled circuit and no queue in between: a small job's end comes a few
milliseconds sooner. Otherwise the job is read by a parser and queued.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import threading
from collections.abc import Generator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .circuits import build_circuit, run_circuit
from .errors import (
    InvalidJobInput,
    SimulationFailed,
    SimulationTimedOut,
    SimulatorCrashed,
    WorkerTimedOut,
)
from .limits import JobLimits
from .parsers import ParserPool, crashed, read_circuit, read_refusals
from .processes import StagedCall, Worker

__all__ = [
    "PreparedCircuit",
    "Simulator",
    "SimulatorPool",
    "StartedSimulation",
    "simulator_pool",
]

Counts = dict[str, int]

#: What a call that gives no limits is held to.
DEFAULT_LIMITS = JobLimits()


@dataclass(frozen=True)
class PreparedCircuit:
    """A validated, measured circuit, pickled for a simulator process."""

    pickled: bytes


# -- what runs inside a simulator process -----------------------------------------------------

_WARM_UP = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; c = measure q;'


def warm_up_simulator() -> None:
    """Build and run one small circuit (imports, Aer's first run) before the first job."""
    run_circuit(build_circuit("OPEN_QASM_V3", {"qasm": _WARM_UP}, 2), 1, 0)


def _simulate(
    pickled: bytes, shots: int, seed: int | None, memory: bool
) -> tuple[Counts, list[str] | None]:
    with _failures_as_simulation_failed():
        # Pickled by our parser process from a validated input; never bytes from a client.
        return run_circuit(pickle.loads(pickled), shots, seed, memory=memory)  # noqa: S301


def _read_then_simulate(
    input_format: str,
    data: Mapping[str, Any],
    max_qubits: int,
    limits: JobLimits,
    shots: int,
    seed: int | None,
    memory: bool,
) -> Generator[None, None, tuple[Counts, list[str] | None]]:
    """A staged call: read the input as a parser would (its first answer: it is valid), then
    simulate it (the last answer)."""
    circuit = read_circuit(input_format, data, max_qubits, limits)
    yield None
    with _failures_as_simulation_failed():
        return run_circuit(circuit, shots, seed, memory=memory)


@contextmanager
def _failures_as_simulation_failed() -> Iterator[None]:
    """Whatever Aer raises, as :class:`SimulationFailed` naming it."""
    try:
        yield
    except Exception as exc:
        raise SimulationFailed(f"{type(exc).__name__}: {exc}") from None


# -- the Hub's side ---------------------------------------------------------------------------


def _overran(timeout: float | None) -> SimulationTimedOut:
    return SimulationTimedOut(
        f"the simulation took longer than {timeout:g} s, the limit for one job "
        "(simulation_seconds); its simulator was stopped"
    )


class Simulator:
    """One simulator process, lent to one caller at a time by :meth:`SimulatorPool.simulator`."""

    def __init__(self, worker: Worker) -> None:
        self._worker = worker

    def simulate(
        self,
        circuit: PreparedCircuit,
        shots: int,
        seed: int | None,
        memory: bool,
        timeout: float | None = None,
    ) -> tuple[Counts, list[str] | None]:
        """Counts (and per-shot memory if asked) for ``circuit``, within ``timeout`` seconds
        (:attr:`JobLimits.simulation_seconds`; None: however long it takes).

        Raises:
            SimulationFailed: Aer refused or failed.
            SimulationTimedOut: it overran ``timeout``; the process was killed and replaced.
            SimulatorCrashed: the process died (or was killed).
        """
        try:
            result: tuple[Counts, list[str] | None] = self._worker.call(
                _simulate, circuit.pickled, shots, seed, memory, timeout=timeout
            )
        except WorkerTimedOut:
            raise _overran(timeout) from None
        return result

    def kill(self) -> None:
        """Stop the process now (a simulation in flight raises :class:`SimulatorCrashed`);
        it is restarted on next use."""
        self._worker.kill()

    @property
    def pid(self) -> int | None:
        """The process's id, if it is running."""
        return self._worker.pid


class StartedSimulation:
    """A job simulating in a simulator process that read its input itself
    (:meth:`SimulatorPool.start_simulation`); the simulator is the job's until :meth:`result`
    (or :meth:`abandon`) returns it to the pool."""

    def __init__(
        self, pool: SimulatorPool, worker: Worker, call: StagedCall, timeout: float | None
    ) -> None:
        self._pool = pool
        self._worker = worker
        self._call = call
        self._timeout = timeout
        self._returned = False
        self._lock = threading.Lock()

    def result(self) -> tuple[Counts, list[str] | None]:
        """Wait for the counts (and per-shot memory if asked), within the simulation's time
        bound (:attr:`JobLimits.simulation_seconds`).

        Raises:
            SimulationFailed: Aer refused or failed.
            SimulationTimedOut: it overran its bound; the process was killed and replaced.
            SimulatorCrashed: the process died (or was killed: :meth:`kill`).
        """
        try:
            answer: tuple[Counts, list[str] | None] = self._call.next(self._timeout)
            return answer
        except WorkerTimedOut:
            raise _overran(self._timeout) from None
        finally:
            self._give_back()

    def ended(self, within: float) -> bool:
        """Whether the simulation has ended (or its process died), waiting up to ``within``
        seconds for it; :meth:`result` then answers at once."""
        return self._call.answered(within)

    def kill(self) -> None:
        """Stop the simulation now (:meth:`result` raises :class:`SimulatorCrashed`)."""
        self._worker.kill()

    def abandon(self) -> None:
        """Stop the simulation and return the simulator (the job won't run after all)."""
        self._give_back()

    @property
    def pid(self) -> int | None:
        """The simulator process's id, if it is running."""
        return self._worker.pid

    def _give_back(self) -> None:
        with self._lock:
            if self._returned:
                return
            self._returned = True
        self._call.finish()  # replaces the process if answers are still to come
        self._pool._idle.put(self._worker)


class SimulatorPool:
    """Qiskit in worker processes: ``parsers`` parsers, ``size`` simulators, and the threads
    that drive jobs through them (``jobs``: at most ``size`` jobs simulate at once).

    The pool keeps no record of which job runs where: a caller borrows a simulator
    (:meth:`simulator`) and whoever schedules the jobs keeps track of it.
    """

    def __init__(self, size: int, parsers: int = 2) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size!r}")
        self.size = size
        #: The parser processes (their ids, how many inputs they were handed).
        self.parsers = ParserPool(parsers)
        self._simulators = [Worker(f"simulator {n}", warm_up_simulator) for n in range(size)]
        # A stack: the simulator used last is lent first. One that has just run a job reads
        # and runs the next one about twice as fast as one idle since the job before (1.0 vs
        # 2.0-3.2 ms to read a one-qubit job on this VM).
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        for worker in reversed(self._simulators):
            self._idle.put(worker)
        #: Threads that run jobs; their number bounds how many simulate at once.
        self.jobs = ThreadPoolExecutor(max_workers=size, thread_name_prefix="qhub-jobs")
        #: Threads that wait for started simulations (at most one per simulator).
        self.started_jobs = ThreadPoolExecutor(
            max_workers=size, thread_name_prefix="qhub-started-jobs"
        )
        self._warming: list[threading.Thread] = []
        self._warming_lock = threading.Lock()
        self._simulator_reads = 0
        self._reading: set[Worker] = set()

    def prepare(
        self,
        input_format: str,
        data: Mapping[str, Any],
        max_qubits: int,
        limits: JobLimits = DEFAULT_LIMITS,
    ) -> PreparedCircuit:
        """Validate an input and build its circuit, within ``limits``' time and memory.

        Raises:
            InvalidJobInput: the input is malformed, too large, uses unsupported gates, or
                took too long or too much memory to read.
        """
        return PreparedCircuit(self.parsers.prepare(input_format, data, max_qubits, limits))

    def start_simulation(
        self,
        input_format: str,
        data: Mapping[str, Any],
        max_qubits: int,
        limits: JobLimits,
        shots: int,
        seed: int | None,
        memory: bool,
    ) -> StartedSimulation | None:
        """Hand a job to an idle, warm simulator, which reads its input within ``limits``' time
        and memory (as :meth:`prepare` would) and, once it is read, simulates it (within
        ``limits.simulation_seconds``, counted from :meth:`StartedSimulation.result`). Returns
        when the input is read; None (nothing done) when no simulator is idle and warm, or when the
        simulator was killed from outside while reading (:meth:`prepare` then reads it again).

        Raises:
            InvalidJobInput: as for :meth:`prepare` (the simulator is free again).
        """
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            return None
        if not worker.ready:  # starting it would hold the submission for seconds
            self._idle.put(worker)
            return None
        with self._warming_lock:
            self._reading.add(worker)
            self._simulator_reads += 1  # handed to a process, as a parser's calls count
        try:
            with read_refusals(limits):
                _, call = worker.begin(
                    _read_then_simulate,
                    *(input_format, data, max_qubits, limits, shots, seed, memory),
                    timeout=limits.parse_seconds,
                    max_growth=limits.parse_memory_bytes,
                )
        except SimulatorCrashed as crash:
            self._idle.put(worker)
            if crash.exitcode == -signal.SIGKILL:
                return None
            raise InvalidJobInput(crashed(limits)) from None
        except BaseException:
            self._idle.put(worker)
            raise
        finally:
            with self._warming_lock:
                self._reading.discard(worker)
        return StartedSimulation(self, worker, call, limits.simulation_seconds)

    @property
    def reading(self) -> list[int]:
        """The ids of the processes reading an input now (parsers, and simulators reading the
        job they are about to run)."""
        with self._warming_lock:
            simulators = list(self._reading)
        started = [pid for pid in (worker.pid for worker in simulators) if pid is not None]
        return self.parsers.busy + started

    @property
    def pids(self) -> list[int]:
        """The ids of every parser and simulator process running now."""
        simulators = [pid for pid in (w.pid for w in self._simulators) if pid is not None]
        return self.parsers.pids + simulators

    @property
    def reads(self) -> int:
        """How many inputs have been handed to a process to read (a parser, or a simulator
        starting the job); an input refused before that is not counted."""
        with self._warming_lock:
            return self.parsers.calls + self._simulator_reads

    def to_qasm3(
        self,
        input_format: str,
        data: Mapping[str, Any],
        max_qubits: int,
        limits: JobLimits = DEFAULT_LIMITS,
    ) -> str:
        """The input as an OpenQASM 3 program.

        Raises:
            InvalidJobInput: as for :meth:`prepare`.
        """
        return self.parsers.to_qasm3(input_format, data, max_qubits, limits)

    def start_warming(self) -> None:
        """Start the first parser and every simulator now, in parallel, without waiting for
        them (:meth:`warm` waits). ``qhub-local serve`` calls this first thing, so Qiskit
        loads while the server's own modules do. Does nothing while a warm-up is under way."""
        with self._warming_lock:
            if self._warming:
                return
            starts = [self.parsers.warm, *(w.ensure_ready for w in self._simulators)]
            # Daemon threads: a Hub that fails to start exits without waiting for Qiskit.
            self._warming = [
                threading.Thread(target=start, name="qhub-warm-up", daemon=True) for start in starts
            ]
            for thread in self._warming:
                thread.start()

    def warm(self) -> None:
        """Start the first parser and every simulator now (unless :meth:`start_warming`
        did), in parallel, and wait until each has warmed up, so the first job doesn't pay
        for starting Qiskit."""
        self.start_warming()
        with self._warming_lock:
            threads = self._warming
        for thread in threads:
            thread.join()
        with self._warming_lock:
            if self._warming is threads:  # the next warm() checks the workers again
                self._warming = []

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
    """The process-wide pool: two simulators on machines with two cores or more; a parser
    per core, at least two (so one slow input never holds up the next) and at most four."""
    global _pool
    with _pool_lock:
        if _pool is None:
            cores = os.cpu_count() or 1
            _pool = SimulatorPool(size=min(2, cores), parsers=max(2, min(4, cores)))
        return _pool
