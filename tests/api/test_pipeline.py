"""Request-pipeline mechanics, pinned with faults a real server can't easily be made to show."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from qhub.api.service import AsyncHubServiceClient, HubServiceClient
from qhub.api.service.core.api_error import ApiError
from qhub.api.service.errors import (
    AmbiguousRequestError,
    ApiConnectionError,
    ApiTimeoutError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    ParsingError,
)

BASE = "https://gateway.example/ctx/svc/1.0.0"
EXECUTION = {"id": "e1", "status": "PENDING", "createdAt": "2026-11-23T05:00:00Z"}

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, **kwargs: Any) -> tuple[HubServiceClient, list[float]]:
    """A client over a MockTransport whose retries record their delays instead of sleeping."""
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


def test_post_is_not_resent_after_a_server_error() -> None:
    """A 500 on start_execution may have created billed work: not resent, and raised as the
    500's own error (an ApiError, as the vendor's SDK raises it), with the server's message."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500, json={"message": "boom"})

    client, _ = make_client(handler)
    with pytest.raises(InternalServerError, match="boom") as e:
        client.service_api.start_execution(request={"a": 1})
    assert len(calls) == 1
    assert e.value.status_code == 500
    assert not isinstance(e.value, AmbiguousRequestError)


def test_post_with_idempotency_key_is_retried_with_the_same_key() -> None:
    """With an idempotency key a POST is retried, and every attempt carries the same key."""
    keys: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Idempotency-Key"))
        if len(keys) < 3:
            return httpx.Response(503)
        return httpx.Response(201, json=EXECUTION)

    client, slept = make_client(handler)
    execution = client.service_api.start_execution(
        request={"a": 1}, request_options={"idempotency_key": "k-1"}
    )
    assert execution.id == "e1"
    assert keys == ["k-1", "k-1", "k-1"]
    assert slept == [1.0, 2.0]


def test_post_is_resent_when_the_connection_was_never_made() -> None:
    """A connect error proves the POST never reached the server, so it is safe to resend."""
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json=EXECUTION)

    client, _ = make_client(handler)
    assert client.service_api.start_execution(request={}).id == "e1"
    assert attempts == 2


def test_get_is_retried_on_5xx_and_honours_retry_after() -> None:
    """GETs are retried on 503 with the server's Retry-After (bounded) before backoff."""
    responses = [
        httpx.Response(503, headers={"Retry-After": "3"}),
        httpx.Response(502, headers={"Retry-After": "100000"}),
        httpx.Response(200, json=EXECUTION),
    ]
    client, slept = make_client(lambda request: responses.pop(0))
    assert client.service_api.get_status("e1").status == "PENDING"
    assert slept == [3.0, 60.0]


def test_retries_are_bounded_by_max_retries_then_the_typed_error_raises() -> None:
    """After max_retries the last response is raised as its typed error."""
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(500, json={"message": "still down"})

    client, slept = make_client(handler, max_retries=3)
    with pytest.raises(InternalServerError, match="still down"):
        client.service_api.get_status("e1")
    assert calls == 4
    assert slept == [1.0, 2.0, 4.0]
    calls = 0
    with pytest.raises(InternalServerError):
        client.service_api.get_status("e1", request_options={"max_retries": 0})
    assert calls == 1


def test_conflict_is_never_retried() -> None:
    """409 means the request conflicts; repeating it cannot help."""
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(409, json={"message": "already cancelled"})

    client, _ = make_client(handler)
    with pytest.raises(ConflictError):
        client.service_api.cancel_execution("e1")
    assert calls == 1


def test_status_errors_are_typed_even_without_a_json_body() -> None:
    """A 404 with an HTML body is still a NotFoundError, carrying the text as body."""
    client, _ = make_client(
        lambda r: httpx.Response(404, text="<html>nope</html>", headers={"X-Request-Id": "r-9"})
    )
    with pytest.raises(NotFoundError) as caught:
        client.service_api.get_status("missing")
    error = caught.value
    assert isinstance(error, ApiError)
    assert error.status_code == 404
    assert error.body == "<html>nope</html>"
    assert error.args  # the base initialiser ran: pickles and prints well
    assert str(error) == "HTTP 404 Not Found: <html>nope</html> (request id r-9)"


