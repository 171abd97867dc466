"""The Quantum API's JSON shapes (snake_case), built from domain records: the one place
they are written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi.responses import JSONResponse, Response

from ...domain.listing import Page
from ...domain.quantum import (
    BackendSpec,
    CalibrationSnapshot,
    JobRecord,
    NormalizedInput,
    SessionRecord,
    Workload,
)
from ..wire import iso

__all__ = [
    "backend_json",
    "calibration_json",
    "calibration_response",
    "configuration_json",
    "job_json",
    "memory_json",
    "normalized_input_json",
    "normalized_result_json",
    "page_json",
    "session_json",
    "workload_json",
]

Record = TypeVar("Record")


def page_json(page: Page[Record], item_json: Callable[[Record], Any]) -> dict[str, Any]:
    """A zero-based page."""
    return {
        "content": [item_json(item) for item in page.content],
        "page": page.page,
        "size": page.size,
        "total_elements": page.total_elements,
        "total_pages": page.total_pages,
    }


def configuration_json(spec: BackendSpec) -> dict[str, Any]:
    """A backend's configuration: gates, qubits, shots, formats."""
    return {
        "gates": [{"name": g, "native_gate": True} for g in spec.gates],
        "qubit_count": spec.qubit_count,
        "connectivity": {"fully_connected": True},
        "shots_range": {"min": 1, "max": spec.max_shots},
        "supported_input_formats": list(spec.input_formats),
        "memory_result_supported": True,
    }


def backend_json(
    spec: BackendSpec, *, queue_size: int = 0, reduced: bool = False
) -> dict[str, Any]:
    """A backend; ``reduced`` is the public view for anonymous callers."""
    view: dict[str, Any] = {
        "id": spec.id,
        "provider": spec.provider,
        "hardware_provider": spec.hardware_provider,
        "name": spec.name,
        "display_name": spec.display_name,
        "type": spec.type,
        "technology": spec.technology,
        "has_calibration": False,
    }
    if reduced:
        return view
    return {
        **view,
        "internal_id": f"local-{spec.id}",
        "queue_size": queue_size,
        "access_type": "FREE",
        "has_calibration": True,
        "documentation": {"location": "this machine (simulated with Qiskit Aer)"},
        "configuration": configuration_json(spec),
        "availability": [],
    }


def calibration_json(snapshot: CalibrationSnapshot) -> dict[str, Any]:
    """A gate-based calibration snapshot."""
    gates = {
        name: {
            "operational": gate.operational,
            "error": gate.error,
            "error_std": gate.error_std,
            "length_ns": gate.length_ns,
        }
        for name, gate in snapshot.gates.items()
    }
    qubits = [
        {
            "qubit": qubit.id,
            "operational": True,
            "t1_us": qubit.t1_us,
            "t2_us": qubit.t2_us,
            "readout_error": qubit.readout_error,
            "gates": gates,
        }
        for qubit in snapshot.qubits
    ]
    medians = {
        "t1_us": snapshot.median_t1_us,
        "t2_us": snapshot.median_t2_us,
        "readout_error": snapshot.median_readout_error,
        "gates": gates,
    }
    return {
        "backend_id": snapshot.backend_id,
        "calibrated_at": iso(snapshot.calibrated_at),
        "calibration": {
            "type": "gate_based",
            "medians": medians,
            "qubits": qubits,
            "qubit_pairs": [],
        },
    }


def calibration_response(snapshot: CalibrationSnapshot | None) -> Response:
    """A calibration snapshot, or 204 when there is none (the client reads that as None)."""
    if snapshot is None:
        return Response(status_code=204)
    return JSONResponse(calibration_json(snapshot))


def job_json(job: JobRecord) -> dict[str, Any]:
    """A job."""
    usage = job.usage_millis
    return {
        "id": job.id,
        "name": job.name,
        "backend_id": job.backend_id,
        "provider": job.provider,
        "status": job.status,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "ended_at": iso(job.ended_at),
        "usage_time_millis": usage,
        "runtime": usage,
        "shots": job.shots,
        "input_format": job.input_format,
        "input_params": job.input_params,
        "tags": job.tags,
        "session_id": job.session_id,
        "sdk_provider": "CLIENT",
    }


def session_json(session: SessionRecord) -> dict[str, Any]:
    """A session."""
    return {
        "id": session.id,
        "backend_id": session.backend_id,
        "provider": session.provider,
        "status": session.status,
        "mode": session.mode,
        "created_at": iso(session.created_at),
        "started_at": iso(session.started_at),
        "closed_at": iso(session.closed_at),
        "expires_at": iso(session.expires_at),
        "usage_time_millis": 0,
        "tags": session.tags,
        "metadata": session.metadata,
        "sdk_provider": session.sdk_provider,
        "final": session.is_final,
        "final_not_aborted": session.status == "CLOSED",
    }


def workload_json(workload: Workload) -> dict[str, Any]:
    """A job or a session, as the workloads listing shows them."""
    return {
        "id": workload.id,
        "type": workload.type,
        "backend_id": workload.backend_id,
        "provider": workload.provider,
        "status": workload.status,
        "started_at": iso(workload.started_at),
        "ended_at": iso(workload.ended_at),
        "created_at": iso(workload.created_at),
        "sdk_provider": workload.sdk_provider,
        "name": workload.name,
        "tags": workload.tags,
        "job_count": workload.job_count,
        "usage_time_millis": 0,
        "service_execution_id": workload.service_execution_id,
        "mode": workload.mode,
    }


def _qubits(counts: dict[str, int]) -> int:
    return len(next(iter(counts), ""))


def normalized_result_json(job: JobRecord, result: dict[str, Any]) -> dict[str, Any]:
    """A result as one "counts" pub, or one "error" pub for a failed job."""
    if "counts" not in result:
        return {"pubs": [{"type": "error", "error": result.get("error")}]}
    return {
        "pubs": [
            {
                "type": "counts",
                "index": 0,
                "name": job.name,
                "key_format": "bitstring",
                "counts": result["counts"],
                "shots": job.shots,
                "qubits": _qubits(result["counts"]),
            }
        ]
    }


def memory_json(result: dict[str, Any]) -> dict[str, Any] | None:
    """Per-shot outcomes (hex), when the job asked for them (``input_params.memory``)."""
    if "memory" not in result:
        return None
    return {
        "memory": result["memory"],
        "qubits": _qubits(result["counts"]),
        "shots": result["shots"],
    }


def normalized_input_json(normalized: NormalizedInput) -> dict[str, Any]:
    """A job's input as OpenQASM pubs."""
    pubs = [
        {"name": program.name, "qasm": program.qasm, "shots": program.shots}
        for program in normalized.programs
    ]
    return {"format": normalized.format, "pubs": pubs}
