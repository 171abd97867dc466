"""The local backend catalog: simulator backends under the ids users copy from the docs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BadRequest, NotFound

__all__ = ["BACKENDS", "BackendSpec", "Backends", "backend_spec", "normalized_provider"]

ALL_QASM = ("OPEN_QASM_V2", "OPEN_QASM_V3")


@dataclass(frozen=True)
class BackendSpec:
    """A backend served locally by a simulator (``type`` says what the id stands for: a QPU
    id is still simulated here, noiselessly)."""

    id: str
    provider: str
    hardware_provider: str
    name: str
    display_name: str
    qubit_count: int
    input_formats: tuple[str, ...]
    max_shots: int = 100_000
    technology: str = "UNKNOWN"
    supports_sessions: bool = True
    gates: tuple[str, ...] = ("x", "y", "z", "h", "s", "t", "rx", "ry", "rz", "cx", "swap")
    type: str = "SIMULATOR"


BACKENDS: dict[str, BackendSpec] = {
    spec.id: spec
    for spec in (
        BackendSpec(
            "local.aer.simulator",
            "KIPU",
            "KIPU",
            "aer_simulator",
            "Local Aer simulator",
            28,
            ("IONQ_CIRCUIT_V1", *ALL_QASM),
        ),
        # The documented quickstart submits an IonQ circuit to aws.sim.sv1, so it accepts one here.
        BackendSpec(
            "aws.sim.sv1",
            "AWS",
            "AWS",
            "SV1",
            "Amazon Braket SV1 (local)",
            28,
            ("BRAKET_OPEN_QASM_V3", "OPEN_QASM_V3", "IONQ_CIRCUIT_V1"),
        ),
        BackendSpec(
            "aws.sim.dm1",
            "AWS",
            "AWS",
            "DM1",
            "Amazon Braket DM1 (local)",
            17,
            ("BRAKET_OPEN_QASM_V3", "OPEN_QASM_V3"),
        ),
        BackendSpec(
            "azure.ionq.simulator",
            "AZURE",
            "IONQ",
            "ionq.simulator",
            "IonQ simulator (local)",
            29,
            ("IONQ_CIRCUIT_V1",),
            technology="TRAPPED_ION",
            supports_sessions=False,
        ),
        BackendSpec("kipu.sim.qsim", "KIPU", "KIPU", "qsim", "Kipu qsim (local)", 28, ALL_QASM),
        # IBM QPU ids (the documented least-busy example asks for IBM), simulated noiselessly;
        # jobs carry one OpenQASM 3 circuit as a Qiskit Runtime PUB.
        *(
            BackendSpec(
                f"ibm.qpu.{name}",
                "IBM",
                "IBM",
                f"ibm_{name}",
                f"IBM {name.title()} (simulated locally)",
                156,
                ("OPEN_QASM_V3",),
                technology="SUPERCONDUCTING",
                gates=("id", "rz", "sx", "x", "cz"),
                type="QPU",
            )
            for name in ("fez", "kingston", "marrakesh")
        ),
        BackendSpec(
            "qudora.sim.xg1",
            "QUDORA",
            "QUDORA",
            "xg1",
            "Qudora XG1 simulator (local)",
            20,
            ALL_QASM,
            technology="TRAPPED_ION",
        ),
    )
}


def backend_spec(backend_id: str) -> BackendSpec:
    """A backend by id.

    Raises:
        NotFound: no such backend.
    """
    spec = BACKENDS.get(backend_id)
    if spec is None:
        raise NotFound(f"no backend {backend_id!r}")
    return spec


def normalized_provider(provider: str) -> str:
    """A provider name as the catalog spells it (``ibm`` and ``Ibm`` are ``IBM``, ``-`` is ``_``)."""
    return provider.upper().replace("-", "_")


class Backends:
    """The backend catalog with each backend's live queue.

    Args:
        queue_size: how many of a backend's jobs are pending or running, by backend id.
    """

    def __init__(self, queue_size: Callable[[str], int]) -> None:
        self.queue_size = queue_size

    def get(self, backend_id: str) -> BackendSpec:
        """A backend by id.

        Raises:
            NotFound: no such backend.
        """
        return backend_spec(backend_id)

    def of_provider(self, provider: str | None = None) -> list[BackendSpec]:
        """Every backend, or a provider's (read as :func:`normalized_provider`)."""
        wanted = normalized_provider(provider) if provider else None
        return [spec for spec in BACKENDS.values() if wanted is None or spec.provider == wanted]

    def providers(self) -> list[str]:
        """Every provider with a backend here, alphabetically."""
        return sorted({spec.provider for spec in BACKENDS.values()})

    def least_busy(self, provider: str | None, min_qubits: int | None) -> BackendSpec:
        """The provider's backend with the fewest unfinished jobs (ties: by id). Like the
        Hub, only for IBM.

        Raises:
            BadRequest: no provider, or not IBM.
            NotFound: no IBM backend with enough qubits.
        """
        if not provider:
            raise BadRequest("provider is required")
        if normalized_provider(provider) != "IBM":
            raise BadRequest(
                f"least-busy selection is offered for IBM backends only, not {provider}"
            )
        candidates = [
            spec
            for spec in BACKENDS.values()
            if spec.provider == "IBM" and spec.qubit_count >= (min_qubits or 0)
        ]
        if not candidates:
            raise NotFound(f"no IBM backend with at least {min_qubits or 0} qubits")
        return min(candidates, key=lambda spec: (self.queue_size(spec.id), spec.id))
