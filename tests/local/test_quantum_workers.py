"""Simulations in worker processes: the Hub keeps answering, cancels stop real work, a dead
simulator fails one job, and a stopped or crashed Hub settles its jobs at the next start."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.local.domain.quantum import scheduler
from qhub.local.domain.quantum.records import JobRecord
from qhub.local.domain.quantum.store import QuantumStore
from qhub.local.process import hub_process
from qhub.local.server import LocalHub
from qhub.local.simulation import JobLimits, simulator_pool

from ..circuits import LONG

BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'


def _until(condition: Callable[[], object], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def _client(connection: dict[str, str] | None, hub: LocalHub | None = None) -> HubQuantumClient:
    if hub is not None:
        assert hub.connection is not None
        return HubQuantumClient(
            api_key=hub.connection.personal_access_token, base_url=hub.connection.quantum_url
        )
    assert connection is not None
    return HubQuantumClient(
        api_key=connection["personal_access_token"], base_url=connection["quantum_url"]
    )


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A Hub of its own (these tests stop and kill simulations)."""
    with LocalHub(tmp_path / "hub", example=False) as local:
        yield local


def _submit_long(client: HubQuantumClient) -> str:
    job = client.jobs.create_job(backend_id="local.aer.simulator", shots=10, input={"qasm": LONG})
    _until(lambda: client.jobs.get_job_status(job.id).status == "RUNNING")
    return job.id


def test_the_hub_answers_while_simulating_and_cancel_stops_the_simulation(hub: LocalHub) -> None:
    """Requests are served during a long simulation; cancelling it kills its process."""
    with _client(None, hub) as client:
        job_id = _submit_long(client)
        _until(lambda: hub.hub.quantum.scheduler.pid_of(job_id) is not None)
        simulator = hub.hub.quantum.scheduler.pid_of(job_id)
        # With Aer on one of the Hub's threads these requests waited for the simulation.
        assert client.backends.get_backend("local.aer.simulator").id == "local.aer.simulator"
        small = client.jobs.create_job(
            backend_id="local.aer.simulator", shots=10, input={"qasm": BELL}
        )
        assert client.jobs.get_job_status(job_id).status == "RUNNING"
        client.jobs.cancel_job(job_id)
        assert client.jobs.wait(job_id, timeout=30).status == "CANCELLED"
        assert simulator is not None
        _until(lambda: not _alive(simulator))
        assert client.jobs.wait(small.id, timeout=60).status == "COMPLETED"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a killed child not yet reaped is a zombie
        return stat.read().split(") ")[-1][0] != "Z"


def test_a_dead_simulator_fails_its_job_only(hub: LocalHub) -> None:
    """A simulator killed from outside (say, by the OOM killer): FAILED, then new jobs run."""
    with _client(None, hub) as client:
        job_id = _submit_long(client)
        _until(lambda: hub.hub.quantum.scheduler.pid_of(job_id) is not None)
        pid = hub.hub.quantum.scheduler.pid_of(job_id)
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        failed = client.jobs.wait(job_id, timeout=30)
        assert failed.status == "FAILED"
        assert "stopped unexpectedly" in client.jobs.get_job_result(job_id)["error"]["message"]
        after = client.jobs.create_job(
            backend_id="local.aer.simulator", shots=100, input={"qasm": BELL}
        )
        assert client.jobs.wait(after.id, timeout=60).status == "COMPLETED"
        assert set(client.jobs.get_job_result(after.id)["counts"]) <= {"00", "11"}


def test_simulations_over_their_deadline_fail_and_the_next_jobs_run(hub: LocalHub) -> None:
    """With ``simulation_seconds`` at 1 s, simulations of several seconds end FAILED naming
    the limit, their processes killed: one more than there are simulators, so every
    simulator is replaced (and the last, finding none idle, normally waits in the queue: the
    other way to a simulator), and the jobs after them run on replacements."""
    hub.job_limits = JobLimits(simulation_seconds=1.0)
    with _client(None, hub) as client:
        first = _submit_long(client)
        _until(lambda: hub.hub.quantum.scheduler.pid_of(first) is not None)
        pid = hub.hub.quantum.scheduler.pid_of(first)
        assert pid is not None
        others = [
            client.jobs.create_job(backend_id="local.aer.simulator", shots=10, input={"qasm": LONG})
            for _ in range(simulator_pool().size)
        ]
        for job_id in [first, *(job.id for job in others)]:
            assert client.jobs.wait(job_id, timeout=60).status == "FAILED"
            error = client.jobs.get_job_result(job_id)["error"]
            assert error["type"] == "SimulationTimedOut"
            message = error["message"]
            assert "took longer than 1 s, the limit for one job (simulation_seconds)" in message
        _until(lambda: not _alive(pid))
        for _ in range(2):
            after = client.jobs.create_job(
                backend_id="local.aer.simulator", shots=100, input={"qasm": BELL}
            )
            assert client.jobs.wait(after.id, timeout=60).status == "COMPLETED"
            assert set(client.jobs.get_job_result(after.id)["counts"]) <= {"00", "11"}


