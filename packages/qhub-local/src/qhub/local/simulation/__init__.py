"""Simulation for the local Quantum API: sizes checked before anything is built
(:mod:`.admission`, within :class:`JobLimits`), circuits from job inputs (:mod:`.circuits`),
read in bounded parser processes (:mod:`.parsers`) and run on Qiskit Aer in simulator
processes (:mod:`.workers`)."""

from .admission import check_input
from .circuits import build_circuit, circuit_to_qasm3, run_circuit
from .errors import (
    InvalidJobInput,
    SimulationFailed,
    SimulationTimedOut,
    SimulatorCrashed,
    WorkerTimedOut,
)
from .limits import JobLimits
from .parsers import ParserPool
from .workers import PreparedCircuit, Simulator, SimulatorPool, simulator_pool

__all__ = [
    "InvalidJobInput",
    "JobLimits",
    "ParserPool",
    "PreparedCircuit",
    "SimulationFailed",
    "SimulationTimedOut",
    "Simulator",
    "SimulatorCrashed",
    "SimulatorPool",
    "WorkerTimedOut",
    "build_circuit",
    "check_input",
    "circuit_to_qasm3",
    "run_circuit",
    "simulator_pool",
]
