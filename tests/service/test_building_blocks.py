"""The no-I/O parts of qhub-service: request bodies, token and grant caches, download guards."""

from __future__ import annotations

import base64
import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from qhub.service._download import checked_file_name
from qhub.service._oauth import AuthenticationError, ClientCredentialsAuth, TokenCache
from qhub.service.client import HubServiceClient
from qhub.service.datapool import (
    DataPoolGrant,
    DataPoolPermission,
    DataPoolReference,
    GrantCache,
)

ENDPOINT = "http://127.0.0.1:9/gateway/local/svc/1.0.0"


def jwt(claims: dict[str, object]) -> str:
    """An unsigned JWT-shaped token with these claims."""

    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


class Clock:
    """A settable clock."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_token_cache_refreshes_120s_before_expiry() -> None:
    """A one-hour token is reused until 120 s before it expires."""
    clock = Clock()
    cache = TokenCache(clock)
    cache.store("t", 3600)
    clock.now += 3600 - 121
    assert cache.current() == "t"
    clock.now += 1
    assert cache.current() is None


def test_short_lived_tokens_are_refreshed_at_half_their_lifetime() -> None:
    """A 60 s token is not refetched on every request: it lives 30 s in the cache."""
    clock = Clock()
    cache = TokenCache(clock)
    cache.store("t", 60)
    clock.now += 29.9
    assert cache.current() == "t"
    clock.now += 0.2
    assert cache.current() is None


def test_one_token_fetch_for_many_threads() -> None:
    """Concurrent first requests share one token fetch."""
    fetches = 0
    gate = threading.Event()

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        nonlocal fetches
        fetches += 1
        gate.wait(1)
        return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})

    auth = ClientCredentialsAuth("http://token.example/token", "id", "secret")
    auth._http = httpx.Client(transport=httpx.MockTransport(token_endpoint))
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(auth.sync_token())) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    gate.set()
    for thread in threads:
        thread.join()
    assert results == ["tok"] * 8
    assert fetches == 1


def test_a_401_refreshes_the_token_once_and_resends() -> None:
    """A gateway 401 invalidates the token, fetches a new one and resends the request once."""
    issued = iter(["old", "new"])

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        assert (
            request.headers["authorization"] == "Basic " + base64.b64encode(b"id:secret").decode()
        )
        assert request.content == b"grant_type=client_credentials"
        return httpx.Response(200, json={"access_token": next(issued), "expires_in": 3600})

    seen: list[str] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer old":
            return httpx.Response(401)
        return httpx.Response(200, json={"id": "e1", "status": "RUNNING"})

    auth = ClientCredentialsAuth("http://token.example/token", "id", "secret")
    auth._http = httpx.Client(transport=httpx.MockTransport(token_endpoint))
    with httpx.Client(transport=httpx.MockTransport(gateway), auth=auth) as client:
        assert client.get("http://gw.example/e1").status_code == 200
    assert seen == ["Bearer old", "Bearer new"]
    assert auth.fetch_count == 2


@pytest.mark.parametrize(
    ("response", "match"),
    [
        (
            httpx.Response(401, json={"error": "invalid_client", "error_description": "bad key"}),
            "invalid_client: bad key",
        ),
        (httpx.Response(500, text="oops"), "HTTP 500"),
        (httpx.Response(200, json={"token_type": "Bearer"}), "without an access_token"),
    ],
)
def test_token_endpoint_failures_raise_one_documented_error(
    response: httpx.Response, match: str
) -> None:
    """Every token-endpoint failure is an AuthenticationError; the secret is never in it."""
    auth = ClientCredentialsAuth("http://token.example/token", "id", "s3cr3t")
    auth._http = httpx.Client(transport=httpx.MockTransport(lambda r: response))
    with pytest.raises(AuthenticationError, match=match) as caught:
        auth.sync_token()
    assert "s3cr3t" not in str(caught.value)
    assert "s3cr3t" not in repr(auth)


def test_unreachable_token_endpoint_is_an_authentication_error() -> None:
    """A connection failure at the token endpoint is an AuthenticationError, chained."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    auth = ClientCredentialsAuth("http://token.example/token", "id", "secret")
    auth._http = httpx.Client(transport=httpx.MockTransport(refuse))
    with pytest.raises(AuthenticationError) as caught:
        auth.sync_token()
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_exactly_one_access_key_part_is_an_error() -> None:
    """Half an access key is a ValueError, not a silent anonymous client."""
    with pytest.raises(ValueError, match="together"):
        HubServiceClient(ENDPOINT, "id", None)
    with pytest.raises(ValueError, match="together"):
        HubServiceClient(ENDPOINT, None, "secret")


