"""The scheduler: the one owner of the jobs this Hub runs.

Jobs run off the request path, on the simulation workers' threads: PENDING → RUNNING →
COMPLETED / FAILED, or CANCELLED (a running job passes through CANCELLING while its
simulation is stopped). A job the Hub was running when it stopped is ABORTED at the next
start; pending ones run then. A job whose simulation was started as it was submitted (an
idle simulator read it: :meth:`JobScheduler.run_started`) is followed the same way from
there.

A simulation started as its job was submitted that ends within :data:`RUNNING_AFTER_SECONDS`
(most small jobs) goes from PENDING to its end in one write: RUNNING is stored only for
one still running then (its ``started_at`` is kept either way). The one write less is a
row, a commit and a wake-up of every held read of the job less, while the job's client
waits for its end.

A job's transitions are stored as soon as the store accepts them (a full disk delays them,
never loses them: :meth:`Database.eventually`); each is applied only if the stored job still
allows it, so a late one never undoes a cancel.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from ...simulation import JobLimits, PreparedCircuit
from ..clock import utc_now_ms
from ..errors import StoreUnavailable
from .backends import backend_spec
from .lifecycle import JobLifecycle
from .records import JobRecord
from .simulators import (
    Counts,
    SimulationWorkers,
    Simulator,
    StartedSimulation,
)
from .store import QuantumStore

#: One line per state change of a job (never its input).
log = logging.getLogger("qhub.local.jobs")

__all__ = ["RUNNING_AFTER_SECONDS", "JobScheduler"]

#: How long a started simulation may run before its job is stored RUNNING.
RUNNING_AFTER_SECONDS = 0.05


@dataclass
class _ScheduledJob:
    """A job this scheduler has queued and not yet seen end, and the simulator it holds
    while it simulates (what a cancel stops)."""

    future: Future[None]
    backend_id: str
    simulator: Simulator | StartedSimulation | None = None
    #: The simulation started as the job was submitted, if it was.
    started: StartedSimulation | None = None


class JobScheduler:
    """Queues jobs on the simulation workers and owns them until they end.

    Args:
        store: the quantum tables.
        workers: the simulation workers.
    """

    def __init__(self, store: QuantumStore, workers: SimulationWorkers) -> None:
        self._store = store
        self._workers = workers
        #: The lifecycle jobs follow; set it (in tests) to pin polling behaviour.
        self.lifecycle = JobLifecycle()
        #: What reading a job's input again (after a restart), and every simulation, is held to.
        self.limits = JobLimits()
        self._scheduled: dict[str, _ScheduledJob] = {}
        # Reentrant: a transition applied at once runs inside the section that asked for it.
        self._lock = threading.RLock()
        self._closed = False

    def recover(self) -> None:
        """Settle the jobs a stopped Hub left unfinished: a running simulation is lost
        (ABORTED), a pending job runs now, a cancel in progress completes."""
        for job in self._store.unfinished_jobs():
            if job.status == "PENDING":
                self.queue(job, None)
                continue
            job.status = "ABORTED" if job.status == "RUNNING" else "CANCELLED"
            job.ended_at = utc_now_ms()
            if job.status == "ABORTED":
                message = "The local Hub stopped while this job was running."
                job.result = {"error": {"type": "Aborted", "message": message}}
            self._store.save_job(job)

    def queue(self, job: JobRecord, circuit: PreparedCircuit | None) -> Future[None]:
        """Run a PENDING job when a simulator is free; ``circuit`` is its prepared input
        (None: prepare it again, as after a restart)."""
        with self._lock:
            future = self._workers.jobs.submit(self._run, job.id, circuit)
            self._scheduled[job.id] = _ScheduledJob(future, job.backend_id)
        return future

    def run_started(self, job: JobRecord, started: StartedSimulation) -> Future[None]:
        """Follow a stored PENDING job whose simulation started as it was submitted."""
        with self._lock:
            future = self._workers.started_jobs.submit(self._run, job.id, started)
            self._scheduled[job.id] = _ScheduledJob(
                future, job.backend_id, simulator=started, started=started
            )
        return future

    def waiting(self) -> bool:
        """Whether a queued job is still waiting for a simulator (a job submitted now must
        not overtake it)."""
        with self._lock:
            return any(
                scheduled.simulator is None and not scheduled.future.done()
                for scheduled in self._scheduled.values()
            )

    def queue_size(self, backend_id: str) -> int:
        """How many of the backend's jobs (everyone's) are pending or running."""
        with self._lock:
            return sum(
                1
                for scheduled in self._scheduled.values()
                if not scheduled.future.done() and scheduled.backend_id == backend_id
            )

    def cancel(self, job_id: str) -> JobRecord:
        """Cancel a pending or running job: a queued one ends CANCELLED now, a running one is
        CANCELLING until its simulation stops; a final one is returned as it is.

        Raises:
            KeyError: no such job.
        """
        with self._lock:
            job = self._store.job(job_id, "none")  # read under the lock, so no run changes it now
            if job is None:
                raise KeyError(job_id)
            if job.is_final:
                return job
            scheduled = self._scheduled.get(job_id)
            if job.status == "PENDING" and scheduled is not None and scheduled.future.cancel():
                job.status, job.ended_at = "CANCELLED", utc_now_ms()
            elif job.status in ("PENDING", "RUNNING"):
                job.status = "CANCELLING"
            self._store.save_job(job)
        if job.status == "CANCELLING":
            self._interrupt(job_id)
        return job

    def pid_of(self, job_id: str) -> int | None:
        """The id of the process simulating the job now, if one is."""
        with self._lock:
            scheduled = self._scheduled.get(job_id)
            simulator = scheduled.simulator if scheduled is not None else None
        return simulator.pid if simulator is not None else None

    def close(self) -> None:
        """Stop this Hub's jobs: queued ones stay PENDING (they run at the next start), running
        ones are stopped and left RUNNING (ABORTED at the next start). The worker processes
        are shared with other Hubs in this process, so only this Hub's simulations stop."""
        with self._lock:
            self._closed = True
            scheduled = dict(self._scheduled)
        running = []
        for job in scheduled.values():
            if not job.future.cancel():
                running.append(job.future)
            elif job.started is not None:
                job.started.abandon()  # started as submitted, never followed: free it
        for job_id in scheduled:
            self._interrupt(job_id)
        for future in running:
            future.result()

    def _interrupt(self, job_id: str) -> None:
        """Stop the job's simulation, if it is simulating now."""
        with self._lock:
            scheduled = self._scheduled.get(job_id)
            simulator = scheduled.simulator if scheduled is not None else None
        if simulator is not None:
            simulator.kill()

    def _run(self, job_id: str, circuit: PreparedCircuit | StartedSimulation | None) -> None:
        """A job's thread: the thread goes on with the next job whatever this one raises."""
        failure: Exception | None = None
        try:
            self._simulate(job_id, circuit)
        except Exception as error:
            failure = error
            log.error("job %s could not run: %s: %s", job_id, type(error).__name__, error)
        finally:
            with self._lock:
                self._scheduled.pop(job_id, None)
        if isinstance(failure, StoreUnavailable):  # it could not even be read: still PENDING
            self._store.eventually(f"job {job_id} queued again", lambda: self._queue_again(job_id))

    def _queue_again(self, job_id: str) -> None:
        """Queue a PENDING job nobody runs (its first run failed to read it)."""
        with self._lock:
            job = self._store.job(job_id, "none")
            if self._closed or job is None or job.status != "PENDING" or job_id in self._scheduled:
                return
            self.queue(job, None)

    def _simulate(self, job_id: str, circuit: PreparedCircuit | StartedSimulation | None) -> None:
        """Run the job (PENDING until it holds a simulator), and store how it ended."""
        if circuit is not None and not isinstance(circuit, PreparedCircuit):
            self._settle(
                job_id,
                circuit,
                lambda job: self._followed(job, circuit),
                circuit.abandon,
                ends_soon=lambda: circuit.ended(RUNNING_AFTER_SECONDS),
            )
        elif self.lifecycle.outcome is not None:
            forced = self.lifecycle.outcome
            message = f"ended {forced} by the Hub's test lifecycle"
            ending = {"error": {"type": forced, "message": message}}
            self._settle(job_id, None, lambda job: (ending, forced))
        else:
            with self._workers.simulator() as simulator:
                self._settle(job_id, simulator, lambda job: self._outcome(job, circuit, simulator))

    def _settle(
        self,
        job_id: str,
        simulator: Simulator | StartedSimulation | None,
        run: Callable[[JobRecord], tuple[dict[str, Any], str]],
        not_run: Callable[[], None] | None = None,
        ends_soon: Callable[[], bool] | None = None,
    ) -> None:
        """Mark the job RUNNING on ``simulator`` (what a cancel stops), ``run`` it, store its
        end. A job closed or cancelled before it runs is not run (``not_run`` is called). A
        run that ``ends_soon`` says has ended is not stored RUNNING first (everything else is
        done before asking, so its end is stored as soon as it comes)."""
        started = utc_now_ms()
        with self._lock:
            job = None if self._closed else self._store.job(job_id, "none")
            if job is None or job.status != "PENDING":
                # Closed: left PENDING, it runs when the Hub next starts. Cancelled before it
                # ran: it ends CANCELLED now, since no simulation will end it.
                if not_run is not None:
                    not_run()
                if job is not None and job.status == "CANCELLING":
                    ended = utc_now_ms()
                    self._store.eventually(
                        f"job {job_id} CANCELLED",
                        lambda: self._mark_final(job_id, "CANCELLED", {}, ended),
                    )
                return
            job.status, job.started_at = "RUNNING", started
            self._holds(job_id, simulator)
        if ends_soon is None or not ends_soon():  # stored unless a cancel came meanwhile
            log.info("job %s RUNNING on %s", job_id, job.backend_id)
            self._store.eventually(
                f"job {job_id} RUNNING", lambda: self._mark_running(job_id, started)
            )
        try:
            outcome, status = run(job)
        finally:
            self._holds(job_id, None)
        ended = utc_now_ms()
        with self._lock:
            if self._closed and status == "FAILED":
                return  # stopped by close(): left RUNNING, so the next start records ABORTED
            self._store.eventually(
                f"job {job_id} {status}",
                lambda: self._mark_final(job_id, status, outcome, ended, started),
            )

    def _mark_running(self, job_id: str, started: dt.datetime) -> None:
        """PENDING → RUNNING, unless the job has moved on (a cancel) meanwhile."""
        with self._lock:
            job = self._store.job(job_id, "none")
            if job is None or job.status != "PENDING":
                return
            job.status, job.started_at = "RUNNING", started
            self._store.save_job(job)

    def _mark_final(
        self,
        job_id: str,
        status: str,
        outcome: dict[str, Any],
        ended: dt.datetime,
        started: dt.datetime | None = None,
    ) -> None:
        """The job's end as its simulation ended (CANCELLED if a cancel came first), and
        when it started if that is not stored yet; a job already final is left as it is."""
        with self._lock:
            job = self._store.job(job_id, "none")
            if job is None or job.is_final:
                return
            job.status = "CANCELLED" if job.status == "CANCELLING" else status
            job.result = None if job.status == "CANCELLED" else outcome
            job.ended_at = ended
            if job.started_at is None and started is not None:
                job.started_at = started
            self._store.save_job(job)
        log.info("job %s %s", job_id, job.status)

    def _followed(self, job: JobRecord, started: StartedSimulation) -> tuple[dict[str, Any], str]:
        """The end of a simulation started as its job was submitted."""
        try:
            counts, shots_memory = started.result()
        except Exception as exc:
            return _failure(exc)
        return _completion(job, counts, shots_memory), "COMPLETED"

    def _outcome(
        self, job: JobRecord, circuit: PreparedCircuit | None, simulator: Simulator
    ) -> tuple[dict[str, Any], str]:
        """Simulate the job: its result and final status (FAILED with the error if it fails,
        or if it overruns :attr:`JobLimits.simulation_seconds`)."""
        params = job.input_params or {}
        seed = params.get("seed")
        limits = self.limits
        try:
            if circuit is None:  # queued again after a restart: read its input again
                stored = self._store.job(job.id)
                data = stored.input if stored is not None else {}
                qubits = backend_spec(job.backend_id).qubit_count
                circuit = self._workers.prepare(job.input_format, data, qubits, limits)
            counts, shots_memory = simulator.simulate(
                circuit,
                job.shots,
                seed if isinstance(seed, int) else None,
                params.get("memory") is True,
                timeout=limits.simulation_seconds,
            )
        except Exception as exc:
            return _failure(exc)
        return _completion(job, counts, shots_memory), "COMPLETED"

    def _holds(self, job_id: str, simulator: Simulator | StartedSimulation | None) -> None:
        """Record the simulator the job is running on (None: it let go of it)."""
        with self._lock:
            scheduled = self._scheduled.get(job_id)
            if scheduled is not None:
                scheduled.simulator = simulator


def _completion(job: JobRecord, counts: Counts, shots_memory: list[str] | None) -> dict[str, Any]:
    """A completed job's result."""
    outcome: dict[str, Any] = {"counts": counts, "shots": job.shots}
    if shots_memory is not None:
        outcome["memory"] = shots_memory
    return outcome


def _failure(error: Exception) -> tuple[dict[str, Any], str]:
    """A failed job's result, naming the error."""
    return {"error": {"type": type(error).__name__, "message": str(error)}}, "FAILED"
