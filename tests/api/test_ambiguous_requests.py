"""A POST without an idempotency key is never resent once it may have been carried out: the
ambiguity is raised as its own error. With a key it is resent, the key on every attempt.
Pinned with faults a real server can't be made to show on cue (MockTransport); the same over
real sockets, through the fault-injecting proxy, is in ``tests/faults``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from qhub.api.quantum import AsyncHubQuantumClient
from qhub.api.service import AsyncHubServiceClient, HubServiceClient
from qhub.api.service.errors import (
    AmbiguousRequestError,
    AmbiguousTimeoutError,
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BadGatewayError,
    InternalServerError,
    ServiceUnavailableError,
    TooManyRequestsError,
)

BASE = "https://gateway.example/ctx/svc/1.0.0"
EXECUTION = {"id": "e1", "status": "PENDING", "createdAt": "2026-11-23T05:00:00Z"}

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler, **kwargs: Any) -> tuple[HubServiceClient, list[float]]:
    client = HubServiceClient(
        base_url=BASE,
        token="tok",
        httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
        **kwargs,
    )
    slept: list[float] = []
    client._pipeline.sleep = slept.append
    client._pipeline.retry.jitter = lambda: 0.5
    return client, slept


def _failing_then_created(fault: Callable[[httpx.Request], httpx.Response], failures: int) -> Any:
    """A handler that answers ``fault`` ``failures`` times, then 201; it records the keys."""
    keys: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Idempotency-Key"))
        if len(keys) <= failures:
            return fault(request)
        return httpx.Response(201, json=EXECUTION)

    handler.keys = keys  # type: ignore[attr-defined]
    return handler


def _reset(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


def _read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def test_a_reset_after_sending_raises_the_ambiguity_and_sends_once() -> None:
    """The connection broke after the POST went out: one attempt, AmbiguousRequestError,
    still an ApiConnectionError (and an httpx.TransportError) for older handlers."""
    handler = _failing_then_created(_reset, failures=5)
    client, _ = _client(handler)
    with pytest.raises(AmbiguousRequestError, match="may or may not have been carried out") as e:
        client.service_api.start_execution(request={"a": 1})
    assert handler.keys == [None]
    assert isinstance(e.value, ApiConnectionError) and isinstance(e.value, httpx.TransportError)
    assert e.value.status_code is None and e.value.method == "POST"
    assert isinstance(e.value.__cause__, httpx.RemoteProtocolError)


def test_a_read_timeout_is_an_ambiguous_timeout() -> None:
    """A POST that timed out waiting for its answer: both an ambiguity and a timeout."""
    handler = _failing_then_created(_read_timeout, failures=5)
    client, _ = _client(handler)
    with pytest.raises(AmbiguousTimeoutError) as e:
        client.service_api.start_execution(request={"a": 1})
    assert isinstance(e.value, ApiTimeoutError) and isinstance(e.value, AmbiguousRequestError)
    assert handler.keys == [None]


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, InternalServerError), (502, BadGatewayError), (504, ApiError), (408, ApiError)],
)
def test_answers_that_leave_the_outcome_unknown_are_not_resent(
    status: int, error: type[ApiError]
) -> None:
    """500, 502, 504 and 408 do not say whether the work was done: sent once, and raised as
    the status error, an ApiError, as code written for the vendor's SDK expects."""
    handler = _failing_then_created(lambda r: httpx.Response(status), failures=5)
    client, _ = _client(handler)
    with pytest.raises(error) as e:
        client.service_api.start_execution(request={"a": 1})
    assert e.value.status_code == status
    assert not isinstance(e.value, AmbiguousRequestError)
    assert handler.keys == [None]


@pytest.mark.parametrize("status", [429, 503])
def test_a_refusal_with_retry_after_is_resent_without_a_key(status: int) -> None:
    """429/503 with Retry-After: the server refused the POST and asks for it again later,
    so it is resent after the hinted wait."""
    fault = lambda r: httpx.Response(status, headers={"Retry-After": "2"})  # noqa: E731
    handler = _failing_then_created(fault, failures=1)
    client, slept = _client(handler)
    assert client.service_api.start_execution(request={"a": 1}).id == "e1"
    assert handler.keys == [None, None]
    assert slept == [2.0]


