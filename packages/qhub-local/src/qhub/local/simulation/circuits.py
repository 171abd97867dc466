"""Turns job inputs into Qiskit circuits and runs them on Aer (inside a worker process).

Supported inputs: IonQ circuit JSON (``gateset: "qis"``), OpenQASM 2 and OpenQASM 3. A
circuit without measurements is measured on every qubit. Problems with an input raise
:class:`InvalidJobInput` naming what is wrong.

These functions are plain and single-threaded: the local Hub calls them only in its
simulator processes (see :mod:`.workers`), never on its own threads.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Mapping
from typing import Any

from .admission import program_text
from .errors import InvalidJobInput
from .expansion import circuit_gate_count, describe_count
from .limits import JobLimits

__all__ = ["build_circuit", "circuit_to_qasm3", "run_circuit"]

IONQ_ONE_QUBIT = {
    "x": "x",
    "y": "y",
    "z": "z",
    "h": "h",
    "s": "s",
    "si": "sdg",
    "t": "t",
    "ti": "tdg",
    "v": "sx",
    "vi": "sxdg",
}
IONQ_ROTATIONS = {"rx": "rx", "ry": "ry", "rz": "rz"}
IONQ_PAIR_ROTATIONS = {"xx": "rxx", "yy": "ryy", "zz": "rzz"}


def _ionq_circuit(data: Mapping[str, Any]) -> Any:
    from qiskit import QuantumCircuit

    gateset = data.get("gateset", "qis")
    if gateset != "qis":
        raise InvalidJobInput(f"only the 'qis' gateset is supported, not {gateset!r}")
    items = data.get("circuit")
    if not isinstance(items, list) or not items:
        raise InvalidJobInput("input.circuit must be a non-empty list of gates")
    used = [
        q
        for item in items
        if isinstance(item, dict)
        for q in (item.get("targets") or []) + (item.get("controls") or [])
    ]
    qubits = data.get("qubits", (max(used) + 1) if used else 0)
    if not isinstance(qubits, int) or qubits <= 0:
        raise InvalidJobInput("input.qubits must be a positive integer")
    circuit = QuantumCircuit(qubits)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidJobInput(f"input.circuit[{index}] must be an object")
        targets, controls = item.get("targets") or [], item.get("controls") or []
        if not targets or not all(
            isinstance(q, int) and 0 <= q < qubits for q in [*targets, *controls]
        ):
            raise InvalidJobInput(
                f"input.circuit[{index}] addresses qubits outside 0..{qubits - 1}"
            )
        # The documented quickstart omits gate types: a bare item is read as H, a controlled
        # one as CNOT, which is what that Bell-state example means.
        gate = item.get("type") or item.get("gate") or ("cnot" if controls else "h")
        rotation = item.get("rotation", 0.0)
        if gate in ("cnot", "not") or (gate == "x" and controls):
            circuit.mcx(controls, targets[0]) if controls else circuit.x(targets[0])
        elif gate in IONQ_ONE_QUBIT and not controls:
            for target in targets:
                getattr(circuit, IONQ_ONE_QUBIT[gate])(target)
        elif gate in IONQ_ROTATIONS and not controls:
            for target in targets:
                getattr(circuit, IONQ_ROTATIONS[gate])(float(rotation), target)
        elif gate == "swap" and len(targets) == 2 and not controls:
            circuit.swap(*targets)
        elif gate in IONQ_PAIR_ROTATIONS and len(targets) == 2 and not controls:
            getattr(circuit, IONQ_PAIR_ROTATIONS[gate])(float(rotation), *targets)
        else:
            raise InvalidJobInput(
                f"input.circuit[{index}]: unsupported gate {gate!r} with these qubits"
            )
    return circuit


def _load_qasm3(text: str) -> Any:
    """Qiskit's native (Rust) OpenQASM 3 importer when it reads the program — some 25x faster
    than the reference one, which reads what the native one doesn't support yet."""
    import warnings

    from qiskit import qasm3

    native = getattr(qasm3, "loads_experimental", None)
    if native is not None:
        try:
            with warnings.catch_warnings(), _output_silenced():
                warnings.simplefilter("ignore")  # it announces itself as experimental
                return native(text)
        except BaseException as exc:  # a Rust panic (pyo3's PanicException) is no Exception
            if _fatal(exc):
                raise
            # the reference importer decides, and words the error
    return qasm3.loads(text)


