"""The status fast path answers exactly as the gateway route: the served Hub (fast path on)
next to the same Hub's app with every request sent through the routes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from qhub.local.http import create_app
from qhub.local.server import LocalHub

from ..workspaces import make_workspace

#: What differs between two answers to the same request whatever the route.
PER_RESPONSE = {"date", "server"}


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


def _token(hub: LocalHub, client: httpx.Client) -> str:
    assert hub.connection is not None
    app = hub.connection.application
    response = client.post(
        hub.connection.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(app["access_key_id"], app["secret_access_key"]),
    )
    return str(response.json()["access_token"])


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, v) for k, v in response.headers.items() if k not in PER_RESPONSE]
    return response.status_code, headers, response.content


async def test_a_status_is_answered_byte_for_byte_as_the_route_answers(hub: LocalHub) -> None:
    """Found, running and finished, unknown, another service, no or a bad token, a trailing
    slash, a lowercase scheme: the same status, headers and body either way."""
    assert hub.connection is not None
    base = hub.connection.services["echo"]
    routes_only = httpx.AsyncClient(
        transport=httpx.ASGITransport(create_app(hub.hub, fast_paths=False)),
        base_url=hub.connection.base_url,  # the same Host, so redirects name the same URL
    )
    async with routes_only:
        with httpx.Client(timeout=30) as served:
            token = _token(hub, served)
            auth = {"Authorization": f"Bearer {token}"}
            execution_id = served.post(base, json={"values": [1, 2]}, headers=auth).json()["id"]
            path = httpx.URL(base).path
            other_service = path.replace("/echo/", "/nothing-here/")
            requests = [
                (f"{path}/{execution_id}", auth),
                (f"{path}/{execution_id}", {"Authorization": f"bearer {token}"}),
                (f"{path}/{execution_id}", {}),
                (f"{path}/{execution_id}", {"Authorization": "Bearer not-a-token"}),
                (f"{path}/{execution_id}", {"Authorization": token}),
                (f"{path}/{execution_id}/", auth),
                (f"{path}/no-such-id", auth),
                (f"{other_service}/{execution_id}", auth),
            ]
            deadline = time.monotonic() + 30
            seen = set()
            while "SUCCEEDED" not in seen and time.monotonic() < deadline:
                for target, headers in requests:
                    headers = {**headers, "X-Request-Id": "the-same-request-id"}  # echoed in errors
                    fast = served.get(f"{hub.connection.base_url}{target}", headers=headers)
                    routed = await routes_only.get(target, headers=headers)
                    assert _answer(fast) == _answer(routed), target
                status = served.get(f"{base}/{execution_id}", headers=auth).json()["status"]
                seen.add(status)
                time.sleep(0.05)
            assert "SUCCEEDED" in seen
            # The fast path answered the found execution (a 200), and refusals came as errors.
            assert served.get(f"{base}/{execution_id}", headers=auth).status_code == 200
            assert served.get(f"{base}/no-such-id", headers=auth).json()["message"]
