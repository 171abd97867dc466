"""Simulation for the local Quantum API: circuits from job inputs (:mod:`.circuits`), run on
Qiskit Aer in worker processes (:mod:`.workers`)."""

from .circuits import InvalidJobInput, build_circuit, circuit_to_qasm3, run_circuit
from .workers import (
    PreparedCircuit,
    SimulationFailed,
    Simulator,
    SimulatorCrashed,
    SimulatorPool,
    simulator_pool,
)

__all__ = [
    "InvalidJobInput",
    "PreparedCircuit",
    "SimulationFailed",
    "Simulator",
    "SimulatorCrashed",
    "SimulatorPool",
    "build_circuit",
    "circuit_to_qasm3",
    "run_circuit",
    "simulator_pool",
]
