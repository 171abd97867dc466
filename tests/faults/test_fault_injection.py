"""500 service executions and 500 quantum jobs through the fault-injecting proxy, with the
async clients and an idempotency key per resource: every one ends in its true state (its
result checked), the Hub holds exactly 500 of each, none lost, none duplicated.

The proxy gives a fault to ``SHARE`` of all requests (token, creations, polls, results),
drawn from every kind it knows; the test checks each kind hit the creating POSTs.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient
from qhub.local.server import LocalHub
from qhub.service.client import AsyncHubServiceClient, HubServiceClient

from .conftest import ONES_QASM
from .proxy import FAULTS, FaultProxy

EXECUTIONS = 500
JOBS = 500
SHARE = 0.12
SEED = 20261201
#: Resources in flight at once (each of its calls may wait out retries).
CONCURRENCY = 48
#: Enough that a request given a fault on every try is not a worry: 0.12 ** 7 per call.
MAX_RETRIES = 6
BACKEND = "aws.sim.sv1"

pytestmark = pytest.mark.slow


async def _bounded(limit: asyncio.Semaphore, work: Callable[[], Awaitable[Any]]) -> Any:
    async with limit:
        return await work()


def _shots(index: int) -> int:
    return 1 + index % 40


async def _job(quantum: AsyncHubQuantumClient, index: int) -> tuple[str, dict[str, int]]:
    """Submit job ``index`` under its own key, wait for it, return its id and counts."""
    key = f"job-{index}-{uuid.uuid4()}"
    created = await quantum.jobs.create_job(
        backend_id=BACKEND,
        shots=_shots(index),
        input={"qasm": ONES_QASM},
        tags=[f"job-{index}"],
        idempotency_key=key,
    )
    job = await quantum.jobs.wait(created.id, timeout=240, interval=0.5)
    assert job.status == "COMPLETED", (index, job.status)
    result = await quantum.jobs.get_job_result(job.id)
    return job.id, result["counts"]


async def _execution(service: AsyncHubServiceClient, index: int) -> tuple[str, Any]:
    """Start execution ``index`` under its own key, wait for it, return its id and sum."""
    key = f"execution-{index}-{uuid.uuid4()}"
    execution = await service.run({"values": [index, 0.5]}, idempotency_key=key)
    await execution.wait_for_final_state(timeout=240, wait=0.5)
    assert execution.status == "SUCCEEDED", (index, execution.status)
    result = await execution.result()
    return execution.id, result["sum"]


def test_every_execution_and_job_ends_in_its_true_state_once(
    hub: LocalHub, proxy_for: Callable[..., FaultProxy]
) -> None:
    """Faults on 12 % of all requests; 500 + 500 resources all correct, none twice."""
    assert hub.connection is not None
    connection = hub.connection
    proxy = proxy_for(share=SHARE, faults=FAULTS, seed=SEED, delay=0.1)

    async def main() -> tuple[list[Any], list[Any]]:
        limit = asyncio.Semaphore(CONCURRENCY)
        async with (
            AsyncHubQuantumClient(
                api_key=connection.personal_access_token,
                base_url=proxy.rewrite(connection.quantum_url),
                max_retries=MAX_RETRIES,
            ) as quantum,
            AsyncHubServiceClient(
                proxy.rewrite(connection.services["echo"]),
                connection.application["access_key_id"],
                connection.application["secret_access_key"],
                token_endpoint=proxy.rewrite(connection.token_endpoint),
                max_retries=MAX_RETRIES,
            ) as service,
        ):
            jobs = [lambda i=i: _job(quantum, i) for i in range(JOBS)]
            executions = [lambda i=i: _execution(service, i) for i in range(EXECUTIONS)]
            everything = await asyncio.gather(
                *(
                    _bounded(limit, work)
                    for pair in zip(jobs, executions, strict=True)
                    for work in pair
                )
            )
        return everything[0::2], everything[1::2]

    started = time.monotonic()
    job_outcomes, execution_outcomes = asyncio.run(main())
    elapsed = time.monotonic() - started

    for index, (_, counts) in enumerate(job_outcomes):
        assert counts == {"111": _shots(index)}, index
    for index, (_, total) in enumerate(execution_outcomes):
        assert total == index + 0.5, index
    job_ids = {job_id for job_id, _ in job_outcomes}
    execution_ids = {execution_id for execution_id, _ in execution_outcomes}
    assert len(job_ids) == JOBS and len(execution_ids) == EXECUTIONS

    # What the Hub holds, asked of its APIs directly (not through the proxy).
    app = connection.application
    with HubQuantumClient(
        api_key=connection.personal_access_token, base_url=connection.quantum_url
    ) as quantum:
        assert quantum.jobs.search_jobs(size=1).total_elements == JOBS
        assert {job.id for job in quantum.jobs.iter_jobs(size=500)} == job_ids
    with HubServiceClient(
        connection.services["echo"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=connection.token_endpoint,
    ) as service:
        assert {e.id for e in service.get_service_executions()} == execution_ids

    # The faults really reached the creating requests, every kind of them.
    for kind in FAULTS:
        assert proxy.count(kind, "POST") > 0, kind
    print(
        f"\n{EXECUTIONS} executions and {JOBS} jobs in {elapsed:.1f} s through the proxy: "
        f"{proxy.requests} requests, {sum(proxy.injected.values())} faults "
        f"({', '.join(f'{k} {proxy.count(k)}' for k in FAULTS)}), "
        f"{proxy.count('reset_after', 'POST') + proxy.count('truncated', 'POST')} creations "
        "answered lost after the Hub made them"
    )
