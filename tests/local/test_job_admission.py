"""Bounded job admission: an input over the size limits is refused before any circuit is
built; each parse runs in a pool of parser processes, bounded in time and memory, so one
submission never holds up another and never takes the Hub down; listings never read stored
inputs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.api.quantum.errors import InternalServerError, UnprocessableEntityError
from qhub.local.server import LocalHub
from qhub.local.simulation import JobLimits, simulator_pool

BELL3 = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'
#: A legal program that is slow to read: ``reset`` sends it to Qiskit's reference OpenQASM 3
#: importer, which takes ~0.3 ms and ~15 KiB per statement (some 10 s and 450 MiB here).
SLOW = "\n".join(
    ['OPENQASM 3.0; include "stdgates.inc"; qubit[20] q; reset q[0];']
    + [f"cx q[{i % 20}], q[{(i + 1) % 20}];" for i in range(30_000)]
)
H = {"gate": "h", "targets": [0]}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub of its own: these tests change its job limits and stop parser processes."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
        yield local


@contextmanager
def _limits(hub: LocalHub, limits: JobLimits) -> Iterator[None]:
    hub.job_limits = limits
    try:
        yield
    finally:
        hub.job_limits = JobLimits()


def _until(condition: Callable[[], object], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a killed child not yet reaped is a zombie
        return stat.read().split(") ")[-1][0] != "Z"


def _completes(client: HubQuantumClient, backend_id: str = "aws.sim.sv1") -> None:
    """A Bell job is accepted and runs to its end."""
    job = client.jobs.create_job(backend_id=backend_id, shots=20, input={"qasm": BELL3})
    assert job.id is not None
    assert client.jobs.wait(job.id, timeout=60).status == "COMPLETED"
    assert set(client.jobs.get_job_result(job.id)["counts"]) <= {"00", "11"}


REFUSED: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "IonQ qubits",
        "azure.ionq.simulator",
        {"qubits": 4_000_000, "circuit": [H]},
        r"input.qubits asks for 4000000 qubits; this backend has 29",
    ),
    (
        "IonQ qubit index",
        "azure.ionq.simulator",
        {"circuit": [{"gate": "h", "targets": [4_000_000]}]},
        r"input.circuit\[0\] addresses qubit 4000000; this backend has 29",
    ),
    (
        "IonQ gates",
        "azure.ionq.simulator",
        {"qubits": 1, "circuit": [H] * 100_001},
        r"input.circuit has 100001 gates; the limit is 100000",
    ),
    (
        "IonQ NaN rotation",
        "azure.ionq.simulator",
        {"qubits": 1, "circuit": [{"gate": "rx", "targets": [0], "rotation": "nan"}]},
        r"input.circuit\[0\].rotation must be a finite number, not 'nan'",
    ),
    (
        "IonQ infinite rotation",
        "azure.ionq.simulator",
        {"qubits": 1, "circuit": [{"gate": "rx", "targets": [0], "rotation": "-inf"}]},
        r"input.circuit\[0\].rotation must be a finite number, not '-inf'",
    ),
    (
        "qreg",
        "local.aer.simulator",
        {"qasm": 'OPENQASM 2.0; include "qelib1.inc"; qreg q[1000000]; creg c[1]; h q[0];'},
        r"input.qasm declares 1000000 qubits; this backend has 28",
    ),
    (
        "qubit[n]",
        "aws.sim.sv1",
        {"qasm": "OPENQASM 3.0; qubit[2] a;\nqubit[1_000_000] b; h a[0];"},
        r"input.qasm declares 1000002 qubits; this backend has 28",
    ),
    (
        "physical qubit",
        "aws.sim.sv1",
        {"qasm": 'OPENQASM 3.0; include "stdgates.inc"; h $400000;'},
        r"input.qasm declares 400001 qubits; this backend has 28",
    ),
    (
        "size not a literal",
        "aws.sim.sv1",
        {"qasm": "OPENQASM 3.0; const uint n = 4000000; qubit[n] q;"},
        r"input.qasm: the size in 'qubit\[n\]' must be an integer literal",
    ),
    (
        "classical bits",
        "aws.sim.sv1",
        {"qasm": "OPENQASM 3.0; qubit[2] q; bit[2000000] c; creg d[10];"},
        r"input.qasm declares 2000010 classical bits; the limit is 1024",
    ),
    (
        "statements",
        "local.aer.simulator",
        {"qasm": 'OPENQASM 2.0; include "qelib1.inc"; qreg q[1];' + " h q[0];" * 100_000},
        r"input.qasm has 100003 statements; the limit is 100000",
    ),
    (
        "PUB parameter values",
        "ibm.qpu.fez",
        {"pubs": [[BELL3, [[0.5] * 1_000] * 100]]},
        r"input.pubs\[0\]: parameter values are not supported locally",
    ),
    (
        "PUBs",
        "ibm.qpu.fez",
        {"pubs": [BELL3] * 1_000},
        r"the local Hub runs one PUB per IBM job; input.pubs has 1000",
    ),
]


@pytest.mark.parametrize(
    ("backend_id", "data", "message"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_inputs_over_the_limits_are_refused_before_any_circuit_is_built(
    client: HubQuantumClient, backend_id: str, data: dict[str, Any], message: str
) -> None:
    """A 422 naming the field and the limit; no parser process saw the input; no job."""
    pool = simulator_pool()
    calls, pids = pool.reads, pool.parsers.pids
    listed = client.jobs.search_jobs(size=1).total_elements
    with pytest.raises(UnprocessableEntityError, match=message):
        client.jobs.create_job(backend_id=backend_id, shots=10, input=data)
    assert pool.reads == calls
    assert pool.parsers.pids == pids
    assert client.jobs.search_jobs(size=1).total_elements == listed


def test_an_out_of_range_number_is_refused_at_the_edge(hub: LocalHub) -> None:
    """1e400 is valid JSON that Python reads as infinity: refused like NaN, never simulated."""
    assert hub.connection is not None
    body = (
        '{"backend_id": "azure.ionq.simulator", "shots": 10, "input": {"qubits": 1,'
        ' "circuit": [{"gate": "rx", "targets": [0], "rotation": 1e400}]}}'
    )
    calls = simulator_pool().reads
    response = httpx.post(
        hub.connection.quantum_url + "/jobs",
        content=body,
        headers={
            "X-Auth-Token": hub.connection.personal_access_token,
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 422, response.text
    assert "1e400" in response.json()["message"]
    assert simulator_pool().reads == calls


def test_a_non_finite_angle_in_openqasm_is_refused(client: HubQuantumClient) -> None:
    """A literal too large for a float reads as infinity: the parser refuses it, naming it."""
    program = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[1]; creg c[1]; rx(1e400) q[0];'
    with pytest.raises(UnprocessableEntityError, match=r"rx has a parameter that is not finite"):
        client.jobs.create_job(backend_id="local.aer.simulator", shots=10, input={"qasm": program})


def test_declarations_in_comments_and_strings_are_not_counted(client: HubQuantumClient) -> None:
    """The size scan reads declarations only: commented-out registers and includes pass."""
    program = "\n".join(
        [
            "OPENQASM 3.0;",
            'include "stdgates.inc";  // qubit[1000000] big;',
            "/* qreg r[1000000];",
            "   bit[5000] spare; */",
            "qubit[2] q; bit[2] c;",
            "h q[0]; cx q[0], q[1];",
            "c = measure q;",
        ]
    )
    job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=20, input={"qasm": program})
    assert job.id is not None
    assert client.jobs.wait(job.id, timeout=60).status == "COMPLETED"
    assert set(client.jobs.get_job_result(job.id)["counts"]) <= {"00", "11"}


def test_a_parse_held_up_never_holds_up_another_submission(
    hub: LocalHub, client: HubQuantumClient
) -> None:
    """While one reading process (a parser, or a simulator reading the job it would run) is
    stopped mid-parse, another submission is read by another process and runs; the stopped
    one is killed at its deadline (422) and replaced."""
    assert hub.connection is not None
    pool = simulator_pool()
    refused: list[str] = []

    def submit_slow() -> None:
        assert hub.connection is not None
        with HubQuantumClient(
            api_key=hub.connection.personal_access_token, base_url=hub.connection.quantum_url
        ) as own:
            try:
                own.jobs.create_job(backend_id="aws.sim.sv1", shots=10, input={"qasm": SLOW})
            except UnprocessableEntityError as error:
                refused.append(str(error))

    with _limits(hub, JobLimits(parse_seconds=5.0)):
        slow = threading.Thread(target=submit_slow)
        slow.start()
        _until(lambda: pool.reading)
        (held,) = pool.reading
        os.kill(held, signal.SIGSTOP)  # it can't answer now: only its deadline ends the wait
        job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=20, input={"qasm": BELL3})
        answered_while_held = slow.is_alive()
        slow.join(60)
    assert answered_while_held
    assert job.id is not None and client.jobs.wait(job.id, timeout=60).status == "COMPLETED"
    assert len(refused) == 1 and "took longer than 5 s" in refused[0]
    assert not _alive(held)
    assert held not in pool.pids
    _completes(client)


def test_a_parse_over_its_time_bound_is_refused_and_the_next_job_runs(
    hub: LocalHub, client: HubQuantumClient
) -> None:
    """A program Qiskit reads too slowly: 422, its parser replaced, the Hub carries on."""
    pool = simulator_pool()
    calls = pool.reads
    with (
        _limits(hub, JobLimits(parse_seconds=1.0)),
        pytest.raises(UnprocessableEntityError, match=r"took longer than 1 s"),
    ):
        client.jobs.create_job(backend_id="aws.sim.sv1", shots=10, input={"qasm": SLOW})
    assert pool.reads == calls + 1
    _completes(client)


def test_a_parse_over_its_memory_bound_ends_that_job_only(
    hub: LocalHub, client: HubQuantumClient
) -> None:
    """A parse that needs more memory than one job may use: 422 naming the limit, then the
    next job runs."""
    with (
        _limits(hub, JobLimits(parse_memory_bytes=32 << 20)),
        pytest.raises(UnprocessableEntityError, match=r"more than the 32 MiB"),
    ):
        client.jobs.create_job(backend_id="aws.sim.sv1", shots=10, input={"qasm": SLOW})
    _completes(client)


def test_polls_and_results_never_read_stored_inputs(
    hub: LocalHub, client: HubQuantumClient
) -> None:
    """With a job's stored input made unreadable, reading the job, its status and its result
    (what a waiter does) still works: only reading the input itself needs it."""
    job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=20, input={"qasm": BELL3})
    assert job.id is not None
    client.jobs.wait(job.id, timeout=60)
    database = Path(hub.data_dir) / "hub.sqlite3"
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE quantum_job_payloads SET input = 'not JSON' WHERE id = ?", (job.id,))
    try:
        assert client.jobs.get_job(job.id).status == "COMPLETED"
        assert client.jobs.get_job_status(job.id).status == "COMPLETED"
        assert client.jobs.wait(job.id, timeout=10).status == "COMPLETED"
        assert sum(client.jobs.get_job_result(job.id)["counts"].values()) == 20
        with pytest.raises(InternalServerError):
            client.jobs.get_job_input(job.id)
    finally:
        with closing(sqlite3.connect(database)) as db, db:
            db.execute(
                "UPDATE quantum_job_payloads SET input = ? WHERE id = ?",
                (json.dumps({"qasm": BELL3}), job.id),
            )
    assert client.jobs.get_job_input(job.id) == {"qasm": BELL3}


def test_listings_never_read_stored_inputs(hub: LocalHub, client: HubQuantumClient) -> None:
    """With a job's stored input made unreadable, every listing still answers, and no parser
    is asked for anything."""
    job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=20, input={"qasm": BELL3})
    assert job.id is not None
    client.jobs.wait(job.id, timeout=60)
    database = Path(hub.data_dir) / "hub.sqlite3"
    calls = simulator_pool().reads
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE quantum_job_payloads SET input = 'not JSON' WHERE id = ?", (job.id,))
    try:
        listed = [j.id for j in client.jobs.search_jobs(size=1000).content or []]
        by_provider = client.jobs.search_jobs(size=1000, sort=["provider,asc"]).content or []
        workloads = client.workloads.get_workloads(size=1000).content or []
    finally:
        with closing(sqlite3.connect(database)) as db, db:
            db.execute(
                "UPDATE quantum_job_payloads SET input = ? WHERE id = ?",
                (json.dumps({"qasm": BELL3}), job.id),
            )
    assert job.id in listed
    assert job.id in {j.id for j in by_provider}
    assert job.id in {w.id for w in workloads}
    assert simulator_pool().reads == calls
    assert client.jobs.get_job_input(job.id) == {"qasm": BELL3}
