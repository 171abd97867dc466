"""Circuits the tests share."""

from __future__ import annotations

QUBITS = 24
#: A statevector simulation of several seconds (never run to its end here).
LONG = "\n".join(
    [f'OPENQASM 3.0; include "stdgates.inc"; qubit[{QUBITS}] q; bit[{QUBITS}] c;']
    + [
        f"rx(0.3) q[{i}]; cx q[{i}], q[{(i + 1) % QUBITS}];"
        for _ in range(10)
        for i in range(QUBITS)
    ]
    + ["c = measure q;"]
)
