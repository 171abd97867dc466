"""Quantum records: jobs, sessions, the workloads listing them both, normalized inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .backends import BACKENDS

__all__ = [
    "FINAL_JOB_STATUSES",
    "FINAL_SESSION_STATUSES",
    "JobRecord",
    "NormalizedInput",
    "NormalizedProgram",
    "QasmProgram",
    "QasmPrograms",
    "SessionRecord",
    "Workload",
]

FINAL_JOB_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "ABORTED", "DETACHED"})
FINAL_SESSION_STATUSES = frozenset({"CLOSED", "ABORTED"})


@dataclass(frozen=True)
class QasmProgram:
    """One OpenQASM program of a job's ``qasm`` field."""

    qasm: str
    name: str | None = None


@dataclass(frozen=True)
class QasmPrograms:
    """A job's optional ``qasm`` field: the programs it was written as, in ``format``
    (``openqasm.v2`` or ``openqasm.v3``)."""

    format: str
    programs: tuple[QasmProgram, ...]


@dataclass
class JobRecord:
    """A job as stored.

    ``input`` is the circuit as submitted (its format is ``input_format``); ``result`` is
    what the simulator produced (``counts``, ``shots`` and maybe ``memory``), or an
    ``error`` when the job failed.
    """

    id: str
    organization_id: str
    backend_id: str
    shots: int
    input_format: str
    input: dict[str, Any]
    status: str
    created_at: datetime
    name: str | None = None
    input_params: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    session_id: str | None = None
    service_execution_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    result: dict[str, Any] | None = None
    qasm: QasmPrograms | None = None

    @property
    def is_final(self) -> bool:
        """Whether the job can no longer change."""
        return self.status in FINAL_JOB_STATUSES

    @property
    def provider(self) -> str | None:
        """The provider of the job's backend."""
        spec = BACKENDS.get(self.backend_id)
        return spec.provider if spec else None

    @property
    def usage_millis(self) -> int | None:
        """How long the job ran, milliseconds; None until it has started and ended."""
        if self.started_at is None or self.ended_at is None:
            return None
        return round((self.ended_at - self.started_at).total_seconds() * 1000)


@dataclass
class SessionRecord:
    """A session as stored; its status is derived from its flags and its jobs on every read."""

    id: str
    organization_id: str
    backend_id: str
    provider: str
    mode: str
    status: str
    created_at: datetime
    expires_at: datetime
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    sdk_provider: str | None = None
    accept_jobs: bool = True
    close_requested: bool = False
    started_at: datetime | None = None
    closed_at: datetime | None = None
    service_execution_id: str | None = None

    @property
    def is_final(self) -> bool:
        """Whether the session can no longer change."""
        return self.status in FINAL_SESSION_STATUSES


@dataclass(frozen=True)
class Workload:
    """A job or a session, as the workloads listing shows them side by side."""

    id: str
    type: str
    backend_id: str
    provider: str | None
    status: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    sdk_provider: str | None
    name: str | None
    tags: list[str]
    job_count: int | None
    service_execution_id: str | None
    mode: str | None

    @property
    def origin(self) -> str:
        """``SERVICE_EXECUTION`` for work a service execution submitted, else ``STANDALONE``."""
        return "SERVICE_EXECUTION" if self.service_execution_id else "STANDALONE"


@dataclass(frozen=True)
class NormalizedProgram:
    """One program of a job's input in OpenQASM."""

    name: str | None
    qasm: str
    shots: int


@dataclass(frozen=True)
class NormalizedInput:
    """A job's input as OpenQASM programs, in ``format`` (``openqasm.v2`` or ``openqasm.v3``)."""

    format: str
    programs: list[NormalizedProgram]
