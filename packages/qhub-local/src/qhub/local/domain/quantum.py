"""The local Quantum API's rules: a backend catalog served by simulators, and jobs.

Jobs are validated when submitted (nothing is queued that could never run), then simulated
in worker processes off the request path: PENDING → RUNNING → COMPLETED / FAILED, or
CANCELLED (a running job passes through CANCELLING while its simulation is stopped). A job
the Hub was running when it stopped is ABORTED at the next start; pending ones run then.
"""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..simulation import (
    InvalidJobInput,
    PreparedCircuit,
    simulator_pool,
)
from .backends import BACKENDS, BackendSpec, Calibrations, backend, parse_instant
from .clock import format_utc as iso
from .clock import utc_now
from .errors import BadRequest, NotFound, Unprocessable
from .listing import page_of, sort_rows
from .store import Database, Store

__all__ = ["JobLifecycle", "JobRecord", "QuantumJobs", "SessionRecord"]

FINAL_JOB_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "ABORTED", "DETACHED"})
FINAL_SESSION_STATUSES = frozenset({"CLOSED", "ABORTED"})


@dataclass(frozen=True)
class JobLifecycle:
    """How a finished job's end becomes visible, so tests can pin polling and timeouts.

    ``JobLifecycle()`` shows every state as it happens. ``immediate`` simulates while the job
    is submitted, so it is already final in the response. ``after_polls=N`` keeps a finished
    job looking RUNNING for its first N reads; ``after_seconds=T`` until T seconds after it
    was submitted. ``outcome`` ends every job in that final state instead of simulating it
    (``"FAILED"``, ``"ABORTED"``, ``"DETACHED"``: the ends a simulator never produces), so
    code can be tested against them.
    """

    immediate: bool = False
    after_polls: int = 0
    after_seconds: float = 0.0
    outcome: str | None = None

    def __post_init__(self) -> None:
        ends = FINAL_JOB_STATUSES - {"COMPLETED", "CANCELLED"}
        if self.outcome is not None and self.outcome not in ends:
            names = ", ".join(sorted(ends))
            raise ValueError(f"outcome must be one of {names}, not {self.outcome!r}")


def infer_input_format(data: dict[str, Any]) -> str:
    """The input format a job input is written in."""
    if "circuit" in data:
        return "IONQ_CIRCUIT_V1"
    if "pubs" in data:  # Qiskit Runtime PUBs, whose circuits are OpenQASM 3 here
        return "OPEN_QASM_V3"
    qasm = data.get("qasm")
    text = qasm[0] if isinstance(qasm, list) and qasm else qasm
    if isinstance(text, str):
        return "OPEN_QASM_V2" if text.lstrip().startswith("OPENQASM 2") else "OPEN_QASM_V3"
    raise Unprocessable(
        "input has neither 'circuit' (IonQ JSON), 'qasm' (OpenQASM) nor 'pubs' (IBM)"
    )


def _shots_in_input(data: dict[str, Any]) -> int | None:
    """Shots an IBM input names itself (``input.shots`` or its PUB's third item), if any."""
    pubs = data.get("pubs")
    if isinstance(pubs, list) and pubs and isinstance(pubs[0], list) and len(pubs[0]) > 2:
        shots = pubs[0][2]
        return shots if isinstance(shots, int) else None
    shots = data.get("shots")
    return shots if isinstance(shots, int) and not isinstance(shots, bool) else None


