"""A proxy the environment names is used by the clients the SDK makes (httpx ignores the
environment for a client given its own transport, so the SDK then makes httpx's defaults):
a real forward proxy on loopback answers for a host that doesn't exist."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qhub.api.service import AsyncHubServiceClient, HubServiceClient

EXECUTION = {"id": "e1", "status": "RUNNING", "createdAt": "2026-12-01T05:00:00Z"}


class _ForwardProxy(BaseHTTPRequestHandler):
    """Answers every proxied GET itself, recording the absolute URL it was asked for."""

    seen: list[str] = []

    def do_GET(self) -> None:
        _ForwardProxy.seen.append(self.path)
        body = json.dumps(EXECUTION).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A forward proxy named by HTTP_PROXY; yields the URLs it was asked for."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ForwardProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_port}")
    _ForwardProxy.seen = []
    yield _ForwardProxy.seen
    server.shutdown()
    server.server_close()


def test_a_client_goes_through_the_proxy_the_environment_names(proxy: list[str]) -> None:
    with HubServiceClient(base_url="http://gateway.invalid/gw", token="tok") as client:
        assert client.service_api.get_status("e1").id == "e1"
    assert proxy == ["http://gateway.invalid/gw/e1"]


async def test_an_async_client_does_too(proxy: list[str]) -> None:
    async with AsyncHubServiceClient(base_url="http://gateway.invalid/gw", token="tok") as client:
        assert (await client.service_api.get_status("e1")).id == "e1"
    assert proxy == ["http://gateway.invalid/gw/e1"]
