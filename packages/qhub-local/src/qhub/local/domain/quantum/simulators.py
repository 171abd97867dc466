"""What the quantum domain needs of the simulation workers (the ``simulation`` package
provides it): reading inputs into circuits, simulators lent one job at a time, simulations
started as jobs are submitted, and the threads that drive them. The scheduler and the job
rules depend on these protocols, never on the worker processes themselves."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ...simulation import JobLimits, PreparedCircuit

__all__ = [
    "CircuitParser",
    "Counts",
    "SimulationWorkers",
    "Simulator",
    "StartedSimulation",
]

#: Counts by measured outcome.
Counts = dict[str, int]


class CircuitParser(Protocol):
    """Reads job inputs into circuits (the simulation package's parser processes), each
    read within ``limits``' time and memory."""

    def prepare(
        self, input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
    ) -> PreparedCircuit:
        """Validate an input and build its circuit (raises ``InvalidJobInput``)."""

    def to_qasm3(
        self, input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
    ) -> str:
        """The input as an OpenQASM 3 program (raises ``InvalidJobInput``)."""


class Simulator(Protocol):
    """One simulator process, borrowed for one job."""

    def simulate(
        self,
        circuit: PreparedCircuit,
        shots: int,
        seed: int | None,
        memory: bool,
        timeout: float | None = None,
    ) -> tuple[Counts, list[str] | None]:
        """Counts (and per-shot memory if asked) for ``circuit``, within ``timeout`` seconds
        (raises ``SimulationTimedOut`` past it, its process replaced)."""

    def kill(self) -> None:
        """Stop the process now; the simulation in flight fails."""

    @property
    def pid(self) -> int | None:
        """The process's id, if it is running."""


class StartedSimulation(Protocol):
    """A job simulating already, in the simulator that read its input."""

    def result(self) -> tuple[Counts, list[str] | None]:
        """Wait for the counts (and per-shot memory if asked), within the ``limits`` it was
        started with (raises ``SimulationTimedOut`` past ``simulation_seconds``); the
        simulator is free after."""

    def ended(self, within: float) -> bool:
        """Whether it has ended, waiting up to ``within`` seconds for it."""

    def kill(self) -> None:
        """Stop the simulation now; :meth:`result` fails."""

    def abandon(self) -> None:
        """Stop it and free the simulator (the job won't be run after all)."""

    @property
    def pid(self) -> int | None:
        """The process's id, if it is running."""


class SimulationWorkers(CircuitParser, Protocol):
    """The simulation package's worker processes, and the threads that drive them."""

    @property
    def jobs(self) -> Executor:
        """Threads that run jobs; their number bounds how many simulate at once."""

    @property
    def started_jobs(self) -> Executor:
        """Threads that wait for started simulations (one per simulator is enough)."""

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
        """Have an idle simulator read the input and simulate it (within ``limits``, its
        simulation too); None when none is idle (raises ``InvalidJobInput`` as ``prepare``
        does)."""

    def simulator(self) -> AbstractContextManager[Simulator]:
        """Borrow a simulator until the block ends (waiting until one is free)."""

    def start_warming(self) -> None:
        """Start every worker now, without waiting (:meth:`warm` waits)."""

    def warm(self) -> None:
        """Start every worker now and wait until each is ready."""
