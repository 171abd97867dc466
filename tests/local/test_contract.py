"""Response validation against spec/ (qhub.local.http.contract): planted drifts become 500s
naming the operation and the JSON pointer, declared statuses, streams and spec gaps pass, and
every Quantum, Service and User operation of the real Hub answers within the contract."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response, StreamingResponse

import qhub.local.http.quantum.backends
import qhub.local.http.quantum.shapes
from qhub.local.http import create_app
from qhub.local.http.contract import (
    VALIDATE_ENV,
    ContractRecorder,
    default_matcher,
    response_validation_middleware,
    validation_requested,
)
from qhub.local.http.errors import ASGIApp, Message, Scope
from qhub.local.http.json_schema import SchemaChecker
from qhub.local.http.openapi import SPEC_DIR_ENV, SpecUnavailable, spec_dir
from qhub.local.server import LocalHub

JOB = {"id": "job-1", "status": "COMPLETED", "shots": 10, "tags": ["a"]}


def planted_app() -> FastAPI:
    """A stand-in Hub whose routes sit at spec paths and answer what each test plants."""
    app = FastAPI(openapi_url=None)
    app.state.answers = {}

    async def answer(key: str) -> Response:
        planted: Response = app.state.answers[key]
        return planted

    @app.get("/quantum/jobs/{job_id}")
    async def get_job(job_id: str) -> Response:
        return await answer("get_job")

    @app.post("/quantum/jobs")
    async def create_job() -> Response:
        return await answer("create_job")

    @app.get("/quantum/backends/{backend_id}/calibration")
    async def calibration(backend_id: str) -> Response:
        return await answer("calibration")

    @app.get("/quantum/jobs/{job_id}/result-stream")
    async def result_stream(job_id: str) -> Response:
        return await answer("stream")

    @app.post("/gateway/token")
    async def token() -> Response:
        return JSONResponse({"access_token": "t"})

    return app


@pytest.fixture
def recorder() -> ContractRecorder:
    """A recorder of this test's own (the session's stays clean of planted drifts)."""
    return ContractRecorder()


@pytest.fixture
def app() -> FastAPI:
    """The stand-in Hub."""
    return planted_app()


@pytest.fixture
async def http(app: FastAPI, recorder: ContractRecorder) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the stand-in Hub behind response validation."""
    checked = response_validation_middleware(app, contract_recorder=recorder)
    transport = httpx.ASGITransport(app=checked)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.local") as client:
        yield client


