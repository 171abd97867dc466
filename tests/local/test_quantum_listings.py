"""Calibration over time, and the sort and origin rules of the Quantum API's listings, on a
local Hub whose store already has history (a real SQLite file prepared before it starts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.api.quantum.errors import BadRequestError
from qhub.local.domain.store import Database
from qhub.local.server import LocalHub

BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'
SINCE = "2026-11-01T10:30:00.000Z"  # this Hub's calibrations start at 2026-11-01T00:00Z


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub whose data directory was made on 2026-11-01."""
    data = tmp_path_factory.mktemp("hub")
    store = Database(data / "hub.sqlite3")
    store.set_meta("calibrated_since", SINCE)
    store.close()
    with LocalHub(data, example=False) as local:
        yield local


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_calibration_history_pages_through_daily_snapshots(client: HubQuantumClient) -> None:
    """One snapshot per UTC day since the Hub was made, inside from..to, newest first."""
    history = client.backends.get_backend_calibration_history(
        "kipu.sim.qsim",
        from_=datetime(2026, 10, 20, tzinfo=timezone.utc),
        to="2026-11-04T12:00:00Z",
        size=3,
    )
    assert (history.total_elements, history.total_pages) == (4, 2)
    assert [s.calibrated_at for s in history.content or []] == [
        _utc("2026-11-04T00:00:00Z"),
        _utc("2026-11-03T00:00:00Z"),
        _utc("2026-11-02T00:00:00Z"),
    ]
    oldest_first = client.backends.get_backend_calibration_history(
        "kipu.sim.qsim",
        from_="2026-11-02T00:00:00Z",
        to="2026-11-03T00:00:00Z",
        sort="calibratedAt,asc",
    )
    assert [s.calibrated_at for s in oldest_first.content or []] == [
        _utc("2026-11-02T00:00:00Z"),
        _utc("2026-11-03T00:00:00Z"),
    ]
    page_two = client.backends.get_backend_calibration_history(
        "kipu.sim.qsim", from_="2026-10-01T00:00:00Z", to="2026-11-04T12:00:00Z", page=1, size=3
    )
    assert [s.calibrated_at for s in page_two.content or []] == [_utc("2026-11-01T00:00:00Z")]
    assert page_two.content and page_two.content[0].backend_id == "kipu.sim.qsim"


def test_calibration_in_effect_at_an_instant_and_for_a_job(client: HubQuantumClient) -> None:
    """effectiveAt picks that day's snapshot (None before the first); a job gets the one it
    ran with."""
    snapshot = client.backends.get_backend_calibration(
        "aws.sim.sv1", effective_at=datetime(2026, 11, 3, 17, 5, tzinfo=timezone.utc)
    )
    assert snapshot is not None and snapshot.calibrated_at == _utc("2026-11-03T00:00:00Z")
    assert client.backends.get_backend_calibration("aws.sim.sv1", effective_at=SINCE) is not None
    assert (
        client.backends.get_backend_calibration("aws.sim.sv1", effective_at="2026-10-31T23:59:59Z")
        is None
    )
    job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=10, input={"qasm": BELL})
    client.jobs.wait(job.id, timeout=60)
    ran_with = client.jobs.get_job_calibration(job.id)
    assert ran_with is not None and ran_with.backend_id == "aws.sim.sv1"
    started = client.jobs.get_job(job.id).started_at
    assert started is not None
    assert timedelta(0) <= _utc(started) - ran_with.calibrated_at < timedelta(days=1)


def test_calibration_history_refuses_a_bad_period(hub: LocalHub) -> None:
    """from and to are required, must parse, and must be in order: 400 naming the problem."""
    assert hub.connection is not None
    url = f"{hub.connection.quantum_url}/backends/aws.sim.sv1/calibration-history"
    headers = {"X-Auth-Token": hub.connection.personal_access_token}
    cases = {
        "": "from and to required",
        "?from=2026-11-02T00:00:00Z": "to required",
        "?from=yesterday&to=2026-11-02T00:00:00Z": "from must be an ISO-8601 date-time",
        "?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z": "from must not be after to",
        "?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&sort=t1,asc": "can't sort by 't1'",
    }
    for query, message in cases.items():
        response = httpx.get(url + query, headers=headers)
        assert response.status_code == 400, query
        assert message in response.json()["message"], query