@pytest.mark.parametrize(
    ("status", "error"), [(429, TooManyRequestsError), (503, ServiceUnavailableError)]
)
def test_a_refusal_without_retry_after_is_raised_as_itself(
    status: int, error: type[Exception]
) -> None:
    """Without Retry-After, a keyless POST is not resent; a refusal is not an ambiguity."""
    handler = _failing_then_created(lambda r: httpx.Response(status), failures=5)
    client, _ = _client(handler)
    with pytest.raises(error) as e:
        client.service_api.start_execution(request={"a": 1})
    assert not isinstance(e.value, AmbiguousRequestError)
    assert handler.keys == [None]


@pytest.mark.parametrize(
    "fault", [_reset, _read_timeout, lambda r: httpx.Response(500), lambda r: httpx.Response(504)]
)
def test_with_a_key_every_ambiguous_failure_is_retried_with_the_same_key(
    fault: Callable[[httpx.Request], httpx.Response],
) -> None:
    """idempotency_key= makes the POST safe to resend: retried, the key on every attempt."""
    handler = _failing_then_created(fault, failures=2)
    client, slept = _client(handler)
    execution = client.service_api.start_execution(request={"a": 1}, idempotency_key="key-1")
    assert execution.id == "e1"
    assert handler.keys == ["key-1"] * 3
    assert slept == [1.0, 2.0]


def test_with_a_key_exhausted_retries_raise_the_plain_error() -> None:
    """A keyed POST that keeps failing raises the last failure as itself: resending it with
    the same key stays safe, so it is not reported as an ambiguity."""
    handler = _failing_then_created(lambda r: httpx.Response(500), failures=10)
    client, _ = _client(handler, max_retries=1)
    with pytest.raises(InternalServerError) as e:
        client.service_api.start_execution(request={"a": 1}, idempotency_key="key-1")
    assert not isinstance(e.value, AmbiguousRequestError)
    assert handler.keys == ["key-1", "key-1"]


def test_the_key_argument_and_request_options_agree_or_the_call_is_refused() -> None:
    """The argument and request_options name one key; two different ones, or a key that is
    not a visible-ASCII token, are refused before anything is sent."""
    handler = _failing_then_created(_reset, failures=0)
    client, _ = _client(handler)
    client.service_api.start_execution(
        request={}, idempotency_key="k", request_options={"idempotency_key": "k"}
    )
    with pytest.raises(ValueError, match="given twice"):
        client.service_api.start_execution(
            request={}, idempotency_key="k", request_options={"idempotency_key": "other"}
        )
    for bad in ("", "has space", "ü", "x" * 256):
        with pytest.raises(ValueError, match="visible ASCII"):
            client.service_api.start_execution(request={}, idempotency_key=bad)
    assert handler.keys == ["k"]


def test_async_clients_take_the_key_and_raise_the_same_ambiguity() -> None:
    """The async gateway and Quantum clients: same decisions, same errors."""
    handler = _failing_then_created(_reset, failures=1)

    async def main() -> None:
        transport = httpx.MockTransport(handler)
        async with AsyncHubServiceClient(
            base_url=BASE, token="t", httpx_client=httpx.AsyncClient(transport=transport)
        ) as client:
            client._pipeline.sleep = _no_sleep
            with pytest.raises(AmbiguousRequestError):
                await client.service_api.start_execution(request={})
            created = await client.service_api.start_execution(request={}, idempotency_key="a")
            assert created.id == "e1"
        async with AsyncHubQuantumClient(
            api_key="k",
            base_url="https://hub.example/quantum",
            httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(_reset)),
        ) as quantum:
            with pytest.raises(
                AmbiguousRequestError, match="POST https://hub.example/quantum/jobs"
            ):
                await quantum.jobs.create_job(
                    backend_id="aws.sim.sv1", shots=1, input={"backendId": "aws.sim.sv1"}
                )

    asyncio.run(main())
    assert handler.keys == [None, "a"]


async def _no_sleep(seconds: float) -> None:
    return None
