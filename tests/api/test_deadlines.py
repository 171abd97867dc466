"""A call's timeout is its total budget, and redirects never change what a call does.

Pinned against real loopback HTTP servers (a threaded ``http.server`` in this process) that
trickle bytes, ask for long ``Retry-After`` waits, loop redirects and redirect POSTs;
``httpx.MockTransport`` only for what a server can't show deterministically (backoff jitter,
pickling, the per-operation timeouts handed to httpx).
"""

from __future__ import annotations

import json
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from qhub.api._core.deadline import Deadline, OperationTimeouts
from qhub.api.service import AsyncHubServiceClient, HubServiceClient
from qhub.api.service.errors import (
    ApiConnectionError,
    ApiTimeoutError,
    RedirectError,
    ServiceUnavailableError,
    TooManyRequestsError,
)

DEADLINE = 1.5
#: A call bounded by DEADLINE must be over by then; generous, as the machine is shared.
LATEST = 4.0
EXECUTION = {"id": "e1", "status": "PENDING", "createdAt": "2026-11-23T05:00:00Z"}
DRIP_BYTES = 12


class _Handler(BaseHTTPRequestHandler):
    """Answers by the last path segment of the request (see :func:`_answer`)."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on what the client does."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.hits.append((self.command, self.path, body))
        try:
            _answer(self, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as it should

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        """Send a complete response."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, status: int, location: str) -> None:
        """Send a redirect to ``location``."""
        self.reply(status, headers={"Location": location})

    def drip(self, data: bytes, every: float) -> None:
        """Send ``data`` one byte at a time, ``every`` seconds apart."""
        for byte in data:
            self.wfile.write(bytes([byte]))
            time.sleep(every)
        self.close_connection = True


