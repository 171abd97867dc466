"""A headless Chromium driven over the DevTools protocol, for the dashboard's browser tests.

Only the standard library: Chromium listens on a port it picks (``DevToolsActivePort`` in its
profile directory names it), and the page's DevTools endpoint is a WebSocket, spoken here
with just what CDP needs (text frames, fragmented replies, ping, close).

Chromium comes from ``make chromium`` (Debian's ``chromium`` package); ``QHUB_CHROMIUM``
names another binary. Without one, :func:`chromium_binary` fails the test saying so: the
browser tests never skip.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest

__all__ = ["CHROMIUM_ENV", "Chromium", "DevToolsError", "Page", "chromium_binary"]

#: Names another Chromium (or Chrome) binary than the one on the PATH.
CHROMIUM_ENV = "QHUB_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Without the background-networking flags Chromium calls Google's services at start, which a
# closed network refuses (and which a test has no business doing anyway).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
)
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def chromium_binary() -> str:
    """The Chromium to run; fails the calling test when there is none."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        if not Path(named).is_file():
            pytest.fail(f"{CHROMIUM_ENV}={named} does not exist")
        return named
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "Chromium is not installed, and the dashboard's browser tests need it: run "
        f"`make chromium` (apt-get install chromium) or set {CHROMIUM_ENV} to a Chromium binary"
    )


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or a page script threw."""


class _WebSocket:
    """A client WebSocket (RFC 6455) carrying text messages, enough for CDP."""

    def __init__(self, url: str, timeout: float) -> None:
        assert url.startswith("ws://"), url
        host_port, _, path = url[len("ws://") :].partition("/")
        host, _, port = host_port.rpartition(":")
        self._socket = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        request = (
            f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self._socket.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self._socket.recv(4096)
            if not chunk:
                raise DevToolsError("Chromium closed the DevTools connection at once")
            head += chunk
        head, _, self._buffer = head.partition(b"\r\n\r\n")
        digest = hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()  # noqa: S324 - RFC 6455
        accept = base64.b64encode(digest)
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            raise DevToolsError(f"no WebSocket upgrade: {head.decode(errors='replace')}")

    def _read(self, count: int) -> bytes:
        while len(self._buffer) < count:
            chunk = self._socket.recv(65536)
            if not chunk:
                raise DevToolsError("Chromium closed the DevTools connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        mask = secrets.token_bytes(4)  # clients must mask every frame
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self._socket.sendall(header + mask + masked)

    def send(self, text: str) -> None:
        """Send one text message."""
        self._send_frame(0x1, text.encode())

    def receive(self) -> str:
        """The next text message (answering pings on the way)."""
        message = b""
        while True:
            first, second = self._read(2)
            final, opcode, length = first & 0x80, first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if second & 0x80 else b""
            payload = self._read(length)
            if mask:
                payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
            if opcode == 0x8:
                raise DevToolsError("Chromium closed the DevTools connection")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if final:
                    return message.decode()

    def close(self) -> None:
        """Close the connection (without waiting for Chromium's answer)."""
        with contextlib.suppress(OSError):
            self._send_frame(0x8, b"")
        self._socket.close()


class Page:
    """One tab, driven by DevTools commands; console errors and uncaught exceptions are kept
    in :attr:`problems`."""

    def __init__(self, websocket_url: str, timeout: float = 30.0) -> None:
        self._socket = _WebSocket(websocket_url, timeout)
        self._next_id = 0
        self.problems: list[str] = []
        self.send("Runtime.enable")
        self.send("Log.enable")
        self.send("Page.enable")

    def _note(self, event: dict[str, Any]) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            self.problems.append(f"uncaught: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            values = [arg.get("value", arg.get("description")) for arg in params.get("args", [])]
            self.problems.append(f"console.{params['type']}: {values}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.problems.append(
                f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}"
            )

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Run a DevTools command; its result.

        Raises:
            DevToolsError: Chromium answered with an error.
        """
        self._next_id += 1
        command_id = self._next_id
        self._socket.send(json.dumps({"id": command_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.receive())
            if message.get("id") != command_id:
                self._note(message)
                continue
            if "error" in message:
                raise DevToolsError(f"{method}: {message['error']}")
            result: dict[str, Any] = message.get("result", {})
            return result

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited if it is a promise).

        Raises:
            DevToolsError: the expression threw.
        """
        answer = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in answer:
            raise DevToolsError(f"{expression!r} threw: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        """Poll a JavaScript expression until it is truthy; its value.

        Raises:
            AssertionError: still falsy after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except DevToolsError:  # e.g. the document is being replaced by a navigation
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                body = self.evaluate("document.body ? document.body.innerText : ''")
                raise AssertionError(
                    f"{expression!r} still falsy after {timeout} s; the page shows:\n{body}"
                )
            time.sleep(0.05)

    def navigate(self, url: str) -> None:
        """Open a URL in this tab (returns once navigation has started)."""
        answer = self.send("Page.navigate", url=url)
        if answer.get("errorText"):
            raise DevToolsError(f"navigating to {url}: {answer['errorText']}")

    def screenshot(self, path: Path) -> Path:
        """Save what the tab shows (the whole page) as a PNG."""
        shot = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        """Close the DevTools connection."""
        self._socket.close()


class Chromium:
    """A headless Chromium with a fresh profile in ``profile_dir``; stopped on exit.

    Args:
        profile_dir: an empty directory for the profile (``--user-data-dir``).
        width / height: the window size pages are laid out for.
    """

    def __init__(self, profile_dir: Path, *, width: int = 1440, height: int = 1000) -> None:
        self.binary = chromium_binary()
        self._profile_dir = profile_dir
        self._size = f"--window-size={width},{height}"
        self._process: subprocess.Popen[bytes] | None = None
        self._port = 0

    def start(self, timeout: float = 30.0) -> None:
        """Start Chromium and wait for its DevTools port.

        Raises:
            RuntimeError: it exited, or named no port within ``timeout`` seconds.
        """
        command = [
            self.binary,
            *FLAGS,
            self._size,
            f"--user-data-dir={self._profile_dir}",
            "about:blank",
        ]
        log = (self._profile_dir.parent / f"{self._profile_dir.name}.log").open("wb")
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        port_file = self._profile_dir / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not port_file.is_file() or not port_file.read_text().strip():
            if self._process.poll() is not None or time.monotonic() > deadline:
                output = (self._profile_dir.parent / f"{self._profile_dir.name}.log").read_text(
                    errors="replace"
                )
                raise RuntimeError(f"{self.binary} did not start:\n{output[-3000:]}")
            time.sleep(0.05)
        self._port = int(port_file.read_text().split()[0])

    def new_page(self) -> Page:
        """A new tab (about:blank)."""
        target = httpx.put(f"http://127.0.0.1:{self._port}/json/new?about:blank", timeout=10)
        target.raise_for_status()
        return Page(target.json()["webSocketDebuggerUrl"])

    def stop(self) -> None:
        """Stop Chromium (its child processes go with it)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        self._process = None

    def __enter__(self) -> Chromium:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
