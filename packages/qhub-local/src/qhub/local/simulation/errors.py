"""What the simulation package raises."""

from __future__ import annotations

__all__ = [
    "InvalidJobInput",
    "SimulationFailed",
    "SimulationTimedOut",
    "SimulatorCrashed",
    "WorkerOverMemory",
    "WorkerTimedOut",
]


class InvalidJobInput(ValueError):
    """The job input can't be simulated; the message names the problem."""


class SimulationFailed(RuntimeError):
    """The simulator raised; the message names the error (``Type: message``)."""


class SimulationTimedOut(RuntimeError):
    """A simulation overran its deadline (:attr:`JobLimits.simulation_seconds`); its
    simulator process was killed and replaced."""


class SimulatorCrashed(RuntimeError):
    """A worker process died mid-call: killed, out of memory, or a crash inside Qiskit.

    Attributes:
        exitcode: how the process ended (``-N``: killed by signal N), if known.
    """

    def __init__(self, message: str, exitcode: int | None = None) -> None:
        super().__init__(message)
        self.exitcode = exitcode


class WorkerTimedOut(RuntimeError):
    """A worker process did not answer within its deadline; it was killed and replaced."""


class WorkerOverMemory(RuntimeError):
    """A worker process grew past the memory its call may take; it was killed and replaced."""
