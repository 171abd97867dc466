"""The fast reads answer exactly as the routes: the served Hub (fast reads on) next to the
same Hub's app with every request sent through the routes."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from qhub.local.domain import StoreUnavailable
from qhub.local.http import create_app
from qhub.local.server import LocalHub

from ..workspaces import make_workspace

#: What differs between two answers to the same request whatever the route.
PER_RESPONSE = {"date", "server"}
BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'

Request = tuple[str, dict[str, str]]
Answer = tuple[int, list[tuple[str, str]], bytes]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A served Hub with the echo service."""
    local = LocalHub(
        tmp_path_factory.mktemp("hub"),
        services={"echo": make_workspace(tmp_path_factory.mktemp("ws"), "echo")},
    )
    local.start()
    yield local
    local.stop()


class Both:
    """The same requests to the served Hub and to its app without fast reads."""

    def __init__(self, hub: LocalHub, served: httpx.Client, routes_only: httpx.AsyncClient):
        assert hub.connection is not None
        self.base_url = hub.connection.base_url
        self.served = served
        self.routes_only = routes_only

    def fast(self, request: Request) -> Answer:
        """The served Hub's answer (the request id fixed: error bodies echo it)."""
        target, headers = request
        response = self.served.get(f"{self.base_url}{target}", headers=_fixed_id(headers))
        return _answer(response)

    async def routed(self, request: Request) -> Answer:
        """The answer through the routes."""
        target, headers = request
        return _answer(await self.routes_only.get(target, headers=_fixed_id(headers)))

    async def compare(self, requests: list[Request], *, settled: bool) -> int:
        """Assert each request is answered alike; while the resource may still change
        (``settled`` false) only when two fast answers around the routed one agree. Returns
        how many were compared."""
        compared = 0
        for request in requests:
            fast = self.fast(request)
            routed = await self.routed(request)
            if settled or self.fast(request) == fast:
                assert fast == routed, request[0]
                compared += 1
        return compared


def _fixed_id(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "X-Request-Id": "the-same-request-id"}


def _answer(response: httpx.Response) -> Answer:
    headers = [(k, v) for k, v in response.headers.items() if k not in PER_RESPONSE]
    return response.status_code, headers, response.content


@pytest.fixture
async def both(hub: LocalHub) -> AsyncIterator[Both]:
    """Clients of the served Hub and of its app through the routes only."""
    assert hub.connection is not None
    routes_only = httpx.AsyncClient(
        transport=httpx.ASGITransport(create_app(hub.hub, fast_paths=False)),
        base_url=hub.connection.base_url,  # the same Host, so redirects name the same URL
    )
    served = httpx.Client(timeout=30)
    async with routes_only:
        with served:
            yield Both(hub, served, routes_only)


