"""Cookies through the clients the SDK makes: a cookie a server sets is kept and sent back, as
httpx does; a response that sets none is never handed to ``http.cookiejar`` (the cost of
every small call that the SDK's jar saves). Against a real server on loopback."""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections.abc import Iterator
from http.cookiejar import CookieJar
from typing import Any

import httpx
import pytest

from qhub.api._core.cookies import SetCookieJar
from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient


class _Counting(CookieJar):
    """A cookie jar that counts the responses it is asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.read = 0

    def extract_cookies(self, response: Any, request: Any) -> None:
        self.read += 1
        super().extract_cookies(response, request)


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/seen`` answers with the Cookie header it got, ``/runtime-minutes`` as the Hub
    does; ``?set=1`` also sets a cookie."""

    def do_GET(self) -> None:
        if self.path.startswith("/seen"):
            seen = self.headers.get("Cookie") or ""
            body = b'{"seen": "' + seen.encode() + b'"}'
        else:
            body = b'{"allowances": []}'
        self.send_response(200)
        if "set=1" in self.path:
            self.send_header("Set-Cookie", "affinity=node-7; Path=/")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _seen(http_client: httpx.Client, url: str, **params: str) -> str:
    response = http_client.get(f"{url}/seen", params=params)
    seen: str = response.json()["seen"]
    return seen


def test_a_cookie_a_server_sets_is_kept_and_sent_back(url: str) -> None:
    with HubQuantumClient(api_key="k", base_url=url) as client:
        http_client = client._pipeline.http
        assert isinstance(http_client.cookies, SetCookieJar)
        assert _seen(http_client, url) == ""
        assert _seen(http_client, url, set="1") == ""
        assert _seen(http_client, url) == "affinity=node-7"
        client.runtime_minutes.get_runtime_minutes()  # through the SDK's own call path
        assert http_client.cookies.get("affinity") == "node-7"


def test_only_responses_setting_a_cookie_reach_the_cookie_jar(url: str) -> None:
    with HubQuantumClient(api_key="k", base_url=url) as client:
        jar = _Counting()
        client._pipeline.http.cookies = jar
        for _ in range(3):
            client.runtime_minutes.get_runtime_minutes()
        assert jar.read == 0
        _seen(client._pipeline.http, url, set="1")
        assert jar.read == 1
        assert [cookie.name for cookie in jar] == ["affinity"]


def test_the_async_client_keeps_cookies_too(url: str) -> None:
    async def main() -> list[str]:
        async with AsyncHubQuantumClient(api_key="k", base_url=url) as client:
            http_client = client._pipeline.http
            assert isinstance(http_client.cookies, SetCookieJar)
            seen = []
            for params in ({"set": "1"}, {}):
                response = await http_client.get(f"{url}/seen", params=params)
                seen.append(response.json()["seen"])
            return seen

    assert asyncio.run(main()) == ["", "affinity=node-7"]


def test_an_injected_client_keeps_its_own_jar(url: str) -> None:
    with (
        httpx.Client() as mine,
        HubQuantumClient(api_key="k", base_url=url, httpx_client=mine) as client,
    ):
        assert client._pipeline.http is mine
        assert type(mine.cookies) is httpx.Cookies
