"""``make demo``: start a local Hub, run both SDK quickstarts and the data pool grants
example against it, stop the Hub.

The code in :func:`quickstart` (Service SDK), :func:`quantum_quickstart` (API SDK) and
:func:`grants_example` (the Service SDK's data pool grants) is the vendor documentation's,
unchanged except for where the endpoint, keys and ids come from (the Hub's
``connection.json`` and the pools made here instead of your account).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from .process import hub_process

__all__ = ["grants_example", "main", "quantum_quickstart", "quickstart"]

#: The service the grants example runs: reads one pool, writes a summary into another.
POOL_SUMMARY = Path(__file__).resolve().parent / "examples" / "pool_summary"


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


def grants_example(hub: dict[str, Any]) -> None:
    """Two data pools made through the Platform API, a CSV file uploaded into one; then the
    Service SDK's grants example: the execution reads the first pool (``VIEW``) and writes a
    summary into the second (``MODIFY``), with grants the SDK acquires for it."""
    from qhub.api.platform import HubPlatformClient as PlatformApi
    from qhub.service.client import HubPlatformClient, HubServiceClient
    from qhub.service.datapool import DataPoolGrant, DataPoolPermission

    platform = PlatformApi(api_key=hub["personal_access_token"], base_url=hub["platform_url"])
    source = platform.data_pools.create_data_pool(name="demo-measurements")
    target = platform.data_pools.create_data_pool(name="demo-summaries")
    assert source.id is not None
    assert target.id is not None
    table = b"basis,outcome\nz,0\nz,1\nx,0\n"
    platform.data_pools.add_data_pool_file(source.id, file=("runs.csv", table, "text/csv"))
    print(f"data pools {source.id} (with runs.csv) and {target.id} made")

    service_endpoint = hub["services"]["pool-summary"]
    access_key_id = hub["application"]["access_key_id"]
    secret_access_key = hub["application"]["secret_access_key"]
    dp_abc123, dp_def456, app_xyz789 = source.id, target.id, hub["application"]["id"]

    platform_client = HubPlatformClient(
        api_key=hub["personal_access_token"],
        organization_id=hub["organization_id"],
        platform_endpoint=hub["platform_url"],
    )
    client = HubServiceClient(
        service_endpoint,
        access_key_id,
        secret_access_key,
        token_endpoint=hub["token_endpoint"],
        platform_client=platform_client,
    )

    grants = [
        DataPoolGrant(
            name="input_data",
            datapool_id=dp_abc123,
            application_id=app_xyz789,
            permission=DataPoolPermission.VIEW,
        ),
        DataPoolGrant(
            name="output_data",
            datapool_id=dp_def456,
            application_id=app_xyz789,
            permission=DataPoolPermission.MODIFY,
        ),
    ]

    execution = client.run(request={"shots": 100}, grants=grants)
    execution.wait_for_final_state(timeout=300)
    print(f"execution {execution.id}: {execution.status}")
    print("result:", json.dumps(execution.result().data()))
    for entry in execution.logs() or []:
        print(f"  {entry.severity!s:7} {entry.message}")
    for summary in platform.data_pools.get_data_pool_files(target.id):
        assert summary.id is not None
        content = b"".join(platform.data_pools.get_data_pool_file(target.id, summary.id))
        print(f"{summary.name} in {target.id}:")
        print("  " + content.decode().strip().replace("\n", "\n  "))
    client.close()
    platform.close()


def main() -> None:
    """Start a Hub in a temporary directory, run the quickstart, stop the Hub."""
    if importlib.util.find_spec("qhub.service") is None:
        # qhub-local needs only qhub-api; the demo also runs the Service SDK's quickstart.
        sys.exit("the demo runs the Service SDK quickstart too: install qhub-service first")
    with tempfile.TemporaryDirectory(prefix="qhub-demo-") as tmp:
        root = Path(tmp)
        downloads = root / "downloads"
        downloads.mkdir()
        serve = ["--service", f"pool-summary={POOL_SUMMARY}"]
        with hub_process(root / "hub", serve) as (hub, _):
            print(f"local Hub at {hub['base_url']}\n")
            print("== Service SDK quickstart (a managed service through the gateway) ==")
            quickstart(hub, downloads)
            print("\n== API SDK quickstart (a Bell circuit on a simulator) ==")
            quantum_quickstart(hub)
            print("\n== Data pool grants (an execution reads one pool, writes another) ==")
            grants_example(hub)
        print("\nlocal Hub stopped.")


if __name__ == "__main__":
    main()
