"""The dashboard's server side, without a browser: its page and assets, the token every JSON
endpoint needs, the refusal of cross-site and token-less cancels, paging, result files, data
pool files, that watching a job is not one of its polls, and the layer rules it keeps."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import qhub.local
from qhub.local.domain.executions import Execution, ExecutionStore
from qhub.local.domain.quantum import JobLifecycle
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ..workspaces import make_workspace
from .test_layers import MODULES, _domain_component, _imports, _targets

ONE_QUBIT = 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c; h q[0]; c = measure q;'
READS = [
    "/dashboard/api/overview",
    "/dashboard/api/services",
    "/dashboard/api/executions",
    "/dashboard/api/jobs",
    "/dashboard/api/sessions",
    "/dashboard/api/datapools",
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the echo and sleepy workspaces."""
    root = tmp_path_factory.mktemp("ws")
    services = {kind: make_workspace(root, kind) for kind in ("echo", "sleepy")}
    with LocalHub(tmp_path_factory.mktemp("hub"), services=dict(services), example=False) as local:
        yield local


@pytest.fixture(scope="module")
def base(hub: LocalHub) -> str:
    """The Hub's base URL."""
    assert hub.connection is not None
    return hub.connection.base_url


@pytest.fixture(scope="module")
def signed_in(hub: LocalHub, base: str) -> Iterator[httpx.Client]:
    """The dashboard's JSON API with the default user's personal access token."""
    assert hub.connection is not None
    headers = {"X-Auth-Token": hub.connection.personal_access_token}
    with httpx.Client(base_url=f"{base}/dashboard/api", headers=headers, timeout=30) as client:
        yield client


def _run(hub: LocalHub, service: str, request: dict[str, Any], *, wait: bool = True) -> str:
    """Start an execution of a service as the default application; its id."""
    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services[service],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as client:
        execution = client.run(request=request, tags=["dashboard"])
        if wait:
            execution.wait_for_final_state(timeout=60, wait=0.1)
        return str(execution.id)


@pytest.fixture(scope="module")
def echoed(hub: LocalHub) -> str:
    """A finished echo execution (it writes the result file ``note.txt``)."""
    return _run(hub, "echo", {"values": [1, 2], "name": "dash"})


@pytest.fixture
def sleeping(hub: LocalHub, signed_in: httpx.Client) -> Iterator[str]:
    """A running sleepy execution; cancelled afterwards if a test left it running."""
    execution_id = _run(hub, "sleepy", {"seconds": 60}, wait=False)
    yield execution_id
    signed_in.post(f"/executions/{execution_id}/cancel")


def _status(client: httpx.Client, execution_id: str) -> str:
    return str(client.get(f"/executions/{execution_id}").json()["status"])


