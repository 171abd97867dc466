"""Wire models of the Quantum API (snake_case on the wire and in Python)."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from ..._core.models import HubEnum, HubModel
from ..._core.pagination import Page

__all__ = [
    "FINAL_JOB_STATUSES",
    "AzureIonqJobInputCircuitItem",
    "Backend",
    "BackendStateInfo",
    "BackendStateInfoStatus",
    "Job",
    "JobInputFormat",
    "JobStatus",
    "JobStatusResponse",
    "PageResponseJob",
    "QasmCircuit",
    "QasmProgram",
    "RuntimeMinutesAllowance",
    "RuntimeMinutesResponse",
    "Session",
    "SessionMode",
    "SessionStatus",
    "SessionStatusResponse",
    "WorkloadResponse",
    "WorkloadResponseType",
]


class JobStatus(HubEnum):
    """Lifecycle state of a job."""

    UNKNOWN = "UNKNOWN"
    PENDING = "PENDING"
    ABORTED = "ABORTED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"
    DETACHED = "DETACHED"

    @property
    def is_final(self) -> bool:
        """Whether the job can no longer change."""
        return self in FINAL_JOB_STATUSES


#: The states a job never leaves.
FINAL_JOB_STATUSES = frozenset(
    {
        JobStatus.COMPLETED,
        JobStatus.FAILED,
        JobStatus.CANCELLED,
        JobStatus.ABORTED,
        JobStatus.DETACHED,
    }
)


class SessionStatus(HubEnum):
    """Lifecycle state of a session."""

    UNKNOWN = "UNKNOWN"
    ABORTED = "ABORTED"
    OPEN = "OPEN"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    DRAINING = "DRAINING"
    CLOSED = "CLOSED"
    DETACHED = "DETACHED"


class SessionMode(HubEnum):
    """How a session's jobs share the backend."""

    BATCH = "batch"
    DEDICATED = "dedicated"


class JobInputFormat(HubEnum):
    """Format of a job's input."""

    OPEN_QASM_V1 = "OPEN_QASM_V1"
    OPEN_QASM_V2 = "OPEN_QASM_V2"
    OPEN_QASM_V3 = "OPEN_QASM_V3"
    QIR_V1 = "QIR_V1"
    BRAKET_OPEN_QASM_V3 = "BRAKET_OPEN_QASM_V3"
    BRAKET_AHS_PROGRAM = "BRAKET_AHS_PROGRAM"
    IONQ_CIRCUIT_V1 = "IONQ_CIRCUIT_V1"
    QISKIT_QPY = "QISKIT_QPY"
    QOQO = "QOQO"
    PERCEVAL = "PERCEVAL"
    IQM_JOB_INPUT_V1 = "IQM_JOB_INPUT_V1"
    AQT_JOB_INPUT_V1 = "AQT_JOB_INPUT_V1"


class BackendStateInfoStatus(HubEnum):
    """Operational state of a backend."""

    UNKNOWN = "UNKNOWN"
    ONLINE = "ONLINE"
    PAUSED = "PAUSED"
    OFFLINE = "OFFLINE"
    RETIRED = "RETIRED"


