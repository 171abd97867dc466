"""The async Quantum API client over real HTTP: every method is called, and each read returns
what its sync twin returns for the same arguments."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from qhub.api._core.operations import Operation
from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient, JobStatus, SessionStatus
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'


@pytest.fixture(scope="module")
def work(hub: LocalHub) -> Iterator[dict[str, str]]:
    """Ids of a standalone job and of a service execution's session and job."""
    assert hub.connection is not None
    app = hub.connection.application
    with (
        HubServiceClient(
            hub.connection.services["with_session"],
            app["access_key_id"],
            app["secret_access_key"],
            token_endpoint=hub.connection.token_endpoint,
        ) as service,
        HubQuantumClient(
            api_key=hub.connection.personal_access_token, base_url=hub.connection.quantum_url
        ) as client,
    ):
        execution = service.run(request={"shots": 16})
        ids = execution.result(timeout=120).data()
        job = client.jobs.create_job(
            backend_id="local.aer.simulator",
            shots=32,
            input={"qasm": BELL},
            input_params={"memory": True},
        )
        client.jobs.wait(job.id, timeout=60)
        yield {
            "execution": execution.id,
            "session": ids["session_id"],
            "scoped_job": ids["job_id"],
            "job": job.id,
        }


def _clients(hub: LocalHub) -> tuple[HubQuantumClient, AsyncHubQuantumClient]:
    assert hub.connection is not None
    options: dict[str, Any] = {
        "api_key": hub.connection.personal_access_token,
        "base_url": hub.connection.quantum_url,
    }
    return HubQuantumClient(**options), AsyncHubQuantumClient(**options)


async def test_every_async_read_matches_its_sync_twin(hub: LocalHub, work: dict[str, str]) -> None:
    """The same arguments give equal answers from the sync and the async client."""
    now = datetime.now(timezone.utc)
    execution, session, scoped_job, job = (
        work["execution"],
        work["session"],
        work["scoped_job"],
        work["job"],
    )
    reads: dict[str, tuple[Any, ...]] = {
        "backends.get_backends": (),
        "backends.get_backend": ("aws.sim.sv1",),
        "backends.get_backend_status": ("aws.sim.sv1",),
        "backends.get_backend_config": ("aws.sim.sv1",),
        "backends.get_backend_calibration": ("aws.sim.sv1",),
        "backends.get_least_busy_backend": (),
        "backends.get_backend_calibration_history": ("aws.sim.sv1",),
        "jobs.get_job": (job,),
        "jobs.get_job_status": (job,),
        "jobs.get_job_result": (job,),
        "jobs.get_job_input": (job,),
        "jobs.get_job_calibration": (job,),
        "jobs.get_normalized_job_result": (job,),
        "jobs.get_normalized_job_input": (job,),
        "jobs.get_normalized_job_memory": (job,),
        "jobs.search_jobs": (),
        "jobs.get_service_execution_job": (execution, scoped_job),
        "jobs.get_service_execution_job_status": (execution, scoped_job),
        "jobs.get_service_execution_job_input": (execution, scoped_job),
        "jobs.get_service_execution_job_calibration": (execution, scoped_job),
        "jobs.get_service_execution_normalized_job_result": (execution, scoped_job),
        "jobs.get_service_execution_normalized_job_input": (execution, scoped_job),
        "jobs.get_service_execution_session": (execution, session),
        "jobs.get_service_execution_session_status": (execution, session),
        "jobs.get_service_execution_session_jobs": (execution, session),
        "jobs.get_service_execution_workloads": (execution,),
        "sessions.get_session": (session,),
        "sessions.get_session_status": (session,),
        "sessions.get_session_jobs": (session,),
        "sessions.get_jobs_by_session": (session,),
        "workloads.get_workloads": (),
        "runtime_minutes.get_runtime_minutes": (),
    }
    keywords: dict[str, dict[str, Any]] = {
        "backends.get_least_busy_backend": {"provider": "IBM", "min_qubits": 2},
        "backends.get_backend_calibration_history": {"from_": now - timedelta(days=2), "to": now},
        "jobs.search_jobs": {"size": 1000},
        "workloads.get_workloads": {"size": 1000},
    }
    sync, async_ = _clients(hub)
    async with async_:
        for name, args in reads.items():
            namespace, method = name.split(".")
            kwargs = keywords.get(name, {})
            expected = getattr(getattr(sync, namespace), method)(*args, **kwargs)
            actual = await getattr(getattr(async_, namespace), method)(*args, **kwargs)
            assert actual == expected, name
        with sync.jobs.get_job_result_stream(job) as stream:
            expected_bytes = b"".join(stream)
        assert b"".join([c async for c in async_.jobs.get_job_result_stream(job)]) == (
            expected_bytes
        )
        chunks = async_.jobs.get_service_execution_job_result_stream(execution, scoped_job)
        assert b"".join([c async for c in chunks]).startswith(b"{")
        assert {j.id async for j in async_.jobs.iter_jobs(size=1)} >= {job, scoped_job}
        assert {w.id async for w in async_.workloads.iter_workloads(size=1)} >= {session}
    sync.close()
    called = {name.split(".")[1] for name in reads} | {
        "get_job_result_stream",
        "get_service_execution_job_result_stream",
        "iter_jobs",
        "iter_workloads",
    }
    aliases = {"get_jobs_by_session"}
    assert (called | _WRITES) - aliases == _async_method_names()


