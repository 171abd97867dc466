"""The Quantum API client against the local Hub's Quantum API, jobs running on Qiskit Aer."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from qhub.api.quantum import HubQuantumClient, JobStatus
from qhub.api.quantum.errors import NotFoundError, UnauthorizedError, UnprocessableEntityError
from qhub.api.quantum.jobs import (
    CreateJobRequestInput_AwsSimSv1,
    CreateJobRequestInput_AzureIonqSimulator,
)
from qhub.api.quantum.types import (
    AzureIonqJobInputCircuitItem,
    CalibrationResponseCalibration_GateBased,
    NormalizedPubResult_Counts,
)
from qhub.local.server import LocalHub

GHZ3_QASM3 = 'OPENQASM 3.0; include "stdgates.inc"; qubit[3] q; bit[3] c; h q[0]; cx q[0], q[1]; cx q[1], q[2]; c = measure q;'
BELL_QASM2 = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'


def test_seed_quickstart_runs_unchanged(hub: LocalHub) -> None:
    """The API SDK quickstart (IonQ Bell circuit on aws.sim.sv1) gives only 00 and 11."""
    assert hub.connection is not None
    client = HubQuantumClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.quantum_url
    )
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
    while client.jobs.get_job_status(job.id).status in ("PENDING", "RUNNING"):
        time.sleep(0.05)
    result = client.jobs.get_job_result(job.id)
    assert set(result["counts"]) == {"00", "11"}
    assert sum(result["counts"].values()) == 1000
    client.close()


def test_base_url_from_the_environment(hub: LocalHub, monkeypatch: pytest.MonkeyPatch) -> None:
    """With QHUB_QUANTUM_BASE_URL set, a client built without base_url talks to that Hub."""
    assert hub.connection is not None
    monkeypatch.setenv("QHUB_QUANTUM_BASE_URL", hub.connection.quantum_url)
    with HubQuantumClient(api_key=hub.connection.personal_access_token) as client:
        assert client.base_url == hub.connection.quantum_url
        assert "aws.sim.sv1" in {backend.id for backend in client.backends.get_backends()}


def test_qasm3_ghz_with_a_seed_is_reproducible(client: HubQuantumClient) -> None:
    """Same seed, same counts; the waiter returns the final job."""
    counts = []
    for _ in range(2):
        job = client.jobs.create_job(
            backend_id="aws.sim.sv1",
            shots=200,
            input=CreateJobRequestInput_AwsSimSv1(qasm=GHZ3_QASM3),
            input_params={"seed": 42},
            tags=["ghz"],
            name="ghz3",
        )
        assert job.status == JobStatus.PENDING
        final = client.jobs.wait(job.id, timeout=60, interval=0.2)
        assert final.status == JobStatus.COMPLETED
        assert (final.name, final.tags, final.input_format) == ("ghz3", ["ghz"], "OPEN_QASM_V3")
        counts.append(client.jobs.get_job_result(job.id)["counts"])
    assert counts[0] == counts[1]
    assert set(counts[0]) == {"000", "111"}


def test_wait_with_progress_reports_status_changes(
    client: HubQuantumClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """jobs.wait(progress=True) writes a stderr line per status change, ending COMPLETED."""
    job = client.jobs.create_job(backend_id="kipu.sim.qsim", shots=10, input={"qasm": BELL_QASM2})
    assert job.id is not None
    client.jobs.wait(job.id, timeout=60, interval=0.1, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(line.startswith(f"job {job.id}: ") for line in lines)
    assert lines[-1].startswith(f"job {job.id}: COMPLETED after ")
    assert len(lines) == len(set(lines))


def test_qasm2_as_a_plain_dict_and_the_input_round_trip(client: HubQuantumClient) -> None:
    """A dict input works; get_job_input returns what was sent."""
    sent = {"backendId": "kipu.sim.qsim", "qasm": BELL_QASM2}
    job = client.jobs.create_job(backend_id="kipu.sim.qsim", shots=50, input=sent)
    client.jobs.wait(job.id, timeout=60, interval=0.2)
    assert job.id is not None
    assert client.jobs.get_job_input(job.id) == sent
    assert set(client.jobs.get_job_result(job.id)["counts"]) <= {"00", "11"}


@pytest.mark.parametrize(
    ("backend_id", "shots", "data", "error", "message"),
    [
        (
            "no.such.backend",
            10,
            {"qasm": BELL_QASM2},
            NotFoundError,
            "no backend 'no.such.backend'",
        ),
        (
            "azure.ionq.simulator",
            10,
            {"qasm": BELL_QASM2},
            UnprocessableEntityError,
            "does not accept OPEN_QASM_V2",
        ),
        (
            "aws.sim.dm1",
            10,
            {"qasm": "OPENQASM 3.0; qubit[20] q;"},
            UnprocessableEntityError,
            "20 qubits; this backend has 17",
        ),
        (
            "aws.sim.sv1",
            0,
            {"qasm": GHZ3_QASM3},
            UnprocessableEntityError,
            "shots must be a positive integer",
        ),
        (
            "aws.sim.sv1",
            10**7,
            {"qasm": GHZ3_QASM3},
            UnprocessableEntityError,
            "shots must be at most 100000",
        ),
        (
            "aws.sim.sv1",
            10,
            {"qasm": "OPENQASM 3.0; qubit q; frobnicate q;"},
            UnprocessableEntityError,
            "not valid OpenQASM",
        ),
        (
            "azure.ionq.simulator",
            10,
            {"circuit": [{"type": "warp", "targets": [0]}], "qubits": 1},
            UnprocessableEntityError,
            "unsupported gate 'warp'",
        ),
        (
            "aws.sim.sv1",
            10,
            {
                "qasm": 'OPENQASM 3.0; include "stdgates.inc"; input float theta; '
                "qubit[1] q; bit[1] c; rx(theta) q[0]; c[0] = measure q[0];"
            },
            UnprocessableEntityError,
            "inputs without values: theta",
        ),
    ],
)
def test_bad_jobs_are_refused_naming_the_problem_and_nothing_is_queued(
    client: HubQuantumClient,
    backend_id: str,
    shots: int,
    data: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    """Each bad submission gets its documented status and a message; no job appears."""
    before = client.jobs.search_jobs(size=1000).total_elements
    with pytest.raises(error, match=message):
        client.jobs.create_job(backend_id=backend_id, shots=shots, input=data)
    assert client.jobs.search_jobs(size=1000).total_elements == before


def test_unknown_job_and_missing_credentials(hub: LocalHub, client: HubQuantumClient) -> None:
    """An unknown job id is 404; a wrong token is 401."""
    with pytest.raises(NotFoundError, match="no job 'nope'"):
        client.jobs.get_job("nope")
    assert hub.connection is not None
    with (
        HubQuantumClient(api_key="wrong", base_url=hub.connection.quantum_url) as stranger,
        pytest.raises(UnauthorizedError),
    ):
        stranger.jobs.search_jobs()


def test_backends_listing_public_and_full(hub: LocalHub, client: HubQuantumClient) -> None:
    """Anonymous callers get the reduced view; with a token, configuration and status too."""
    assert hub.connection is not None
    with HubQuantumClient(api_key=None, base_url=hub.connection.quantum_url) as anonymous:
        public = {b.id: b for b in anonymous.backends.get_backends()}
    assert {"aws.sim.sv1", "azure.ionq.simulator", "local.aer.simulator"} <= set(public)
    assert public["aws.sim.sv1"].configuration is None
    backend = client.backends.get_backend("aws.sim.sv1")
    assert backend.configuration is not None and backend.configuration.qubit_count == 28
    assert client.backends.get_backend_status("aws.sim.sv1").status == "ONLINE"
    assert (
        "IONQ_CIRCUIT_V1"
        in client.backends.get_backend_config("azure.ionq.simulator")["supported_input_formats"]
    )
    assert {b.id for b in client.backends.get_backends(provider="AWS")} == {
        "aws.sim.sv1",
        "aws.sim.dm1",
    }


def test_search_pages_and_iterates_every_job(client: HubQuantumClient) -> None:
    """Zero-based pages; the iterator walks all of them."""
    ids = [
        client.jobs.create_job(
            backend_id="local.aer.simulator", shots=1, input={"qasm": BELL_QASM2}
        ).id
        for _ in range(3)
    ]
    page = client.jobs.search_jobs(page=0, size=2)
    assert (page.page, page.size, len(page.content or [])) == (0, 2, 2)
    assert set(ids) <= {job.id for job in client.jobs.iter_jobs(size=2)}


def test_cancel_and_result_before_completion(client: HubQuantumClient) -> None:
    """Cancelling ends a job CANCELLED (or it had already completed); a cancelled job has no result."""
    job = client.jobs.create_job(
        backend_id="local.aer.simulator", shots=100_000, input={"qasm": GHZ3_QASM3}
    )
    assert job.id is not None
    client.jobs.cancel_job(job.id)
    final = client.jobs.wait(job.id, timeout=60, interval=0.1)
    assert final.status in (JobStatus.CANCELLED, JobStatus.COMPLETED)
    if final.status == JobStatus.CANCELLED:
        with pytest.raises(NotFoundError, match="no result"):
            client.jobs.get_job_result(job.id)
    client.jobs.cancel_job(job.id)  # cancelling a finished job is a no-op


def test_a_service_execution_runs_a_circuit_with_its_own_token(
    hub: LocalHub, client: HubQuantumClient
) -> None:
    """The example service submits a job with KQH_SERVICE_EXECUTION_TOKEN; it is listed under it."""
    from qhub.service.client import HubServiceClient

    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services["quickstart"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as service:
        execution = service.run(request={"values": [3.14159], "shots": 50})
        result = execution.result(timeout=120)
    job_id = result["job_id"]
    assert sum(result["counts"].values()) == 50
    job = client.jobs.get_service_execution_job(execution.id, job_id)
    assert (job.id, job.status) == (job_id, JobStatus.COMPLETED)
    assert (
        client.jobs.service_exec_get_job_status(execution.id, job_id).status == JobStatus.COMPLETED
    )
    assert client.jobs.get_service_execution_job_input(execution.id, job_id)["qasm"].startswith(
        "OPENQASM 3.0;"
    )
    assert [
        j.id for j in client.jobs.search_jobs(service_execution_id=execution.id).content or []
    ] == [job_id]
    with pytest.raises(NotFoundError, match="has no job"):
        client.jobs.get_service_execution_job("another-execution", job_id)
    scoped = client.jobs
    normalized = scoped.get_service_execution_normalized_job_result(execution.id, job_id)
    assert normalized is not None
    assert getattr(normalized.pubs[0], "counts", None) == result["counts"]
    scoped_input = scoped.get_service_execution_normalized_job_input(execution.id, job_id)
    assert scoped_input.pubs[0].qasm.startswith("OPENQASM 3.0;")
    with scoped.get_service_execution_job_result_stream(execution.id, job_id) as stream:
        assert json.loads(b"".join(stream))["counts"] == result["counts"]
    calibration = scoped.get_service_execution_job_calibration(execution.id, job_id)
    assert calibration is not None and calibration == client.jobs.get_job_calibration(job_id)
    scoped.cancel_service_execution_job(execution.id, job_id)  # finished: nothing changes
    assert scoped.get_service_execution_job_status(execution.id, job_id).status == "COMPLETED"
    assert job.runtime is not None and job.runtime == job.usage_time_millis and job.runtime >= 0


def test_service_exec_names_are_the_long_names() -> None:
    """Both of seed 004's spellings — the service_exec_ prefix (service_exec_get_job) and its
    examples' shortened middle (get_service_exec_job) — are the very same methods as the
    service_execution ones."""
    from qhub.api.quantum.jobs import AsyncJobsClient, JobsClient

    for cls in (JobsClient, AsyncJobsClient):
        longs = [name for name in dir(cls) if "service_execution_" in name]
        assert len(longs) == 14
        for long in longs:
            verb, _, rest = long.partition("_service_execution_")
            method = getattr(cls, long)
            for short in (f"service_exec_{verb}_{rest}", f"{verb}_service_exec_{rest}"):
                alias = getattr(cls, short)
                assert alias.build is method.build and alias.alias_of == f"jobs.{long}", short


def test_calibration_least_busy_normalized_result_and_stream(client: HubQuantumClient) -> None:
    """The remaining read-only views: calibration, least busy, normalized result, result bytes."""
    from qhub.api.quantum.errors import BadRequestError

    calibration = client.backends.get_backend_calibration("aws.sim.sv1")
    assert calibration is not None
    assert calibration.backend_id == "aws.sim.sv1"
    assert isinstance(calibration.calibration, CalibrationResponseCalibration_GateBased)
    assert len(calibration.calibration.qubits) == 28
    with pytest.raises(BadRequestError, match="IBM backends only, not AWS"):
        client.backends.get_least_busy_backend(provider="AWS")
    job = client.jobs.create_job(
        backend_id="aws.sim.sv1", shots=64, input={"qasm": GHZ3_QASM3}, name="g"
    )
    client.jobs.wait(job.id, timeout=60, interval=0.1)
    normalized = client.jobs.get_normalized_job_result(job.id)
    assert normalized is not None
    (pub,) = normalized.pubs
    assert isinstance(pub, NormalizedPubResult_Counts)
    assert (pub.type, pub.shots, pub.qubits, pub.name) == ("counts", 64, 3, "g")
    with client.jobs.get_job_result_stream(job.id) as stream:
        assert json.loads(b"".join(stream)) == client.jobs.get_job_result(job.id)


def test_lifecycles_driven_by_the_test(hub: LocalHub, client: HubQuantumClient) -> None:
    """immediate: final in the response; after_polls: RUNNING for N reads; timeouts keep the job."""
    from qhub.api.quantum.errors import WaitTimeoutError
    from qhub.local.testing import JobLifecycle

    try:
        hub.job_lifecycle = JobLifecycle(immediate=True)
        job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=8, input={"qasm": GHZ3_QASM3})
        assert job.status == JobStatus.COMPLETED

        hub.job_lifecycle = JobLifecycle(immediate=True, after_polls=3)
        job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=8, input={"qasm": GHZ3_QASM3})
        seen = [client.jobs.get_job_status(job.id).status for _ in range(4)]
        assert seen == [JobStatus.RUNNING] * 3 + [JobStatus.COMPLETED]

        hub.job_lifecycle = JobLifecycle(immediate=True, after_seconds=60)
        job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=8, input={"qasm": GHZ3_QASM3})
        with pytest.raises(WaitTimeoutError) as caught:
            client.jobs.wait(job.id, timeout=0.3, interval=0.1)
        assert (caught.value.resource_id, caught.value.last_status) == (job.id, JobStatus.RUNNING)
        with pytest.raises(NotFoundError, match="no result yet"):
            client.jobs.get_job_result(job.id)

        for end in ("ABORTED", "DETACHED", "FAILED"):  # ends a simulator never produces
            hub.job_lifecycle = JobLifecycle(outcome=end)
            job = client.jobs.create_job(
                backend_id="aws.sim.sv1", shots=8, input={"qasm": GHZ3_QASM3}
            )
            final = client.jobs.wait(job.id, timeout=30)
            assert final.status == end and final.status.is_final
            assert client.jobs.get_job_result(job.id)["error"]["type"] == end
        with pytest.raises(ValueError, match="outcome must be one of ABORTED, DETACHED, FAILED"):
            JobLifecycle(outcome="COMPLETED")
    finally:
        hub.job_lifecycle = JobLifecycle()


def test_runtime_minutes_lists_an_unlimited_allowance_per_provider(
    client: HubQuantumClient,
) -> None:
    """Local simulators cost nothing: one allowance per provider, never used up."""
    allowances = {
        str(a.provider): a for a in client.runtime_minutes.get_runtime_minutes().allowances or []
    }
    assert {"AWS", "AZURE", "KIPU", "QUDORA"} <= set(allowances)
    assert allowances["AWS"].backend_ids == ["aws.sim.dm1", "aws.sim.sv1"]
    assert allowances["AWS"].limit_reached is False


def test_normalized_input_and_calibration_history(client: HubQuantumClient) -> None:
    """An IonQ input comes back as OpenQASM 3; the history holds today's snapshot."""
    job = client.jobs.create_job(
        backend_id="azure.ionq.simulator",
        shots=10,
        input=CreateJobRequestInput_AzureIonqSimulator(
            circuit=[AzureIonqJobInputCircuitItem(type="h", targets=[0])], gateset="qis", qubits=1
        ),
    )
    normalized = client.jobs.get_normalized_job_input(job.id)
    assert normalized.format == "openqasm.v3"
    assert normalized.pubs[0].qasm.startswith("OPENQASM 3.0;")
    assert "h " in normalized.pubs[0].qasm
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    history = client.backends.get_backend_calibration_history(
        "aws.sim.sv1", from_=today - timedelta(days=30), to=datetime.now(timezone.utc), size=5
    )
    assert history.total_elements == 1  # this Hub was made today: one daily snapshot so far
    assert (history.content or [])[0].backend_id == "aws.sim.sv1"
    assert (history.content or [])[0].calibrated_at == today


