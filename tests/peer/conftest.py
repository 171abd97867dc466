"""A running ``qhub-serve`` (the vendor's local gateway runtime) from its own throwaway venv.

``make peer`` creates ``.tools/peer`` with ``qhub-serve`` installed; nothing of it is imported
here: it runs as a separate process and we only talk HTTP to it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

PEER_PYTHON = Path(__file__).resolve().parents[2] / ".tools" / "peer" / "bin" / "python"

PROGRAM = """
import logging
import time

from qhub.commons.runtime.output import write_string_output


def run(values: list[float], sleep: float = 0.0, fail: int = 0) -> dict:
    logging.getLogger(__name__).info("summing %d values", len(values))
    if sleep:
        time.sleep(sleep)
    if fail:
        raise ValueError("requested failure")
    write_string_output("hello.txt", "hello from the peer\\n")
    return {"sum": sum(values), "count": len(values)}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def qhub_serve_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a qhub-serve process running a small workspace."""
    if not PEER_PYTHON.exists():
        pytest.skip("the vendor peer is not installed: run `make peer`")
    workspace = tmp_path_factory.mktemp("peer-ws")
    (workspace / "src").mkdir()
    (workspace / "src" / "__init__.py").write_text("")
    (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAM))
    (workspace / "datapool").mkdir()
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ENTRYPOINT", "INPUT_DIRECTORY", "OUTPUT_DIRECTORY")
    }
    env.update(
        WORKSPACE=str(workspace),
        ENTRYPOINT="src.program:run",
        DATAPOOL_DIRECTORY=str(workspace / "datapool"),
    )
    log = (workspace / "server.log").open("wb")
    process = subprocess.Popen(
        [
            str(PEER_PYTHON),
            "-m",
            "uvicorn",
            "qhub_serve.app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--app-dir",
            str(workspace),
        ],
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"qhub-serve exited: {(workspace / 'server.log').read_text()}")
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("qhub-serve did not start within 20 s")
            time.sleep(0.05)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