@dataclass
class JobRecord:
    """A job as stored."""

    id: str
    organization_id: str
    backend_id: str
    shots: int
    input_format: str
    input: dict[str, Any]
    status: str
    created_at: str
    name: str | None = None
    input_params: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    session_id: str | None = None
    service_execution_id: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    result: dict[str, Any] | None = None
    qasm: dict[str, Any] | None = None

    @property
    def is_final(self) -> bool:
        """Whether the job can no longer change."""
        return self.status in FINAL_JOB_STATUSES

    def wire(self) -> dict[str, Any]:
        """The Job DTO (snake_case)."""
        spec = BACKENDS.get(self.backend_id)
        usage = None
        if self.started_at and self.ended_at:
            usage = round(
                (_instant(self.ended_at) - _instant(self.started_at)).total_seconds() * 1000
            )
        return {
            "id": self.id,
            "name": self.name,
            "backend_id": self.backend_id,
            "provider": spec.provider if spec else None,
            "status": self.status,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "usage_time_millis": usage,
            "runtime": usage,
            "shots": self.shots,
            "input_format": self.input_format,
            "input_params": self.input_params,
            "tags": self.tags,
            "session_id": self.session_id,
            "sdk_provider": "CLIENT",
        }


QASM_FORMATS = ("openqasm.v2", "openqasm.v3")


def _qasm_field(value: Any) -> dict[str, Any] | None:
    """A job's optional ``qasm`` field, checked: ``{"format", "programs": [{"qasm", "name"?}]}``.

    Raises:
        Unprocessable: any other shape, named.
    """
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("format") not in QASM_FORMATS:
        raise Unprocessable("qasm.format must be 'openqasm.v2' or 'openqasm.v3'")
    programs = value.get("programs")
    if not isinstance(programs, list) or not programs:
        raise Unprocessable("qasm.programs must be a non-empty list")
    for index, program in enumerate(programs):
        if not isinstance(program, dict) or not isinstance(program.get("qasm"), str):
            raise Unprocessable(f"qasm.programs[{index}].qasm must be an OpenQASM string")
        if program.get("name") is not None and not isinstance(program["name"], str):
            raise Unprocessable(f"qasm.programs[{index}].name must be a string")
    return {"format": value["format"], "programs": programs}


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _now() -> str:
    return iso(utc_now())


DEFAULT_SESSION_TTL = 3600
MAX_SESSION_TTL = 7 * 24 * 3600


@dataclass
class SessionRecord:
    """A session as stored; its status is derived from its flags and its jobs on every read."""

    id: str
    organization_id: str
    backend_id: str
    provider: str
    mode: str
    status: str
    created_at: str
    expires_at: str
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    sdk_provider: str | None = None
    accept_jobs: bool = True
    close_requested: bool = False
    started_at: str | None = None
    closed_at: str | None = None
    service_execution_id: str | None = None

    def wire(self) -> dict[str, Any]:
        """The Session DTO (snake_case)."""
        return {
            "id": self.id,
            "backend_id": self.backend_id,
            "provider": self.provider,
            "status": self.status,
            "mode": self.mode,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "closed_at": self.closed_at,
            "expires_at": self.expires_at,
            "usage_time_millis": 0,
            "tags": self.tags,
            "metadata": self.metadata,
            "sdk_provider": self.sdk_provider,
            "final": self.status in FINAL_SESSION_STATUSES,
            "final_not_aborted": self.status == "CLOSED",
        }


