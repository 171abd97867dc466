"""Idempotency keys end to end: the SDK over real sockets, faults from the proxy, the local
Hub keeping the keys in its SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient
from qhub.api.quantum.errors import AmbiguousRequestError, UnprocessableEntityError
from qhub.local.server import LocalHub
from qhub.service.client import AsyncHubServiceClient, HubServiceClient

from .conftest import ONES_QASM, first, job_count
from .proxy import FaultProxy

BACKEND = "aws.sim.sv1"


def _quantum(hub: LocalHub, proxy: FaultProxy | None = None, **options: object) -> HubQuantumClient:
    assert hub.connection is not None
    url = hub.connection.quantum_url
    return HubQuantumClient(
        api_key=hub.connection.personal_access_token,
        base_url=proxy.rewrite(url) if proxy else url,
        **options,  # type: ignore[arg-type]
    )


def _submit(client: HubQuantumClient, key: str | None = None, shots: int = 10) -> str:
    job = client.jobs.create_job(
        backend_id=BACKEND, shots=shots, input={"qasm": ONES_QASM}, idempotency_key=key
    )
    return job.id


@pytest.mark.parametrize(("fault", "created"), [("reset_after", 1), ("reset_before", 0)])
def test_a_keyless_post_hit_by_a_reset_raises_the_ambiguity_and_is_sent_once(
    hub: LocalHub, proxy_for: Callable[..., FaultProxy], fault: str, created: int
) -> None:
    """Reset after the Hub answered: one job exists, the client can't know; reset before
    forwarding: none. Either way AmbiguousRequestError, and the POST went out once."""
    proxy = proxy_for(share=1.0, faults=[fault], applies_to=first(1))
    before = job_count(hub)
    with _quantum(hub, proxy) as client, pytest.raises(AmbiguousRequestError) as error:
        _submit(client)
    assert "idempotency_key" in str(error.value)
    assert proxy.count(fault, "POST") == 1
    assert proxy.forwarded == created
    assert job_count(hub) == before + created


@pytest.mark.parametrize("fault", ["reset_after", "truncated", "server_error", "rate_limited"])
def test_a_keyed_post_is_resent_and_the_hub_creates_one_job(
    hub: LocalHub, proxy_for: Callable[..., FaultProxy], fault: str
) -> None:
    """With a key the client resends after the fault, the Hub answers the resend with the
    job the first request created (or creates it, if the first never arrived): one job."""
    proxy = proxy_for(share=1.0, faults=[fault], applies_to=first(1))
    before = job_count(hub)
    key = str(uuid.uuid4())
    with _quantum(hub, proxy) as client:
        client._pipeline.sleep = lambda seconds: None
        job_id = _submit(client, key)
        assert _submit(client, key) == job_id  # later, by hand: the same job again
    assert proxy.count(fault, "POST") == 1
    assert job_count(hub) == before + 1


def test_the_same_key_with_another_request_is_refused(hub: LocalHub) -> None:
    """A key names one request: another body under it is a 422 naming the key."""
    key = f"reused-{uuid.uuid4()}"
    with _quantum(hub) as client:
        _submit(client, key, shots=10)
        before = job_count(hub, client)
        with pytest.raises(UnprocessableEntityError, match=f"Idempotency-Key '{key}'"):
            _submit(client, key, shots=20)
        assert job_count(hub, client) == before


def test_keys_belong_to_their_caller(hub: LocalHub) -> None:
    """Another organization's request with the same key is its own."""
    assert hub.connection is not None
    other = hub.add_user()
    key = f"shared-{uuid.uuid4()}"
    with (
        _quantum(hub) as mine,
        HubQuantumClient(
            api_key=other.personal_access_token, base_url=hub.connection.quantum_url
        ) as theirs,
    ):
        assert _submit(mine, key) != _submit(theirs, key)
        assert theirs.jobs.search_jobs(size=1).total_elements == 1