def test_per_shot_memory_when_asked_for(client: HubQuantumClient) -> None:
    """input_params.memory keeps every shot's outcome; without it the memory view is empty."""
    job = client.jobs.create_job(
        backend_id="aws.sim.sv1",
        shots=20,
        input={"qasm": GHZ3_QASM3},
        input_params={"memory": True, "seed": 3},
    )
    client.jobs.wait(job.id, timeout=60, interval=0.1)
    memory = client.jobs.get_normalized_job_memory(job.id)
    assert memory is not None
    assert (memory.qubits, memory.shots, len(memory.memory or [])) == (3, 20, 20)
    assert set(memory.memory or []) <= {"0x0", "0x7"}
    plain = client.jobs.create_job(backend_id="aws.sim.sv1", shots=5, input={"qasm": GHZ3_QASM3})
    client.jobs.wait(plain.id, timeout=60, interval=0.1)
    assert client.jobs.get_normalized_job_memory(plain.id) is None


def test_one_user_never_sees_another_users_work(hub: LocalHub, client: HubQuantumClient) -> None:
    """Jobs and sessions are the organization's: another user's token finds none of them, and
    naming an organization the token does not belong to is refused."""
    from qhub.api.quantum.errors import ForbiddenError

    assert hub.connection is not None
    other = hub.add_user()
    assert other.personal_access_token not in repr(other)
    job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=8, input={"qasm": GHZ3_QASM3})
    session = client.sessions.create_session(backend_id="aws.sim.sv1", mode="batch")
    with HubQuantumClient(
        api_key=other.personal_access_token,
        organization_id=other.organization_id,
        base_url=hub.connection.quantum_url,
    ) as stranger:
        with pytest.raises(NotFoundError):
            stranger.jobs.get_job(job.id)
        with pytest.raises(NotFoundError):
            stranger.jobs.get_job_result(job.id)
        with pytest.raises(NotFoundError):
            stranger.jobs.cancel_job(job.id)
        with pytest.raises(NotFoundError):
            stranger.sessions.close_session(session.id)
        assert stranger.jobs.search_jobs().content == []
        assert stranger.workloads.get_workloads().content == []
        own = stranger.jobs.create_job(
            backend_id="aws.sim.sv1", shots=8, input={"qasm": GHZ3_QASM3}
        )
        assert [j.id for j in stranger.jobs.iter_jobs()] == [own.id]
    assert own.id not in {j.id for j in client.jobs.iter_jobs()}
    assert client.sessions.get_session_status(session.id).status == "OPEN"
    with (
        HubQuantumClient(
            api_key=other.personal_access_token,
            organization_id=hub.connection.organization_id,
            base_url=hub.connection.quantum_url,
        ) as trespasser,
        pytest.raises(ForbiddenError, match="no access to organization"),
    ):
        trespasser.jobs.get_job(job.id)


