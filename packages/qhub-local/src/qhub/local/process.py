"""Run ``qhub-local serve`` as a separate process (for demos, benchmarks and end-to-end tests)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["hub_process"]


@contextlib.contextmanager
def hub_process(
    data_dir: Path,
    args: Sequence[str] = (),
    *,
    startup_timeout: float = 30.0,
    quiet: bool = False,
    log_file: Path | None = None,
) -> Iterator[tuple[dict[str, Any], subprocess.Popen[bytes]]]:
    """Start ``qhub-local serve --port 0 --data-dir DATA_DIR ARGS``; yield its connection info.

    The server runs in its own session and is stopped with SIGTERM (then SIGKILL) on exit.
    ``quiet`` drops its stdout (the banner); its log (stderr) goes to ``log_file`` if given.

    Raises:
        RuntimeError: the server exited or did not write ``connection.json`` in time.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    connection = data_dir / "connection.json"
    connection.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "qhub.local.cli",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        *args,
    ]
    log = log_file.open("ab") if log_file is not None else None
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + startup_timeout
        while not connection.exists():
            if server.poll() is not None:
                raise RuntimeError(f"the local Hub exited with status {server.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the local Hub did not start within {startup_timeout:.0f} s")
            time.sleep(0.05)
        yield json.loads(connection.read_text()), server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
        if log is not None:
            log.close()
