"""``kill -9`` of a real Hub with executions and jobs in flight: nothing it started outlives it,
and a new Hub on the same data directory settles every run as the README says (a running job
ABORTED, a pending one run; a running execution FAILED, saying why), losing and duplicating
nothing, and takes the data directory over (its lock, ``connection.json``)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.local.datadir import DataDirLock
from qhub.service.client import HubServiceClient
from tests.local.hub_process import ServedHub, alive, descendants
from tests.workspaces import make_workspace, processes_marked

pytestmark = pytest.mark.slow

#: A circuit Aer needs many seconds for: still simulating long after the Hub is killed.
QUBITS = 23
LONG = (
    f'OPENQASM 3.0; include "stdgates.inc"; qubit[{QUBITS}] q; bit[{QUBITS}] c; '
    + " ".join(
        f"h q[{i}]; cx q[{i}], q[{(i + 1) % QUBITS}]; rz(0.3) q[{i}];" for i in range(QUBITS)
    )
    * 12
    + " c = measure q;"
)
BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'
#: How long the processes a killed Hub started get to go, seconds (they go at once).
GONE_WITHIN = 10.0


def service_client(connection: dict[str, object], name: str) -> HubServiceClient:
    """A client of ``name`` with the Hub's default application."""
    app = connection["application"]
    services = connection["services"]
    assert isinstance(app, dict) and isinstance(services, dict)
    return HubServiceClient(
        services[name],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=str(connection["token_endpoint"]),
    )


def quantum_client(connection: dict[str, object]) -> HubQuantumClient:
    """A Quantum API client with the default user's token."""
    return HubQuantumClient(
        api_key=str(connection["personal_access_token"]), base_url=str(connection["quantum_url"])
    )


def wait_for_status(read: object, wanted: str, timeout: float = 60.0) -> None:
    """Poll ``read()`` until it returns ``wanted``."""
    assert callable(read)
    deadline = time.monotonic() + timeout
    while (status := read()) != wanted:
        assert time.monotonic() < deadline, f"still {status}, not {wanted}"
        time.sleep(0.05)


def test_kill_9_leaves_no_process_behind_and_the_next_hub_settles_every_run(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    services = {"sleepy": make_workspace(tmp_path / "workspaces", "sleepy")}
    marker = f"kill9-{uuid.uuid4().hex}"
    first = ServedHub(data, services)
    try:
        connection = first.connection()
        with service_client(connection, "sleepy") as service, quantum_client(connection) as quantum:
            execution = service.run(request={"seconds": 120, "spawn": True, "marker": marker})
            wait_for_status(lambda: service.get_service_execution(execution.id).status, "RUNNING")
            # Two long jobs hold both simulators; the third waits for one.
            running = [
                quantum.jobs.create_job(backend_id="aws.sim.sv1", shots=100, input={"qasm": LONG})
                for _ in range(2)
            ]
            for job in running:
                wait_for_status(
                    lambda job=job: quantum.jobs.get_job_status(job.id).status, "RUNNING"
                )
            pending = quantum.jobs.create_job(
                backend_id="aws.sim.sv1", shots=100, input={"qasm": BELL}
            )
            assert quantum.jobs.get_job_status(pending.id).status == "PENDING"
        assert processes_marked(marker), "the execution's own child should be running"
        started = descendants(first.pid)
        assert len(started) >= 4  # fork servers, simulators, the execution's processes
        first.kill()
        deadline = time.monotonic() + GONE_WITHIN
        while alive(started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(started), f"outlived the Hub: {sorted(alive(started))}"
        assert not processes_marked(marker)
    finally:
        first.stop()
    assert (data / "connection.json").exists()  # left behind by the killed Hub

    second = ServedHub(data, services)
    try:
        connection = second.connection()
        assert DataDirLock(data).holder() is not None
        assert DataDirLock(data).holder().pid == second.pid  # type: ignore[union-attr]
        assert connection["base_url"] in second.stdout[0]
        with service_client(connection, "sleepy") as service, quantum_client(connection) as quantum:
            again = service.get_service_execution(execution.id)
            assert again.status == "FAILED"
            assert (again.logs() or [])[-1].message == (
                "The local Hub stopped while this execution was pending or running."
            )
            assert [e.id for e in service.get_service_executions()] == [execution.id]
            for job in running:
                aborted = quantum.jobs.get_job(job.id)
                assert aborted.status == "ABORTED"
            done = quantum.jobs.wait(pending.id, timeout=60, interval=0.05)
            assert done.status == "COMPLETED"
            result = quantum.jobs.get_job_result(pending.id)
            assert result is not None
            jobs = quantum.jobs.search_jobs(page=0, size=50).content or []
            assert sorted(j.id for j in jobs) == sorted([pending.id, *(j.id for j in running)])
    finally:
        second.stop()
