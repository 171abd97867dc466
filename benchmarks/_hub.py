"""Start a real ``qhub-local serve`` process for benchmarks and read its connection.json."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qhub.local.process import hub_process


@contextmanager
def running_hub(
    data_dir: Path, services: dict[str, Path], *extra: str, log_file: Path | None = None
) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield (connection info, server pid) of a hub serving ``services`` on a free port; its
    log goes to ``log_file`` if given (else to this process's stderr)."""
    args = ["--no-example", *extra]
    for name, workspace in services.items():
        args += ["--service", f"{name}={workspace}"]
    with hub_process(data_dir, args, quiet=True, log_file=log_file) as (connection, server):
        yield connection, server.pid


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a live process (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")
