"""Sessions against the local Hub: lifecycle, jobs in sessions, refusals, the context manager."""

from __future__ import annotations

import time

import pytest

from qhub.api.quantum import HubQuantumClient, SessionStatus
from qhub.api.quantum.errors import NotFoundError, UnprocessableEntityError
from qhub.local.server import LocalHub

BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'


def test_lifecycle_open_active_closed_and_jobs_listed(client: HubQuantumClient) -> None:
    """OPEN → ACTIVE with a job → CLOSED after close; its jobs come back as a list."""
    session = client.sessions.create_session(
        backend_id="aws.sim.sv1", mode="batch", provider="AWS", ttl=900, tags=["demo"]
    )
    assert (session.status, session.tags, session.final) == (SessionStatus.OPEN, ["demo"], False)
    job = client.jobs.create_job(
        backend_id="aws.sim.sv1", shots=10, input={"qasm": BELL}, session_id=session.id
    )
    assert client.sessions.get_session_status(session.id).status in (
        SessionStatus.ACTIVE,
        SessionStatus.OPEN,
    )
    client.jobs.wait(job.id, timeout=60, interval=0.1)
    assert [j.id for j in client.sessions.get_session_jobs(session.id)] == [job.id]
    assert [j.id for j in client.sessions.get_jobs_by_session(session.id)] == [job.id]
    client.sessions.close_session(session.id)
    client.sessions.close_session(session.id)  # idempotent
    closed = client.sessions.get_session(session.id)
    assert (closed.status, closed.final, closed.final_not_aborted) == (
        SessionStatus.CLOSED,
        True,
        True,
    )
    with pytest.raises(UnprocessableEntityError, match="accepts no jobs"):
        client.jobs.create_job(
            backend_id="aws.sim.sv1", shots=10, input={"qasm": BELL}, session_id=session.id
        )


def test_accept_jobs_toggles_draining(client: HubQuantumClient) -> None:
    """accept_jobs=False refuses new jobs; True resumes."""
    session = client.sessions.create_session(
        backend_id="local.aer.simulator", mode="dedicated", provider="KIPU"
    )
    paused = client.sessions.update_session_state(session.id, accept_jobs=False)
    assert paused.status == SessionStatus.INACTIVE
    with pytest.raises(UnprocessableEntityError, match="INACTIVE"):
        client.jobs.create_job(
            backend_id="local.aer.simulator", shots=5, input={"qasm": BELL}, session_id=session.id
        )
    resumed = client.sessions.update_session_state(session.id, accept_jobs=True)
    assert resumed.status == SessionStatus.OPEN


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"backend_id": "azure.ionq.simulator", "mode": "batch"}, "does not support sessions"),
        ({"backend_id": "aws.sim.sv1", "mode": "forever"}, "mode must be"),
        ({"backend_id": "aws.sim.sv1", "mode": "batch", "provider": "IBM"}, "provided by AWS"),
        ({"backend_id": "aws.sim.sv1", "mode": "batch", "ttl": 0}, "ttl must be"),
    ],
)
def test_bad_sessions_are_refused(
    client: HubQuantumClient, arguments: dict[str, object], match: str
) -> None:
    """422 naming the problem."""
    with pytest.raises(UnprocessableEntityError, match=match):
        client.sessions.create_session(**arguments)  # type: ignore[arg-type]


def test_jobs_must_match_the_sessions_backend_and_unknown_sessions_404(
    client: HubQuantumClient,
) -> None:
    """A job for another backend is refused; an unknown session is 404."""
    session = client.sessions.create_session(backend_id="aws.sim.sv1", mode="batch")
    with pytest.raises(UnprocessableEntityError, match="runs on aws.sim.sv1"):
        client.jobs.create_job(
            backend_id="kipu.sim.qsim", shots=5, input={"qasm": BELL}, session_id=session.id
        )
    with pytest.raises(NotFoundError):
        client.sessions.get_session("nope")


def test_context_manager_closes_without_cancelling_queued_jobs(client: HubQuantumClient) -> None:
    """Leaving the block closes the session; the job inside still completes."""
    with client.sessions.open(backend_id="aws.sim.sv1", mode="batch", provider="AWS") as session:
        job = client.jobs.create_job(
            backend_id="aws.sim.sv1", shots=20, input={"qasm": BELL}, session_id=session.id
        )
    assert client.jobs.wait(job.id, timeout=60, interval=0.1).status == "COMPLETED"
    assert client.sessions.get_session(session.id).status == SessionStatus.CLOSED