@pytest.mark.parametrize(
    "program",
    [
        'OPENQASM 3.0; include "stdgates.inc"; gate bell a, b { h a; cx a, b; } '
        "qubit[2] q; bit[2] c; bell q[0], q[1]; c = measure q;",
        'OPENQASM 3; include "stdgates.inc"; qubit[2] q; bit[2] c; reset q; h q[0]; '
        "barrier q; cx q[0], q[1]; measure q -> c;",
        'OPENQASM 3.0; include "stdgates.inc"; bit[2] c; h $0; cx $0, $1; '
        "c[0] = measure $0; c[1] = measure $1;",
    ],
    ids=["gate definition", "reset, barrier, arrow measure", "physical qubits"],
)
def test_openqasm3_beyond_the_fast_importer(client: HubQuantumClient, program: str) -> None:
    """Programs Qiskit's native importer can't read yet go through the reference importer."""
    job = client.jobs.create_job(backend_id="aws.sim.sv1", shots=200, input={"qasm": program})
    assert client.jobs.wait(job.id, timeout=60).status == JobStatus.COMPLETED
    assert set(client.jobs.get_job_result(job.id)["counts"]) == {"00", "11"}


def test_create_job_sends_the_documented_body_and_the_qasm_field(hub: LocalHub) -> None:
    """Body keys in the documented order, unset ones left out; the optional ``qasm`` programs
    come back as the job's normalized input; a malformed one is a 422 naming the field."""
    import httpx

    from qhub.api.quantum.types import QasmCircuit, QasmProgram

    assert hub.connection is not None
    bodies: list[bytes] = []

    def capture(request: httpx.Request) -> None:
        if request.method == "POST":
            bodies.append(request.content)

    with (
        httpx.Client(event_hooks={"request": [capture]}) as http,
        HubQuantumClient(
            api_key=hub.connection.personal_access_token,
            base_url=hub.connection.quantum_url,
            httpx_client=http,
        ) as client,
    ):
        job = client.jobs.create_job(
            backend_id="aws.sim.sv1",
            shots=16,
            input={"qasm": GHZ3_QASM3},
            name="ghz",
            input_params={"seed": 5},
            qasm=QasmCircuit(format="openqasm.v3", programs=[QasmProgram(qasm=GHZ3_QASM3)]),
            tags=["t"],
        )
        assert list(json.loads(bodies[0])) == [
            "name",
            "backend_id",
            "shots",
            "input",
            "input_params",
            "qasm",
            "tags",
        ]
        assert json.loads(bodies[0])["qasm"] == {
            "format": "openqasm.v3",
            "programs": [{"qasm": GHZ3_QASM3}],
        }
        normalized = client.jobs.get_normalized_job_input(job.id)
        assert normalized.format == "openqasm.v3"
        assert [(p.name, p.qasm, p.shots) for p in normalized.pubs] == [(None, GHZ3_QASM3, 16)]
        with pytest.raises(UnprocessableEntityError, match=r"qasm.programs\[0\].qasm"):
            client.jobs.create_job(
                backend_id="aws.sim.sv1",
                shots=16,
                input={"qasm": GHZ3_QASM3},
                qasm={"format": "openqasm.v3", "programs": [{"name": "x"}]},
            )