def test_the_page_needs_no_token_and_runs_only_its_own_script(base: str) -> None:
    """``/`` is the page (no data in it); its policy allows only its own script and style,
    no inline code, no framing."""
    page = httpx.get(f"{base}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'src="/dashboard/assets/app.js"' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    script = httpx.get(f"{base}/dashboard/assets/app.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith(
        "text/javascript"
    )
    assert "innerHTML" not in script.text  # the page builds every node from text
    assert httpx.get(f"{base}/dashboard/assets/style.css").status_code == 200
    for missing in ("index.html", "views.py", "..%2Froutes.py"):
        assert httpx.get(f"{base}/dashboard/assets/{missing}").status_code == 404


def test_the_api_reference_is_served_offline_under_the_same_policy(base: str) -> None:
    """``/docs`` is the API reference page, under the dashboard's policy; its script builds
    every node from text; ``/redoc`` leads there; the documents it renders are served."""
    page = httpx.get(f"{base}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'src="/dashboard/assets/docs.js"' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    script = httpx.get(f"{base}/dashboard/assets/docs.js")
    assert script.status_code == 200 and "innerHTML" not in script.text
    redoc = httpx.get(f"{base}/redoc")
    assert (redoc.status_code, redoc.headers["location"]) == (307, "/docs")
    for document in re.findall(r'document: "([^"]+)"', script.text):
        assert httpx.get(base + document).json()["paths"], document


def test_the_page_fetches_nothing_from_elsewhere(base: str) -> None:
    """No CDN, no web fonts: the pages, their scripts and the stylesheet name no other host."""
    assets = ("app.js", "docs.js", "style.css")
    for path in ("/", "/docs", *(f"/dashboard/assets/{name}" for name in assets)):
        text = httpx.get(base + path).text
        for remote in ("http://", "https://", 'src="//', 'href="//', "@import", "url("):
            assert remote not in text, f"{path} names {remote!r}"


@pytest.mark.parametrize("path", READS)
def test_every_read_needs_a_personal_access_token(base: str, path: str) -> None:
    """No token, or a wrong one: 401 with the Hub's error body."""
    missing = httpx.get(base + path)
    assert missing.status_code == 401 and missing.json()["status"] == 401
    wrong = httpx.get(base + path, headers={"X-Auth-Token": "not-a-token"})
    assert wrong.status_code == 401


def test_reads_answer_for_the_token_and_are_not_cached(signed_in: httpx.Client) -> None:
    """Each JSON endpoint answers with its items and forbids caching."""
    overview = signed_in.get("/overview")
    assert overview.status_code == 200 and overview.headers["cache-control"] == "no-store"
    assert overview.json()["username"] == "local"
    assert overview.json()["counts"]["services"] == 2
    names = {s["name"] for s in signed_in.get("/services").json()["items"]}
    assert names == {"echo", "sleepy"}


def test_an_execution_token_does_not_sign_in(hub: LocalHub, base: str, echoed: str) -> None:
    """The dashboard is for people: a service execution's own token is refused (401)."""
    assert hub.connection is not None
    token = hub.hub.organizations.issue_execution_token(
        hub.connection.application["id"], echoed, hub.connection.organization_id
    )
    answer = httpx.get(f"{base}/dashboard/api/overview", headers={"X-Auth-Token": token})
    assert answer.status_code == 401 and "personal access token" in answer.json()["message"]


def test_an_execution_shows_status_tags_timings_log_output_and_files(
    signed_in: httpx.Client, echoed: str
) -> None:
    """The detail of a finished execution: everything the page shows of it."""
    detail = signed_in.get(f"/executions/{echoed}").json()
    assert (detail["id"], detail["status"], detail["final"]) == (echoed, "SUCCEEDED", True)
    assert detail["service"] == "echo" and detail["tags"] == ["dashboard"]
    assert detail["startedAt"] and detail["endedAt"] and detail["durationMs"] >= 0
    assert any("hello dash" in line["message"] for line in detail["logs"])
    assert '"sum": 3' in detail["output"]
    assert {"name": "note.txt", "size": len("note for dash\n")} in detail["files"]
    download = signed_in.get(f"/executions/{echoed}/files/note.txt")
    assert download.status_code == 200 and download.text == "note for dash\n"
    assert 'filename="note.txt"' in download.headers["content-disposition"]
    for name in ("missing.txt", "..%2Flog.jsonl", ".hidden"):
        assert signed_in.get(f"/executions/{echoed}/files/{name}").status_code == 404


def test_cancel_without_a_token_is_refused(
    base: str, signed_in: httpx.Client, sleeping: str
) -> None:
    """401, and the execution keeps running."""
    answer = httpx.post(f"{base}/dashboard/api/executions/{sleeping}/cancel")
    assert answer.status_code == 401
    assert _status(signed_in, sleeping) in ("PENDING", "RUNNING")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://attacker.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost:1"},
    ],
    ids=["cross-site", "same-site", "other-origin", "opaque-origin", "other-port"],
)
def test_cross_site_cancel_is_refused(
    base: str, signed_in: httpx.Client, sleeping: str, headers: dict[str, str]
) -> None:
    """A request a browser marks as coming from elsewhere: 403 even with the token, and the
    execution keeps running."""
    url = f"{base}/dashboard/api/executions/{sleeping}/cancel"
    token = signed_in.headers["X-Auth-Token"]
    answer = httpx.post(url, headers={"X-Auth-Token": token, **headers})
    assert answer.status_code == 403, answer.text
    assert _status(signed_in, sleeping) in ("PENDING", "RUNNING")
    without_token = httpx.post(url, headers=headers)
    assert without_token.status_code == 403  # refused before the token is looked at


