"""A job is sized by what it expands to, not by its text: gate definitions calling one another
and loops repeating their bodies are refused at ``create_job`` when they unroll past
``max_instructions``, while circuits of standard multi-qubit gates of a realistic size run."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.api.quantum.errors import UnprocessableEntityError
from qhub.local.server import LocalHub
from qhub.local.simulation import simulator_pool

#: A backend that takes OpenQASM 2 and 3.
QASM_BACKEND = "local.aer.simulator"
HEADERS = {
    "OPENQASM 2": 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2];',
    "OPENQASM 3": 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c;',
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub of its own."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
        yield local


def _doubling(header: str, levels: int) -> str:
    """``g0`` is two gates and each ``g{i}`` calls ``g{i-1}`` twice: ``g{levels}`` unrolls to
    2^(levels + 1) gates."""
    lines = [header, "gate g0 a { x a; x a; }"]
    lines += [f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}" for i in range(1, levels + 1)]
    lines.append(f"g{levels} q[0];")
    return "\n".join(lines)


@pytest.mark.parametrize("version", list(HEADERS))
def test_nested_gate_definitions_are_refused_before_any_process_reads_them(
    client: HubQuantumClient, version: str
) -> None:
    """Forty doubling definitions: 422 naming the expanded count (2^41 gates, plus the
    program's other statements) and the limit; no parser read it, no job was stored."""
    pool = simulator_pool()
    reads = pool.reads
    listed = client.jobs.search_jobs(size=1).total_elements
    program = _doubling(HEADERS[version], 40)
    expected = 2**41 + 4  # the header's four statements count one each
    with pytest.raises(UnprocessableEntityError) as refused:
        client.jobs.create_job(backend_id=QASM_BACKEND, shots=10, input={"qasm": program})
    message = str(refused.value)
    assert f"input.qasm expands to {expected} gates" in message
    assert "the limit is 100000 per job" in message
    assert pool.reads == reads  # no parser or simulator was handed it
    assert client.jobs.search_jobs(size=1).total_elements == listed


@pytest.mark.parametrize("version", list(HEADERS))
def test_nested_definitions_within_the_limit_run(client: HubQuantumClient, version: str) -> None:
    """Twelve doubling levels (8192 X gates, an even number) on qubit 0, then a Bell pair
    from a parameterised nested gate: accepted, and the counts are those of a Bell pair."""
    header = HEADERS[version]
    body = _doubling(header, 12).removesuffix("g12 q[0];")
    program = "\n".join(
        [
            body,
            "gate half(t) a { rz(t) a; rz(-t) a; }",
            "gate twice(t) a { half(t / 2) a; half(t) a; }",
            "gate bell(t) a, b { twice(t) a; h a; cx a, b; }",
            "g12 q[0];",
            "bell(0.7) q[0], q[1];",
            "measure q -> c;" if version == "OPENQASM 2" else "c = measure q;",
        ]
    )
    job = client.jobs.create_job(backend_id=QASM_BACKEND, shots=200, input={"qasm": program})
    assert job.id is not None
    assert client.jobs.wait(job.id, timeout=60).status == "COMPLETED"
    counts = client.jobs.get_job_result(job.id)["counts"]
    assert set(counts) == {"00", "11"}
    assert sum(counts.values()) == 200


def test_a_loop_repeated_past_the_limit_is_refused_by_the_parser(
    client: HubQuantumClient,
) -> None:
    """Three lines whose loop runs its body a million times: the text passes the size scan,
    the process reading it counts the built circuit's loop and refuses it (422 naming the
    count) before anything simulates it."""
    program = (
        'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c;\n'
        "for int i in [0:999999] { x q[0]; }\n"
        "c[0] = measure q[0];"
    )
    pool = simulator_pool()
    reads = pool.reads
    with pytest.raises(UnprocessableEntityError) as refused:
        client.jobs.create_job(backend_id=QASM_BACKEND, shots=10, input={"qasm": program})
    message = str(refused.value)
    assert "the circuit expands to 1000001 gates" in message  # the loop's and the measure
    assert "the limit is 100000 per job" in message
    assert pool.reads == reads + 1  # a parser, or an idle simulator, read it


# -- standard multi-qubit gates: one gate each, and simulated right ----------------------------

QUBITS = 12


def _reversible_program(rng: random.Random, gates: int) -> list[tuple[str, list[int]]]:
    """Random X, CX, CCX, CSWAP and 3-controlled X gates on ``QUBITS`` qubits from |0…0⟩:
    a classical computation whose single outcome plain Python can work out."""
    operations: list[tuple[str, list[int]]] = []
    for _ in range(gates):
        name, arity = rng.choice([("x", 1), ("cx", 2), ("ccx", 3), ("cswap", 3), ("mcx", 4)])
        operations.append((name, rng.sample(range(QUBITS), arity)))
    return operations


def _outcome(operations: list[tuple[str, list[int]]]) -> str:
    bits = [0] * QUBITS
    for name, qubits in operations:
        if name == "cswap":
            control, a, b = qubits
            if bits[control]:
                bits[a], bits[b] = bits[b], bits[a]
        elif all(bits[q] for q in qubits[:-1]):
            bits[qubits[-1]] ^= 1
    return "".join(str(bit) for bit in reversed(bits))  # qubit 0 rightmost


def _qasm3(operations: list[tuple[str, list[int]]]) -> str:
    lines = [f'OPENQASM 3.0; include "stdgates.inc"; qubit[{QUBITS}] q; bit[{QUBITS}] c;']
    for name, qubits in operations:
        gate = "ctrl(3) @ x" if name == "mcx" else name
        lines.append(f"{gate} {', '.join(f'q[{q}]' for q in qubits)};")
    lines.append("c = measure q;")
    return "\n".join(lines)


def test_standard_multi_qubit_gates_of_a_realistic_size_run(client: HubQuantumClient) -> None:
    """3000 standard gates of up to four qubits (each counts one: Aer runs them as they are),
    as OpenQASM 3 and as IonQ JSON: accepted, and every shot gives the one right outcome."""
    operations = _reversible_program(random.Random(14), 3000)
    # IonQ has no controlled swap: its circuit is the rest, X with any number of controls.
    controlled_x = [(name, qubits) for name, qubits in operations if name != "cswap"]
    ionq: dict[str, Any] = {
        "qubits": QUBITS,
        "circuit": [
            {"gate": "x", "targets": qubits[-1:], "controls": qubits[:-1]}
            for _, qubits in controlled_x
        ],
    }
    runs: list[tuple[str, dict[str, Any], str]] = [
        ("aws.sim.sv1", {"qasm": _qasm3(operations)}, _outcome(operations)),
        ("azure.ionq.simulator", ionq, _outcome(controlled_x)),
    ]
    for backend_id, data, outcome in runs:
        assert outcome != "0" * QUBITS  # the circuit does something that could go wrong
        job = client.jobs.create_job(backend_id=backend_id, shots=50, input=data)
        assert job.id is not None
        assert client.jobs.wait(job.id, timeout=120).status == "COMPLETED", backend_id
        assert client.jobs.get_job_result(job.id)["counts"] == {outcome: 50}, backend_id
