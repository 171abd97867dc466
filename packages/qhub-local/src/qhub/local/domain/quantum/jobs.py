"""Jobs: validated when submitted (nothing is queued that could never run), then handed to
the scheduler; read back as the test lifecycle lets callers see them.

A job submitted while a simulator is idle (and no earlier job waits for one) is read by that
simulator, which starts simulating it as soon as it is found valid; otherwise a parser reads
it and it is queued.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from typing import Any

from ...simulation import InvalidJobInput, JobLimits, check_input
from ..clock import utc_now, utc_now_ms
from ..errors import NotFound, Unprocessable
from ..idempotency import Created, IdempotencyKey, IdempotentCreation, KeyedRequest
from .backends import backend_spec
from .inputs import JobSubmission
from .records import JobRecord, NormalizedInput, NormalizedProgram
from .scheduler import JobScheduler
from .sessions import Sessions
from .simulators import SimulationWorkers, StartedSimulation
from .store import KEYS, Payload, QuantumStore

__all__ = ["QuantumJobs", "infer_input_format"]

#: One line per state change of a job (never its input).
log = logging.getLogger("qhub.local.jobs")


def infer_input_format(data: dict[str, Any]) -> str:
    """The input format a job input is written in.

    Raises:
        Unprocessable: the input is in none of the known formats.
    """
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


class QuantumJobs:
    """Jobs on local simulator backends, one organization's visible only to it.

    Args:
        store: the quantum tables.
        scheduler: runs queued jobs.
        sessions: admits jobs into sessions.
        parser: the simulation workers: check inputs, convert them to OpenQASM, and start
            simulations.
    """

    def __init__(
        self,
        store: QuantumStore,
        scheduler: JobScheduler,
        sessions: Sessions,
        parser: SimulationWorkers,
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._sessions = sessions
        self._parser = parser
        #: What a job's input may ask of the Hub (sizes, and the time and memory to read it).
        self.limits = JobLimits()
        self._reads: dict[str, int] = {}
        self._reads_lock = threading.Lock()
        self._once = IdempotentCreation(KEYS, store.reading)

    def submit(
        self,
        organization_id: str,
        submission: JobSubmission,
        service_execution_id: str | None = None,
        key: KeyedRequest | None = None,
    ) -> Created[JobRecord]:
        """Validate and queue a job (blocks while the input is parsed: call it off the event
        loop); with an ``immediate`` lifecycle, also wait until it has run.

        With ``key``, a job this organization created with the same key and request in the
        last 24 hours is returned instead (``replayed``), and nothing is queued; a request
        carrying a key another one is still carrying out waits for it (see
        :mod:`..idempotency`).

        Raises:
            NotFound: unknown backend or session.
            Unprocessable: too many shots, an input over the limits (:attr:`limits`, refused
                before any circuit is built), an input the backend can't take or that took
                too long or too much memory to read, or a session that accepts no jobs.
            KeyReused: the key came with a different request.
        """
        scoped = (
            None
            if key is None
            else IdempotencyKey.of(organization_id, key, "create_job", service_execution_id)
        )
        return self._once.create(
            scoped,
            lambda: self._submit(organization_id, submission, service_execution_id, scoped),
            lambda job_id: self._as_seen(self._stored(organization_id, job_id)),
        )

    def _submit(
        self,
        organization_id: str,
        submission: JobSubmission,
        service_execution_id: str | None,
        key: IdempotencyKey | None,
    ) -> JobRecord:
        spec = backend_spec(submission.backend_id)
        shots, data = submission.shots, submission.input
        if shots > spec.max_shots:
            raise Unprocessable(f"shots must be at most {spec.max_shots} on {spec.id}, not {shots}")
        seed = (submission.input_params or {}).get("seed")
        if seed is not None and (
            not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63
        ):
            raise Unprocessable(f"input_params.seed must be an integer in [0, 2**63), not {seed!r}")
        declared = _shots_in_input(data)
        if declared is not None and declared != shots:
            raise Unprocessable(f"the input asks for {declared} shots, the job for {shots}")
        input_format = submission.input_format or infer_input_format(data)
        if input_format not in spec.input_formats:
            accepted = ", ".join(spec.input_formats)
            raise Unprocessable(
                f"{spec.id} does not accept {input_format} input (it accepts {accepted})"
            )
        limits = self.limits
        started: StartedSimulation | None = None
        try:
            check_input(input_format, data, spec.qubit_count, limits)
            if submission.session_id is None and self._may_start_at_once():
                params = submission.input_params or {}
                started = self._parser.start_simulation(
                    *(input_format, data, spec.qubit_count, limits, shots, seed),
                    params.get("memory") is True,
                )
            circuit = (
                None
                if started is not None
                else self._parser.prepare(input_format, data, spec.qubit_count, limits)
            )
        except InvalidJobInput as exc:
            raise Unprocessable(str(exc)) from None
        if submission.session_id is not None:
            self._sessions.admit(organization_id, submission.session_id, spec.id)
        job = JobRecord(
            id=str(uuid.uuid4()),
            organization_id=organization_id,
            backend_id=spec.id,
            shots=shots,
            input_format=input_format,
            input=data,
            status="PENDING",
            created_at=utc_now_ms(),
            name=submission.name,
            input_params=submission.input_params,
            tags=list(submission.tags),
            session_id=submission.session_id,
            service_execution_id=service_execution_id,
            qasm=submission.qasm,
        )
        try:
            self._store.save_job(job, key)
        except BaseException:
            if started is not None:
                started.abandon()
            raise
        log.info("job %s PENDING on %s", job.id, job.backend_id)
        if started is not None:
            future = self._scheduler.run_started(job, started)
        else:
            future = self._scheduler.queue(job, circuit)
        if self._scheduler.lifecycle.immediate:
            future.result()
            return self._stored(organization_id, job.id)
        return job

    def _may_start_at_once(self) -> bool:
        """Whether a job submitted now may go straight to an idle simulator: no earlier job
        waits for one, and the test lifecycle doesn't decide its end instead."""
        return self._scheduler.lifecycle.outcome is None and not self._scheduler.waiting()

    @property
    def reads_may_be_held(self) -> bool:
        """Whether a read of a job may be held until the job changes (a held poll): not
        while a test lifecycle counts reads to decide what they show."""
        return not self._scheduler.lifecycle.delays_visibility

    def get(self, organization_id: str, job_id: str, payload: Payload = "none") -> JobRecord:
        """A job of this organization, as the lifecycle lets callers see it now (each call
        is one poll); its input and result only if ``payload`` asks for them.

        Raises:
            NotFound: unknown, or another organization's.
        """
        job = self._stored(organization_id, job_id, payload)
        lifecycle = self._scheduler.lifecycle
        if not job.is_final or not lifecycle.delays_visibility:
            return job
        with self._reads_lock:
            reads = self._reads[job.id] = self._reads.get(job.id, 0) + 1
        waited = (utc_now() - job.created_at).total_seconds()
        if reads > lifecycle.after_polls and waited >= lifecycle.after_seconds:
            return job
        return dataclasses.replace(job, status="RUNNING", ended_at=None, result=None)

    def inspect(self, organization_id: str, job_id: str) -> JobRecord:
        """A job of this organization as stored, with its input and result, whatever the
        test lifecycle lets API callers see yet. Reading it is not a poll, so watching a job
        (on the dashboard) never changes what a test's client sees.

        Raises:
            NotFound: unknown, or another organization's.
        """
        return self._stored(organization_id, job_id, "all")

    def input(
        self, organization_id: str, job_id: str, service_execution_id: str | None = None
    ) -> dict[str, Any]:
        """A job's input as submitted (reading it is not a poll); with
        ``service_execution_id``, of a job that execution created.

        Raises:
            NotFound: unknown, another organization's, or not that execution's.
        """
        job = self._stored(organization_id, job_id, "all")
        if service_execution_id is not None and job.service_execution_id != service_execution_id:
            raise NotFound(f"service execution {service_execution_id!r} has no job {job_id!r}")
        return job.input

    def execution_job(
        self, organization_id: str, service_execution_id: str, job_id: str
    ) -> JobRecord:
        """A job created by a given service execution (see :meth:`get`).

        Raises:
            NotFound: unknown, or not that execution's.
        """
        job = self.get(organization_id, job_id)
        if job.service_execution_id != service_execution_id:
            raise NotFound(f"service execution {service_execution_id!r} has no job {job_id!r}")
        return job

    def result(self, organization_id: str, job_id: str) -> dict[str, Any]:
        """The result of a finished job (reading it is not a poll).

        Raises:
            NotFound: unknown job, or not finished yet.
        """
        job = self._stored(organization_id, job_id, "result")
        if self._hidden(job) or not job.is_final or job.result is None:
            raise NotFound(f"job {job_id!r} has no result yet")
        return job.result

    def normalized_input(self, organization_id: str, job_id: str) -> NormalizedInput:
        """The job's input as OpenQASM: the programs submitted as its ``qasm`` field, or
        else its input converted to OpenQASM 3 (blocks on the parser process)."""
        job = self.get(organization_id, job_id, "all")
        if job.qasm is not None:
            programs = [
                NormalizedProgram(program.name, program.qasm, job.shots)
                for program in job.qasm.programs
            ]
            return NormalizedInput(job.qasm.format, programs)
        qubits = backend_spec(job.backend_id).qubit_count
        try:
            qasm = self._parser.to_qasm3(job.input_format, job.input, qubits, self.limits)
        except InvalidJobInput as exc:
            raise Unprocessable(str(exc)) from None
        return NormalizedInput("openqasm.v3", [NormalizedProgram(job.name, qasm, job.shots)])

    def cancel(self, organization_id: str, job_id: str) -> JobRecord:
        """Cancel a pending or running job; a finished one is left as it is.

        Raises:
            NotFound: unknown, or another organization's.
        """
        job = self._stored(organization_id, job_id)
        if job.is_final:
            return job
        return self._scheduler.cancel(job_id)

    def _stored(self, organization_id: str, job_id: str, payload: Payload = "none") -> JobRecord:
        """The stored job, with as much of its payload as asked (its state alone by default).

        Raises:
            NotFound: unknown, or another organization's.
        """
        job = self._store.job(job_id, payload)
        if job is None or job.organization_id != organization_id:
            raise NotFound(f"no job {job_id!r}")
        return job

    def _as_seen(self, job: JobRecord) -> JobRecord:
        """The job as callers may see it now, without counting a poll."""
        if job.is_final and self._hidden(job):
            return dataclasses.replace(job, status="RUNNING", ended_at=None, result=None)
        return job

    def _hidden(self, job: JobRecord) -> bool:
        """Whether the lifecycle still hides this job's end."""
        lifecycle = self._scheduler.lifecycle
        if not lifecycle.delays_visibility:
            return False
        with self._reads_lock:
            reads = self._reads.get(job.id, 0)
        return (
            reads <= lifecycle.after_polls
            or (utc_now() - job.created_at).total_seconds() < lifecycle.after_seconds
        )
