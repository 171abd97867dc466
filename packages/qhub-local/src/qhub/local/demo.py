"""``make demo``: start a local Hub, run both SDK quickstarts against it, stop the Hub.

The quickstart code in :func:`quickstart` (Service SDK) and :func:`quantum_quickstart` (API
SDK) is the vendor documentation's, unchanged except for where the endpoint and keys come from
(the Hub's ``connection.json`` instead of your account).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from .process import hub_process

__all__ = ["main", "quantum_quickstart", "quickstart"]


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


def quantum_quickstart(hub: dict[str, Any]) -> None:
    """The API SDK quickstart: a Bell circuit in IonQ format, polled, then its counts."""
    import time

    from qhub.api.quantum import HubQuantumClient
    from qhub.api.quantum.jobs import CreateJobRequestInput_AzureIonqSimulator
    from qhub.api.quantum.types import AzureIonqJobInputCircuitItem

    client = HubQuantumClient(api_key=hub["personal_access_token"], base_url=hub["quantum_url"])
    job = client.jobs.create_job(
        backend_id="aws.sim.sv1",
        shots=1000,
        input=CreateJobRequestInput_AzureIonqSimulator(
            circuit=[
                AzureIonqJobInputCircuitItem(targets=[0]),
                AzureIonqJobInputCircuitItem(targets=[1], controls=[0]),
            ],
            gateset="qis",
            qubits=2,
        ),
    )
    print(f"submitted job {job.id} to {job.backend_id} ({job.status})")
    while client.jobs.get_job_status(job.id).status in ("PENDING", "RUNNING"):
        time.sleep(0.2)
    print(client.jobs.get_job_result(job.id))
    client.close()


def main() -> None:
    """Start a Hub in a temporary directory, run the quickstart, stop the Hub."""
    if importlib.util.find_spec("qhub.service") is None:
        # qhub-local needs only qhub-api; the demo also runs the Service SDK's quickstart.
        sys.exit("the demo runs the Service SDK quickstart too: install qhub-service first")
    with tempfile.TemporaryDirectory(prefix="qhub-demo-") as tmp:
        root = Path(tmp)
        downloads = root / "downloads"
        downloads.mkdir()
        with hub_process(root / "hub") as (hub, _):
            print(f"local Hub at {hub['base_url']}\n")
            print("== Service SDK quickstart (a managed service through the gateway) ==")
            quickstart(hub, downloads)
            print("\n== API SDK quickstart (a Bell circuit on a simulator) ==")
            quantum_quickstart(hub)
        print("\nlocal Hub stopped.")


if __name__ == "__main__":
    main()