def test_error_message_names_status_message_and_request_id() -> None:
    """str(err) carries the status, the server's message and its request id."""
    client, _ = make_client(
        lambda r: httpx.Response(400, json={"message": "values must be a list", "requestId": "abc"})
    )
    with pytest.raises(ApiError) as caught:
        client.service_api.start_execution(request={"values": 1})
    assert str(caught.value) == "HTTP 400 Bad Request: values must be a list (request id abc)"


def test_unexpected_2xx_body_is_a_parsing_error_and_an_api_error() -> None:
    """A 200 whose body lacks required fields raises ParsingError, which is an ApiError."""
    client, _ = make_client(lambda r: httpx.Response(200, json={}))
    with pytest.raises(ParsingError) as caught:
        client.service_api.get_status("e1")
    assert isinstance(caught.value, ApiError)
    assert caught.value.body == {}


def test_timeouts_surface_as_httpx_timeout_exception() -> None:
    """A timeout is an ApiTimeoutError that is also httpx.TimeoutException, chained."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    client, _ = make_client(handler, max_retries=0)
    with pytest.raises(httpx.TimeoutException) as caught:
        client.service_api.get_status("e1")
    assert isinstance(caught.value, ApiTimeoutError)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_connection_errors_are_chained() -> None:
    """A refused connection is an ApiConnectionError (and an httpx.TransportError)."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client, slept = make_client(handler)
    with pytest.raises(ApiConnectionError) as caught:
        client.service_api.get_status("e1")
    assert isinstance(caught.value, httpx.TransportError)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(slept) == 2


def test_path_parameters_are_percent_encoded() -> None:
    """Ids and file names can't escape their path segment."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(200, content=b"x")

    client, _ = make_client(handler)
    with client.service_api.get_result_file("a/b", "../../etc/pass wd?x#y") as stream:
        assert b"".join(stream) == b"x"
    assert seen == ["/ctx/svc/1.0.0/a%2Fb/result/..%2F..%2Fetc%2Fpass%20wd%3Fx%23y"]


@pytest.mark.parametrize("bad", ["", "   ", ".."])
def test_empty_or_dot_ids_are_rejected_before_any_request(bad: str) -> None:
    """Bad ids raise ValueError naming the argument; nothing is sent."""
    client, _ = make_client(lambda r: pytest.fail("no request expected"))
    with pytest.raises(ValueError, match="id"):
        client.service_api.get_status(bad)


def test_non_string_id_is_a_type_error() -> None:
    """A non-string id raises TypeError naming the argument."""
    client, _ = make_client(lambda r: pytest.fail("no request expected"))
    with pytest.raises(TypeError, match="id must be a string"):
        client.service_api.get_status(42)  # type: ignore[arg-type]


def test_credentials_never_follow_a_redirect_to_another_origin() -> None:
    """Same-origin redirects keep the token; cross-origin hops drop every credential header."""
    seen: list[tuple[str, str | None, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(
            (
                request.url.host,
                request.headers.get("authorization"),
                request.headers.get("x-parent-execution-token"),
            )
        )
        if request.url.path.endswith("/e1"):
            return httpx.Response(307, headers={"Location": f"{BASE}/moved"})
        if request.url.path.endswith("/moved"):
            return httpx.Response(302, headers={"Location": "https://evil.example/steal"})
        return httpx.Response(200, json=EXECUTION)

    client, _ = make_client(handler, headers={"X-Parent-Execution-Token": "parent"})
    client.service_api.get_status("e1")
    assert seen == [
        ("gateway.example", "Bearer tok", "parent"),
        ("gateway.example", "Bearer tok", "parent"),
        ("evil.example", None, None),
    ]


def test_token_callable_is_called_for_every_attempt() -> None:
    """A callable token is evaluated per attempt, so a refreshed token is used on retry."""
    tokens = iter(["t1", "t2"])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(503) if len(seen) == 1 else httpx.Response(200, json=EXECUTION)

    client = HubServiceClient(
        base_url=BASE,
        token=lambda: next(tokens),
        httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    client._pipeline.sleep = lambda _: None
    client.service_api.get_status("e1")
    assert seen == ["Bearer t1", "Bearer t2"]


def test_logs_to_a_given_logger_without_credentials(caplog: pytest.LogCaptureFixture) -> None:
    """Request lines go to the configured logger and never contain the token."""
    logger = logging.getLogger("test.qhub")
    client, _ = make_client(
        lambda r: httpx.Response(200, json=EXECUTION), logging={"level": "debug", "logger": logger}
    )
    with caplog.at_level(logging.DEBUG, logger="test.qhub"):
        client.service_api.get_status("e1")
    assert any(
        "GET https://gateway.example/ctx/svc/1.0.0/e1 -> 200" in r.getMessage()
        for r in caplog.records
    )
    assert "tok" not in caplog.text


def test_silent_logging_writes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """logging={'silent': True} silences the client."""
    client, _ = make_client(lambda r: httpx.Response(200, json=EXECUTION), logging={"silent": True})
    with caplog.at_level(logging.DEBUG):
        client.service_api.get_status("e1")
    assert [r for r in caplog.records if r.name.startswith("qhub")] == []


def test_optional_result_is_none_only_for_no_content() -> None:
    """get_logs gives None on 204, but an empty-bodied 404 is still an error."""
    responses = [httpx.Response(204), httpx.Response(404)]
    client, _ = make_client(lambda r: responses.pop(0))
    assert client.service_api.get_logs("e1") is None
    with pytest.raises(NotFoundError):
        client.service_api.get_logs("e1")


def test_request_options_add_headers_query_and_body() -> None:
    """Per-call options reach the wire: headers, query parameters, body keys, timeout."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=EXECUTION)

    client, _ = make_client(handler)
    client.service_api.start_execution(
        request={"a": "ü"},
        request_options={
            "additional_headers": {"X-Extra": "1"},
            "additional_query_parameters": {"flag": True, "n": [1, 2]},
            "additional_body_parameters": {"b": 2},
            "timeout": 5,
        },
    )
    request = seen[0]
    assert request.headers["x-extra"] == "1"
    assert request.url.query == b"flag=true&n=1&n=2"
    assert (
        request.content
        == json.dumps({"a": "ü", "b": 2}, separators=(",", ":"), ensure_ascii=False).encode()
    )
    # The timeout is the call's total: each operation gets what is left of the 5 s.
    assert 4 < request.extensions["timeout"]["read"] <= 5


