"""Downloads read in 1 MiB pieces and, once h11 holds none of the body, straight from the socket.

Pinned against real loopback servers (a threaded ``http.server`` in this process, plain and
over TLS with a certificate made by ``openssl``) that send a body whole, joined to the
headers, in small pieces, chunked, compressed, cut short or stalled: the bytes must come out
identical, a failure must raise and leave no file, and a stall must end after one read
timeout.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from qhub.api._core.streams import AsyncByteStream, ByteStream
from qhub.api._core.wide_reads import WIDE_READ_BYTES, _read_size
from qhub.api.service.errors import ApiConnectionError, ApiTimeoutError
from qhub.service.client import AsyncHubServiceClient, HubServiceClient

TIMEOUT = 2.0
#: A stalled download must have failed by then; generous, as the machine is shared.
LATEST = TIMEOUT + 4.0
BODY = random.Random(20261123).randbytes(8 << 20)
TEXT = b"0123456789abcdef" * (1 << 17)  # 2 MiB that compress well
EXECUTION = {"id": "e1", "status": "SUCCEEDED", "createdAt": "2026-11-23T05:00:00Z"}
#: Names of result files whose body may be read straight from the socket.
DIRECT = ["whole", "joined", "pieces"]


class _Handler(BaseHTTPRequestHandler):
    """Answers by the last path segment (see :meth:`do_GET`)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on what the client does."""

    def _head(self, headers: dict[str, str]) -> bytes:
        lines = ["HTTP/1.1 200 OK", *(f"{name}: {value}" for name, value in headers.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def do_GET(self) -> None:
        """The execution, or one of its result files sent as its name says."""
        last = self.path.rsplit("/", 1)[-1]
        out = self.wfile
        length = {"Content-Length": str(len(BODY))}
        try:
            if last == "e1":
                body = json.dumps(EXECUTION).encode()
                out.write(self._head({"Content-Length": str(len(body))}) + body)
            elif last == "whole":
                out.write(self._head(length))
                for start in range(0, len(BODY), 1 << 20):
                    out.write(BODY[start : start + (1 << 20)])
            elif last == "joined":  # headers and the first 300 kB in one write: h11 keeps some
                out.write(self._head(length) + BODY[:300_000])
                out.write(BODY[300_000:])
            elif last == "pieces":  # small writes with pauses: reads of every size
                out.write(self._head(length))
                for number, start in enumerate(range(0, len(BODY), 50_000)):
                    out.write(BODY[start : start + 50_000])
                    if number % 20 == 0:
                        time.sleep(0.002)
            elif last == "chunked":
                out.write(self._head({"Transfer-Encoding": "chunked"}))
                for start in range(0, len(BODY), 1 << 18):
                    piece = BODY[start : start + (1 << 18)]
                    out.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                out.write(b"0\r\n\r\n")
            elif last == "gzipped":
                packed = gzip.compress(TEXT)
                headers = {"Content-Encoding": "gzip", "Content-Length": str(len(packed))}
                out.write(self._head(headers) + packed)
            elif last == "cut":  # a third of the body, then the connection closes
                out.write(self._head(length) + BODY[: len(BODY) // 3])
                self.close_connection = True
            elif last == "stall":  # 2 MiB, then silence longer than the read timeout
                out.write(self._head(length) + BODY[: 2 << 20])
                time.sleep(TIMEOUT * 2.5)
                self.close_connection = True
            else:
                out.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as it should


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-answer is expected here."""


