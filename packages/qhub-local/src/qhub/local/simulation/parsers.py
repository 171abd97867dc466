"""Reading job inputs into circuits, in a small pool of parser processes, each read bounded
in time and in memory.

Several parsers, so a slow or huge input holds up one of them and never the submissions
behind it. A parse over its deadline (:attr:`JobLimits.parse_seconds`) gets its process killed
and replaced, and the job refused; a parse over its memory (:attr:`JobLimits.parse_memory_bytes`,
enforced with ``RLIMIT_AS`` inside the process) fails with ``MemoryError`` or ends its process,
and the job is refused. Either way the Hub carries on.

Parsers start when first needed: the first at once (``warm``), the others only when every
started one is busy, so a Hub that never sees two submissions at once runs one.
"""

from __future__ import annotations

import pickle
import resource
import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .circuits import build_circuit, circuit_to_qasm3
from .errors import InvalidJobInput, SimulatorCrashed, WorkerOverMemory, WorkerTimedOut
from .limits import JobLimits
from .processes import Worker, address_space

__all__ = ["ParserPool", "crashed", "over_memory", "over_time", "read_circuit", "read_refusals"]

_WARM_UP = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; c = measure q;'
_WARM_UP_2 = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; measure q -> c;'


# -- what runs inside a parser process --------------------------------------------------------


def warm_up_parser() -> None:
    """Read one program of each OpenQASM version (Qiskit's first parse loads a lot)."""
    build_circuit("OPEN_QASM_V3", {"qasm": _WARM_UP}, 2)
    build_circuit("OPEN_QASM_V2", {"qasm": _WARM_UP_2}, 2)


@contextmanager
def _memory_bound(budget: int) -> Iterator[None]:
    """Let the block take at most ``budget`` more bytes of address space, and a quarter more
    as a backstop: the Hub kills a parser that grows past ``budget`` (a parse at the limit
    may stall instead of failing, deep in a library), and an allocation past the backstop
    fails (``MemoryError`` in Python; an abort in Qiskit's Rust code)."""
    size = address_space()
    if size is None:  # not Linux: only the Hub's watch applies
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    bound = size + budget + budget // 4
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    resource.setrlimit(resource.RLIMIT_AS, (bound, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def over_memory(budget: int) -> str:
    """Why an input was refused for the memory reading it needs."""
    return f"reading this input needs more than the {budget >> 20} MiB one job's parse may use"


def over_time(limits: JobLimits) -> str:
    """Why an input was refused for the time reading it took."""
    return f"reading this input took longer than {limits.parse_seconds:g} s, the limit for one job"


@contextmanager
def read_refusals(limits: JobLimits) -> Iterator[None]:
    """Refuse an input whose read in a worker process overran its time or memory (the
    process was killed and replaced), naming the limit."""
    try:
        yield
    except WorkerTimedOut:
        raise InvalidJobInput(over_time(limits)) from None
    except WorkerOverMemory:
        raise InvalidJobInput(over_memory(limits.parse_memory_bytes)) from None


def crashed(limits: JobLimits) -> str:
    """Why an input was refused when reading it ended its process."""
    return (
        "reading this input stopped the circuit parser: it needs more than the "
        f"{limits.parse_memory_bytes >> 20} MiB one job's parse may use, or crashed Qiskit"
    )


def read_circuit(
    input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
) -> Any:
    """An input's circuit, built within ``limits`` (its size unrolled, and
    ``parse_memory_bytes`` more bytes of memory), in a worker process: a parser, or a
    simulator reading the job it is about to run.

    Raises:
        InvalidJobInput: the input is malformed, or reading it needs more memory.
    """
    budget = limits.parse_memory_bytes
    try:
        with _memory_bound(budget):
            return build_circuit(input_format, data, max_qubits, limits)
    except MemoryError:
        raise InvalidJobInput(over_memory(budget)) from None
    except InvalidJobInput:
        raise
    except Exception as exc:  # anything else a malformed input provokes in Qiskit
        raise InvalidJobInput(f"the input can't be read: {type(exc).__name__}: {exc}") from None


def _prepare(
    input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
) -> bytes:
    circuit = read_circuit(input_format, data, max_qubits, limits)
    budget = limits.parse_memory_bytes
    try:
        with _memory_bound(budget):
            return pickle.dumps(circuit, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        raise InvalidJobInput(over_memory(budget)) from None


def _to_qasm3(
    input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
) -> str:
    budget = limits.parse_memory_bytes
    try:
        with _memory_bound(budget):
            return circuit_to_qasm3(build_circuit(input_format, data, max_qubits, limits))
    except MemoryError:
        raise InvalidJobInput(over_memory(budget)) from None


# -- the Hub's side ---------------------------------------------------------------------------


class ParserPool:
    """``size`` parser processes, lent one per input.

    Attributes:
        calls: how many inputs have been handed to a parser process (an input refused
            before that is not counted).
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size!r}")
        self._workers = [Worker(f"circuit parser {n}", warm_up_parser) for n in range(size)]
        # A stack: the parser used last (started, warm) is lent first.
        self._idle = list(reversed(self._workers))
        self._reading: set[Worker] = set()
        self._changed = threading.Condition()
        self.calls = 0

    def prepare(
        self, input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
    ) -> bytes:
        """An input's circuit, built and pickled in a parser process.

        Raises:
            InvalidJobInput: the input is malformed or too large, or reading it overran the
                time or memory one parse may take.
        """
        try:
            pickled: bytes = self._call(_prepare, input_format, data, max_qubits, limits)
        except SimulatorCrashed as crash:
            if crash.exitcode != -signal.SIGKILL:
                raise InvalidJobInput(crashed(limits)) from None
            # killed from outside, maybe not over this input: once more on a fresh process
            try:
                pickled = self._call(_prepare, input_format, data, max_qubits, limits)
            except SimulatorCrashed:
                raise InvalidJobInput(crashed(limits)) from None
        return pickled

    def to_qasm3(
        self, input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
    ) -> str:
        """The input as an OpenQASM 3 program, converted in a parser process.

        Raises:
            InvalidJobInput: as for :meth:`prepare`.
        """
        try:
            text: str = self._call(_to_qasm3, input_format, data, max_qubits, limits)
        except SimulatorCrashed:
            raise InvalidJobInput(crashed(limits)) from None
        return text

    def warm(self) -> None:
        """Start the first parser now and wait until it is ready (the others start when
        needed)."""
        self._workers[0].ensure_ready()

    @property
    def pids(self) -> list[int]:
        """The ids of the parser processes running now."""
        return [pid for pid in (worker.pid for worker in self._workers) if pid is not None]

    @property
    def busy(self) -> list[int]:
        """The ids of the parser processes reading an input now."""
        with self._changed:
            reading = list(self._reading)
        return [pid for pid in (worker.pid for worker in reading) if pid is not None]

    def _call(
        self,
        function: Any,
        input_format: str,
        data: Mapping[str, Any],
        max_qubits: int,
        limits: JobLimits,
    ) -> Any:
        with self._changed:
            while not self._idle:
                self._changed.wait()
            worker = self._idle.pop()
        try:
            worker.ensure_ready()  # a fresh process's start is not part of the deadline
            with self._changed:
                self._reading.add(worker)
                self.calls += 1
            with read_refusals(limits):
                return worker.call(
                    function,
                    *(input_format, data, max_qubits, limits),
                    timeout=limits.parse_seconds,
                    max_growth=limits.parse_memory_bytes,
                )
        finally:
            with self._changed:
                self._reading.discard(worker)
                self._idle.append(worker)
                self._changed.notify()