def test_missing_base_url_and_environment_raises_the_documented_exception() -> None:
    """Neither base_url nor environment: the vendor's exact message."""
    with pytest.raises(
        Exception, match="Please pass in either base_url or environment to construct the client"
    ):
        HubServiceClient(environment=None, token="t")


def test_base_url_wins_over_environment() -> None:
    """base_url beats environment."""
    assert HubServiceClient(base_url=BASE, token="t").base_url == BASE


def test_repr_hides_credentials() -> None:
    """No token in the repr of the client or its auth."""
    client = HubServiceClient(base_url=BASE, token="super-secret")
    assert "super-secret" not in repr(client)
    assert "super-secret" not in repr(client._pipeline.settings.auth)


async def test_async_token_is_used_instead_of_the_sync_token() -> None:
    """With async_token, the sync token is never called."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json=EXECUTION)

    def sync_token() -> str:
        raise AssertionError("sync token must not be called")

    async def async_token() -> str:
        return "async-tok"

    client = AsyncHubServiceClient(
        base_url=BASE,
        token=sync_token,
        async_token=async_token,
        httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    await client.service_api.get_status("e1")
    assert seen == ["Bearer async-tok"]


async def test_async_stream_raises_request_errors_at_await() -> None:
    """Awaiting get_result_file sends the request, so a 404 raises there."""
    client = AsyncHubServiceClient(
        base_url=BASE,
        token="t",
        httpx_client=httpx.AsyncClient(
            transport=httpx.MockTransport(
                lambda r: httpx.Response(404, json={"message": "no file"})
            )
        ),
    )
    with pytest.raises(NotFoundError, match="no file"):
        await client.service_api.get_result_file("e1", "f.txt")


def test_async_client_works_across_event_loops() -> None:
    """One async client used from two asyncio.run calls (notebooks do this) keeps working."""
    import asyncio

    client = AsyncHubServiceClient(
        base_url=BASE,
        token="t",
        httpx_client=httpx.AsyncClient(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=EXECUTION))
        ),
    )

    async def status() -> str:
        return str((await client.service_api.get_status("e1")).status)

    assert asyncio.run(status()) == "PENDING"
    assert asyncio.run(status()) == "PENDING"


async def test_concurrent_sends_are_bounded_by_the_gate() -> None:
    """No more than MAX_CONCURRENT_SENDS requests are inside the transport at once."""
    import asyncio

    from qhub.api._core.pipeline import MAX_CONCURRENT_SENDS

    inside = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        await asyncio.sleep(0.001)
        inside -= 1
        return httpx.Response(200, json=EXECUTION)

    client = AsyncHubServiceClient(
        base_url=BASE,
        token="t",
        httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    await asyncio.gather(*(client.service_api.get_status("e1") for _ in range(100)))
    assert peak == MAX_CONCURRENT_SENDS


def test_parsing_errors_never_show_the_offending_values() -> None:
    """A 2xx of the wrong shape names the problem, not the (possibly secret) values."""
    client, _ = make_client(
        lambda r: httpx.Response(200, json={"id": 42, "status": "eyJ.secret.jwt"})
    )
    with pytest.raises(ParsingError) as caught:
        client.service_api.get_status("e1")
    assert "id" in str(caught.value)
    assert "eyJ.secret.jwt" not in str(caught.value)
    assert "eyJ.secret.jwt" not in repr(caught.value)


def test_api_errors_pickle_with_their_status_and_body() -> None:
    """Errors survive pickling (for multiprocessing and logging handlers)."""
    import pickle

    for error in (
        NotFoundError({"message": "gone"}),
        ApiError(418, {"x-request-id": "r"}, "teapot"),
    ):
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert (type(copy), copy.status_code, copy.body, str(copy)) == (
            type(error),
            error.status_code,
            error.body,
            str(error),
        )


@pytest.mark.parametrize("header", [{"Retry-After": "nan"}, {"retry-after-ms": "inf"}])
def test_non_finite_retry_hints_fall_back_to_backoff(header: dict[str, str]) -> None:
    """A nonsensical Retry-After can't make the client sleep NaN seconds."""
    responses = [httpx.Response(503, headers=header), httpx.Response(200, json=EXECUTION)]
    client, slept = make_client(lambda r: responses.pop(0))
    client.service_api.get_status("e1")
    assert slept == [1.0]