def _fatal(exc: BaseException) -> bool:
    """Whether an exception must go on up rather than read as "this input is invalid": the
    process is stopping, or the parse ran out of the memory it may use."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


@contextlib.contextmanager
def _output_silenced() -> Iterator[None]:
    """Point file descriptors 1 and 2 at /dev/null: the native importer prints its parse
    errors itself, which would land in the Hub's log for every program it can't read."""
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for descriptor in saved:
            os.close(descriptor)


#: Widest circuit simulated as a state vector (4 GiB); wider ones must be Clifford circuits.
MAX_STATEVECTOR_QUBITS = 28
CLIFFORD_OPERATIONS = frozenset(
    {"id", "x", "y", "z", "h", "s", "sdg", "sx", "sxdg", "cx", "cy", "cz", "swap", "ecr"}
    | {"measure", "barrier", "reset"}
)


def build_circuit(
    input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits | None = None
) -> Any:
    """A measured Qiskit circuit for a job input, within ``limits`` (the defaults if None).

    Raises:
        InvalidJobInput: malformed input, unsupported gates, too many qubits, or more gates
            than ``limits.max_instructions`` once gate definitions are unrolled and loops
            repeated (see :mod:`.expansion`).
    """
    from qiskit import QuantumCircuit, qasm2

    if input_format == "IONQ_CIRCUIT_V1":
        circuit = _ionq_circuit(data)
    elif input_format in ("OPEN_QASM_V2", "OPEN_QASM_V3", "BRAKET_OPEN_QASM_V3"):
        text = program_text(data)
        try:
            if input_format == "OPEN_QASM_V2" or text.lstrip().startswith("OPENQASM 2"):
                circuit = qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
            else:
                circuit = _load_qasm3(text)
        except BaseException as exc:
            if _fatal(exc):
                raise
            raise InvalidJobInput(f"input.qasm is not valid OpenQASM: {exc}") from None
    else:
        raise InvalidJobInput(f"input format {input_format!r} is not supported by local simulators")
    assert isinstance(circuit, QuantumCircuit)
    _check_expanded_size(circuit, (limits or JobLimits()).max_instructions)
    if circuit.parameters:
        names = ", ".join(sorted(parameter.name for parameter in circuit.parameters))
        raise InvalidJobInput(f"the circuit has inputs without values: {names}")
    if circuit.num_qubits > max_qubits:
        raise InvalidJobInput(
            f"the circuit uses {circuit.num_qubits} qubits; this backend has {max_qubits}"
        )
    if circuit.num_qubits > MAX_STATEVECTOR_QUBITS:
        wide = sorted(_operation_names(circuit) - CLIFFORD_OPERATIONS)
        if wide:
            raise InvalidJobInput(
                f"a {circuit.num_qubits}-qubit circuit with non-Clifford operations "
                f"({', '.join(wide)}) is too large to simulate locally: at most "
                f"{MAX_STATEVECTOR_QUBITS} qubits unless every gate is a Clifford gate"
            )
    _check_finite(circuit)
    if not any(instruction.operation.name == "measure" for instruction in circuit.data):
        circuit.measure_all()
    return circuit


def _check_expanded_size(circuit: Any, max_instructions: int) -> None:
    """Refuse a circuit that unrolls to more gates than one job may run: Aer would hold its
    process for as long as expanding it takes."""
    gates = circuit_gate_count(circuit)
    if gates > max_instructions:
        raise InvalidJobInput(
            f"the circuit expands to {describe_count(gates)} gates once its gate definitions "
            f"are unrolled and its loops repeated; the limit is {max_instructions} per job"
        )


def _check_finite(circuit: Any) -> None:
    """Refuse an infinite or NaN angle (``rx(1e400)`` reads as infinity): Aer would simulate
    it into counts that mean nothing."""
    for index, instruction in enumerate(circuit.data):
        for value in instruction.operation.params:
            if isinstance(value, (int, float)) and not math.isfinite(value):
                raise InvalidJobInput(
                    f"{instruction.operation.name} has a parameter that is not finite "
                    f"({value}), at operation {index}"
                )


_simulator: Any = None

#: Narrowest state vector Aer splits over several threads (its ``statevector_parallel_threshold``
#: is 14: it updates narrower ones on one thread anyway).
PARALLEL_FROM_QUBITS = 15


def aer_threads(circuit: Any) -> int:
    """How many threads Aer may use for ``circuit``: one for a Clifford circuit (Aer runs it
    with the stabilizer method, which more threads speed up by at most a few percent) or one
    of under :data:`PARALLEL_FROM_QUBITS` qubits; 0 (every core) for a wider state vector,
    which two threads simulate 1.5 to 1.8 times as fast.

    A small job's simulation that spreads over every core competes with the Hub answering
    its submission and with its client: on a 2-core VM a 20-qubit GHZ job through SDK + Hub
    took 8.1-8.7 ms with one thread and 8.8-10.1 ms with two (``benchmarks/quantum.py``,
    alternately), for a simulation that itself takes 6.0 and 5.5 ms.
    """
    if circuit.num_qubits < PARALLEL_FROM_QUBITS:
        return 1
    return 1 if _operation_names(circuit) <= CLIFFORD_OPERATIONS else 0


def _operation_names(circuit: Any) -> set[str]:
    """The names of the operations a circuit uses (Qiskit counts them in Rust: 100 times
    faster than visiting each instruction from Python)."""
    return set(circuit.count_ops())


def circuit_to_qasm3(circuit: Any) -> str:
    """The circuit as an OpenQASM 3 program (the normalized input format)."""
    from qiskit import qasm3

    text: str = qasm3.dumps(circuit)
    return text


def run_circuit(
    circuit: Any, shots: int, seed: int | None, *, memory: bool = False
) -> tuple[dict[str, int], list[str] | None]:
    """Measurement counts (bitstrings, qubit 0 rightmost) from Aer, and per-shot outcomes as
    hex strings when ``memory`` is asked for.

    Aer runs standard gates as they are; only a circuit it refuses is transpiled first
    (transpiling costs several times the simulation of a small circuit).
    """
    from qiskit import transpile
    from qiskit_aer import AerError, AerSimulator

    global _simulator
    if _simulator is None:
        _simulator = AerSimulator(method="automatic")
    options = {
        "shots": shots,
        "seed_simulator": seed,
        "memory": memory,
        "max_parallel_threads": aer_threads(circuit),
    }
    try:
        result = _simulator.run(circuit, **options).result()
    except AerError:
        compiled = transpile(circuit, _simulator, optimization_level=0)
        result = _simulator.run(compiled, **options).result()
    counts = {
        key.replace(" ", ""): int(value) for key, value in sorted(result.get_counts().items())
    }
    shots_memory = None
    if memory:
        shots_memory = [hex(int(bits.replace(" ", ""), 2)) for bits in result.get_memory()]
    return counts, shots_memory