def _serve(server: _Server) -> Iterator[_Server]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    """A plain HTTP loopback server."""
    yield from _serve(_Server(("127.0.0.1", 0), _Handler))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made by ``openssl``."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def tls_server(certificate: tuple[Path, Path]) -> Iterator[_Server]:
    """The same server over TLS."""
    server = _Server(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from _serve(server)


def _url(server: _Server, scheme: str = "http") -> str:
    return f"{scheme}://127.0.0.1:{server.server_address[1]}/gw"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _drain(stream: Iterator[bytes]) -> tuple[bytes, list[int]]:
    chunks = list(stream)
    return b"".join(chunks), [len(chunk) for chunk in chunks]


async def _adrain(stream: AsyncIterator[bytes]) -> tuple[bytes, list[int]]:
    chunks = [chunk async for chunk in stream]
    return b"".join(chunks), [len(chunk) for chunk in chunks]


# --- bytes identical, and read straight from the socket -------------------------------------


@pytest.mark.parametrize("name", DIRECT)
def test_a_body_of_known_length_is_read_from_the_socket_and_arrives_intact(
    server: _Server, name: str, tmp_path: Path
) -> None:
    """Sync: the stream takes over from h11, in pieces wider than 64 KiB; bytes identical."""
    with HubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = client.get_service_execution("e1")
        stream = execution.result_file_stream(name)
        assert isinstance(stream, ByteStream)
        with stream:
            data, sizes = _drain(stream)
            assert stream._direct is not None and stream._direct.taken_over
        assert _sha(data) == _sha(BODY)
        assert max(sizes) <= WIDE_READ_BYTES
        path = execution.download_result_file(name, tmp_path)
        assert _sha(path.read_bytes()) == _sha(BODY)
        # The connection read past h11 was closed; the next call opens another.
        assert client.get_service_execution("e1").id == "e1"


@pytest.mark.parametrize("name", DIRECT)
async def test_async_a_body_of_known_length_is_read_from_the_socket_and_arrives_intact(
    server: _Server, name: str, tmp_path: Path
) -> None:
    """Async: the same."""
    async with AsyncHubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = await client.get_service_execution("e1")
        stream = await execution.result_file_stream(name)
        assert isinstance(stream, AsyncByteStream)
        async with stream:
            data, _ = await _adrain(stream)
            assert stream._direct is not None and stream._direct.taken_over
        assert _sha(data) == _sha(BODY)
        path = await execution.download_result_file(name, tmp_path)
        assert _sha(path.read_bytes()) == _sha(BODY)
        assert (await client.get_service_execution("e1")).id == "e1"


def test_the_sdk_reads_wider_than_httpcores_64_kib(server: _Server) -> None:
    """Even through h11 (chunked body), pieces larger than 64 KiB arrive: the reads are wide."""
    with HubServiceClient(_url(server), timeout=TIMEOUT) as client:
        stream = client.get_service_execution("e1").result_file_stream("chunked")
        data, sizes = _drain(stream)
    assert _sha(data) == _sha(BODY)
    assert max(sizes) > 64 * 1024


def test_reads_widen_only_after_one_that_filled_what_httpcore_asked() -> None:
    """A small response is read with httpcore's 64 KiB (a 1 MiB buffer costs a mapping and a
    page fault a read); a read that came back full makes the next one wide, one that came back
    short makes it narrow again."""
    asked = 64 * 1024
    assert _read_size(asked, 0) == asked  # a new connection
    assert _read_size(asked, 300) == asked  # after a small response
    assert _read_size(asked, asked) == WIDE_READ_BYTES  # the data comes in piles
    assert _read_size(asked, 300 * 1024) == WIDE_READ_BYTES
    assert _read_size(2 * WIDE_READ_BYTES, WIDE_READ_BYTES) == 2 * WIDE_READ_BYTES


# --- bodies that go through httpx as before ---------------------------------------------------


def test_chunked_compressed_and_fixed_chunk_bodies_go_through_httpx(server: _Server) -> None:
    """Chunked and gzip bodies and a caller's chunk_size are never read past h11."""
    with HubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = client.get_service_execution("e1")
        chunked = execution.result_file_stream("chunked")
        assert isinstance(chunked, ByteStream) and chunked._direct is None
        assert _sha(_drain(chunked)[0]) == _sha(BODY)
        gzipped = execution.result_file_stream("gzipped")
        assert isinstance(gzipped, ByteStream) and gzipped._direct is None
        assert b"".join(gzipped) == TEXT
        fixed = client.api.get_result_file("e1", "whole", request_options={"chunk_size": 100_000})
        data, sizes = _drain(fixed)
        assert fixed._direct is None
        assert _sha(data) == _sha(BODY) and set(sizes[:-1]) == {100_000}


async def test_async_chunked_and_compressed_bodies_go_through_httpx(server: _Server) -> None:
    """Async: the same for chunked and gzip bodies."""
    async with AsyncHubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = await client.get_service_execution("e1")
        chunked = await execution.result_file_stream("chunked")
        assert isinstance(chunked, AsyncByteStream)
        assert _sha((await _adrain(chunked))[0]) == _sha(BODY) and chunked._direct is None
        gzipped = await execution.result_file_stream("gzipped")
        assert isinstance(gzipped, AsyncByteStream)
        assert (await _adrain(gzipped))[0] == TEXT and gzipped._direct is None


def test_https_downloads_are_intact_through_httpcores_own_tls_stream(
    tls_server: _Server, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """TLS connections are not widened: the body comes through httpx, bytes identical."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with HubServiceClient(_url(tls_server, "https"), timeout=TIMEOUT) as client:
        stream = client.get_service_execution("e1").result_file_stream("joined")
        assert isinstance(stream, ByteStream) and stream._direct is None
        assert _sha(_drain(stream)[0]) == _sha(BODY)


async def test_async_https_downloads_are_intact(
    tls_server: _Server, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Async over TLS: the same."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    async with AsyncHubServiceClient(_url(tls_server, "https"), timeout=TIMEOUT) as client:
        execution = await client.get_service_execution("e1")
        stream = await execution.result_file_stream("whole")
        assert isinstance(stream, AsyncByteStream)
        assert _sha((await _adrain(stream))[0]) == _sha(BODY) and stream._direct is None


def test_an_injected_httpx_client_is_left_alone(server: _Server, tmp_path: Path) -> None:
    """A client the caller gives keeps httpx's own transport; downloads still arrive intact."""
    with (
        httpx.Client(timeout=TIMEOUT) as http,
        HubServiceClient(_url(server), timeout=TIMEOUT, httpx_client=http) as client,
    ):
        execution = client.get_service_execution("e1")
        stream = execution.result_file_stream("whole")
        assert isinstance(stream, ByteStream) and stream._direct is None
        assert _sha(_drain(stream)[0]) == _sha(BODY)
        path = execution.download_result_file("joined", tmp_path)
        assert _sha(path.read_bytes()) == _sha(BODY)


# --- failures: raised, bounded, nothing left behind --------------------------------------------


def test_a_body_cut_short_raises_and_leaves_no_file(server: _Server, tmp_path: Path) -> None:
    """Sync: the server closing mid-body is an ApiConnectionError saying how much came."""
    with HubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = client.get_service_execution("e1")
        with pytest.raises(ApiConnectionError, match=f"of {len(BODY)} bytes") as caught:
            execution.download_result_file("cut", tmp_path)
    assert not isinstance(caught.value, ApiTimeoutError)
    assert list(tmp_path.iterdir()) == []


async def test_async_a_body_cut_short_raises_and_leaves_no_file(
    server: _Server, tmp_path: Path
) -> None:
    """Async: the same."""
    async with AsyncHubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = await client.get_service_execution("e1")
        with pytest.raises(ApiConnectionError, match=f"of {len(BODY)} bytes"):
            await execution.download_result_file("cut", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_stalled_direct_read_times_out_and_leaves_no_file(
    server: _Server, tmp_path: Path
) -> None:
    """Sync: a server silent mid-body fails the download after one read timeout."""
    (tmp_path / "stall").write_bytes(b"an earlier download")
    with HubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = client.get_service_execution("e1")
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError) as caught:
            execution.download_result_file("stall", tmp_path)
        elapsed = time.monotonic() - started
    assert caught.value.deadline is None  # a per-read timeout, not the call's budget
    assert TIMEOUT - 0.1 <= elapsed < LATEST
    assert [p.name for p in tmp_path.iterdir()] == ["stall"]
    assert (tmp_path / "stall").read_bytes() == b"an earlier download"


async def test_async_a_stalled_direct_read_times_out_and_leaves_no_file(
    server: _Server, tmp_path: Path
) -> None:
    """Async: the same."""
    async with AsyncHubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = await client.get_service_execution("e1")
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError) as caught:
            await execution.download_result_file("stall", tmp_path)
        elapsed = time.monotonic() - started
    assert caught.value.deadline is None
    assert TIMEOUT - 0.1 <= elapsed < LATEST
    assert list(tmp_path.iterdir()) == []


def test_progress_counts_every_byte_read_from_the_socket(
    server: _Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """progress=True reaches 100 % when the body was read past h11."""
    with HubServiceClient(_url(server), timeout=TIMEOUT) as client:
        execution = client.get_service_execution("e1")
        execution.download_result_file("whole", tmp_path, progress=True)
    assert "100%" in capsys.readouterr().err