def test_workloads_list_jobs_and_sessions_with_filters(client: HubQuantumClient) -> None:
    """Workloads mix jobs and sessions; filters by type, tag and backend narrow the list."""
    session = client.sessions.create_session(backend_id="aws.sim.dm1", mode="batch", tags=["wl"])
    job = client.jobs.create_job(
        backend_id="aws.sim.dm1", shots=5, input={"qasm": BELL}, tags=["wl"], session_id=session.id
    )
    tagged = client.workloads.get_workloads(tag="wl", size=50)
    assert {(w.id, w.type) for w in tagged.content or []} == {
        (session.id, "SESSION"),
        (job.id, "JOB"),
    }
    only_sessions = client.workloads.get_workloads(
        type="SESSION", backend_id="aws.sim.dm1", tag=["wl"]
    )
    assert [w.id for w in only_sessions.content or []] == [session.id]
    assert (only_sessions.content or [])[0].job_count == 1
    assert {w.id for w in client.workloads.iter_workloads(size=1, tag="wl")} == {session.id, job.id}


def test_a_service_executions_sessions_and_workloads(
    hub: LocalHub, client: HubQuantumClient
) -> None:
    """A session opened with an execution token is reachable under that execution only."""
    from qhub.service.client import HubServiceClient

    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services["with_session"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as service:
        execution = service.run(request={"shots": 12})
        ids = execution.result(timeout=120).data()
    session_id, job_id = ids["session_id"], ids["job_id"]
    scoped = client.jobs
    assert scoped.get_service_execution_session(execution.id, session_id).id == session_id
    assert [j.id for j in scoped.get_service_execution_session_jobs(execution.id, session_id)] == [
        job_id
    ]
    assert (
        scoped.service_exec_get_session_status(execution.id, session_id).status
        == SessionStatus.ACTIVE
    )
    paused = scoped.update_service_execution_session_state(
        execution.id, session_id, accept_jobs=False
    )
    assert paused.status == SessionStatus.INACTIVE
    scoped.close_service_execution_session(execution.id, session_id)
    assert (
        scoped.get_service_execution_session(execution.id, session_id).status
        == SessionStatus.CLOSED
    )
    workloads = scoped.get_service_execution_workloads(execution.id)
    assert {(w.id, w.type) for w in workloads.content or []} == {
        (session_id, "SESSION"),
        (job_id, "JOB"),
    }
    with pytest.raises(NotFoundError, match="has no session"):
        scoped.get_service_execution_session("another-execution", session_id)


def test_expiry_aborts_an_unused_session_and_closes_a_used_one(client: HubQuantumClient) -> None:
    """TTL over: never used → ABORTED (final, not final_not_aborted); used → CLOSED, its job
    kept. An aborted session refuses jobs and state changes; closing it changes nothing."""
    unused = client.sessions.create_session(backend_id="aws.sim.sv1", mode="batch", ttl=1)
    used = client.sessions.create_session(backend_id="aws.sim.sv1", mode="batch", ttl=1)
    job = client.jobs.create_job(
        backend_id="aws.sim.sv1", shots=10, input={"qasm": BELL}, session_id=used.id
    )
    client.jobs.wait(job.id, timeout=60)
    time.sleep(1.1)
    aborted = client.sessions.get_session(unused.id)
    assert (aborted.status, aborted.final, aborted.final_not_aborted) == (
        SessionStatus.ABORTED,
        True,
        False,
    )
    assert aborted.closed_at is not None
    assert client.sessions.get_session_status(used.id).status == SessionStatus.CLOSED
    assert [j.id for j in client.sessions.get_session_jobs(used.id)] == [job.id]
    client.sessions.close_session(unused.id)
    assert client.sessions.get_session_status(unused.id).status == SessionStatus.ABORTED
    with pytest.raises(UnprocessableEntityError, match="ABORTED"):
        client.jobs.create_job(
            backend_id="aws.sim.sv1", shots=10, input={"qasm": BELL}, session_id=unused.id
        )
    with pytest.raises(UnprocessableEntityError, match="ABORTED"):
        client.sessions.update_session_state(unused.id, accept_jobs=True)