async def _until_final(both: Both, requests: list[Request], status_of: Request) -> None:
    """Compare while the resource runs, then once it has ended."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        await both.compare(requests, settled=False)
        status = both.fast(status_of)
        if b'"SUCCEEDED"' in status[2] or b'"COMPLETED"' in status[2]:
            break
        time.sleep(0.02)
    else:
        pytest.fail("never ended")
    assert await both.compare(requests, settled=True) == len(requests)


async def test_a_status_is_answered_byte_for_byte_as_the_route_answers(
    hub: LocalHub, both: Both
) -> None:
    """Found, running and finished, unknown, another service, no or a bad token, a trailing
    slash, a lowercase scheme: the same status, headers and body either way."""
    assert hub.connection is not None
    base = hub.connection.services["echo"]
    app = hub.connection.application
    token = both.served.post(
        hub.connection.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(app["access_key_id"], app["secret_access_key"]),
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    execution_id = both.served.post(base, json={"values": [1, 2]}, headers=auth).json()["id"]
    path = httpx.URL(base).path
    status = (f"{path}/{execution_id}", auth)
    requests = [
        status,
        (f"{path}/{execution_id}", {"Authorization": f"bearer {token}"}),
        (f"{path}/{execution_id}", {}),
        (f"{path}/{execution_id}", {"Authorization": "Bearer not-a-token"}),
        (f"{path}/{execution_id}", {"Authorization": token}),
        (f"{path}/{execution_id}/", auth),
        (f"{path}/no-such-id", auth),
        (f"{path.replace('/echo/', '/nothing-here/')}/{execution_id}", auth),
    ]
    await _until_final(both, requests, status)
    assert both.fast(status)[0] == 200


async def test_a_job_and_its_result_are_answered_as_the_routes_answer(
    hub: LocalHub, both: Both
) -> None:
    """A job and its result, pending and finished; unknown ids, no or a bad token, another
    organization named, the status read (always routed): the same answers either way."""
    assert hub.connection is not None
    quantum = hub.connection.quantum_url
    auth = {"X-Auth-Token": hub.connection.personal_access_token}
    created = both.served.post(
        f"{quantum}/jobs",
        json={"backend_id": "local.aer.simulator", "shots": 100, "input": {"qasm": BELL}},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    job = f"{httpx.URL(quantum).path}/jobs/{created.json()['id']}"
    requests = [
        (job, auth),
        (f"{job}/result", auth),
        (f"{job}/status", auth),
        (job, {}),
        (job, {"X-Auth-Token": "not-a-token"}),
        (job, {**auth, "X-OrganizationId": "another-organization"}),
        (f"{job}/result", {"X-Auth-Token": "not-a-token"}),
        (job.replace(created.json()["id"], "no-such-job"), auth),
    ]
    await _until_final(both, requests, (job, auth))
    assert both.fast((f"{job}/result", auth))[0] == 200


async def test_a_failing_store_is_answered_by_the_routes(
    hub: LocalHub, both: Both, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read the store fails (injected: WAL reads can't be made to fail on demand) is the
    routes' 503 JSON with Retry-After, not a 500 from the fast path."""
    assert hub.connection is not None
    quantum = hub.connection.quantum_url
    auth = {"X-Auth-Token": hub.connection.personal_access_token}
    created = both.served.post(
        f"{quantum}/jobs",
        json={"backend_id": "local.aer.simulator", "shots": 10, "input": {"qasm": BELL}},
        headers=auth,
    )
    job = f"{httpx.URL(quantum).path}/jobs/{created.json()['id']}"

    def failing(organization_id: str, job_id: str) -> None:
        raise StoreUnavailable("a disk I/O error (injected)")

    monkeypatch.setattr(hub.hub.quantum.jobs, "get", failing)
    fast = both.fast((job, auth))
    assert fast == await both.routed((job, auth))
    status, headers, body = fast
    assert status == 503 and ("content-type", "application/json") in headers
    assert int(headers_value(headers, "retry-after")) > 0
    assert b"disk I/O error" in body


def headers_value(headers: list[tuple[str, str]], name: str) -> str:
    """The value of a header that must be there."""
    return next(value for key, value in headers if key == name)


async def test_a_job_submission_is_answered_as_the_route_answers(hub: LocalHub, both: Both) -> None:
    """Refusals byte for byte (no or a bad token, another organization, a malformed body, an
    unknown backend, too many shots, no or an oversized input, a malformed key);
    a job created either way has the same status, headers and fields."""
    assert hub.connection is not None
    path = f"{httpx.URL(hub.connection.quantum_url).path}/jobs"
    token = hub.connection.personal_access_token
    auth = {"X-Auth-Token": token, "Content-Type": "application/json"}
    good = json.dumps(
        {"backend_id": "local.aer.simulator", "shots": 10, "input": {"qasm": BELL}}
    ).encode()

    async def both_answers(headers: dict[str, str], body: bytes) -> tuple[Answer, Answer]:
        sent = _fixed_id(headers)
        fast = _answer(both.served.post(f"{both.base_url}{path}", headers=sent, content=body))
        routed = _answer(await both.routes_only.post(path, headers=sent, content=body))
        return fast, routed

    refused = [
        ({"Content-Type": "application/json"}, good),
        ({**auth, "X-Auth-Token": "not-a-token"}, good),
        ({**auth, "X-OrganizationId": "another-organization"}, good),
        (auth, b"{not json"),
        (auth, b"[1, 2]"),
        (auth, b'{"shots": 10, "input": {"qasm": "x"}}'),
        (auth, good.replace(b"local.aer.simulator", b"no.such.backend")),
        (auth, good.replace(b'"shots": 10', b'"shots": 100000000')),
        (auth, good.replace(b"qubit[2] q", b"qubit[2000] q")),
        ({**auth, "Idempotency-Key": "not\tvisible"}, good),
        (auth, json.dumps({"backend_id": "local.aer.simulator", "shots": 10}).encode()),
    ]
    for headers, body in refused:
        fast, routed = await both_answers(headers, body)
        assert 400 <= fast[0] < 500, (headers, body[:60], fast)
        assert fast == routed, (headers, body[:60])

    fast, routed = await both_answers(auth, good)
    assert fast[0] == routed[0] == 201
    assert [k for k, _ in fast[1] if k != "content-length"] == [
        k for k, _ in routed[1] if k != "content-length"
    ]
    fast_job, routed_job = json.loads(fast[2]), json.loads(routed[2])
    assert fast_job.keys() == routed_job.keys()
    assert fast_job["id"] != routed_job["id"]
