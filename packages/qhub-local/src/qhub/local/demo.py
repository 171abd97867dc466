"""``make demo``: start a local Hub, run the Service SDK quickstart against it, stop the Hub.

The quickstart code in :func:`quickstart` is the vendor documentation's, unchanged except for
where the endpoint and keys come from (the Hub's ``connection.json`` instead of your account).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from .process import hub_process

__all__ = ["main", "quickstart"]


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
        print(f"  {entry.timestamp:%H:%M:%S} {entry.severity!s:7} {entry.message}")
    client.close()


def main() -> None:
    """Start a Hub in a temporary directory, run the quickstart, stop the Hub."""
    with tempfile.TemporaryDirectory(prefix="qhub-demo-") as tmp:
        root = Path(tmp)
        downloads = root / "downloads"
        downloads.mkdir()
        with hub_process(root / "hub") as (hub, _):
            print(f"local Hub at {hub['base_url']}\n")
            quickstart(hub, downloads)
        print("\nlocal Hub stopped.")


if __name__ == "__main__":
    main()