def test_a_same_origin_cancel_stops_the_execution(
    base: str, signed_in: httpx.Client, sleeping: str
) -> None:
    """With the token, from the Hub's own origin: the execution ends CANCELLED."""
    answer = signed_in.post(
        f"/executions/{sleeping}/cancel",
        headers={"Origin": base, "Sec-Fetch-Site": "same-origin"},
    )
    assert answer.status_code == 200 and answer.json()["id"] == sleeping
    deadline = time.monotonic() + 20
    while _status(signed_in, sleeping) != "CANCELLED":
        assert time.monotonic() < deadline, "the execution did not end CANCELLED"
        time.sleep(0.1)


def test_another_organization_sees_none_of_it(hub: LocalHub, base: str, echoed: str) -> None:
    """Another user's token: no executions, 404 for this one's detail, file and cancel."""
    other = hub.add_user()
    headers = {"X-Auth-Token": other.personal_access_token}
    with httpx.Client(base_url=f"{base}/dashboard/api", headers=headers) as client:
        assert client.get("/executions").json()["totalElements"] == 0
        assert client.get("/overview").json()["counts"]["executions"] == 0
        assert client.get(f"/executions/{echoed}").status_code == 404
        assert client.get(f"/executions/{echoed}/files/note.txt").status_code == 404
        assert client.post(f"/executions/{echoed}/cancel").status_code == 404


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalHub, list[str]]]:
    """A Hub whose store holds 120 executions, and their ids oldest first."""
    with LocalHub(tmp_path_factory.mktemp("seeded")) as local:
        assert local.connection is not None
        store = ExecutionStore(local.hub.database)
        start = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
        ids = []
        for number in range(120):
            execution = Execution(
                id=str(uuid.uuid4()),
                service="/gateway/local/quickstart/1.0.0",
                application_id=local.connection.application["id"],
                status="SUCCEEDED",
                created_at=start + dt.timedelta(minutes=number),
                workdir=local.data_dir / "executions" / f"seeded-{number}",
                organization_id=local.connection.organization_id,
            )
            store.add(execution)
            ids.append(execution.id)
        yield local, ids


def test_executions_are_paged_newest_first(seeded: tuple[LocalHub, list[str]]) -> None:
    """``page``/``size`` slice the newest-first listing; the totals describe all of it."""
    hub, ids = seeded
    assert hub.connection is not None
    headers = {"X-Auth-Token": hub.connection.personal_access_token}
    with httpx.Client(
        base_url=f"{hub.connection.base_url}/dashboard/api", headers=headers
    ) as client:
        first = client.get("/executions").json()
        assert (first["page"], first["size"], first["totalElements"], first["totalPages"]) == (
            0,
            50,
            120,
            3,
        )
        assert [e["id"] for e in first["items"]] == ids[::-1][:50]
        last = client.get("/executions", params={"page": 2, "size": 50}).json()
        assert [e["id"] for e in last["items"]] == ids[::-1][100:]
        beyond = client.get("/executions", params={"page": 9, "size": 50}).json()
        assert beyond["items"] == [] and beyond["totalElements"] == 120
        for params in ({"size": 0}, {"size": 1001}, {"page": -1}):
            assert client.get("/executions", params=params).status_code == 400
            assert client.get("/jobs", params=params).status_code == 400
            assert client.get("/sessions", params=params).status_code == 400
        assert client.get("/overview").json()["counts"]["executions"] == 120


def test_jobs_and_sessions_are_paged_newest_first(hub: LocalHub, signed_in: httpx.Client) -> None:
    """Three sessions and three jobs (one in a session): pages of two, newest first."""
    assert hub.connection is not None
    quantum = httpx.Client(
        base_url=hub.connection.quantum_url,
        headers={"X-Auth-Token": hub.connection.personal_access_token},
        timeout=60,
    )
    with quantum:
        sessions = []
        for _ in range(3):
            time.sleep(0.002)  # creation times are kept to the millisecond
            answer = quantum.post("/sessions", json={"backend_id": "aws.sim.sv1", "mode": "batch"})
            sessions.append(answer.json()["id"])
        jobs = []
        for number in range(3):
            time.sleep(0.002)
            body = {
                "backend_id": "aws.sim.sv1",
                "shots": 5,
                "input": {"qasm": ONE_QUBIT},
                "name": f"job {number}",
            }
            if number == 2:
                body["session_id"] = sessions[-1]
            answer = quantum.post("/jobs", json=body)
            assert answer.status_code == 201, answer.text
            jobs.append(answer.json()["id"])
    page = signed_in.get("/jobs", params={"size": 2}).json()
    assert page["totalElements"] >= 3 and [j["id"] for j in page["items"]] == jobs[::-1][:2]
    assert page["items"][0]["sessionId"] == sessions[-1]
    listed = signed_in.get("/sessions", params={"size": 2}).json()
    assert listed["totalElements"] >= 3 and [s["id"] for s in listed["items"]] == sessions[::-1][:2]
    assert listed["items"][0]["jobCount"] == 1 and listed["items"][1]["jobCount"] == 0