def _answer(handler: _Handler, body: bytes) -> None:
    path = handler.path
    name = path.rstrip("/").rsplit("/", 2)
    last = name[-1]
    other = handler.server.other_origin
    if last == "drip-body":
        # Status and headers at once, then the body a byte a second.
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.drip(b" " * DRIP_BYTES, 1.0)
    elif last == "drip-headers":
        handler.drip(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"[:DRIP_BYTES], 1.0)
    elif last == "rate-limited":
        handler.reply(429, b'{"message": "slow down"}', {"Retry-After": "120"})
    elif last == "briefly-unavailable":
        handler.reply(503, b'{"message": "busy"}', {"Retry-After": "1"})
    elif last.startswith("loop-"):
        handler.redirect(302, "loop-b" if last == "loop-a" else "loop-a")
    elif last.startswith("chain-"):
        handler.redirect(302, f"chain-{int(last[6:]) + 1}")
    elif path == "/post-302" or path.endswith("/put-302/cancel"):
        handler.redirect(302, "/gw/e1")
    elif path == "/post-303":
        handler.redirect(303, "/gw/e1")
    elif path == "/post-301":
        handler.redirect(301, "/gw/e1")
    elif path == "/post-307":
        handler.redirect(307, "/echo")
    elif path == "/post-308-away":
        handler.redirect(308, f"{other}/echo")
    elif path == "/get-302-away/e1":
        handler.redirect(302, f"{other}/gw/e1")
    elif path == "/echo":
        echoed = {**EXECUTION, "id": json.loads(body)["id"]}
        handler.reply(201, json.dumps(echoed).encode(), {"Content-Type": "application/json"})
    elif last == "e1":
        handler.reply(200, json.dumps(EXECUTION).encode(), {"Content-Type": "application/json"})
    elif last == "trickle":
        # A download that takes 3 s but never pauses long: fine for a 1.5 s timeout.
        handler.send_response(200)
        handler.send_header("Content-Length", "10")
        handler.end_headers()
        handler.drip(b"0123456789", 0.3)
    elif last == "stall":
        handler.send_response(200)
        handler.send_header("Content-Length", "10")
        handler.end_headers()
        handler.wfile.write(b"01")
        time.sleep(DEADLINE * 2)
        handler.close_connection = True
    else:
        handler.reply(404)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hits: list[tuple[str, str, bytes]]
    other_origin: str

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-answer is expected here."""


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[_Server, _Server]]:
    """Two loopback servers: two origins."""
    pair = (_Server(("127.0.0.1", 0), _Handler), _Server(("127.0.0.1", 0), _Handler))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in pair]
    for server, other in (pair, pair[::-1]):
        server.hits = []
        server.other_origin = f"http://127.0.0.1:{other.server_address[1]}"
    for thread in threads:
        thread.start()
    yield pair
    for server in pair:
        server.shutdown()
        server.server_close()


@pytest.fixture
def server(servers: tuple[_Server, _Server]) -> _Server:
    """The first server, its record of requests cleared."""
    for each in servers:
        each.hits.clear()
    return servers[0]


def _url(server: _Server, path: str = "/gw") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def _sync(server: _Server, path: str = "/gw", **kwargs: Any) -> HubServiceClient:
    kwargs.setdefault("timeout", DEADLINE)
    return HubServiceClient(base_url=_url(server, path), token="tok", **kwargs)


def _async(server: _Server, path: str = "/gw", **kwargs: Any) -> AsyncHubServiceClient:
    kwargs.setdefault("timeout", DEADLINE)
    return AsyncHubServiceClient(base_url=_url(server, path), token="tok", **kwargs)


def _timed(call: Callable[[], object]) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(BaseException) as caught:
        call()
    return caught.value, time.monotonic() - started


async def _atimed(call: Callable[[], Any]) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(BaseException) as caught:
        await call()
    return caught.value, time.monotonic() - started


def _is_deadline_error(error: BaseException) -> bool:
    return (
        isinstance(error, ApiTimeoutError)
        and error.deadline == DEADLINE
        and f"deadline of {DEADLINE:g} s" in str(error)
    )


# --- the deadline -----------------------------------------------------------------------------


def test_a_body_trickling_a_byte_a_second_is_cut_at_the_deadline(server: _Server) -> None:
    """Sync: a slow-drip body ends the call at its deadline with ApiTimeoutError naming it."""
    with _sync(server) as client:
        error, elapsed = _timed(lambda: client.service_api.get_status("drip-body"))
    assert _is_deadline_error(error), error
    assert DEADLINE - 0.1 <= elapsed < LATEST
    assert len(server.hits) == 1  # a read timeout of a GET is retryable, but no time was left


async def test_async_a_body_trickling_a_byte_a_second_is_cut_at_the_deadline(
    server: _Server,
) -> None:
    """Async: the same slow-drip body ends the call at its deadline."""
    async with _async(server) as client:
        error, elapsed = await _atimed(lambda: client.service_api.get_status("drip-body"))
    assert _is_deadline_error(error), error
    assert DEADLINE - 0.1 <= elapsed < LATEST


async def test_async_headers_trickling_a_byte_a_second_are_cut_at_the_deadline(
    server: _Server,
) -> None:
    """Async: even a status line sent a byte a second can't hold the call past its deadline."""
    async with _async(server) as client:
        error, elapsed = await _atimed(lambda: client.service_api.get_status("drip-headers"))
    assert _is_deadline_error(error), error
    assert elapsed < LATEST


def test_a_per_call_timeout_is_the_budget_of_that_call(server: _Server) -> None:
    """request_options timeout replaces the client's for one call, as a total too."""
    with _sync(server, timeout=60) as client:
        error, elapsed = _timed(
            lambda: client.service_api.get_status(
                "drip-body", request_options={"timeout": DEADLINE}
            )
        )
    assert _is_deadline_error(error), error
    assert elapsed < LATEST


def test_a_retry_after_beyond_the_deadline_ends_the_call_at_once(server: _Server) -> None:
    """Sync: 429 with Retry-After 120 and 1.5 s left: no sleep, the 429 is raised now."""
    with _sync(server) as client:
        error, elapsed = _timed(lambda: client.service_api.get_status("rate-limited"))
    assert isinstance(error, TooManyRequestsError)
    assert error.headers["retry-after"] == "120"
    assert elapsed < 1.0
    assert len(server.hits) == 1


async def test_async_a_retry_after_beyond_the_deadline_ends_the_call_at_once(
    server: _Server,
) -> None:
    """Async: the same, without sleeping."""
    async with _async(server) as client:
        error, elapsed = await _atimed(lambda: client.service_api.get_status("rate-limited"))
    assert isinstance(error, TooManyRequestsError)
    assert elapsed < 1.0
    assert len(server.hits) == 1


def test_retries_that_fit_are_made_and_the_last_error_raised_when_the_next_would_not(
    server: _Server,
) -> None:
    """Retry-After 1 s fits once in 1.5 s; the second would not, so the 503 is raised then."""
    with _sync(server, max_retries=5) as client:
        error, elapsed = _timed(lambda: client.service_api.get_status("briefly-unavailable"))
    assert isinstance(error, ServiceUnavailableError)
    assert len(server.hits) == 2
    assert 0.9 <= elapsed < DEADLINE


def test_a_download_may_take_longer_than_the_timeout_while_bytes_keep_coming(
    server: _Server,
) -> None:
    """Sync stream: the deadline covers getting the response, not reading a long body."""
    with _sync(server) as client:
        started = time.monotonic()
        with client.service_api.get_result_file("e1", "trickle") as stream:
            assert b"".join(stream) == b"0123456789"
    assert time.monotonic() - started > DEADLINE


async def test_async_a_download_may_take_longer_than_the_timeout_while_bytes_keep_coming(
    server: _Server,
) -> None:
    """Async stream: same contract."""
    async with _async(server) as client:
        started = time.monotonic()
        async with await client.service_api.get_result_file("e1", "trickle") as stream:
            assert b"".join([chunk async for chunk in stream]) == b"0123456789"
    assert time.monotonic() - started > DEADLINE


def test_a_stalled_download_fails_after_one_read_timeout(server: _Server) -> None:
    """Each read of a download is bounded by the timeout: a stall raises ApiTimeoutError."""
    with _sync(server) as client:
        stream = client.service_api.get_result_file("e1", "stall")
        error, elapsed = _timed(lambda: b"".join(stream))
    assert isinstance(error, ApiTimeoutError)
    assert error.deadline is None  # a per-read timeout, not the call's budget
    assert DEADLINE - 0.1 <= elapsed < LATEST


# --- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["loop-a", "chain-0"])
def test_redirect_loops_and_endless_chains_raise_redirect_error(
    server: _Server, start: str
) -> None:
    """A loop, or more than 20 hops, is a RedirectError naming the URL, not httpx's error."""
    with _sync(server) as client:
        error, _ = _timed(lambda: client.service_api.get_status(start))
    assert isinstance(error, RedirectError)
    assert error.status_code == 302
    assert _url(server) in str(error)
    assert "loop" in str(error) if start == "loop-a" else "more than 20 redirects" in str(error)
    assert len(server.hits) == (2 if start == "loop-a" else 21)


async def test_async_redirect_loop_raises_redirect_error(server: _Server) -> None:
    """Async: the same loop, the same error."""
    async with _async(server) as client:
        error, _ = await _atimed(lambda: client.service_api.get_status("loop-a"))
    assert isinstance(error, RedirectError)
    assert "loop" in str(error)


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_redirected_post_is_never_resent_as_a_get(server: _Server, status: int) -> None:
    """A 301/302/303 to a POST raises RedirectError naming status and Location; no GET follows."""
    with _sync(server, f"/post-{status}") as client:
        error, _ = _timed(lambda: client.service_api.start_execution(request={"id": "x"}))
    assert isinstance(error, RedirectError)
    assert (error.status_code, error.method) == (status, "POST")
    assert error.location == _url(server, "/gw/e1")
    assert f"HTTP {status}" in str(error)
    assert f"to {_url(server)}/e1" in str(error)
    assert [hit[0] for hit in server.hits] == ["POST"]


async def test_async_a_redirected_post_is_never_resent_as_a_get(server: _Server) -> None:
    """Async: the same 302."""
    async with _async(server, "/post-302") as client:
        error, _ = await _atimed(lambda: client.service_api.start_execution(request={"id": "x"}))
    assert isinstance(error, RedirectError)
    assert [hit[0] for hit in server.hits] == ["POST"]


def test_a_redirected_put_is_not_followed_either(server: _Server) -> None:
    """PUT (cancel_execution) answered 302: RedirectError, nothing else sent."""
    with _sync(server, "/gw") as client:
        error, _ = _timed(lambda: client.service_api.cancel_execution("put-302"))
    assert isinstance(error, RedirectError)
    assert error.method == "PUT"
    assert [hit[0] for hit in server.hits] == ["PUT"]


def test_a_post_follows_a_307_on_the_same_origin_with_its_body(server: _Server) -> None:
    """307 keeps the method and body: the POST is made again at the new URL."""
    with _sync(server, "/post-307") as client:
        execution = client.service_api.start_execution(request={"id": "moved"})
    assert execution.id == "moved"
    assert server.hits == [
        ("POST", "/post-307", b'{"id":"moved"}'),
        ("POST", "/echo", b'{"id":"moved"}'),
    ]


def test_a_post_does_not_follow_a_308_to_another_origin(
    servers: tuple[_Server, _Server], server: _Server
) -> None:
    """A request body is not sent to another origin, even by a 308."""
    with _sync(server, "/post-308-away") as client:
        error, _ = _timed(lambda: client.service_api.start_execution(request={"id": "x"}))
    assert isinstance(error, RedirectError)
    assert "another origin" in str(error)
    assert servers[1].hits == []


def test_a_get_still_follows_a_redirect_to_another_origin_without_credentials(
    servers: tuple[_Server, _Server], server: _Server
) -> None:
    """GETs follow cross-origin redirects as before; the token stays home."""
    with _sync(server, "/get-302-away") as client:
        assert client.service_api.get_status("e1").id == "e1"
    assert [hit[1] for hit in servers[1].hits] == ["/gw/e1"]


# --- mechanics a server can't show ------------------------------------------------------------


def _mock_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[HubServiceClient, list[float]]:
    client = HubServiceClient(
        base_url="https://gateway.example/gw",
        token="tok",
        httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
        **kwargs,
    )
    slept: list[float] = []
    client._pipeline.sleep = slept.append
    client._pipeline.retry.jitter = lambda: 0.5
    return client, slept


def test_a_backoff_longer_than_the_time_left_is_not_waited_for() -> None:
    """Backoff counts too: with 1.5 s budget, the 2 s second backoff is not started."""
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503)

    client, slept = _mock_client(handler, timeout=DEADLINE)
    with pytest.raises(ServiceUnavailableError):
        client.service_api.get_status("e1")
    assert (calls, slept) == (2, [1.0])