GHZ40 = "\n".join(
    ['OPENQASM 3.0; include "stdgates.inc"; qubit[40] q; bit[40] c; h q[0];']
    + [f"cx q[{i}], q[{i + 1}];" for i in range(39)]
    + ["c = measure q;"]
)


def test_ibm_backends_least_busy_and_pub_jobs(client: HubQuantumClient) -> None:
    """The seed's least-busy example runs; IBM jobs carry one OpenQASM 3 PUB; a 40-qubit
    Clifford circuit simulates (stabilizer), a 40-qubit non-Clifford one is refused."""
    from qhub.api.quantum.jobs import CreateJobRequestInput_IbmQpuFez

    ibm = client.backends.get_least_busy_backend(provider="IBM", min_qubits=5)
    print(ibm.id, ibm.queue_size)  # the seed's example, verbatim
    assert (ibm.id, ibm.queue_size, ibm.type) == ("ibm.qpu.fez", 0, "QPU")
    with pytest.raises(NotFoundError, match="no IBM backend with at least 200 qubits"):
        client.backends.get_least_busy_backend(provider="ibm", min_qubits=200)

    job = client.jobs.create_job(
        backend_id="ibm.qpu.fez",
        shots=200,
        input=CreateJobRequestInput_IbmQpuFez(pubs=[[GHZ40]], shots=200),
    )
    assert job.input_format == "OPEN_QASM_V3"
    assert client.jobs.wait(job.id, timeout=60).status == JobStatus.COMPLETED
    assert set(client.jobs.get_job_result(job.id)["counts"]) == {"0" * 40, "1" * 40}

    refusals: dict[str, dict[str, object]] = {
        "one PUB per IBM job; input.pubs has 2": {"pubs": [GHZ40, GHZ40]},
        "parameter values are not supported": {"pubs": [[GHZ40, [0.5]]]},
        "asks for 50 shots, the job for 200": {"pubs": [[GHZ40, None, 50]]},
        "non-Clifford operations \\(rx\\) is too large": {
            "pubs": [GHZ40.replace("h q[0];", "rx(0.3) q[0];")]
        },
    }
    for message, data in refusals.items():
        with pytest.raises(UnprocessableEntityError, match=message):
            client.jobs.create_job(backend_id="ibm.qpu.fez", shots=200, input=data)


def test_queue_sizes_are_live_and_steer_least_busy(client: HubQuantumClient) -> None:
    """A backend's queue counts its unfinished jobs; least-busy avoids a busy backend."""
    from ..circuits import LONG

    busy = client.jobs.create_job(backend_id="ibm.qpu.fez", shots=10, input={"pubs": [LONG]})
    try:
        assert client.backends.get_backend("ibm.qpu.fez").queue_size == 1
        assert client.backends.get_backend_status("ibm.qpu.fez").queue_size == 1
        idle = client.backends.get_least_busy_backend(provider="IBM")
        assert (idle.id, idle.queue_size) == ("ibm.qpu.kingston", 0)
    finally:
        client.jobs.cancel_job(busy.id)
    assert client.jobs.wait(busy.id, timeout=30).status == JobStatus.CANCELLED
    assert client.backends.get_backend("ibm.qpu.fez").queue_size == 0
