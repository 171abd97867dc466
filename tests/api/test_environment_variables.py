"""Endpoints from environment variables: used when no argument names one, never over one."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient, HubQuantumClientEnvironment
from qhub.api.service import AsyncHubServiceClient, HubServiceClient
from qhub.api.user import AsyncHubUserClient, HubUserClient
from qhub.service import client as service_sdk
from qhub.service.platform import HubPlatformClient as GrantsPlatformClient

FROM_VARIABLE = "http://from-variable.example/api"
FROM_ARGUMENT = "http://from-argument.example/api"
EXECUTION = {"id": "e1", "status": "PENDING", "createdAt": "2026-01-01T00:00:00Z"}


def recording(urls: list[str], body: Any) -> httpx.MockTransport:
    """A transport answering ``body`` and recording each request's URL."""

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handler)


# (variable, how to build a client over an httpx client, one call, its path, its answer)
SYNC_CASES: list[tuple[str, Callable[..., Any], Callable[[Any], Any], str, Any]] = [
    (
        "QHUB_QUANTUM_BASE_URL",
        lambda **kw: HubQuantumClient(api_key="k", **kw),
        lambda c: c.backends.get_backends(),
        "/backends",
        [],
    ),
    (
        "QHUB_PLATFORM_BASE_URL",
        lambda **kw: HubPlatformClient(api_key="k", **kw),
        lambda c: c.services.get_services(),
        "/services",
        [],
    ),
    (
        "QHUB_USER_BASE_URL",
        lambda **kw: HubUserClient(api_key="k", **kw),
        lambda c: c.search.users(query="ada"),
        "/search?q=ada",
        [],
    ),
    (
        "QHUB_SERVICE_BASE_URL",
        lambda **kw: HubServiceClient(token="t", **kw),
        lambda c: c.service_api.get_status("e1"),
        "/e1",
        EXECUTION,
    ),
]

ASYNC_CASES: list[tuple[str, Callable[..., Any], Callable[[Any], Awaitable[Any]], str, Any]] = [
    (
        "QHUB_QUANTUM_BASE_URL",
        lambda **kw: AsyncHubQuantumClient(api_key="k", **kw),
        lambda c: c.backends.get_backends(),
        "/backends",
        [],
    ),
    (
        "QHUB_PLATFORM_BASE_URL",
        lambda **kw: AsyncHubPlatformClient(api_key="k", **kw),
        lambda c: c.services.get_services(),
        "/services",
        [],
    ),
    (
        "QHUB_USER_BASE_URL",
        lambda **kw: AsyncHubUserClient(api_key="k", **kw),
        lambda c: c.search.users(query="ada"),
        "/search?q=ada",
        [],
    ),
    (
        "QHUB_SERVICE_BASE_URL",
        lambda **kw: AsyncHubServiceClient(token="t", **kw),
        lambda c: c.service_api.get_status("e1"),
        "/e1",
        EXECUTION,
    ),
]