def test_watching_a_job_is_not_one_of_its_polls(hub: LocalHub, signed_in: httpx.Client) -> None:
    """With a lifecycle that keeps a finished job RUNNING for its first two polls, the
    dashboard shows it as stored, and reading it there leaves the client's polls untouched."""
    assert hub.connection is not None
    previous = hub.job_lifecycle
    hub.job_lifecycle = JobLifecycle(after_polls=2)
    try:
        headers = {"X-Auth-Token": hub.connection.personal_access_token}
        with httpx.Client(
            base_url=hub.connection.quantum_url, headers=headers, timeout=60
        ) as quantum:
            body = {"backend_id": "local.aer.simulator", "shots": 20, "input": {"qasm": ONE_QUBIT}}
            job_id = quantum.post("/jobs", json=body).json()["id"]
            deadline = time.monotonic() + 60
            while (shown := signed_in.get(f"/jobs/{job_id}").json())["status"] != "COMPLETED":
                assert time.monotonic() < deadline, shown
                time.sleep(0.1)
            assert sum(bar["count"] for bar in shown["histogram"]) == 20
            assert shown["input"] == ONE_QUBIT and shown["outcomes"] == len(shown["histogram"])
            polls = [quantum.get(f"/jobs/{job_id}").json()["status"] for _ in range(3)]
        assert polls == ["RUNNING", "RUNNING", "COMPLETED"]
    finally:
        hub.job_lifecycle = previous


def test_data_pools_list_their_files(hub: LocalHub, signed_in: httpx.Client) -> None:
    """A pool's files, nested ones by their path inside it, with their sizes."""
    (pool,) = hub.hub.datapools.all()
    (pool.path / "inputs").mkdir(exist_ok=True)
    (pool.path / "inputs" / "a.csv").write_text("x,y\n1,2\n")
    (pool.path / "readme.txt").write_text("hello")
    (listed,) = signed_in.get("/datapools").json()["items"]
    assert listed["id"] == pool.id and listed["name"] == "default" and listed["fileCount"] == 2
    assert [(f["name"], f["size"]) for f in listed["files"]] == [
        ("readme.txt", 5),
        ("inputs/a.csv", 8),
    ]


def test_unknown_records_answer_404(signed_in: httpx.Client) -> None:
    """Detail pages of ids that don't exist."""
    assert signed_in.get("/executions/nope").status_code == 404
    assert signed_in.get("/jobs/nope").status_code == 404
    assert signed_in.post("/executions/nope/cancel").status_code == 404


DASHBOARD = "qhub.local.dashboard"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(DASHBOARD)))
def test_the_dashboard_calls_domain_services_only(module: str) -> None:
    """Like the HTTP layer: no store module, no database, and no import of ``qhub.local.http``
    (which mounts the dashboard: importing it back would be a cycle)."""
    for target in _targets(module):
        assert _domain_component(target) != "store", f"{module} imports {target}"
        assert not target.endswith(".store"), f"{module} imports {target}"
        assert not target.startswith("qhub.local.http"), f"{module} imports {target}"
    for _, base, _ in _imports(module):
        assert not base.startswith("qhub.local.http"), f"{module} imports {base}"
    source = Path(qhub.local.__file__).parent.joinpath(*module.split(".")[2:])
    text = (source / "__init__.py" if source.is_dir() else source.with_suffix(".py")).read_text()
    assert ".database" not in text and "._store" not in text


def test_the_rules_above_cover_the_dashboard() -> None:
    """The module list the rules walk includes the dashboard's modules."""
    assert {f"{DASHBOARD}.routes", f"{DASHBOARD}.access", f"{DASHBOARD}.views"} <= set(MODULES)
