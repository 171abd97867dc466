"""A minimal fast gateway stand-in for overhead measurements: GET /gw/{id} returns one execution.

Kept trivial so that the measured difference between two clients is the clients' own cost.
:func:`running_fast_server` starts it in its own process (``python _fast_server.py PORT``
serves until killed).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

#: The one execution it knows.
EXECUTION_ID = "e1"
BODY = (
    b'{"id":"e1","status":"RUNNING","createdAt":"2026-11-23T05:00:00.000Z",'
    b'"startedAt":"2026-11-23T05:00:01.000Z","endedAt":null,"type":"MANAGED",'
    b'"serviceId":"svc","serviceDefinitionId":"def","applicationId":"app","tags":["bench"]}'
)


async def status(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/gw/{id}", status)])


@contextmanager
def running_fast_server() -> Iterator[tuple[str, int]]:
    """Yield (base URL, pid) of the server running in a process of its own."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = subprocess.Popen([sys.executable, str(Path(__file__)), str(port)])
    base = f"http://127.0.0.1:{port}/gw"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/{EXECUTION_ID}")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