class QuantumJobs:
    """Jobs on local simulator backends, persisted in the Hub's store."""

    def __init__(self, store: Store, database: Database) -> None:
        self._store = store
        self._pool = simulator_pool()
        #: The lifecycle jobs follow; set it (in tests) to pin polling behaviour.
        self.lifecycle = JobLifecycle()
        self._reads: dict[str, int] = {}
        self._futures: dict[str, Future[None]] = {}
        self._backend_of: dict[str, str] = {}
        self._lock = threading.Lock()
        self._closed = False
        since = database.meta("calibrated_since")
        if since is None:
            since = _now()
            database.set_meta("calibrated_since", since)
        self._calibrations = Calibrations(datetime.fromisoformat(since.replace("Z", "+00:00")))
        self._recover()

    def _recover(self) -> None:
        """Settle the jobs a stopped Hub left unfinished: a running simulation is lost
        (ABORTED), a pending job runs now, a cancel in progress completes."""
        for job in self._store.unfinished_jobs():
            if job.status == "PENDING":
                self._queue(job, None)
                continue
            job.status, job.ended_at = (
                ("ABORTED" if job.status == "RUNNING" else "CANCELLED"),
                _now(),
            )
            if job.status == "ABORTED":
                job.result = {
                    "error": {
                        "type": "Aborted",
                        "message": "The local Hub stopped while this job was running.",
                    }
                }
            self._store.save_job(job)

    def backend(self, backend_id: str) -> BackendSpec:
        """A backend by id.

        Raises:
            NotFound: no such backend.
        """
        return backend(backend_id)

    def calibration(self, backend_id: str, effective_at: str | None) -> dict[str, Any] | None:
        """The backend's calibration in effect at ``effective_at`` (ISO-8601; default now),
        or None before its first one.

        Raises:
            NotFound / BadRequest: unknown backend, or a malformed instant.
        """
        moment = parse_instant(effective_at, "effectiveAt") or utc_now()
        return self._calibrations.effective_at(self.backend(backend_id), moment)

    def calibration_history(
        self,
        backend_id: str,
        start: str | None,
        end: str | None,
        page: int,
        size: int,
        sort: list[str],
    ) -> dict[str, Any]:
        """The backend's snapshots calibrated between ``start`` and ``end``, one page.

        Raises:
            NotFound / BadRequest: unknown backend; a missing, malformed or reversed period.
        """
        return self._calibrations.history(
            self.backend(backend_id),
            parse_instant(start, "from"),
            parse_instant(end, "to"),
            utc_now(),
            page,
            size,
            sort,
        )

    def job_calibration(self, job: JobRecord) -> dict[str, Any] | None:
        """The calibration the job ran with (in effect when it started, or was submitted)."""
        when = job.started_at or job.created_at
        return self.calibration(job.backend_id, when)

    def least_busy(self, provider: str | None, min_qubits: int | None) -> BackendSpec:
        """The provider's backend with the fewest unfinished jobs (ties: by id). Like the
        Hub, only for IBM (``provider`` is read case-insensitively, ``-`` as ``_``).

        Raises:
            BadRequest: no provider, or not IBM.
            NotFound: no IBM backend with enough qubits.
        """
        if not provider:
            raise BadRequest("provider is required")
        if provider.upper().replace("-", "_") != "IBM":
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

    def queue_size(self, backend_id: str) -> int:
        """How many of the backend's jobs (everyone's) are pending or running."""
        with self._lock:
            return sum(
                1
                for job_id, future in self._futures.items()
                if not future.done() and self._backend_of.get(job_id) == backend_id
            )

    def backend_view(self, backend_id: str) -> dict[str, Any]:
        """The Backend DTO with its live queue size.

        Raises:
            NotFound: no such backend.
        """
        return self.backend(backend_id).wire(queue_size=self.queue_size(backend_id))

    def normalized_memory(self, organization_id: str, job_id: str) -> dict[str, Any] | None:
        """Per-shot outcomes (hex) when the job asked for them (``input_params.memory``), else None."""
        result = self.result(organization_id, job_id)
        if "memory" not in result:
            return None
        qubits = len(next(iter(result["counts"]), ""))
        return {"memory": result["memory"], "qubits": qubits, "shots": result["shots"]}

    def normalized_input(self, organization_id: str, job_id: str) -> dict[str, Any]:
        """The job's input as OpenQASM: the programs submitted as its ``qasm`` field, or
        else its input converted to OpenQASM 3 (the normalized input shape)."""
        job = self.get(organization_id, job_id)
        if job.qasm is not None:
            pubs = [
                {"name": program.get("name"), "qasm": program["qasm"], "shots": job.shots}
                for program in job.qasm["programs"]
            ]
            return {"format": job.qasm["format"], "pubs": pubs}
        spec = self.backend(job.backend_id)
        qasm = self._pool.to_qasm3(job.input_format, job.input, spec.qubit_count)
        return {
            "format": "openqasm.v3",
            "pubs": [{"name": job.name, "qasm": qasm, "shots": job.shots}],
        }

    def normalized_result(self, organization_id: str, job_id: str) -> dict[str, Any]:
        """The result as one "counts" pub (the normalized shape).

        Raises:
            NotFound: unknown job or no result yet.
        """
        job = self.get(organization_id, job_id)
        result = self.result(organization_id, job_id)
        if "counts" not in result:
            return {"pubs": [{"type": "error", "error": result.get("error")}]}
        qubits = len(next(iter(result["counts"]), ""))
        return {
            "pubs": [
                {
                    "type": "counts",
                    "index": 0,
                    "name": job.name,
                    "key_format": "bitstring",
                    "counts": result["counts"],
                    "shots": job.shots,
                    "qubits": qubits,
                }
            ]
        }

    def create(
        self, organization_id: str, body: dict[str, Any], service_execution_id: str | None = None
    ) -> JobRecord:
        """Validate and queue a job (blocks while the input is parsed: call it off the event loop).

        Raises:
            BadRequest / Unprocessable: missing fields, bad shots, unsupported input.
            NotFound: unknown backend.
        """
        backend_id = body.get("backend_id")
        if not isinstance(backend_id, str) or not backend_id:
            raise BadRequest("backend_id is required")
        spec = self.backend(backend_id)
        shots = body.get("shots")
        if not isinstance(shots, int) or isinstance(shots, bool) or shots <= 0:
            raise Unprocessable(f"shots must be a positive integer, not {shots!r}")
        if shots > spec.max_shots:
            raise Unprocessable(
                f"shots must be at most {spec.max_shots} on {backend_id}, not {shots}"
            )
        data = body.get("input")
        if not isinstance(data, dict):
            raise Unprocessable("input must be an object")
        declared = _shots_in_input(data)
        if declared is not None and declared != shots:
            raise Unprocessable(f"the input asks for {declared} shots, the job for {shots}")
        input_format = body.get("input_format") or infer_input_format(data)
        if input_format not in spec.input_formats:
            accepted = ", ".join(spec.input_formats)
            raise Unprocessable(
                f"{backend_id} does not accept {input_format} input (it accepts {accepted})"
            )
        try:
            circuit = self._pool.prepare(input_format, data, spec.qubit_count)
        except InvalidJobInput as exc:
            raise Unprocessable(str(exc)) from None
        session_id = body.get("session_id")
        if session_id is not None:
            if not isinstance(session_id, str):
                raise Unprocessable("session_id must be a string")
            self._admit_into_session(organization_id, session_id, backend_id)
        qasm = _qasm_field(body.get("qasm"))
        tags = body.get("tags") or []
        job = JobRecord(
            id=str(uuid.uuid4()),
            organization_id=organization_id,
            backend_id=backend_id,
            shots=shots,
            input_format=input_format,
            input=data,
            status="PENDING",
            created_at=_now(),
            name=body.get("name") if isinstance(body.get("name"), str) else None,
            input_params=body.get("input_params")
            if isinstance(body.get("input_params"), dict)
            else None,
            tags=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
            session_id=body.get("session_id") if isinstance(body.get("session_id"), str) else None,
            service_execution_id=service_execution_id,
            qasm=qasm,
        )
        self._store.save_job(job)
        future = self._queue(job, circuit)
        if self.lifecycle.immediate:
            future.result()
            stored = self._store.job(job.id)
            assert stored is not None
            return stored
        return job

    def _queue(self, job: JobRecord, circuit: PreparedCircuit | None) -> Future[None]:
        with self._lock:
            future = self._pool.jobs.submit(self._run, job.id, circuit)
            self._futures[job.id] = future
            self._backend_of[job.id] = job.backend_id
        return future

    def _run(self, job_id: str, circuit: PreparedCircuit | None) -> None:
        try:
            self._simulate(job_id, circuit)
        finally:
            with self._lock:
                self._futures.pop(job_id, None)
                self._backend_of.pop(job_id, None)

    def _simulate(self, job_id: str, circuit: PreparedCircuit | None) -> None:
        with self._lock:
            if self._closed:
                return  # left PENDING: it runs when the Hub next starts
            job = self._store.job(job_id)
            if job is None or job.status != "PENDING":
                return
            job.status, job.started_at = "RUNNING", _now()
            self._store.save_job(job)
        forced = self.lifecycle.outcome
        if forced is not None:
            message = f"ended {forced} by the Hub's test lifecycle"
            outcome, status = {"error": {"type": forced, "message": message}}, forced
        else:
            outcome, status = self._outcome(job, circuit)
        with self._lock:
            if self._closed and status == "FAILED":
                return  # stopped by close(): left RUNNING, so the next start records ABORTED
            job = self._store.job(job_id)
            assert job is not None
            job.status = "CANCELLED" if job.status == "CANCELLING" else status
            job.result = None if job.status == "CANCELLED" else outcome
            job.ended_at = _now()
            self._store.save_job(job)

    def _outcome(
        self, job: JobRecord, circuit: PreparedCircuit | None
    ) -> tuple[dict[str, Any], str]:
        """Simulate the job: its result and final status (FAILED with the error if it fails)."""
        params = job.input_params or {}
        seed = params.get("seed")
        try:
            if circuit is None:  # queued again after a restart
                circuit = self._pool.prepare(
                    job.input_format, job.input, self.backend(job.backend_id).qubit_count
                )
            counts, shots_memory = self._pool.simulate(
                job.id,
                circuit,
                job.shots,
                seed if isinstance(seed, int) else None,
                params.get("memory") is True,
            )
        except Exception as exc:
            return {"error": {"type": type(exc).__name__, "message": str(exc)}}, "FAILED"
        outcome: dict[str, Any] = {"counts": counts, "shots": job.shots}
        if shots_memory is not None:
            outcome["memory"] = shots_memory
        return outcome, "COMPLETED"

    def get(self, organization_id: str, job_id: str) -> JobRecord:
        """A job of this organization.

        Raises:
            NotFound: unknown, or another organization's.
        """
        return self._as_visible(self._stored(organization_id, job_id))

    def _stored(self, organization_id: str, job_id: str) -> JobRecord:
        job = self._store.job(job_id)
        if job is None or job.organization_id != organization_id:
            raise NotFound(f"no job {job_id!r}")
        return job

    def _as_visible(self, job: JobRecord) -> JobRecord:
        """The job as the lifecycle lets callers see it now."""
        lifecycle = self.lifecycle
        if not job.is_final or not (lifecycle.after_polls or lifecycle.after_seconds):
            return job
        with self._lock:
            reads = self._reads[job.id] = self._reads.get(job.id, 0) + 1
        created = datetime.fromisoformat(job.created_at.replace("Z", "+00:00"))
        waited = (utc_now() - created).total_seconds()
        if reads > lifecycle.after_polls and waited >= lifecycle.after_seconds:
            return job
        return JobRecord(**{**job.__dict__, "status": "RUNNING", "ended_at": None, "result": None})

    def result(self, organization_id: str, job_id: str) -> dict[str, Any]:
        """The result of a finished job.

        Raises:
            NotFound: unknown job, or not finished yet.
        """
        job = self._stored(organization_id, job_id)
        if self._hidden(job) or not job.is_final or job.result is None:
            raise NotFound(f"job {job_id!r} has no result yet")
        return job.result

    def _hidden(self, job: JobRecord) -> bool:
        """Whether the lifecycle still hides this job's end (reading a result is not a poll)."""
        lifecycle = self.lifecycle
        if not (lifecycle.after_polls or lifecycle.after_seconds):
            return False
        created = datetime.fromisoformat(job.created_at.replace("Z", "+00:00"))
        with self._lock:
            reads = self._reads.get(job.id, 0)
        return (
            reads <= lifecycle.after_polls
            or (utc_now() - created).total_seconds() < lifecycle.after_seconds
        )

    def cancel(self, organization_id: str, job_id: str) -> JobRecord:
        """Cancel a pending or running job; a finished one is left as it is."""
        job = self._stored(organization_id, job_id)
        if job.is_final:
            return job
        with self._lock:
            job = self._stored(organization_id, job_id)  # again, now that no run can change it
            future = self._futures.get(job_id)
            if job.status == "PENDING" and future is not None and future.cancel():
                job.status, job.ended_at = "CANCELLED", _now()
            elif job.status in ("PENDING", "RUNNING"):
                job.status = "CANCELLING"
            self._store.save_job(job)
        if job.status == "CANCELLING":
            self._pool.interrupt(job_id)
        return job

    # -- sessions ----------------------------------------------------------------------------

    def create_session(
        self, organization_id: str, body: dict[str, Any], service_execution_id: str | None = None
    ) -> SessionRecord:
        """Open a session on a backend that supports them.

        Raises:
            BadRequest / Unprocessable / NotFound: bad fields, no session support, unknown backend.
        """
        backend_id = body.get("backend_id")
        if not isinstance(backend_id, str) or not backend_id:
            raise BadRequest("backend_id is required")
        spec = self.backend(backend_id)
        if not spec.supports_sessions:
            raise Unprocessable(f"{backend_id} does not support sessions")
        mode = body.get("mode")
        if mode not in ("batch", "dedicated"):
            raise Unprocessable(f"mode must be 'batch' or 'dedicated', not {mode!r}")
        provider = body.get("provider")
        if provider is not None and provider != spec.provider:
            raise Unprocessable(f"{backend_id} is provided by {spec.provider}, not {provider!r}")
        ttl = body.get("ttl", DEFAULT_SESSION_TTL)
        if ttl is None:
            ttl = DEFAULT_SESSION_TTL
        if not isinstance(ttl, int) or isinstance(ttl, bool) or not 0 < ttl <= MAX_SESSION_TTL:
            raise Unprocessable(f"ttl must be between 1 and {MAX_SESSION_TTL} seconds, not {ttl!r}")
        created = utc_now()
        tags = body.get("tags") or []
        session = SessionRecord(
            id=str(uuid.uuid4()),
            organization_id=organization_id,
            backend_id=backend_id,
            provider=spec.provider,
            mode=mode,
            status="OPEN",
            created_at=iso(created),
            expires_at=iso(created + timedelta(seconds=ttl)),
            tags=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
            metadata=body.get("metadata") if isinstance(body.get("metadata"), dict) else None,
            sdk_provider=body.get("sdk_provider")
            if isinstance(body.get("sdk_provider"), str)
            else None,
            service_execution_id=service_execution_id,
        )
        self._store.save_session(session)
        return session

    def execution_session(
        self, organization_id: str, service_execution_id: str, session_id: str
    ) -> SessionRecord:
        """A session opened by a given service execution.

        Raises:
            NotFound: unknown, or not that execution's.
        """
        session = self.session(organization_id, session_id)
        if session.service_execution_id != service_execution_id:
            raise NotFound(
                f"service execution {service_execution_id!r} has no session {session_id!r}"
            )
        return session

    def session(self, organization_id: str, session_id: str) -> SessionRecord:
        """A session of this organization, its status brought up to date.

        Raises:
            NotFound: unknown, or another organization's.
        """
        session = self._store.session(session_id)
        if session is None or session.organization_id != organization_id:
            raise NotFound(f"no session {session_id!r}")
        return self._refresh(session)

    def _refresh(self, session: SessionRecord) -> SessionRecord:
        """Derive the status: ABORTED if its time ran out before any job was submitted;
        otherwise expiry closes it like ``close_session`` (its queued jobs still run)."""
        if session.status in FINAL_SESSION_STATUSES:
            return session
        jobs = self.session_jobs_of(session)
        unfinished = any(not job.is_final for job in jobs)
        expired = _now() >= session.expires_at
        if expired and not jobs and not session.close_requested:
            status = "ABORTED"
        else:
            if expired:
                session.close_requested, session.accept_jobs = True, False
            if session.close_requested:
                status = "DRAINING" if unfinished else "CLOSED"
            elif not session.accept_jobs:
                status = "DRAINING" if unfinished else "INACTIVE"
            else:
                status = "ACTIVE" if jobs else "OPEN"
        if status != session.status:
            session.status = status
            if status in FINAL_SESSION_STATUSES:
                session.closed_at = _now()
            self._store.save_session(session)
        return session

    def session_jobs_of(self, session: SessionRecord) -> list[JobRecord]:
        """The jobs submitted into a session, oldest first."""
        jobs = [
            job for job in self._store.jobs(session.organization_id) if job.session_id == session.id
        ]
        return list(reversed(jobs))

    def close_session(self, organization_id: str, session_id: str) -> SessionRecord:
        """Stop accepting jobs and close once queued jobs finish (none is cancelled). Idempotent."""
        session = self.session(organization_id, session_id)
        if session.status not in FINAL_SESSION_STATUSES:
            session.close_requested, session.accept_jobs = True, False
            self._store.save_session(session)
        return self._refresh(session)

    def update_session_state(
        self, organization_id: str, session_id: str, accept_jobs: Any
    ) -> SessionRecord:
        """Stop or resume accepting jobs.

        Raises:
            Unprocessable: ``accept_jobs`` is not a boolean, or the session is closed.
        """
        if not isinstance(accept_jobs, bool):
            raise Unprocessable(f"accept_jobs must be true or false, not {accept_jobs!r}")
        session = self.session(organization_id, session_id)
        if session.close_requested or session.status in FINAL_SESSION_STATUSES:
            raise Unprocessable(
                f"session {session_id!r} is {session.status} and can't accept jobs again"
            )
        session.accept_jobs = accept_jobs
        self._store.save_session(session)
        return self._refresh(session)

    def _admit_into_session(self, organization_id: str, session_id: str, backend_id: str) -> None:
        session = self.session(organization_id, session_id)
        if session.backend_id != backend_id:
            raise Unprocessable(
                f"session {session_id!r} runs on {session.backend_id}, not {backend_id}"
            )
        if session.status not in ("OPEN", "ACTIVE"):
            raise Unprocessable(f"session {session_id!r} is {session.status} and accepts no jobs")
        if session.started_at is None:
            session.started_at = _now()
            self._store.save_session(session)

    def execution_job(
        self, organization_id: str, service_execution_id: str, job_id: str
    ) -> JobRecord:
        """A job created by a given service execution.

        Raises:
            NotFound: unknown, or not that execution's.
        """
        job = self.get(organization_id, job_id)
        if job.service_execution_id != service_execution_id:
            raise NotFound(f"service execution {service_execution_id!r} has no job {job_id!r}")
        return job

    def search(
        self,
        organization_id: str,
        page: int,
        size: int,
        service_execution_id: str | None = None,
        sort: list[str] | None = None,
    ) -> dict[str, Any]:
        """A zero-based page of the organization's jobs, newest first unless ``sort`` says
        otherwise (``property,asc|desc``)."""
        jobs = self._store.jobs(organization_id)
        if service_execution_id is not None:
            jobs = [job for job in jobs if job.service_execution_id == service_execution_id]
        rows = sort_rows([job.wire() for job in jobs], sort or [], SORTABLE_JOB_FIELDS)
        return page_of(rows, page, size)

    def workloads(
        self,
        organization_id: str,
        filters: dict[str, list[str]],
        page: int,
        size: int,
        sort: list[str] | None = None,
    ) -> dict[str, Any]:
        """Jobs and sessions as workloads, filtered, newest first unless ``sort`` says
        otherwise; one zero-based page.

        ``filters`` maps ``type``, ``status``, ``provider``, ``backendId``, ``tag``, ``origin``
        (STANDALONE or SERVICE_EXECUTION) and ``serviceExecutionId`` to accepted values: a
        workload matches any value of each, and every filter given.

        Raises:
            BadRequest: an unknown filter, origin or sort property.
        """
        rows: list[dict[str, Any]] = []
        for job in self._store.jobs(organization_id):
            rows.append(
                {
                    **job.wire(),
                    "type": "JOB",
                    "service_execution_id": job.service_execution_id,
                    "job_count": None,
                    "usage_time_millis": 0,
                    "mode": None,
                }
            )
        for session in self._store.sessions(organization_id):
            session = self._refresh(session)
            rows.append(
                {
                    **session.wire(),
                    "type": "SESSION",
                    "service_execution_id": session.service_execution_id,
                    "name": None,
                    "job_count": len(self.session_jobs_of(session)),
                }
            )
        fields = {
            "type": "type",
            "status": "status",
            "provider": "provider",
            "backendId": "backend_id",
            "serviceExecutionId": "service_execution_id",
        }
        for name, values in filters.items():
            if not values:
                continue
            if name == "tag":
                rows = [r for r in rows if set(values) & set(r.get("tags") or [])]
            elif name == "origin":
                rows = [r for r in rows if _origin(r, values) in values]
            elif name in fields:
                rows = [r for r in rows if r.get(fields[name]) in values]
            else:
                raise BadRequest(f"unknown filter {name!r}")
        rows.sort(key=lambda r: r["created_at"], reverse=True)
        rows = sort_rows(rows, sort or [], SORTABLE_WORKLOAD_FIELDS)
        keep = (
            "id",
            "type",
            "backend_id",
            "provider",
            "status",
            "started_at",
            "ended_at",
            "created_at",
            "sdk_provider",
            "name",
            "tags",
            "job_count",
            "usage_time_millis",
            "service_execution_id",
            "mode",
        )
        return page_of([{k: r.get(k) for k in keep} for r in rows], page, size)

    def close(self) -> None:
        """Stop this Hub's jobs: queued ones stay PENDING (they run at the next start), running
        ones are stopped and left RUNNING (ABORTED at the next start). The worker processes
        are shared with other Hubs in this process, so only this Hub's simulations stop."""
        with self._lock:
            self._closed = True
            futures = dict(self._futures)
        running = [future for future in futures.values() if not future.cancel()]
        for job_id in futures:
            self._pool.interrupt(job_id)
        for future in running:
            future.result()


SORTABLE_JOB_FIELDS = {
    "createdAt": "created_at",
    "startedAt": "started_at",
    "endedAt": "ended_at",
    "name": "name",
    "status": "status",
    "backendId": "backend_id",
    "provider": "provider",
    "shots": "shots",
    "id": "id",
}
SORTABLE_WORKLOAD_FIELDS = {
    **{k: v for k, v in SORTABLE_JOB_FIELDS.items() if k != "shots"},
    "type": "type",
}
ORIGINS = ("STANDALONE", "SERVICE_EXECUTION")


def _origin(row: dict[str, Any], wanted: list[str]) -> str:
    unknown = [value for value in wanted if value not in ORIGINS]
    if unknown:
        raise BadRequest(f"origin must be STANDALONE or SERVICE_EXECUTION, not {unknown[0]!r}")
    return "SERVICE_EXECUTION" if row.get("service_execution_id") else "STANDALONE"


def job_from_row(row: tuple[Any, ...]) -> JobRecord:
    """A JobRecord from its stored JSON document."""
    return JobRecord(**json.loads(row[0]))


def session_from_row(row: tuple[Any, ...]) -> SessionRecord:
    """A SessionRecord from its stored JSON document."""
    return SessionRecord(**json.loads(row[0]))
