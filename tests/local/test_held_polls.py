"""Held polls (``Prefer: wait=N``, our extension): the Hub answers a held read of a job as
soon as the job changes or is final, says so in ``Preference-Applied``, ignores what it can't
read, and holds nothing while a test lifecycle counts reads; the SDK's waiter holds its polls
against it and falls back to sleeping against a Hub that doesn't hold. With
``include-result`` (our extension too), a final job's answer carries its result, and the
SDK's ``get_job_result`` after ``wait`` answers from it without a request.

Holding is shown by its mechanism, not by timing: a read asked to be held for longer than the
client's timeout can only succeed if the Hub answered early."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient
from qhub.local.domain.quantum import JobLifecycle
from qhub.local.http.fast_paths import MAX_INCLUDED_RESULT_BYTES
from qhub.local.server import LocalHub

from ..circuits import LONG

BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'
#: A statevector simulation of a fraction of a second: long enough to be seen RUNNING.
MEDIUM = "\n".join(
    ['OPENQASM 3.0; include "stdgates.inc"; qubit[20] q; bit[20] c;']
    + [f"rx(0.3) q[{i}]; cx q[{i}], q[{(i + 1) % 20}];" for _ in range(2) for i in range(20)]
    + ["c = measure q;"]
)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A served Hub of this module's own."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
        local.warm_up()
        yield local


@pytest.fixture
def raw(hub: LocalHub) -> Iterator[httpx.Client]:
    """Plain HTTP to the Quantum API with the user's token; 10 s per request."""
    assert hub.connection is not None
    with httpx.Client(
        base_url=hub.connection.quantum_url,
        headers={"X-Auth-Token": hub.connection.personal_access_token},
        timeout=10,
    ) as http:
        yield http


def _submit(http: httpx.Client, qasm: str = BELL, shots: int = 100) -> str:
    response = http.post(
        "/jobs", json={"backend_id": "local.aer.simulator", "shots": shots, "input": {"qasm": qasm}}
    )
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    return job_id


def test_a_held_read_of_a_final_job_is_answered_at_once(raw: httpx.Client, hub: LocalHub) -> None:
    """Final already: no change will come, so holding 60 s would overrun the 10 s timeout."""
    job_id = _submit(raw)
    with HubQuantumClient(
        api_key=raw.headers["X-Auth-Token"], base_url=str(raw.base_url)
    ) as client:
        client.jobs.wait(job_id, timeout=60)
    response = raw.get(f"/jobs/{job_id}", headers={"Prefer": "wait=60"})
    assert response.status_code == 200
    assert response.json()["status"] == "COMPLETED"
    assert response.headers["Preference-Applied"] == "wait=60"
    assert hub.hub.changes.watched() == 0


def test_a_held_read_answers_when_the_job_changes(raw: httpx.Client, hub: LocalHub) -> None:
    """A long simulation: the held read (asked for 60 s, the client allowing 10) returns
    once a cancel changes the job."""
    job_id = _submit(raw, LONG, shots=10)
    answers: list[httpx.Response] = []
    started = threading.Event()

    def held_reads() -> None:
        started.set()
        status = "PENDING"
        while status in ("PENDING", "RUNNING"):  # each answer is a change; ask again
            answers.append(raw.get(f"/jobs/{job_id}", headers={"Prefer": "wait=60"}))
            status = answers[-1].json()["status"]

    reader = threading.Thread(target=held_reads)
    reader.start()
    started.wait()
    while hub.hub.quantum.scheduler.pid_of(job_id) is None:
        threading.Event().wait(0.02)  # simulating now
    assert raw.delete(f"/jobs/{job_id}").status_code < 300
    reader.join(30)
    assert not reader.is_alive()
    statuses = [answer.json()["status"] for answer in answers]
    assert statuses[-1] in ("CANCELLING", "CANCELLED")
    assert all(answer.headers["Preference-Applied"] == "wait=60" for answer in answers)
    assert len(answers) <= 4  # PENDING / RUNNING / CANCELLING / CANCELLED at most: no polling


@pytest.mark.parametrize(
    "prefer", ["wait=abc", "wait=0", "wait=-1", "wait=9999999", "respond-async"]
)
def test_a_prefer_the_hub_cannot_read_is_ignored(raw: httpx.Client, prefer: str) -> None:
    """Answered as an unheld read, without Preference-Applied (RFC 7240: ignore what you
    don't know)."""
    job_id = _submit(raw)
    response = raw.get(f"/jobs/{job_id}", headers={"Prefer": prefer})
    assert response.status_code == 200
    assert "Preference-Applied" not in response.headers