def test_a_key_is_forgotten_after_24_hours(hub: LocalHub) -> None:
    """Past its TTL the key starts a new job (the stored key's age is set back a day)."""
    key = f"old-{uuid.uuid4()}"
    with _quantum(hub) as client:
        first_id = _submit(client, key)
        day_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=24, seconds=1)
        with hub.hub.database.transaction() as db:
            db.execute(
                "UPDATE quantum_idempotency_keys SET created_at = ? WHERE key = ?",
                (day_ago.isoformat(timespec="milliseconds").replace("+00:00", "Z"), key),
            )
        assert _submit(client, key) != first_id


def test_concurrent_requests_with_one_key_create_one_job_and_one_execution(
    hub: LocalHub,
) -> None:
    """Eight requests with the same key at once: one job, one execution; every answer
    names it (no retries: each request gets its answer from the Hub at the first try)."""
    assert hub.connection is not None
    connection = hub.connection
    before = job_count(hub)
    job_key, execution_key = str(uuid.uuid4()), str(uuid.uuid4())

    async def main() -> tuple[set[str], set[str]]:
        async with (
            AsyncHubQuantumClient(
                api_key=connection.personal_access_token,
                base_url=connection.quantum_url,
                max_retries=0,
            ) as quantum,
            AsyncHubServiceClient(
                connection.services["echo"],
                connection.application["access_key_id"],
                connection.application["secret_access_key"],
                token_endpoint=connection.token_endpoint,
                max_retries=0,
            ) as service,
        ):
            jobs = await asyncio.gather(
                *(
                    quantum.jobs.create_job(
                        backend_id=BACKEND,
                        shots=5,
                        input={"qasm": ONES_QASM},
                        idempotency_key=job_key,
                    )
                    for _ in range(8)
                )
            )
            executions = await asyncio.gather(
                *(service.run({"values": [1, 2]}, idempotency_key=execution_key) for _ in range(8))
            )
            return {j.id for j in jobs}, {e.id for e in executions}

    job_ids, execution_ids = asyncio.run(main())
    assert len(job_ids) == 1 and len(execution_ids) == 1
    assert job_count(hub) == before + 1
    with hub.hub.database.reading() as db:
        (started,) = db.execute(
            "SELECT COUNT(*) FROM executions e JOIN execution_idempotency_keys k"
            " ON k.resource_id = e.id WHERE k.key = ?",
            (execution_key,),
        ).fetchone()
    assert started == 1


def test_a_session_is_opened_once_per_key(hub: LocalHub) -> None:
    """create_session with a key: the second request gets the first's session."""
    key = str(uuid.uuid4())
    with _quantum(hub) as client:
        opened = [
            client.sessions.create_session(backend_id=BACKEND, mode="batch", idempotency_key=key)
            for _ in range(2)
        ]
        assert opened[0].id == opened[1].id
        client.sessions.close_session(opened[0].id)


def test_a_key_survives_a_restart_of_the_hub(tmp_path: Path) -> None:
    """The keys live in the Hub's SQLite file: after a restart the same key and request
    return the execution started before it, and nothing new starts."""
    from ..workspaces import make_workspace

    echo = make_workspace(tmp_path / "workspaces", "echo")
    data = tmp_path / "hub"
    key = str(uuid.uuid4())
    ids = []
    for _ in range(2):
        with LocalHub(data, services={"echo": echo}) as local:
            assert local.connection is not None
            app = local.connection.application
            with HubServiceClient(
                local.connection.services["echo"],
                app["access_key_id"],
                app["secret_access_key"],
                token_endpoint=local.connection.token_endpoint,
            ) as client:
                execution = client.run({"values": [3, 4]}, idempotency_key=key)
                ids.append(execution.id)
                assert execution.result(timeout=60)["sum"] == 7
                assert len(client.get_service_executions()) == 1
    assert ids[0] == ids[1]