_WRITES = {
    "create_job",
    "cancel_job",
    "wait",
    "cancel_service_execution_job",
    "close_service_execution_session",
    "update_service_execution_session_state",
    "create_session",
    "update_session_state",
    "close_session",
    "open",
}


def _async_method_names() -> set[str]:
    client = AsyncHubQuantumClient(api_key="unused", base_url="http://127.0.0.1:9")
    names = set()
    for namespace in ("backends", "jobs", "sessions", "workloads", "runtime_minutes"):
        cls = type(getattr(client, namespace))
        for name in dir(cls):
            member = inspect.getattr_static(cls, name)
            if isinstance(member, Operation):
                if member.alias_of is None:
                    names.add(name)
            elif inspect.isfunction(member) and not name.startswith("_"):
                names.add(name)
    return names


async def test_async_writes_jobs_and_sessions(hub: LocalHub, work: dict[str, str]) -> None:
    """create, wait, cancel; sessions opened, paused, closed (also the execution-scoped ones)."""
    _, client = _clients(hub)
    async with client:
        async with client.sessions.open(backend_id="aws.sim.sv1", mode="batch") as session:
            job = await client.jobs.create_job(
                backend_id="aws.sim.sv1", shots=10, input={"qasm": BELL}, session_id=session.id
            )
            seen: list[Any] = []
            final = await client.jobs.wait(job.id, timeout=60, on_status=seen.append)
            assert final.status == JobStatus.COMPLETED and seen[-1].status == final.status
        assert (await client.sessions.get_session_status(session.id)).status == (
            SessionStatus.CLOSED
        )
        other = await client.sessions.create_session(backend_id="aws.sim.sv1", mode="dedicated")
        paused = await client.sessions.update_session_state(other.id, accept_jobs=False)
        assert paused.status == SessionStatus.INACTIVE
        await client.sessions.close_session(other.id)
        assert (await client.sessions.get_session(other.id)).status == SessionStatus.CLOSED

        long = await client.jobs.create_job(
            backend_id="local.aer.simulator", shots=100_000, input={"qasm": BELL}
        )
        await client.jobs.cancel_job(long.id)
        assert (await client.jobs.wait(long.id, timeout=60)).status in (
            JobStatus.CANCELLED,
            JobStatus.COMPLETED,
        )

        execution, session_id = work["execution"], work["session"]
        await client.jobs.cancel_service_execution_job(execution, work["scoped_job"])
        state = await client.jobs.update_service_execution_session_state(
            execution, session_id, accept_jobs=False
        )
        assert state.status in (SessionStatus.INACTIVE, SessionStatus.CLOSED)
        await client.jobs.close_service_execution_session(execution, session_id)
        closed = await client.jobs.get_service_execution_session(execution, session_id)
        assert closed.status == SessionStatus.CLOSED