@pytest.fixture(autouse=True)
def _no_endpoint_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with none of the variables set, whatever the shell has."""
    for name in (
        "QHUB_QUANTUM_BASE_URL",
        "QHUB_PLATFORM_BASE_URL",
        "QHUB_USER_BASE_URL",
        "QHUB_SERVICE_BASE_URL",
        "QHUB_TOKEN_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("variable", "make", "call", "path", "answer"), SYNC_CASES)
def test_requests_go_to_the_variables_url(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    make: Callable[..., Any],
    call: Callable[[Any], Any],
    path: str,
    answer: Any,
) -> None:
    """With no base_url, each client sends to the URL in its variable."""
    monkeypatch.setenv(variable, FROM_VARIABLE)
    urls: list[str] = []
    client = make(httpx_client=httpx.Client(transport=recording(urls, answer)))
    call(client)
    assert client.base_url == FROM_VARIABLE
    assert urls == [FROM_VARIABLE + path]


@pytest.mark.parametrize(("variable", "make", "call", "path", "answer"), ASYNC_CASES)
async def test_async_requests_go_to_the_variables_url(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    make: Callable[..., Any],
    call: Callable[[Any], Awaitable[Any]],
    path: str,
    answer: Any,
) -> None:
    """The async twins read the same variables."""
    monkeypatch.setenv(variable, FROM_VARIABLE)
    urls: list[str] = []
    client = make(httpx_client=httpx.AsyncClient(transport=recording(urls, answer)))
    await call(client)
    assert urls == [FROM_VARIABLE + path]


@pytest.mark.parametrize(("variable", "make", "call", "path", "answer"), SYNC_CASES)
def test_an_explicit_base_url_wins_over_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    make: Callable[..., Any],
    call: Callable[[Any], Any],
    path: str,
    answer: Any,
) -> None:
    """base_url= is used as given, whatever the variable says."""
    monkeypatch.setenv(variable, FROM_VARIABLE)
    urls: list[str] = []
    client = make(
        base_url=FROM_ARGUMENT, httpx_client=httpx.Client(transport=recording(urls, answer))
    )
    call(client)
    assert urls == [FROM_ARGUMENT + path]


def test_an_explicit_environment_wins_over_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """environment= passed by the caller is a choice too; only its absence defers to the variable."""
    monkeypatch.setenv("QHUB_QUANTUM_BASE_URL", FROM_VARIABLE)
    chosen = HubQuantumClient(api_key="k", environment=HubQuantumClientEnvironment.DEFAULT)
    assert chosen.base_url == "https://api.hub.kipu-quantum.com/quantum"
    assert HubQuantumClient(api_key="k").base_url == FROM_VARIABLE


def test_without_the_variable_the_documented_defaults_hold() -> None:
    """Unset (or blank) variables change nothing: the default deployment, the vendor's error."""
    assert HubQuantumClient(api_key="k").base_url == "https://api.hub.kipu-quantum.com/quantum"
    assert HubUserClient(api_key="k").base_url == "https://api.hub.kipu-quantum.com/user-service"
    with pytest.raises(
        Exception, match="Please pass in either base_url or environment to construct the client"
    ):
        HubServiceClient(environment=None, token="t")


def test_a_blank_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """QHUB_PLATFORM_BASE_URL='  ' is ignored rather than sent to."""
    monkeypatch.setenv("QHUB_PLATFORM_BASE_URL", "  ")
    assert HubPlatformClient(api_key="k").base_url == "https://api.hub.kipu-quantum.com/qc-catalog"


def test_the_variable_stands_in_for_base_url_when_environment_is_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """environment=None needs a URL from somewhere: the variable is one."""
    monkeypatch.setenv("QHUB_SERVICE_BASE_URL", FROM_VARIABLE)
    assert HubServiceClient(environment=None, token="t").base_url == FROM_VARIABLE


def test_service_sdk_token_and_platform_endpoints_from_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """qhub-service reads QHUB_TOKEN_ENDPOINT and QHUB_PLATFORM_BASE_URL when not given."""
    monkeypatch.setenv("QHUB_TOKEN_ENDPOINT", "http://tokens.example/token")
    monkeypatch.setenv("QHUB_PLATFORM_BASE_URL", FROM_VARIABLE)
    client = service_sdk.HubServiceClient("http://gw.example/s", "id", "secret")
    assert client.token_endpoint == "http://tokens.example/token"
    platform = GrantsPlatformClient(api_key="pat", organization_id="org")
    assert platform.platform_endpoint == FROM_VARIABLE
    assert platform.client.base_url == FROM_VARIABLE


def test_service_sdk_explicit_endpoints_win_even_when_equal_to_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A token_endpoint/platform_endpoint written out by the caller is used as given."""
    monkeypatch.setenv("QHUB_TOKEN_ENDPOINT", "http://tokens.example/token")
    monkeypatch.setenv("QHUB_PLATFORM_BASE_URL", FROM_VARIABLE)
    hub_token = "https://gateway.hub.kipu-quantum.com/" + "token"  # a str of its own
    client = service_sdk.HubServiceClient(
        "http://gw.example/s", "id", "s", token_endpoint=hub_token
    )
    assert client.token_endpoint == hub_token
    platform = GrantsPlatformClient(
        api_key="pat", organization_id="org", platform_endpoint=FROM_ARGUMENT
    )
    assert platform.platform_endpoint == FROM_ARGUMENT


def test_service_sdk_signature_keeps_the_documented_defaults() -> None:
    """help() still shows the seed's default token endpoint, a plain URL."""
    parameter = inspect.signature(service_sdk.HubServiceClient).parameters["token_endpoint"]
    assert parameter.default == "https://gateway.hub.kipu-quantum.com/token"
    assert service_sdk.HubServiceClient("http://gw.example/s").token_endpoint == parameter.default
    assert type(service_sdk.HubServiceClient("http://gw.example/s").token_endpoint) is str
