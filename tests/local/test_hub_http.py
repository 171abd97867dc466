"""The local Hub over real HTTP with plain httpx: auth, bad input, isolation, grants."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from qhub.local.server import LocalHub

from ..workspaces import make_workspace


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with a small body limit, so 413 is cheap to provoke."""
    workspace = make_workspace(tmp_path_factory.mktemp("ws"), "echo")
    local = LocalHub(
        tmp_path_factory.mktemp("hub"), services={"echo": workspace}, max_body_bytes=1024
    )
    local.start()
    yield local
    local.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain HTTP client."""
    with httpx.Client(timeout=10) as client:
        yield client


def token_for(
    hub: LocalHub, http: httpx.Client, key: str | None = None, secret: str | None = None
) -> str:
    """A gateway token for the default (or given) application."""
    assert hub.connection is not None
    app = hub.connection.application
    response = http.post(
        hub.connection.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(key or app["access_key_id"], secret or app["secret_access_key"]),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    return str(body["access_token"])


def url(hub: LocalHub, suffix: str = "") -> str:
    """The echo service's gateway URL plus a suffix."""
    assert hub.connection is not None
    return hub.connection.services["echo"] + suffix


def test_token_endpoint_rejects_bad_credentials_and_grant_types(
    hub: LocalHub, http: httpx.Client
) -> None:
    """RFC 6749 errors: invalid_client (401, WWW-Authenticate), unsupported_grant_type (400)."""
    assert hub.connection is not None
    endpoint = hub.connection.token_endpoint
    app = hub.connection.application
    wrong = http.post(
        endpoint, data={"grant_type": "client_credentials"}, auth=(app["access_key_id"], "nope")
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert "WWW-Authenticate" in wrong.headers
    grant = http.post(
        endpoint,
        data={"grant_type": "password"},
        auth=(app["access_key_id"], app["secret_access_key"]),
    )
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    anonymous = http.post(endpoint, data={"grant_type": "client_credentials"})
    assert anonymous.status_code == 401
    form_fields = http.post(
        endpoint,
        data={
            "grant_type": "client_credentials",
            "client_id": app["access_key_id"],
            "client_secret": app["secret_access_key"],
        },
    )
    assert form_fields.status_code == 200


def test_gateway_requires_a_valid_bearer_token(hub: LocalHub, http: httpx.Client) -> None:
    """No token, a forged token: 401 with WWW-Authenticate and an error body naming why."""
    missing = http.get(url(hub))
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["message"].startswith("a bearer token is required")
    token = token_for(hub, http)
    head, body, _ = token.split(".")
    forged = f"{head}.{body}.{base64.urlsafe_b64encode(b'x' * 32).decode().rstrip('=')}"
    response = http.get(url(hub), headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert token not in response.text


@pytest.mark.parametrize(
    ("content", "headers", "status", "message"),
    [
        (b'{"values": [1]}', {"Content-Type": "text/plain"}, 415, "must be application/json"),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400, "must be a JSON object, not list"),
        (b"{nope", {"Content-Type": "application/json"}, 400, "not valid JSON"),
        (b'{"values": "' + b"x" * 2000 + b'"}', {"Content-Type": "application/json"}, 413, "limit"),
    ],
)
def test_bad_start_requests_get_a_clear_4xx_and_create_nothing(
    hub: LocalHub,
    http: httpx.Client,
    content: bytes,
    headers: dict[str, str],
    status: int,
    message: str,
) -> None:
    """Each malformed body is refused with its status and a message; no execution appears."""
    auth = {"Authorization": f"Bearer {token_for(hub, http)}"}
    before = http.get(url(hub), headers=auth).json()
    response = http.post(url(hub), content=content, headers={**headers, **auth})
    assert response.status_code == status
    body = response.json()
    assert message in body["message"]
    assert body["requestId"] == response.headers["x-request-id"]
    assert http.get(url(hub), headers=auth).json() == before


@pytest.mark.parametrize("suffix", ["/no-such-id", "/no-such-id/result", "/no-such-id/log"])
def test_unknown_ids_are_404_with_a_body(hub: LocalHub, http: httpx.Client, suffix: str) -> None:
    """An unknown execution id is a 404 whose message names it."""
    response = http.get(
        url(hub, suffix), headers={"Authorization": f"Bearer {token_for(hub, http)}"}
    )
    assert response.status_code == 404
    assert "no-such-id" in response.json()["message"]


def test_result_files_cannot_escape_the_execution(hub: LocalHub, http: httpx.Client) -> None:
    """Traversal attempts and dot files are 404, never another file."""
    auth = {"Authorization": f"Bearer {token_for(hub, http)}"}
    started = http.post(url(hub), json={"values": [1]}, headers=auth)
    assert started.status_code == 201
    execution_id = started.json()["id"]
    assert started.headers["location"] == url(hub, f"/{execution_id}")
    for name in ("..%2F..%2Fhub.sqlite3", "..%2Frequest.json", ".hidden", "%2Fetc%2Fpasswd"):
        response = http.get(url(hub, f"/{execution_id}/result/{name}"), headers=auth)
        assert response.status_code == 404, name


def test_applications_never_see_each_others_executions(hub: LocalHub, http: httpx.Client) -> None:
    """A second application gets 404 for the first one's execution and an empty list."""
    mine = {"Authorization": f"Bearer {token_for(hub, http)}"}
    execution_id = http.post(url(hub), json={"values": [1]}, headers=mine).json()["id"]
    other_app, other_secret = hub.hub.create_application("other")
    theirs = {
        "Authorization": f"Bearer {token_for(hub, http, other_app.access_key_id, other_secret)}"
    }
    assert http.get(url(hub, f"/{execution_id}"), headers=theirs).status_code == 404
    assert http.put(url(hub, f"/{execution_id}/cancel"), headers=theirs).status_code == 404
    assert http.get(url(hub), headers=theirs).json() == []


def test_grants_require_the_personal_access_token_and_known_ids(
    hub: LocalHub, http: httpx.Client
) -> None:
    """Grant issuing: 401 without PAT, 404 unknown pool/app, 422 bad permission, 200 with a JWT."""
    assert hub.connection is not None
    conn = hub.connection
    pool = conn.datapools["default"]
    grants = f"{conn.platform_url}/datapools/{pool}/grants"
    body = {"applicationId": conn.application["id"], "permission": "VIEW"}
    assert http.post(grants, json=body).status_code == 401
    pat = {"X-Auth-Token": conn.personal_access_token}
    assert (
        http.post(
            grants, json=body, headers={**pat, "X-OrganizationId": "someone-else"}
        ).status_code
        == 403
    )
    assert (
        http.post(f"{conn.platform_url}/datapools/nope/grants", json=body, headers=pat).status_code
        == 404
    )
    assert http.post(grants, json={**body, "applicationId": "nope"}, headers=pat).status_code == 404
    bad = http.post(grants, json={**body, "permission": "OWN"}, headers=pat)
    assert bad.status_code == 422 and "permission" in bad.json()["message"]
    ok = http.post(grants, json=body, headers={**pat, "X-OrganizationId": conn.organization_id})
    assert ok.status_code == 200 and ok.json()["token"].count(".") == 2
