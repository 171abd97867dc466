"""How many threads the Hub's simulators let Aer use: one for Clifford circuits and narrow
state vectors (a small job's simulation leaves a core to the Hub and its client), every
core for a wide state vector; and Aer, run as the Hub runs it, really stays on one."""

from __future__ import annotations

import os
from typing import Any

import pytest
from qiskit_aer import AerSimulator

from qhub.local.simulation import build_circuit, run_circuit
from qhub.local.simulation.circuits import PARALLEL_FROM_QUBITS, aer_threads

HEADER = 'OPENQASM 3.0; include "stdgates.inc"; qubit[{n}] q; bit[{n}] c;'


def _ghz(n: int) -> Any:
    gates = ["h q[0];", *(f"cx q[{i}], q[{i + 1}];" for i in range(n - 1)), "c = measure q;"]
    return build_circuit("OPEN_QASM_V3", {"qasm": "\n".join([HEADER.format(n=n), *gates])}, 200)


def _rotations(n: int) -> Any:
    gates = [*(f"rx(0.3) q[{i}]; cx q[{i}], q[{(i + 1) % n}];" for i in range(n)), "c = measure q;"]
    return build_circuit("OPEN_QASM_V3", {"qasm": "\n".join([HEADER.format(n=n), *gates])}, 28)


@pytest.mark.parametrize(
    ("circuit", "threads"),
    [
        (_ghz(20), 1),  # Clifford: the stabilizer method, whatever the width
        (_ghz(60), 1),
        (_rotations(PARALLEL_FROM_QUBITS - 1), 1),  # a state vector Aer splits over no threads
        (_rotations(PARALLEL_FROM_QUBITS), 0),  # wide enough for two threads to pay
        (_rotations(22), 0),
    ],
    ids=["ghz-20", "ghz-60", "narrow-rotations", "wide-rotations", "rotations-22"],
)
def test_threads_follow_the_circuit(circuit: Any, threads: int) -> None:
    assert aer_threads(circuit) == threads


def test_aer_keeps_to_one_thread_when_told_and_splits_otherwise() -> None:
    """The option's name and meaning as Aer reads them: its metadata says how many threads
    updated the state."""
    simulator = AerSimulator(method="automatic")
    circuit = _rotations(PARALLEL_FROM_QUBITS)
    one = simulator.run(circuit, shots=10, max_parallel_threads=1).result()
    every = simulator.run(circuit, shots=10, max_parallel_threads=0).result()
    assert one.results[0].metadata["parallel_state_update"] == 1
    # Every core (Aer may cap it by the width on machines with many cores).
    assert every.results[0].metadata["parallel_state_update"] >= min(
        2, len(os.sched_getaffinity(0))
    )


def test_a_clifford_circuit_still_gives_its_counts() -> None:
    counts, _ = run_circuit(_ghz(20), 200, 7)
    assert set(counts) <= {"0" * 20, "1" * 20}
    assert sum(counts.values()) == 200