def test_a_stopped_hub_aborts_running_jobs_and_runs_pending_ones_at_restart(
    tmp_path: Path,
) -> None:
    """Stopping the Hub stops its simulations; the next start records them ABORTED."""
    data = tmp_path / "hub"
    with LocalHub(data, example=False) as hub, _client(None, hub) as client:
        running = _submit_long(client)
    with LocalHub(data, example=False) as hub, _client(None, hub) as client:
        job = client.jobs.get_job(running)
        assert job.status == "ABORTED"
        assert job.ended_at is not None
        assert client.jobs.get_job_result(running)["error"]["message"] == (
            "The local Hub stopped while this job was running."
        )
        assert client.jobs.wait(running, timeout=5).status == "ABORTED"  # a final state


def test_a_crashed_hub_aborts_running_jobs_and_runs_pending_ones_at_restart(
    tmp_path: Path,
) -> None:
    """Kill the Hub's whole process group mid-run: running jobs end ABORTED, pending ones run."""
    data = tmp_path / "hub"
    with hub_process(data, ["--no-example"], quiet=True) as (connection, server):
        with _client(connection) as client:
            long_jobs = [
                client.jobs.create_job(
                    backend_id="local.aer.simulator", shots=10, input={"qasm": LONG}
                ).id
                for _ in range(min(2, os.cpu_count() or 1))
            ]
            pending = client.jobs.create_job(
                backend_id="local.aer.simulator", shots=100, input={"qasm": BELL}
            ).id
            _until(
                lambda: all(
                    client.jobs.get_job_status(job).status == "RUNNING" for job in long_jobs
                )
            )
            assert client.jobs.get_job_status(pending).status == "PENDING"
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    with (
        hub_process(data, ["--no-example"], quiet=True) as (connection, _),
        _client(connection) as client,
    ):
        for job in long_jobs:
            assert client.jobs.get_job_status(job).status == "ABORTED"
        assert client.jobs.wait(pending, timeout=60).status == "COMPLETED"
        assert sum(client.jobs.get_job_result(pending)["counts"].values()) == 100


def test_a_quick_started_job_is_stored_once_at_its_end_and_a_long_one_running(
    hub: LocalHub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A simulation started at submission that ends within RUNNING_AFTER_SECONDS goes from
    PENDING to COMPLETED in one write (its start time kept); a longer one is stored RUNNING
    while it runs. The log says the same: one line per stored state."""
    caplog.set_level(logging.INFO, logger="qhub.local.jobs")
    saved: dict[str, list[str]] = {}
    save_job = QuantumStore.save_job

    def recording(store: QuantumStore, job: JobRecord, key: object = None) -> None:
        saved.setdefault(job.id, []).append(job.status)
        save_job(store, job, key)  # type: ignore[arg-type]

    monkeypatch.setattr(QuantumStore, "save_job", recording)
    # Long enough for a Bell circuit however loaded the machine is.
    monkeypatch.setattr(scheduler, "RUNNING_AFTER_SECONDS", 2.0)
    hub.warm_up()
    with _client(None, hub) as client:
        quick = client.jobs.create_job(
            backend_id="local.aer.simulator", shots=10, input={"qasm": BELL}
        )
        done = client.jobs.wait(quick.id, timeout=60)
        long_id = _submit_long(client)
        client.jobs.cancel_job(long_id)
        client.jobs.wait(long_id, timeout=60)
    assert saved[quick.id] == ["PENDING", "COMPLETED"]
    assert done.started_at is not None and done.started_at <= (done.ended_at or "")
    assert "RUNNING" in saved[long_id]

    def logged(job_id: str) -> list[str]:
        return [
            r.getMessage().split()[2]
            for r in caplog.records
            if r.name == "qhub.local.jobs" and r.getMessage().startswith(f"job {job_id} ")
        ]

    assert logged(quick.id) == ["PENDING", "COMPLETED"]
    assert "RUNNING" in logged(long_id)