class Job(HubModel):
    """A quantum job (its ``id`` is always present, unlike the vendor's optional field).

    ``runtime`` (milliseconds, as documented) is filled from the Hub's
    ``usage_time_millis`` when the Hub sends only that.
    """

    id: str
    name: str | None = None
    backend_id: str | None = None
    provider: str | None = None
    provider_job_id: str | None = None
    input_params: dict[str, Any] | None = None
    input_format: JobInputFormat | None = None
    tags: list[str] | None = None
    status: JobStatus | None = None
    created_at: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    runtime: int | None = None
    usage_time_millis: int | None = None
    usage_time_state: str | None = None
    shots: int | None = None
    session_id: str | None = None
    sdk_provider: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _runtime_from_usage_time(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("runtime") is None and "usage_time_millis" in data:
            return {**data, "runtime": data["usage_time_millis"]}
        return data


class JobStatusResponse(HubModel):
    """A job's status."""

    status: JobStatus | None = None


class Session(HubModel):
    """A session grouping jobs on one backend.

    ``final_not_aborted`` (documented) is derived from ``final`` and ``status`` when the Hub
    does not send it.
    """

    id: str
    backend_id: str | None = None
    provider: str | None = None
    status: SessionStatus | None = None
    mode: SessionMode | None = None
    created_at: str | None = None
    started_at: str | None = None
    closed_at: str | None = None
    expires_at: str | None = None
    usage_time_millis: int | None = None
    usage_time_state: str | None = None
    provider_id: str | None = None
    tags: list[str] | None = None
    metadata: dict[str, Any] | None = None
    sdk_provider: str | None = None
    final: bool | None = None
    final_not_aborted: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive_final_not_aborted(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and data.get("final_not_aborted") is None
            and isinstance(data.get("final"), bool)
        ):
            aborted = data.get("status") == "ABORTED"
            return {**data, "final_not_aborted": data["final"] and not aborted}
        return data


class SessionStatusResponse(HubModel):
    """A session's status."""

    status: SessionStatus | None = None


class Backend(HubModel):
    """A backend (QPU or simulator); nested objects are kept as plain dicts."""

    id: str
    internal_id: str | None = None
    provider: str | None = None
    hardware_provider: str | None = None
    name: str | None = None
    display_name: str | None = None
    type: str | None = None
    technology: str | None = None
    queue_size: int | None = None
    updated_at: str | None = None
    access_type: str | None = None
    documentation: dict[str, Any] | None = None
    configuration: dict[str, Any] | None = None
    availability: list[dict[str, Any]] | None = None
    costs: list[dict[str, Any]] | None = None
    has_calibration: bool | None = None
    free_of_charge: bool | None = None
    status: str | None = None


class BackendStateInfo(HubModel):
    """A backend's operational state and queue."""

    status: BackendStateInfoStatus | None = None
    queue_avg_time: float | None = None
    queue_size: int | None = None


class WorkloadResponseType(HubEnum):
    """What a workload is."""

    JOB = "JOB"
    SESSION = "SESSION"


class WorkloadResponse(HubModel):
    """A job or a session, as the workloads listing shows it."""

    id: str
    type: WorkloadResponseType | None = None
    backend_id: str | None = None
    provider: str | None = None
    status: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    created_at: str | None = None
    sdk_provider: str | None = None
    name: str | None = None
    tags: list[str] | None = None
    job_count: int | None = None
    usage_time_millis: int | None = None
    usage_time_state: str | None = None
    service_execution_id: str | None = None
    mode: str | None = None


class RuntimeMinutesAllowance(HubModel):
    """Runtime allowance for a provider's backends (seconds)."""

    id: str | None = None
    provider: str | None = None
    backend_ids: list[str] | None = None
    allocated_seconds: float | None = None
    consumed_seconds: float | None = None
    remaining_seconds: float | None = None
    limit_reached: bool | None = None


class RuntimeMinutesResponse(HubModel):
    """The organization's runtime allowances."""

    allowances: list[RuntimeMinutesAllowance] | None = None


class AzureIonqJobInputCircuitItem(HubModel):
    """One gate of an IonQ circuit: ``type`` (h, x, cnot, rx, …), targets, controls, rotation."""

    type: str | None = None
    targets: list[int]
    controls: list[int] | None = None
    rotation: float | None = None


class QasmProgram(HubModel):
    """One OpenQASM program of a job's ``qasm`` field."""

    qasm: str
    name: str | None = None


class QasmCircuit(HubModel):
    """A job's circuit as OpenQASM (``create_job(qasm=...)``), beside its backend-specific
    ``input``: ``format`` is ``"openqasm.v2"`` or ``"openqasm.v3"``."""

    format: str
    programs: list[QasmProgram]


#: A page of jobs.
PageResponseJob = Page[Job]


# Every other public type name of the vendor's package: the generated models, on first use.
from ..._core.lazy import lazy_module as _lazy_module  # noqa: E402

__getattr__, __dir__ = _lazy_module(__name__, {}, fallback="qhub.api.quantum._generated.models")
