"""What callers ask of the Quantum API, typed: jobs to submit, sessions to open, filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .records import QasmPrograms

__all__ = ["JobSubmission", "SessionRequest", "WorkloadFilters"]


@dataclass(frozen=True)
class JobSubmission:
    """A job to validate and queue.

    Attributes:
        backend_id: where to run it.
        shots: how many times (positive).
        input: the circuit, as IonQ JSON (``circuit``), OpenQASM (``qasm``) or IBM PUBs
            (``pubs``).
        input_format: what ``input`` is written in; inferred from it when None.
        name / input_params / tags: kept with the job (``input_params`` may ask for a
            ``seed`` and per-shot ``memory``).
        session_id: the session to run it in, if any.
        qasm: the programs the client says the job was written as, served as its
            normalized input.
    """

    backend_id: str
    shots: int
    input: dict[str, Any]
    input_format: str | None = None
    name: str | None = None
    input_params: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    session_id: str | None = None
    qasm: QasmPrograms | None = None


@dataclass(frozen=True)
class SessionRequest:
    """A session to open on a backend: ``mode`` is ``batch`` or ``dedicated``; ``ttl`` is
    how long it may stay unused, seconds; ``provider``, when given, must be the backend's."""

    backend_id: str
    mode: str
    ttl: int
    provider: str | None = None
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    sdk_provider: str | None = None


@dataclass(frozen=True)
class WorkloadFilters:
    """Which workloads to list: each non-empty field keeps those matching any of its values;
    ``origin`` is ``STANDALONE`` or ``SERVICE_EXECUTION``."""

    type: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    provider: tuple[str, ...] = ()
    backend_id: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    origin: tuple[str, ...] = ()
    service_execution_id: tuple[str, ...] = ()
