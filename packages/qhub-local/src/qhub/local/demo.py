"""``make demo``: start a local Hub, run the Service SDK quickstart against it, stop the Hub.

The quickstart code in :func:`quickstart` is the vendor documentation's, unchanged except for
where the endpoint and keys come from (the Hub's ``connection.json`` instead of your account).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["main", "quickstart"]


@contextmanager
def local_hub(data_dir: Path) -> Iterator[dict[str, Any]]:
    """Run ``qhub-local serve`` on a free port; yield its connection info; stop it."""
    connection_file = data_dir / "connection.json"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qhub.local.cli",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
        ],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not connection_file.exists():
            if server.poll() is not None:
                raise SystemExit(f"the local Hub exited with status {server.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit("the local Hub did not start within 30 s")
            time.sleep(0.05)
        yield json.loads(connection_file.read_text())
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)


def quickstart(hub: dict[str, Any], download_dir: Path) -> None:
    """The Service SDK quickstart, plus printing what a user wants to see."""
    from qhub.service.client import HubServiceClient

    client = HubServiceClient(
        service_endpoint=hub["services"]["quickstart"],
        access_key_id=hub["application"]["access_key_id"],
        secret_access_key=hub["application"]["secret_access_key"],
        token_endpoint=hub["token_endpoint"],
    )

    # Start a new execution
    execution = client.run(request={"values": [2], "shots": 100})
    print(f"started execution {execution.id} ({execution.status})")

    # Block until the execution finishes
    execution.wait_for_final_state(timeout=300)

    print(f"Finished at {execution.ended_at} with status {execution.status}")

    # Fetch the result
    result = execution.result()
    print("result:", json.dumps(result.data(), indent=2))

    # Download every result file into the download directory
    for file_name in execution.result_files():
        path = execution.download_result_file(file_name, download_dir)
        print(f"downloaded {file_name} ({path.stat().st_size} bytes) -> {path}")

    print("logs:")
    for entry in execution.logs() or []:
        print(f"  {entry.timestamp:%H:%M:%S.%f} {entry.severity!s:7} {entry.message}")
    client.close()


def main() -> None:
    """Start a Hub in a temporary directory, run the quickstart, stop the Hub."""
    with tempfile.TemporaryDirectory(prefix="qhub-demo-") as tmp:
        root = Path(tmp)
        downloads = root / "downloads"
        downloads.mkdir()
        with local_hub(root / "hub") as hub:
            print(f"local Hub at {hub['base_url']}\n")
            quickstart(hub, downloads)
        print("\nlocal Hub stopped.")


if __name__ == "__main__":
    main()
