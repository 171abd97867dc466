"""qhub-service's HubServiceClient takes timeout, max_retries, logging and httpx_client, and
uses them for the gateway and the token endpoint alike."""

from __future__ import annotations

import inspect
import logging

import httpx
import pytest

from qhub.api.service.errors import ServiceUnavailableError
from qhub.service.client import AsyncHubServiceClient, AuthenticationError, HubServiceClient

GATEWAY = "http://gw.example/ctx/svc/1.0.0"
TOKEN_ENDPOINT = "http://auth.example/oauth/token"
SECRET = "s3cr3t-key"
ACCESS_TOKEN = "issued-access-token"
EXECUTION = {"id": "e1", "status": "RUNNING", "createdAt": "2026-01-01T00:00:00Z"}


class FakeHub:
    """A token endpoint and a gateway behind one MockTransport, recording every request."""

    def __init__(self, token_statuses: list[int] | None = None, gateway_status: int = 200) -> None:
        self.token_statuses = list(token_statuses or [])
        self.gateway_status = gateway_status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if str(request.url) == TOKEN_ENDPOINT:
            status = self.token_statuses.pop(0) if self.token_statuses else 200
            if status != 200:
                return httpx.Response(status, json={"error": "temporarily_unavailable"})
            return httpx.Response(200, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
        if self.gateway_status != 200:
            return httpx.Response(self.gateway_status)
        return httpx.Response(200, json=EXECUTION)

    def urls(self) -> list[str]:
        """Method and URL of each request, in order."""
        return [f"{r.method} {r.url}" for r in self.requests]


def test_the_documented_signature_is_kept() -> None:
    """The seed's five parameters, in order and with their defaults; the new ones keyword-only."""
    for cls in (HubServiceClient, AsyncHubServiceClient):
        parameters = inspect.signature(cls).parameters
        assert list(parameters) == [
            "service_endpoint",
            "access_key_id",
            "secret_access_key",
            "token_endpoint",
            "platform_client",
            "timeout",
            "max_retries",
            "logging",
            "httpx_client",
        ]
        assert parameters["token_endpoint"].default == "https://gateway.hub.kipu-quantum.com/token"
        assert parameters["platform_client"].default is None
        for name in ("timeout", "max_retries", "logging", "httpx_client"):
            assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
            assert parameters[name].default is None


def test_token_and_gateway_requests_share_the_injected_client_and_timeout() -> None:
    """Both go through httpx_client; timeout bounds the token request and the gateway call."""
    hub = FakeHub()
    http = httpx.Client(transport=httpx.MockTransport(hub))
    client = HubServiceClient(
        GATEWAY, "id", SECRET, token_endpoint=TOKEN_ENDPOINT, timeout=5, httpx_client=http
    )
    assert client.get_service_execution("e1").id == "e1"
    assert hub.urls() == [f"POST {TOKEN_ENDPOINT}", f"GET {GATEWAY}/e1"]
    token_request, gateway_request = hub.requests
    assert token_request.extensions["timeout"]["read"] == 5
    assert 4 < gateway_request.extensions["timeout"]["read"] <= 5
    assert gateway_request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    client.close()
    assert not http.is_closed  # injected: left open


def test_max_retries_applies_to_the_gateway() -> None:
    """max_retries=0: a 503 from the gateway raises at once."""
    hub = FakeHub(gateway_status=503)
    client = HubServiceClient(
        GATEWAY,
        max_retries=0,
        httpx_client=httpx.Client(transport=httpx.MockTransport(hub)),
    )
    with pytest.raises(ServiceUnavailableError):
        client.get_service_execution("e1")
    assert len(hub.requests) == 1


def test_token_requests_are_retried_within_max_retries() -> None:
    """A token request is safe to resend: 503s are retried (2 by default), then it works."""
    hub = FakeHub(token_statuses=[503, 503])
    client = HubServiceClient(
        GATEWAY,
        "id",
        SECRET,
        token_endpoint=TOKEN_ENDPOINT,
        httpx_client=httpx.Client(transport=httpx.MockTransport(hub)),
    )
    assert client._oauth is not None
    slept: list[float] = []
    client._oauth.sleep = slept.append
    client._oauth.retry.jitter = lambda: 0.5
    assert client.get_service_execution("e1").id == "e1"
    assert hub.urls() == [f"POST {TOKEN_ENDPOINT}"] * 3 + [f"GET {GATEWAY}/e1"]
    assert slept == [1.0, 2.0]


def test_without_retries_a_token_failure_raises_at_once() -> None:
    """max_retries=0: the first 503 from the token endpoint is an AuthenticationError."""
    hub = FakeHub(token_statuses=[503])
    client = HubServiceClient(
        GATEWAY,
        "id",
        SECRET,
        token_endpoint=TOKEN_ENDPOINT,
        max_retries=0,
        httpx_client=httpx.Client(transport=httpx.MockTransport(hub)),
    )
    with pytest.raises(AuthenticationError, match="HTTP 503"):
        client.get_service_execution("e1")
    assert hub.urls() == [f"POST {TOKEN_ENDPOINT}"]


def test_token_requests_are_logged_like_gateway_calls_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The token POST and its retry are logged (method, URL, status, duration) through the
    client's logger; neither the secret, the issued token nor the Basic credentials appear."""
    logger = logging.getLogger("test.qhub.service")
    hub = FakeHub(token_statuses=[503])
    client = HubServiceClient(
        GATEWAY,
        "id",
        SECRET,
        token_endpoint=TOKEN_ENDPOINT,
        logging=logger,
        httpx_client=httpx.Client(transport=httpx.MockTransport(hub)),
    )
    assert client._oauth is not None
    client._oauth.sleep = lambda seconds: None
    with caplog.at_level(logging.DEBUG, logger="test.qhub.service"):
        client.get_service_execution("e1")
    lines = [record.getMessage() for record in caplog.records if record.name == logger.name]
    assert lines[0].startswith(f"POST {TOKEN_ENDPOINT} -> 503 (") and lines[0].endswith(" ms)")
    assert lines[1].startswith(f"retrying POST {TOKEN_ENDPOINT} after 503 in ")
    assert lines[2].startswith(f"POST {TOKEN_ENDPOINT} -> 200 (")
    assert lines[3].startswith(f"GET {GATEWAY}/e1 -> 200 (")
    basic = hub.requests[0].headers["authorization"].split()[1]
    for text in [*lines, caplog.text]:
        assert SECRET not in text and ACCESS_TOKEN not in text and basic not in text


def test_logging_silent_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """logging={"silent": True} silences the token requests too."""
    hub = FakeHub()
    client = HubServiceClient(
        GATEWAY,
        "id",
        SECRET,
        token_endpoint=TOKEN_ENDPOINT,
        logging={"silent": True},
        httpx_client=httpx.Client(transport=httpx.MockTransport(hub)),
    )
    with caplog.at_level(logging.DEBUG):
        client.get_service_execution("e1")
    assert [r for r in caplog.records if r.name.startswith("qhub")] == []


def test_bad_options_are_refused() -> None:
    """Out-of-range timeout/max_retries and a client of the wrong kind fail at construction."""
    with pytest.raises(ValueError, match="timeout"):
        HubServiceClient(GATEWAY, timeout=0)
    with pytest.raises(ValueError, match="max_retries"):
        HubServiceClient(GATEWAY, max_retries=-1)
    with pytest.raises(TypeError, match=r"httpx\.Client"):
        HubServiceClient(GATEWAY, httpx_client=httpx.AsyncClient())  # type: ignore[arg-type]


async def test_async_client_takes_the_same_options(caplog: pytest.LogCaptureFixture) -> None:
    """The async twin sends token and gateway requests through its httpx.AsyncClient, with
    the timeout, retries and logger given."""
    hub = FakeHub(token_statuses=[503])
    http = httpx.AsyncClient(transport=httpx.MockTransport(hub))
    logger = logging.getLogger("test.qhub.service.async")
    client = AsyncHubServiceClient(
        GATEWAY,
        "id",
        SECRET,
        token_endpoint=TOKEN_ENDPOINT,
        timeout=5,
        max_retries=1,
        logging=logger,
        httpx_client=http,
    )
    assert client._oauth is not None
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    client._oauth.async_sleep = record
    with caplog.at_level(logging.DEBUG, logger=logger.name):
        execution = await client.get_service_execution("e1")
    assert execution.id == "e1"
    assert hub.urls() == [f"POST {TOKEN_ENDPOINT}"] * 2 + [f"GET {GATEWAY}/e1"]
    assert len(slept) == 1
    assert hub.requests[0].extensions["timeout"]["read"] == 5
    lines = [r.getMessage() for r in caplog.records if r.name == logger.name]
    assert any(line.startswith(f"POST {TOKEN_ENDPOINT} -> 200 (") for line in lines)
    assert SECRET not in caplog.text and ACCESS_TOKEN not in caplog.text
    await client.close()
    assert not http.is_closed
    await http.aclose()