async def test_a_planted_wrong_field_type_is_a_500_naming_operation_and_pointer(
    app: FastAPI, http: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    """A Job whose ``shots`` is a string: 500, with the operation, pointer and problem."""
    app.state.answers["get_job"] = JSONResponse({**JOB, "shots": "ten"})
    response = await http.get("/quantum/jobs/job-1")
    assert response.status_code == 500
    body = response.json()
    assert body["operation"] == "quantum jobs.get_job"
    assert body["violations"] == [
        {"pointer": "/shots", "problem": "expected integer or null, got string"}
    ]
    assert "/shots" in body["message"]
    (violation,) = recorder.violations
    assert (violation.method, violation.path, violation.status) == (
        "GET",
        "/quantum/jobs/job-1",
        200,
    )


async def test_a_valid_response_passes_unchanged(
    app: FastAPI, http: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    """A Job as the spec declares it goes out as it was, and is counted as checked."""
    app.state.answers["get_job"] = JSONResponse(JOB, headers={"X-Extra": "kept"})
    response = await http.get("/quantum/jobs/job-1")
    assert (response.status_code, response.json()) == (200, JOB)
    assert response.headers["x-extra"] == "kept"
    assert recorder.checked == {"quantum jobs.get_job": 1}
    assert not recorder.violations


async def test_a_path_parameter_with_a_newline_is_still_matched(
    app: FastAPI, http: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    """The router routes ``/quantum/jobs/a%0A`` to get_job, so validation checks it too."""
    app.state.answers["get_job"] = JSONResponse({**JOB, "shots": "ten"})
    assert (await http.get("/quantum/jobs/a%0A")).status_code == 500
    assert recorder.checked == {"quantum jobs.get_job": 1}


async def test_an_undeclared_status_is_a_violation(
    app: FastAPI, http: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    """get_job declares 200 and error statuses, not 202."""
    app.state.answers["get_job"] = JSONResponse(JOB, status_code=202)
    response = await http.get("/quantum/jobs/job-1")
    assert response.status_code == 500
    (problem,) = response.json()["violations"]
    assert problem["pointer"] == ""
    assert problem["problem"].startswith("status 202 is not declared")


async def test_error_bodies_are_checked_against_the_problem_schema(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    """A 404 is declared, but its body must be a Problem (``status`` an integer)."""
    app.state.answers["get_job"] = JSONResponse({"status": "404"}, status_code=404)
    response = await http.get("/quantum/jobs/job-1")
    assert response.status_code == 500
    assert response.json()["violations"][0]["pointer"] == "/status"


async def test_a_204_is_fine_where_the_spec_says_empty_is_none(
    app: FastAPI, http: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    """get_backend_calibration's 200 is marked x-empty-is-none: 204 means None."""
    app.state.answers["calibration"] = Response(status_code=204)
    response = await http.get("/quantum/backends/b/calibration")
    assert response.status_code == 204
    assert not recorder.violations


async def test_a_creations_201_is_checked_like_its_200(
    app: FastAPI, http: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    """create_job's 201 is declared (spec/ says creations answer 201): it passes, nothing is
    merely tolerated, and a wrong Job in it still fails."""
    app.state.answers["create_job"] = JSONResponse(JOB, status_code=201)
    assert (await http.post("/quantum/jobs", json={})).status_code == 201
    assert not recorder.tolerated
    app.state.answers["create_job"] = JSONResponse({**JOB, "status": "DONE"}, status_code=201)
    response = await http.post("/quantum/jobs", json={})
    assert response.status_code == 500
    assert response.json()["violations"][0]["pointer"] == "/status"


async def test_requests_no_operation_matches_are_counted_not_checked(
    http: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    """The token endpoint is the Hub's own: it passes, and the report lists its route."""
    assert (await http.post("/gateway/token")).status_code == 200
    assert (await http.get("/quantum/nowhere")).status_code == 404
    assert recorder.unmatched == {
        "POST /gateway/token": 1,
        "GET (no route) /quantum/nowhere": 1,
    }
    assert not recorder.checked


async def _call(app: ASGIApp, method: str, path: str) -> list[Message]:
    """Every message ``app`` sends for one request."""
    sent: list[Message] = []
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"hub.local")],
        "server": ("hub.local", 80),
        "client": ("127.0.0.1", 1234),
    }

    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    never = asyncio.Event()

    async def receive() -> Message:
        if requests:
            return requests.pop()
        await never.wait()  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def _chunks() -> Iterator[bytes]:
    yield from (b"\x00one", b"two", b"three\xff")


async def test_streams_pass_through_unbuffered_and_their_media_type_is_checked(
    app: FastAPI, recorder: ContractRecorder
) -> None:
    """An octet stream reaches the client chunk by chunk; an undeclared media type is a 500."""
    checked = response_validation_middleware(app, contract_recorder=recorder)
    app.state.answers["stream"] = StreamingResponse(
        _chunks(), media_type="application/octet-stream"
    )
    sent = await _call(checked, "GET", "/quantum/jobs/j/result-stream")
    bodies = [m["body"] for m in sent if m["type"] == "http.response.body" and m["body"]]
    assert bodies == list(_chunks())
    assert sent[0]["status"] == 200

    app.state.answers["stream"] = StreamingResponse(_chunks(), media_type="text/html")
    sent = await _call(checked, "GET", "/quantum/jobs/j/result-stream")
    assert sent[0]["status"] == 500
    assert b"text/html" in b"".join(m.get("body", b"") for m in sent[1:])
    assert len(recorder.violations) == 1


async def test_a_drift_planted_in_a_real_hub_shape_is_caught(
    local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Hub's own Backend shape with ``queue_size`` as text: the Hub answers 500."""
    assert local_hub.connection is not None
    real_backend_json = qhub.local.http.quantum.shapes.backend_json

    def drifted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**real_backend_json(*args, **kwargs), "queue_size": "three"}

    monkeypatch.setattr(qhub.local.http.quantum.backends, "backend_json", drifted)
    recorder = ContractRecorder()
    app = create_app(local_hub.hub, validate_responses=True, contract_recorder=recorder)
    transport = httpx.ASGITransport(app=app)
    headers = {"X-Auth-Token": local_hub.connection.personal_access_token}
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.local") as http:
        response = await http.get("/quantum/backends/aws.sim.sv1", headers=headers)
    assert response.status_code == 500
    body = response.json()
    assert body["operation"] == "quantum backends.get_backend"
    assert [v["pointer"] for v in body["violations"]] == ["/queue_size"]
    assert response.headers["x-request-id"] == body["requestId"]
    assert len(recorder.violations) == 1


def test_validation_is_off_unless_asked(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """LocalHub follows QHUB_LOCAL_VALIDATE_RESPONSES unless told; production default: off."""
    monkeypatch.delenv(VALIDATE_ENV, raising=False)
    assert not validation_requested()
    hubs = [LocalHub(tmp_path / "off", example=False)]
    monkeypatch.setenv(VALIDATE_ENV, "1")
    hubs += [
        LocalHub(tmp_path / "env", example=False),
        LocalHub(tmp_path / "told", example=False, validate_responses=False),
    ]
    try:
        assert [hub.validate_responses for hub in hubs] == [False, True, False]
    finally:
        for hub in hubs:
            hub.stop()


def test_validation_cannot_start_without_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked to validate where spec/ can't be found (a wheel), the Hub refuses to start."""
    monkeypatch.setenv(SPEC_DIR_ENV, str(tmp_path))
    spec_dir.cache_clear()
    try:
        with pytest.raises(SpecUnavailable, match=SPEC_DIR_ENV):
            LocalHub(tmp_path / "hub", validate_responses=True)
        assert not (tmp_path / "hub").exists()
    finally:
        spec_dir.cache_clear()


# -- the schema checker ----------------------------------------------------------------------


SCHEMAS: dict[str, Any] = {
    "components": {
        "schemas": {
            "Pet": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"},
                ],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {
                        "cat": "#/components/schemas/Cat",
                        "dog": "#/components/schemas/Dog",
                    },
                },
            },
            "Cat": {"type": "object", "properties": {"lives": {"type": "integer"}}},
            "Dog": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
            },
            "Tree": {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
                    "at": {"type": "string", "format": "date-time"},
                },
            },
        }
    }
}


@pytest.mark.parametrize(
    ("schema", "value", "problems"),
    [
        ("Pet", {"kind": "cat", "lives": 9}, []),
        ("Pet", {"kind": "cat", "lives": "nine"}, [("/lives", "expected integer, got string")]),
        ("Pet", {"kind": "bird"}, [("/kind", "discriminator 'bird' is not one of ['cat', 'dog']")]),
        (
            "Pet",
            {"kind": "dog", "name": "Rex", "bark": True},
            [("/bark", "property not allowed by the schema")],
        ),
        ("Pet", {"kind": "dog"}, [("", "required property 'name' is missing")]),
        ("Tree", {"children": [{"children": [{"at": "2026-01-02T03:04:05.123Z"}]}]}, []),
        (
            "Tree",
            {"children": [{"children": [{"at": "yesterday"}]}]},
            [("/children/0/children/0/at", "'yesterday' is not an RFC 3339 date-time")],
        ),
    ],
)
def test_schema_checker_names_each_problem_by_pointer(
    schema: str, value: Any, problems: list[tuple[str, str]]
) -> None:
    """Discriminated unions, closed objects, recursion and date-times, problems by pointer."""
    checker = SchemaChecker(SCHEMAS)
    assert checker.problems({"$ref": f"#/components/schemas/{schema}"}, value) == problems


def test_an_optional_reference_reports_the_problem_inside_it() -> None:
    """``anyOf [Job, null]`` with a broken Job names the pointer inside the Job, not the union."""
    operation = default_matcher().match("GET", "/quantum/sessions/s/jobs")
    assert operation is not None
    problems = operation.checker.problems(
        {"anyOf": [{"$ref": "#/components/schemas/Job"}, {"type": "null"}]},
        {"id": "j", "tags": [1]},
    )
    assert problems == [("/tags/0", "expected string, got integer")]


# -- every operation of the real Hub ---------------------------------------------------------


def _checked_apis_operations() -> list[Any]:
    return [
        pytest.param(op, id=op.name.replace(" ", ":"))
        for op in default_matcher().operations()
        if op.api != "platform"  # the Platform routes are another piece of work
    ]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """One Hub for the module (started, so it has its default user and application)."""
    with LocalHub(tmp_path_factory.mktemp("hub"), validate_responses=True) as local:
        yield local


@pytest.mark.parametrize("operation", _checked_apis_operations())
async def test_every_operation_answers_within_the_contract_even_for_bogus_input(
    hub: LocalHub, operation: Any
) -> None:
    """Each Quantum, Service and User operation has a route, and its answer to unknown ids
    and an empty body (an error, mostly) is one the spec declares, in the declared shape."""
    assert hub.connection is not None
    token, _ = hub.hub.add_user(hub.connection.organization_id)
    recorder = ContractRecorder()
    app = create_app(hub.hub, validate_responses=True, contract_recorder=recorder)
    transport = httpx.ASGITransport(app=app)
    prefix = {
        "quantum": "/quantum",
        "user": "/user-service",
        "service": "/gateway/local/quickstart/1.0.0",
    }
    path = prefix[operation.api] + ("" if operation.path == "/" else operation.path)
    path = path.replace("{", "unknown-").replace("}", "")
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.local") as http:
        bearer = (
            await http.post(
                "/gateway/token",
                data={"grant_type": "client_credentials"},
                auth=(
                    hub.connection.application["access_key_id"],
                    hub.connection.application["secret_access_key"],
                ),
            )
        ).json()["access_token"]
        headers = {"X-Auth-Token": token, "Authorization": f"Bearer {bearer}"}
        body: dict[str, Any] | None = {} if operation.method in ("POST", "PUT", "PATCH") else None
        response = await http.request(operation.method, path, headers=headers, json=body)
    assert response.status_code not in (405, 500), response.text
    if response.status_code == 404 and response.content:
        assert response.json()["message"] != "no such endpoint"
    assert recorder.checked == {operation.name: 1}
    assert not recorder.violations