def test_organization_header_only_for_a_real_organization_id() -> None:
    """organization_id sets X-OrganizationId (over a caller header); an empty one sends none."""
    from qhub.api.quantum import HubQuantumClient

    with HubQuantumClient(
        api_key="k", organization_id="org-1", headers={"x-organizationid": "other"}
    ) as client:
        headers = client._pipeline.settings.headers
        assert [v for k, v in headers.items() if k.lower() == "x-organizationid"] == ["org-1"]
    with HubQuantumClient(api_key="k", organization_id="") as client:
        assert not any(k.lower() == "x-organizationid" for k in client._pipeline.settings.headers)


def test_a_client_opens_its_connection_pool_on_the_first_request() -> None:
    """A client the SDK makes builds httpx's transport (and its SSL context) only when the
    first request goes out, and once; closing one that never sent anything is fine."""
    import http.server
    import threading

    from qhub.api._core.transports import LazyTransport
    from qhub.api.quantum import HubQuantumClient

    class Minutes(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"allowances": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    HubQuantumClient(api_key="k", base_url="http://127.0.0.1:9").close()  # never sent
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Minutes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with HubQuantumClient(api_key="k", base_url=url) as client:
            lazy = client._pipeline.http._transport  # the mechanism itself
            assert isinstance(lazy, LazyTransport)
            assert lazy._transport is None
            client.runtime_minutes.get_runtime_minutes()
            first = lazy._transport
            assert isinstance(first, httpx.HTTPTransport)
            client.runtime_minutes.get_runtime_minutes()
            assert lazy._transport is first
    finally:
        server.shutdown()
        server.server_close()
