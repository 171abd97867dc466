"""Start a real ``qhub-local serve`` process for benchmarks and read its connection.json."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def running_hub(
    data_dir: Path, services: dict[str, Path], *extra: str
) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield (connection info, server pid) of a hub serving ``services`` on a free port."""
    args = [
        sys.executable,
        "-m",
        "qhub.local.cli",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        "--no-example",
    ]
    for name, workspace in services.items():
        args += ["--service", f"{name}={workspace}"]
    connection = data_dir / "connection.json"
    if connection.exists():
        connection.unlink()
    server = subprocess.Popen([*args, *extra], stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not connection.exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the local Hub did not start")
            time.sleep(0.05)
        yield json.loads(connection.read_text()), server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a live process (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")