def test_a_held_read_of_an_unknown_job_is_refused_at_once(raw: httpx.Client) -> None:
    response = raw.get("/jobs/no-such-job", headers={"Prefer": "wait=60"})
    assert response.status_code == 404
    assert "Preference-Applied" not in response.headers


@contextlib.contextmanager
def _recording_client(hub: LocalHub) -> Iterator[tuple[HubQuantumClient, list[httpx.Request]]]:
    """An SDK client of the Hub, and the list of the requests it sends."""
    assert hub.connection is not None
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}) as http,
        HubQuantumClient(
            api_key=hub.connection.personal_access_token,
            base_url=hub.connection.quantum_url,
            httpx_client=http,
        ) as client,
    ):
        yield client, sent


def _reads_of_a_waited_job(hub: LocalHub, qasm: str) -> list[httpx.Request]:
    """Submit a job, wait for it with the SDK (it must complete), and return the reads sent."""
    with _recording_client(hub) as (client, sent):
        job = client.jobs.create_job(
            backend_id="local.aer.simulator", shots=10, input={"qasm": qasm}
        )
        assert client.jobs.wait(job.id, timeout=120).status == "COMPLETED"
    return [request for request in sent if request.method == "GET"]


def test_the_waiter_holds_its_polls(hub: LocalHub) -> None:
    """jobs.wait sends Prefer: wait=N and, held, polls once per change, never in a loop."""
    polls = _reads_of_a_waited_job(hub, MEDIUM)
    assert polls and all(p.headers["Prefer"] == "wait=20, include-result" for p in polls)
    assert len(polls) <= 3  # PENDING → RUNNING → COMPLETED


def test_nothing_is_held_while_a_lifecycle_counts_reads(hub: LocalHub) -> None:
    """after_polls=2: the waiter finds no Preference-Applied and sleeps between plain polls."""
    previous = hub.job_lifecycle
    hub.job_lifecycle = JobLifecycle(after_polls=2)
    try:
        reads = _reads_of_a_waited_job(hub, BELL)
    finally:
        hub.job_lifecycle = previous
    assert len(reads) >= 3  # two hidden reads, then the end
    assert "Prefer" in reads[0].headers
    assert all("Prefer" not in r.headers for r in reads[1:])  # the Hub said it doesn't hold


def test_stopping_the_hub_answers_its_held_reads(tmp_path: Path) -> None:
    """A read held for 60 s is answered when the Hub stops, and the server stops at once (it
    waits for requests in flight: held ones would have kept it 60 s)."""
    local = LocalHub(tmp_path / "hub", example=False)
    local.start()
    assert local.connection is not None
    headers = {"X-Auth-Token": local.connection.personal_access_token}
    answers: list[httpx.Response] = []
    with httpx.Client(base_url=local.connection.quantum_url, headers=headers, timeout=30) as http:
        job_id = _submit(http, LONG, shots=10)
        deadline = time.monotonic() + 60
        while http.get(f"/jobs/{job_id}").json()["status"] != "RUNNING":  # no change to come
            assert time.monotonic() < deadline, "the job never ran"
            time.sleep(0.01)
        reader = threading.Thread(
            target=lambda: answers.append(
                http.get(f"/jobs/{job_id}", headers={"Prefer": "wait=60"})
            )
        )
        reader.start()
        while not local.hub.changes.watched():
            assert reader.is_alive() and time.monotonic() < deadline, "the read was not held"
            time.sleep(0.01)
        thread = local._thread
        local.stop()
        reader.join(30)
    assert thread is not None and not thread.is_alive()
    assert [answer.status_code for answer in answers] == [200]


def test_a_final_jobs_answer_carries_its_result_when_asked(raw: httpx.Client) -> None:
    job_id = _submit(raw)
    _wait_for_the_end(raw, job_id)
    asked = raw.get(f"/jobs/{job_id}", headers={"Prefer": "wait=5, include-result"})
    assert asked.headers["Preference-Applied"] == "wait=5, include-result"
    carried = asked.json()
    assert carried.pop("result") == raw.get(f"/jobs/{job_id}/result").json()
    plain = raw.get(f"/jobs/{job_id}")
    assert "result" not in plain.json() and "Preference-Applied" not in plain.headers
    assert carried == plain.json()  # otherwise the same answer
    alone = raw.get(f"/jobs/{job_id}", headers={"Prefer": "include-result"})  # no hold asked
    assert alone.headers["Preference-Applied"] == "include-result"
    assert "result" in alone.json()