def test_jobs_and_workloads_sort_and_filter_by_origin(
    hub: LocalHub, client: HubQuantumClient
) -> None:
    """sort=property,asc|desc (repeatable) orders pages; origin separates standalone work
    from a service execution's (none here)."""
    ids = [
        client.jobs.create_job(
            backend_id="local.aer.simulator",
            shots=10,
            input={"qasm": BELL},
            name=name,
            tags=["sorted"],
        ).id
        for name in ("b", "c", "a")
    ]
    by_name = client.workloads.get_workloads(tag="sorted", sort=["name,asc"])
    assert [w.name for w in by_name.content or []] == ["a", "b", "c"]
    newest_first = client.jobs.search_jobs(sort=["createdAt,desc"], size=1000)
    positions = [job.id for job in newest_first.content or []]
    assert [positions.index(i) for i in reversed(ids)] == sorted(positions.index(i) for i in ids)
    by_name_desc = client.jobs.search_jobs(sort=["name,desc", "createdAt,asc"], size=1000)
    named = [job.name for job in by_name_desc.content or [] if job.id in ids]
    assert named == ["c", "b", "a"]
    standalone = client.workloads.get_workloads(tag="sorted", origin="STANDALONE")
    assert {w.id for w in standalone.content or []} == set(ids)
    from_executions = client.workloads.get_workloads(tag="sorted", origin="SERVICE_EXECUTION")
    assert from_executions.content == []
    with pytest.raises(BadRequestError, match="origin must be STANDALONE or SERVICE_EXECUTION"):
        client.workloads.get_workloads(origin="ELSEWHERE")
    with pytest.raises(BadRequestError, match="can't sort by 'colour'"):
        client.jobs.search_jobs(sort=["colour,asc"])


def test_a_data_dir_from_before_the_payload_table_is_migrated(tmp_path: Path) -> None:
    """Jobs stored with their input inside the document (the layout before payloads had a
    table of their own) read back whole after the upgrade, and list along the index."""
    import json
    import sqlite3

    with LocalHub(tmp_path, example=False) as local:
        assert local.connection is not None
        client = HubQuantumClient(
            api_key=local.connection.personal_access_token, base_url=local.connection.quantum_url
        )
        job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=10, input={"qasm": BELL})
        client.jobs.wait(job.id, timeout=60)
        result = client.jobs.get_job_result(job.id)
        client.close()
    # Rewrite the file into the earlier layout: payload inside the document, no new columns.
    db = sqlite3.connect(tmp_path / "hub.sqlite3")
    (document,) = db.execute("SELECT document FROM quantum_jobs").fetchone()
    input_text, result_text = db.execute(
        "SELECT input, result FROM quantum_job_payloads"
    ).fetchone()
    old = {
        **json.loads(document),
        "input": json.loads(input_text),
        "result": json.loads(result_text),
    }
    db.executescript(
        "DROP TABLE quantum_job_payloads; DROP INDEX IF EXISTS quantum_jobs_by_execution;"
        " DROP INDEX IF EXISTS quantum_jobs_by_session;"
        " ALTER TABLE quantum_jobs DROP COLUMN session_id;"
        " ALTER TABLE quantum_jobs DROP COLUMN service_execution_id;"
    )
    db.execute("UPDATE quantum_jobs SET document = ?", (json.dumps(old),))
    db.commit()
    db.close()

    with LocalHub(tmp_path, example=False) as local:
        assert local.connection is not None
        client = HubQuantumClient(
            api_key=local.connection.personal_access_token, base_url=local.connection.quantum_url
        )
        assert client.jobs.get_job_input(job.id) == {"qasm": BELL}
        assert client.jobs.get_job_result(job.id) == result
        assert [j.id for j in client.jobs.search_jobs().content or []] == [job.id]
        client.close()
    db = sqlite3.connect(tmp_path / "hub.sqlite3")
    (document,) = db.execute("SELECT document FROM quantum_jobs").fetchone()
    assert "input" not in json.loads(document) and "result" not in json.loads(document)
    db.close()
