"""The store fails (here: its database held locked by another process, a real SQLite fault):
writes answer 503 with a JSON body on every API and keep nothing, the threads that track
executions and jobs go on, and every run reaches its true state once the store recovers."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient
from tests.workspaces import make_workspace

#: How long a write waits for the lock before it fails, ms (the Hub's own default is 5 s).
SHORT_BUSY_TIMEOUT_MS = 100
ONE_QUBIT = 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c; h q[0]; c = measure q;'
#: A circuit Aer needs a moment for, so the job is still simulating when the store locks.
WIDE = (
    'OPENQASM 3.0; include "stdgates.inc"; qubit[22] q; bit[22] c; '
    + " ".join(f"h q[{i}]; cx q[{i}], q[{(i + 1) % 22}]; rz(0.3) q[{i}];" for i in range(22)) * 4
    + " c = measure q;"
)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds (fails the test when it never does)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A Hub with a ``sleepy`` service whose writes give up on a held lock after 100 ms."""
    sleepy = make_workspace(tmp_path / "workspaces", "sleepy")
    with LocalHub(tmp_path / "data", services={"sleepy": sleepy}, example=False) as local:
        with local.hub.database.reading() as db:
            db.execute(f"PRAGMA busy_timeout = {SHORT_BUSY_TIMEOUT_MS}")
        yield local


@pytest.fixture
def service(hub: LocalHub) -> Iterator[HubServiceClient]:
    """A client of the ``sleepy`` service with the default application."""
    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services["sleepy"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as client:
        yield client


class HeldLock:
    """Another process's connection holding the database's write lock until released."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        """Let the Hub write again."""
        self._db.execute("ROLLBACK")
        self._db.close()


def assert_unavailable(response: httpx.Response) -> None:
    """A 503 with the Hub's JSON error body, a request id and ``Retry-After``."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == 503 and body["error"] == "Service Unavailable"
    assert body["requestId"] and body["requestId"] == response.headers["x-request-id"]
    assert "locked" in body["message"] and "try again" in body["message"]
    assert int(response.headers["retry-after"]) > 0


def test_every_api_answers_503_json_and_keeps_nothing_while_the_store_is_locked(
    hub: LocalHub, service: HubServiceClient
) -> None:
    """Starts, submissions and Platform/User writes answer 503 JSON (not 500 text/plain); the
    token endpoint, which only reads, still answers; nothing half-made is left behind."""
    assert hub.connection is not None
    connection = hub.connection
    pat = {"X-Auth-Token": connection.personal_access_token}
    app = connection.application
    token = httpx.post(
        connection.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(app["access_key_id"], app["secret_access_key"]),
    ).json()["access_token"]
    executions = hub.data_dir / "executions"
    lock = HeldLock(hub.data_dir / "hub.sqlite3")
    try:
        with httpx.Client(timeout=30) as http:
            assert_unavailable(
                http.post(
                    connection.services["sleepy"] + "/",
                    json={"seconds": 0},
                    headers={"Authorization": f"Bearer {token}"},
                )
            )
            assert_unavailable(
                http.post(
                    connection.quantum_url + "/jobs",
                    json={"backend_id": "aws.sim.sv1", "shots": 10, "input": {"qasm": ONE_QUBIT}},
                    headers=pat,
                )
            )
            assert_unavailable(
                http.post(
                    connection.platform_url + "/applications", json={"name": "x"}, headers=pat
                )
            )
            assert_unavailable(
                http.post(
                    connection.user_url + "/me/access-tokens", json={"name": "t"}, headers=pat
                )
            )
            still = http.post(
                connection.token_endpoint,
                data={"grant_type": "client_credentials"},
                auth=(app["access_key_id"], app["secret_access_key"]),
            )
            assert still.status_code == 200
    finally:
        lock.release()
    with sqlite3.connect(hub.data_dir / "hub.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM executions").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM quantum_jobs").fetchone() == (0,)
    assert not any(executions.iterdir())
    # The store is usable again at once: no transaction was left open on the Hub's connection.
    execution = service.run(request={"seconds": 0})
    execution.wait_for_final_state(timeout=30, wait=0.05)
    assert execution.status == "SUCCEEDED"


def test_executions_ended_while_the_store_was_locked_reach_their_true_state(
    hub: LocalHub, service: HubServiceClient
) -> None:
    """The thread that tracks executions survives a failed write: the end of an execution
    that finished during the outage is stored once the lock goes, and later executions are
    tracked as before (before the fix every later execution stayed PENDING)."""
    first = service.run(request={"seconds": 0.5})
    lock = HeldLock(hub.data_dir / "hub.sqlite3")
    try:
        output = hub.data_dir / "executions" / first.id / "out" / "output.json"
        wait_until(output.exists)
        wait_until(lambda: hub.hub.database.pending_writes > 0)
        assert service.get_service_execution(first.id).status in ("PENDING", "RUNNING")
    finally:
        lock.release()
    first.wait_for_final_state(timeout=30, wait=0.05)
    assert first.status == "SUCCEEDED"
    again = service.run(request={"seconds": 0})
    again.wait_for_final_state(timeout=30, wait=0.05)
    assert again.status == "SUCCEEDED"
    assert again.result().data() == {"slept": 0}
    wait_until(lambda: hub.hub.database.pending_writes == 0)


def test_jobs_that_ended_while_the_store_was_locked_reach_their_true_state(
    hub: LocalHub,
) -> None:
    """A job simulating while the store locks ends COMPLETED, with its counts, once the lock
    goes; the next job runs as before."""
    assert hub.connection is not None
    with HubQuantumClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.quantum_url
    ) as quantum:
        job = quantum.jobs.create_job(backend_id="aws.sim.sv1", shots=200, input={"qasm": WIDE})
        wait_until(lambda: hub.hub.quantum.scheduler.pid_of(job.id) is not None)
        lock = HeldLock(hub.data_dir / "hub.sqlite3")
        try:
            wait_until(lambda: hub.hub.database.pending_writes > 0)
        finally:
            lock.release()
        done = quantum.jobs.wait(job.id, timeout=60, interval=0.05)
        assert done.status == "COMPLETED"
        counts = quantum.jobs.get_job_result(job.id)
        assert counts is not None
        bell = quantum.jobs.create_job(
            backend_id="aws.sim.sv1",
            shots=10,
            input={"qasm": ONE_QUBIT},
        )
        assert quantum.jobs.wait(bell.id, timeout=60, interval=0.05).status == "COMPLETED"