def test_a_result_is_carried_only_once_final_and_only_when_small(raw: httpx.Client) -> None:
    running = _submit(raw, LONG, shots=10)
    early = raw.get(f"/jobs/{running}", headers={"Prefer": "include-result"})
    assert early.json()["status"] in ("PENDING", "RUNNING")
    assert "result" not in early.json() and "Preference-Applied" not in early.headers
    assert raw.delete(f"/jobs/{running}").is_success
    # Per-shot outcomes of 20 000 shots: over 64 KiB of JSON, left to its own read.
    response = raw.post(
        "/jobs",
        json={
            "backend_id": "local.aer.simulator",
            "shots": 20_000,
            "input": {"qasm": BELL},
            "input_params": {"memory": True},
        },
    )
    big = response.json()["id"]
    _wait_for_the_end(raw, big)
    answer = raw.get(f"/jobs/{big}", headers={"Prefer": "include-result"})
    assert answer.json()["status"] == "COMPLETED"
    assert "result" not in answer.json() and "Preference-Applied" not in answer.headers
    assert len(raw.get(f"/jobs/{big}/result").content) > MAX_INCLUDED_RESULT_BYTES


def test_get_job_result_after_wait_answers_from_the_final_poll(hub: LocalHub) -> None:
    """Once per wait, with no request; with request options, a second time, or raw: asked."""
    with _recording_client(hub) as (client, sent):
        job = client.jobs.create_job(
            backend_id="local.aer.simulator", shots=10, input={"qasm": BELL}
        )
        client.jobs.wait(job.id, timeout=60)
        results = len([r for r in sent if r.url.path.endswith("/result")])
        handed = client.jobs.get_job_result(job.id)
        assert len([r for r in sent if r.url.path.endswith("/result")]) == results == 0
        assert handed == client.jobs.get_job_result(job.id)  # asked this time
        assert client.jobs.with_raw_response.get_job_result(job.id).data == handed
        client.jobs.wait(job.id, timeout=60)
        assert client.jobs.get_job_result(job.id, request_options={"timeout": 10}) == handed
        assert len([r for r in sent if r.url.path.endswith("/result")]) == 3


async def test_the_async_client_answers_from_the_final_poll_too(hub: LocalHub) -> None:
    assert hub.connection is not None
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    async with (
        httpx.AsyncClient(event_hooks={"request": [record]}) as http,
        AsyncHubQuantumClient(
            api_key=hub.connection.personal_access_token,
            base_url=hub.connection.quantum_url,
            httpx_client=http,
        ) as client,
    ):
        job = await client.jobs.create_job(
            backend_id="local.aer.simulator", shots=10, input={"qasm": BELL}
        )
        await client.jobs.wait(job.id, timeout=60)
        result = await client.jobs.get_job_result(job.id)
        assert sum(result["counts"].values()) == 10
        assert not [r for r in sent if r.url.path.endswith("/result")]


def test_get_job_result_asks_a_hub_that_sends_no_result() -> None:
    """A Hub that ignores the preference (the Kipu Hub): the result is asked for."""
    job = {"id": "j-1", "status": "COMPLETED"}
    asked: list[str] = []

    def hub_without_extensions(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path.endswith("/result"):
            return httpx.Response(200, json={"counts": {"0": 1}})
        return httpx.Response(200, json=job)

    with HubQuantumClient(
        api_key="k",
        base_url="https://hub.test/quantum",
        httpx_client=httpx.Client(transport=httpx.MockTransport(hub_without_extensions)),
    ) as client:
        client.jobs.wait("j-1", timeout=5)
        assert client.jobs.get_job_result("j-1") == {"counts": {"0": 1}}
    assert asked == ["/quantum/jobs/j-1", "/quantum/jobs/j-1/result"]


def _wait_for_the_end(http: httpx.Client, job_id: str) -> None:
    deadline = time.monotonic() + 60
    while http.get(f"/jobs/{job_id}", headers={"Prefer": "wait=10"}).json()["status"] not in (
        "COMPLETED",
        "FAILED",
        "CANCELLED",
    ):
        assert time.monotonic() < deadline, f"job {job_id} never ended"