def test_connection_errors_are_not_retried_past_the_deadline() -> None:
    """A refused connection is retried only while the backoff fits in the time left."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client, slept = _mock_client(handler, timeout=0.5)
    with pytest.raises(ApiConnectionError) as caught:
        client.service_api.get_status("e1")
    assert slept == []
    assert not isinstance(caught.value, ApiTimeoutError)


def test_without_a_timeout_an_injected_client_keeps_its_own_per_operation_timeouts() -> None:
    """No timeout given with an httpx_client: that client's timeouts, no total deadline."""
    seen: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=EXECUTION)

    client = HubServiceClient(
        base_url="https://gateway.example/gw",
        token="tok",
        httpx_client=httpx.Client(transport=httpx.MockTransport(handler), timeout=7),
    )
    client.service_api.get_status("e1")
    assert seen == [{"connect": 7, "read": 7, "write": 7, "pool": 7}]


def test_a_long_poll_asks_for_the_hold_and_lengthens_the_calls_timeouts() -> None:
    """long_poll=N: Prefer: wait=N, and the read timeout and the deadline grow by N (so a
    held answer is never cut by a timeout shorter than the hold); other phases unchanged."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=EXECUTION)

    client = HubServiceClient(
        base_url="https://gateway.example/gw",
        token="tok",
        timeout=5,
        httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    client.service_api.get_status("e1", request_options={"long_poll": 20})
    client.service_api.get_status("e1")
    held, plain = seen
    assert held.headers["Prefer"] == "wait=20"
    assert "Prefer" not in plain.headers
    held_timeouts, plain_timeouts = held.extensions["timeout"], plain.extensions["timeout"]
    assert 24 < held_timeouts["read"] <= 25
    assert held_timeouts["connect"] <= 5
    assert plain_timeouts["read"] <= 5


def test_operation_timeouts_shrink_with_the_time_left_until_released() -> None:
    """Each operation gets min(its timeout, time left); a released one gets its own again."""
    now = [0.0]
    deadline = Deadline(5.0, clock=lambda: now[0])
    timeouts = OperationTimeouts({"read": 60.0, "pool": None}, deadline)
    assert dict(timeouts) == {"read": 5.0, "pool": 5.0}
    now[0] = 4.5
    assert timeouts.get("read") == pytest.approx(0.5)
    now[0] = 9.0
    assert timeouts["read"] == pytest.approx(0.001)  # never 0: that would mean non-blocking
    timeouts.release()
    assert dict(timeouts) == {"read": 60.0, "pool": None}


def test_errors_keep_their_details_through_pickling() -> None:
    """RedirectError and a deadline ApiTimeoutError pickle with their attributes."""
    redirect = RedirectError(
        "a redirect loop",
        method="GET",
        url="https://a.example/x?sig=secret",
        location="https://a.example/y",
        status_code=302,
        headers={"Location": "https://a.example/y"},
    )
    timeout = ApiTimeoutError("GET /x: deadline of 1.5 s", deadline=1.5)
    copies = [pickle.loads(pickle.dumps(e)) for e in (redirect, timeout)]  # noqa: S301 - ours
    assert isinstance(copies[0], RedirectError)
    assert (copies[0].url, copies[0].location, copies[0].status_code, str(copies[0])) == (
        redirect.url,
        redirect.location,
        302,
        str(redirect),
    )
    assert "secret" not in str(redirect)
    assert isinstance(copies[1], ApiTimeoutError)
    assert (copies[1].deadline, str(copies[1])) == (1.5, str(timeout))