def test_run_body_never_mutates_the_callers_dict() -> None:
    """$tags/$secrets go into a copy; caller keys win; the caller's dict is unchanged."""
    request = {"values": [1], "$tags": ["mine"]}
    body = HubServiceClient._body(request, {"k": "v"}, ["theirs"])
    assert body == {"values": [1], "$tags": ["mine"], "$secrets": {"k": "v"}}
    assert request == {"values": [1], "$tags": ["mine"]}


def test_reference_serialises_like_the_seed() -> None:
    """DataPoolReference.dict() is the wire object; the grant never shows in its repr."""
    assert DataPoolReference(id="dp").dict() == {"id": "dp", "ref": "DATAPOOL"}
    ref = DataPoolReference(id="dp", grant="jwt-value")
    assert ref.dict() == {"id": "dp", "ref": "DATAPOOL", "grant": "jwt-value"}
    assert "jwt-value" not in repr(ref)


def test_grant_accepts_camel_case_names_and_defaults_to_modify() -> None:
    """The TypeScript names work too; permission defaults to MODIFY."""
    grant = DataPoolGrant.model_validate({"name": "in", "datapoolId": "dp", "applicationId": "app"})
    assert (grant.datapool_id, grant.application_id, grant.permission) == (
        "dp",
        "app",
        DataPoolPermission.MODIFY,
    )


def test_grant_cache_reuses_until_30s_before_exp_and_normalises_permission() -> None:
    """Cached per (pool, app, permission value) until exp - 30 s."""
    clock = Clock(10_000)
    cache = GrantCache(clock=clock)
    by_enum = DataPoolGrant(
        name="a", datapool_id="dp", application_id="app", permission=DataPoolPermission.VIEW
    )
    by_text = DataPoolGrant(name="b", datapool_id="dp", application_id="app", permission="VIEW")
    token = jwt({"exp": 10_100})
    cache.put(by_enum, token)
    assert cache.get(by_text) == token
    clock.now = 10_069.9
    assert cache.get(by_enum) == token
    clock.now = 10_070
    assert cache.get(by_enum) is None


def test_grant_cache_is_bounded() -> None:
    """The oldest grants are evicted past the bound."""
    cache = GrantCache(max_entries=2, clock=Clock(0))
    for pool in ("a", "b", "c"):
        cache.put(
            DataPoolGrant(name="n", datapool_id=pool, application_id="app"), jwt({"exp": 1000})
        )
    assert len(cache) == 2
    assert cache.get(DataPoolGrant(name="n", datapool_id="a", application_id="app")) is None


def test_grant_cache_rejects_non_jwt_tokens() -> None:
    """A token that is not a JWT is a clear ValueError, not an IndexError."""
    with pytest.raises(ValueError, match="not a JWT"):
        GrantCache().put(DataPoolGrant(name="n", datapool_id="a", application_id="b"), "opaque")


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "/etc/passwd", "a\\b", "nul\0"])
def test_unsafe_result_file_names_are_refused(name: str) -> None:
    """A server-provided name can never write outside the target directory."""
    with pytest.raises(ValueError, match="refusing result file name"):
        checked_file_name(name)


def test_plain_names_pass(tmp_path: Path) -> None:
    """Ordinary names, unicode and spaces included, are fine."""
    assert checked_file_name("my file ü.txt") == "my file ü.txt"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"request": ["not", "a", "dict"]}, TypeError, "request must be a dict"),
        ({"request": {}, "tags": "solo"}, TypeError, "tags must be a list of strings"),
        ({"request": {}, "secrets": ["x"]}, TypeError, "secrets must be a dict"),
        (
            {"request": {}, "grants": [{"name": "x"}]},
            TypeError,
            "grants must be a list of DataPoolGrant",
        ),
    ],
)
def test_bad_run_arguments_fail_before_any_request(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    """Wrong types raise naming the argument; nothing is sent (the endpoint is unreachable)."""
    with HubServiceClient(ENDPOINT) as client, pytest.raises(error, match=match):
        client.run(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("endpoint", "forwarded"),
    [
        ("http://127.0.0.1:8080/gateway/local/svc/1.0.0", True),
        ("https://gateway.hub.kipu-quantum.com/acme/svc/1.0.0", True),
        ("https://third-party.example/svc", False),
    ],
)
def test_parent_execution_token_goes_only_to_hub_or_local_gateways(
    endpoint: str, forwarded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a service, KQH_SERVICE_EXECUTION_TOKEN is forwarded, but never to foreign hosts."""
    monkeypatch.setenv("KQH_SERVICE_EXECUTION_TOKEN", "parent-token")
    with HubServiceClient(endpoint) as client:
        headers = client._client._pipeline.settings.headers
        assert (headers.get("X-Parent-Execution-Token") == "parent-token") is forwarded
