"""The local backend catalog: simulator backends under the ids users copy from the docs,
and their calibration snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .clock import format_utc as iso
from .errors import BadRequest, NotFound
from .listing import page_of, sort_rows

__all__ = ["BACKENDS", "BackendSpec", "Calibrations", "backend"]

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

    def wire(self, *, reduced: bool = False, queue_size: int = 0) -> dict[str, Any]:
        """The Backend DTO (snake_case); ``reduced`` is the public view for anonymous callers."""
        view: dict[str, Any] = {
            "id": self.id,
            "provider": self.provider,
            "hardware_provider": self.hardware_provider,
            "name": self.name,
            "display_name": self.display_name,
            "type": self.type,
            "technology": self.technology,
            "has_calibration": False,
        }
        if reduced:
            return view
        return {
            **view,
            "internal_id": f"local-{self.id}",
            "queue_size": queue_size,
            "access_type": "FREE",
            "has_calibration": True,
            "documentation": {
                "description": f"{self.display_name}, simulated locally with Qiskit Aer."
            },
            "configuration": self.configuration(),
            "availability": [],
        }

    def configuration(self) -> dict[str, Any]:
        """The backend's configuration: gates, qubits, shots, formats."""
        return {
            "gates": [{"name": g, "native_gate": True} for g in self.gates],
            "qubit_count": self.qubit_count,
            "connectivity": {"fully_connected": True},
            "shots_range": {"min": 1, "max": self.max_shots},
            "supported_input_formats": list(self.input_formats),
            "memory_result_supported": True,
        }


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


def backend(backend_id: str) -> BackendSpec:
    """A backend by id.

    Raises:
        NotFound: no such backend.
    """
    spec = BACKENDS.get(backend_id)
    if spec is None:
        raise NotFound(f"no backend {backend_id!r}")
    return spec


CALIBRATION_PERIOD = timedelta(days=1)


def parse_instant(value: str | None, name: str) -> datetime | None:
    """An ISO-8601 instant from a query parameter (naive ones are UTC).

    Raises:
        BadRequest: not an ISO-8601 date-time; the message names the parameter.
    """
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{name} must be an ISO-8601 date-time, not {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Calibrations:
    """Calibration snapshots: each backend is an ideal (noiseless) device, recalibrated at
    the start of every UTC day since ``since`` (when the Hub's data directory was made), so
    history queries have a real, bounded series to page through."""

    def __init__(self, since: datetime) -> None:
        self._first = since.astimezone(timezone.utc).replace(
            hour=0, minute=0, second=0, microsecond=0
        )

    def effective_at(self, spec: BackendSpec, moment: datetime) -> dict[str, Any] | None:
        """The snapshot in effect at ``moment``; None before the first one."""
        if moment < self._first:
            return None
        periods = (moment - self._first) // CALIBRATION_PERIOD
        return _snapshot(spec, self._first + periods * CALIBRATION_PERIOD)

    def history(
        self,
        spec: BackendSpec,
        start: datetime | None,
        end: datetime | None,
        now: datetime,
        page: int,
        size: int,
        sort: list[str],
    ) -> dict[str, Any]:
        """Snapshots calibrated between ``start`` and ``end`` (both required, inclusive),
        newest first unless ``sort`` says otherwise; one zero-based page.

        Raises:
            BadRequest: ``from``/``to`` missing or reversed, a bad page or sort.
        """
        if start is None or end is None:
            missing = " and ".join(n for n, v in (("from", start), ("to", end)) if v is None)
            raise BadRequest(f"{missing} required: the period of calibrations to list")
        if start > end:
            raise BadRequest("from must not be after to")
        last = min(end, now)
        first_index = max(0, -((self._first - start) // CALIBRATION_PERIOD))
        last_index = (last - self._first) // CALIBRATION_PERIOD if last >= self._first else -1
        instants = [
            self._first + index * CALIBRATION_PERIOD for index in range(first_index, last_index + 1)
        ]
        rows = [_snapshot(spec, instant) for instant in reversed(instants)]
        rows = sort_rows(rows, sort, {"calibratedAt": "calibrated_at"})
        return page_of(rows, page, size)


def _snapshot(spec: BackendSpec, calibrated_at: datetime) -> dict[str, Any]:
    """An ideal-device snapshot: a noiseless simulator has no gate or readout errors."""
    qubits = [
        {"id": q, "t1_us": 100.0, "t2_us": 80.0, "readout_error": 0.0, "frequency_ghz": 5.0}
        for q in range(spec.qubit_count)
    ]
    gates = {
        g: {"operational": True, "error": 0.0, "error_std": 0.0, "length_ns": 35.0}
        for g in spec.gates
    }
    return {
        "backend_id": spec.id,
        "calibrated_at": iso(calibrated_at),
        "calibration": {
            "type": "gate_based",
            "medians": {"t1_us": 100.0, "t2_us": 80.0, "readout_error": 0.0, "gates": gates},
            "qubits": qubits,
            "qubit_pairs": [],
        },
    }
