"""Start the vendor's local runtime (``qhub-serve``, installed by ``make peer`` into
``.tools/peer``) on a workspace, for side-by-side figures. Used as a black box over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PEER_PYTHON = Path(__file__).resolve().parents[1] / ".tools" / "peer" / "bin" / "python"


def peer_installed() -> bool:
    """Whether ``make peer`` has installed the vendor's runtime."""
    return PEER_PYTHON.exists()


@contextmanager
def running_peer(workspace: Path, entrypoint: str = "src.program:run") -> Iterator[tuple[str, int]]:
    """Yield (base URL, pid) of a ``qhub-serve`` process serving ``workspace``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ENTRYPOINT", "INPUT_DIRECTORY", "OUTPUT_DIRECTORY")
    }
    (workspace / "datapool").mkdir(exist_ok=True)
    env.update(
        WORKSPACE=str(workspace),
        ENTRYPOINT=entrypoint,
        DATAPOOL_DIRECTORY=str(workspace / "datapool"),
    )
    process = subprocess.Popen(
        [
            str(PEER_PYTHON),
            *("-m", "uvicorn", "qhub_serve.app:app", "--host", "127.0.0.1"),
            *("--port", str(port), "--app-dir", str(workspace), "--log-level", "warning"),
        ],
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"qhub-serve exited with {process.returncode}")
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("qhub-serve did not start within 30 s")
            time.sleep(0.05)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
