"""Listings against a big store: a page of 50 of ``search_jobs`` at 1 000, 10 000 and 100 000
jobs, and of the Platform's ``get_service_executions`` at as many service executions, to
show the time does not grow with the store (the goal: ≤ 20 ms at the Hub).

Jobs and executions are written straight into the Hub's SQLite file (in the Hub's own
layout, through its stores) before the Hub starts; each figure is the median of repeated
requests over loopback: for jobs the first page, a page deep in the listing, and one
service execution's jobs; for executions the first page and a page deep in the listing.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from qhub.local.domain.executions import Execution, ExecutionStore
from qhub.local.domain.quantum.records import JobRecord
from qhub.local.domain.quantum.store import QuantumStore
from qhub.local.domain.store import Database
from qhub.local.server import LocalHub

SIZES = (1_000, 10_000, 100_000)
REPEATS = 30
QASM = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; h q[0]; cx q[0], q[1];'


def _seed(data_dir: Path, organization_id: str, count: int) -> str:
    """``count`` finished jobs of ``organization_id``, one in ten from one service execution
    (whose id is returned)."""
    database = Database(data_dir / "hub.sqlite3")
    store = QuantumStore(database)
    execution = str(uuid.uuid4())
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for index in range(count):
        created = start + timedelta(seconds=index)
        store.save_job(
            JobRecord(
                id=str(uuid.uuid4()),
                organization_id=organization_id,
                backend_id="aws.sim.sv1",
                shots=100,
                input_format="OPEN_QASM_V3",
                input={"qasm": QASM},
                status="COMPLETED",
                created_at=created,
                name=f"job {index}",
                service_execution_id=execution if index % 10 == 0 else None,
                started_at=created,
                ended_at=created + timedelta(milliseconds=20),
                result={"counts": {"00": 50, "11": 50}, "shots": 100},
            )
        )
    database.close()
    return execution


def _seed_executions(data_dir: Path, organization_id: str, application_id: str, count: int) -> None:
    """``count`` finished executions of the example service by ``application_id``."""
    database = Database(data_dir / "hub.sqlite3")
    store = ExecutionStore(database)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for index in range(count):
        created = start + timedelta(seconds=index)
        store.add(
            Execution(
                id=str(uuid.uuid4()),
                service="/gateway/local/quickstart/1.0.0",
                application_id=application_id,
                status="SUCCEEDED",
                created_at=created,
                workdir=data_dir / "executions" / str(index),
                started_at=created,
                ended_at=created + timedelta(milliseconds=20),
                tags=["bench"],
                organization_id=organization_id,
            )
        )
    database.close()


def _median_ms(client: httpx.Client, url: str, params: dict[str, object]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url, params=params)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return statistics.median(times)


def main() -> None:
    """Print the figures for each store size."""
    print(f"GET /quantum/jobs, page of 50, median of {REPEATS}, ms (loopback, whole request)")
    print(f"{'jobs':>8} {'first page':>11} {'page 10':>9} {'one execution':>14}")
    for count in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            with LocalHub(data_dir, example=False) as hub:  # creates the organization
                assert hub.connection is not None
                organization_id = hub.connection.organization_id
            execution = _seed(data_dir, organization_id, count)
            with LocalHub(data_dir, example=False) as hub:
                assert hub.connection is not None
                url = f"{hub.connection.quantum_url}/jobs"
                headers = {"X-Auth-Token": hub.connection.personal_access_token}
                with httpx.Client(headers=headers) as client:
                    first = _median_ms(client, url, {"page": 0, "size": 50})
                    deep = _median_ms(client, url, {"page": 10, "size": 50})
                    scoped = _median_ms(
                        client, url, {"page": 0, "size": 50, "serviceExecutionId": execution}
                    )
            print(f"{count:>8} {first:>11.1f} {deep:>9.1f} {scoped:>14.1f}")
    print()
    print(
        f"GET /qc-catalog/service-executions, page of 50, median of {REPEATS}, ms"
        " (loopback, whole request)"
    )
    print(f"{'executions':>10} {'first page':>11} {'page 10':>9}")
    for count in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            with LocalHub(data_dir, example=False) as hub:
                assert hub.connection is not None
                organization_id = hub.connection.organization_id
                application_id = hub.connection.application["id"]
            _seed_executions(data_dir, organization_id, application_id, count)
            with LocalHub(data_dir) as hub:
                assert hub.connection is not None
                url = f"{hub.connection.platform_url}/service-executions"
                headers = {"X-Auth-Token": hub.connection.personal_access_token}
                with httpx.Client(headers=headers) as client:
                    first = _median_ms(client, url, {"page": 0, "size": 50})
                    deep = _median_ms(client, url, {"page": 10, "size": 50})
            print(f"{count:>10} {first:>11.1f} {deep:>9.1f}")


if __name__ == "__main__":
    main()
