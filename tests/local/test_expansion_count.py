"""Counting what a job input expands to, on real programs and real Qiskit circuits: each gate
definition is unrolled once however often it is called, so a count of 2^41 gates takes a few
steps per definition; modifiers, conditions and loops never hide a call from the text scan."""

from __future__ import annotations

import pytest
from qiskit import qasm2, qasm3

from qhub.local.simulation import InvalidJobInput, JobLimits, build_circuit
from qhub.local.simulation.expansion import COUNT_CAP, circuit_gate_count, program_gate_count

QASM2 = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2];'
QASM3 = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c;'


def _definitions(levels: int) -> str:
    lines = ["gate g0 a { x a; x a; }"]
    lines += [f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}" for i in range(1, levels + 1)]
    return "\n".join(lines)


def _qasm2(program: str) -> object:
    return qasm2.loads(program, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)


def test_each_definition_is_unrolled_once() -> None:
    """2^41 gates counted, and the mechanism: down the chain of first calls, the second call
    of each level never had its definition built (Qiskit builds one only when asked)."""
    circuit = _qasm2("\n".join([QASM2, _definitions(40), "g40 q[0];"]))
    assert circuit_gate_count(circuit) == 2**41
    operation = circuit.data[0].operation  # type: ignore[attr-defined]
    for level in range(40, 0, -1):
        assert operation.name == f"g{level}"
        definition = operation._definition
        assert definition is not None
        first, second = (instruction.operation for instruction in definition.data)
        assert second._definition is None, f"g{level - 1} was unrolled twice"
        operation = first


def test_parameterised_definitions_count_by_definition_not_by_value() -> None:
    """A gate called with different angles is one definition: three levels of three calls,
    each with its own angle, make 27 rotations of two gates each."""
    program = "\n".join(
        [
            QASM3,
            "gate r0(t) a { rx(t) a; rz(t / 2) a; }",
            "gate r1(t) a { r0(t) a; r0(t + t) a; r0(-t) a; }",
            "gate r2(t) a { r1(t) a; r1(-t) a; r1(t / 3) a; }",
            "gate r3(t) a { r2(t) a; r2(0.1) a; r2(t / 2) a; }",
            "r3(0.4) q[0];",
        ]
    )
    assert circuit_gate_count(qasm3.loads(program)) == 2 * 27
    assert program_gate_count(program) == 2 * 27 + 4  # and the header's statements


def test_a_chain_thousands_deep_is_counted_without_recursion() -> None:
    """3000 definitions each calling the one before once: one X gate, counted iteratively."""
    lines = [QASM2, "gate w0 a { x a; }"]
    lines += [f"gate w{i} a {{ w{i - 1} a; }}" for i in range(1, 3000)]
    circuit = _qasm2("\n".join([*lines, "w2999 q[0]; w2999 q[1];"]))
    assert circuit_gate_count(circuit) == 2


def test_loops_count_their_iterations() -> None:
    """A ``for`` loop counts its body once per iteration (nested ones multiply); an ``if``
    counts its branch; a ``while`` loop its body once (its deadline bounds the rest)."""
    program = "\n".join(
        [
            QASM3,
            "for int i in [0:9] { for int j in [0:99] { x q[0]; cx q[0], q[1]; } h q[1]; }",
            "c[0] = measure q[0];",
            "if (c[0]) { x q[1]; }",
            "while (c[0]) { x q[0]; c[0] = measure q[0]; }",
        ]
    )
    # 10 * (100 * 2 + 1) + measure + if (x) + while (x, measure)
    assert circuit_gate_count(qasm3.loads(program)) == 2010 + 1 + 1 + 2
    huge = QASM3 + f"for int i in [0:{10**12 - 1}] {{ x q[0]; }}"
    assert circuit_gate_count(qasm3.loads(huge)) == 10**12


@pytest.mark.parametrize(
    "call",
    [
        "g40 q[0];",
        "ctrl @ g40 q[1], q[0];",
        "inv @ pow(2) @ g40 q[0];",
        "if (c[0]) g40 q[0];",
        "for int i in [0:1] { g40 q[0]; }",
        "c[0] = measure q[0]; if (c[0] == 1) { negctrl @ g40 q[1], q[0]; }",
    ],
)
def test_the_text_scan_sees_a_call_however_it_is_written(call: str) -> None:
    """Every way of calling a gate counts it unrolled (2^41), never as one statement."""
    assert program_gate_count("\n".join([QASM3, _definitions(40), call])) >= 2**41


def test_a_malformed_definition_hides_none_after_it() -> None:
    """A ``gate`` without a body (the parser refuses it) is skipped, not the end of the scan."""
    program = "\n".join([QASM3, "gate broken q;", _definitions(40), "g40 q[0];"])
    assert program_gate_count(program) >= 2**41


def test_counts_stop_at_the_cap() -> None:
    """A hundred doubling levels: the count stops at the cap instead of growing to 2^101."""
    assert program_gate_count("\n".join([QASM2, _definitions(100), "g100 q[0];"])) == COUNT_CAP
    circuit = _qasm2("\n".join([QASM2, _definitions(100), "g100 q[0];"]))
    assert circuit_gate_count(circuit) == COUNT_CAP


def test_an_ionq_circuit_is_counted_one_gate_per_target() -> None:
    """IonQ gates can't nest: the built circuit counts what the input lists (a gate with
    eight controls is one), and one gate over the limit is refused naming the count."""
    data = {
        "qubits": 10,
        "circuit": [
            {"gate": "h", "targets": [0, 1, 2]},
            {"gate": "cnot", "controls": list(range(8)), "targets": [9]},
            {"gate": "rx", "targets": [4], "rotation": 0.5},
        ],
    }
    assert build_circuit("IONQ_CIRCUIT_V1", data, 29, JobLimits(max_instructions=5)) is not None
    with pytest.raises(InvalidJobInput, match=r"the circuit expands to 5 gates .* limit is 4 "):
        build_circuit("IONQ_CIRCUIT_V1", data, 29, JobLimits(max_instructions=4))
