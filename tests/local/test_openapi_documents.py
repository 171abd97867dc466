"""The specs the local Hub serves (qhub.local.http.openapi): /openapi.json merges the four
APIs under their mount prefixes, each API's own document sits under its prefix, both with
servers pointing at the Hub, and FastAPI's generated document and docs are gone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qhub.local.http.openapi import (
    APIS,
    MOUNTS,
    SPEC_DIR_ENV,
    load_spec,
    spec_dir,
)
from qhub.local.server import LocalHub

SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A running Hub with the example service."""
    with LocalHub(tmp_path_factory.mktemp("hub")) as local:
        yield local


@pytest.fixture
def http(hub: LocalHub) -> Iterator[httpx.Client]:
    """A plain client of the Hub."""
    assert hub.connection is not None
    with httpx.Client(base_url=hub.connection.base_url, timeout=10) as client:
        yield client


def _spec(api: str) -> dict[str, Any]:
    return dict(json.loads((SPEC_DIR / f"{api}.json").read_text()))


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """operationId → (method, path)."""
    found: dict[str, tuple[str, str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                assert operation["operationId"] not in found, operation["operationId"]
                found[operation["operationId"]] = (method, path)
    return found


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            elif key == "mapping":
                yield from value.values()
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _resolve(document: dict[str, Any], reference: str) -> Any:
    node: Any = document
    for token in reference.removeprefix("#/").split("/"):
        node = node[token]
    return node


def _assert_openapi_31(document: dict[str, Any]) -> None:
    """The structure of an OpenAPI 3.1 document, every reference resolving within it."""
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"]
    assert document["info"]["version"]
    assert document["servers"]
    schemes = document["components"]["securitySchemes"]
    for path, item in document["paths"].items():
        assert path.startswith("/")
        templated = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        for method, operation in item.items():
            if method not in METHODS:
                continue
            assert operation["responses"], (method, path)
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            in_path = {p["name"] for p in parameters if p["in"] == "path"}
            assert in_path == templated, (method, path)
            for requirement in operation.get("security", document.get("security", [])):
                assert set(requirement) <= set(schemes)
    for reference in _references(document):
        assert reference.startswith("#/"), reference
        _resolve(document, reference)


def test_openapi_json_is_the_four_specs_merged_under_their_prefixes(
    hub: LocalHub, http: httpx.Client
) -> None:
    """Every operation of the four specs, at prefix + path, its references resolving."""
    assert hub.connection is not None
    document = http.get("/openapi.json").json()
    _assert_openapi_31(document)
    assert document["servers"] == [{"url": hub.connection.base_url}]
    merged = _operations(document)
    expected: dict[str, tuple[str, str]] = {}
    for api in APIS:
        for operation_id, (method, path) in _operations(_spec(api)).items():
            full = MOUNTS[api].prefix + ("" if path == "/" else path)
            expected[f"{api}.{operation_id}"] = (method, full)
    assert merged == expected
    schemes = document["components"]["securitySchemes"]
    assert schemes["quantum.apiKey"] == {"type": "apiKey", "in": "header", "name": "X-Auth-Token"}
    assert schemes["service.bearer"] == {"type": "http", "scheme": "bearer"}
    job = document["paths"]["/quantum/jobs/{id}"]["get"]
    assert job["security"] == [{"quantum.apiKey": []}]
    assert "quantum.Job" in document["components"]["schemas"]
    assert "platform.DataPoolDto" in document["components"]["schemas"]


@pytest.mark.parametrize("api", APIS)
def test_each_api_document_is_its_spec_with_this_hub_as_server(
    hub: LocalHub, http: httpx.Client, api: str
) -> None:
    """The spec unchanged but for ``servers``, which points at where the Hub mounts the API."""
    assert hub.connection is not None
    document = http.get(MOUNTS[api].document_path).json()
    _assert_openapi_31(document)
    (server,) = document.pop("servers")
    assert document == {k: v for k, v in _spec(api).items() if k != "servers"}
    if api != "service":
        assert server == {"url": hub.connection.base_url + MOUNTS[api].prefix}
        return
    assert server["url"] == hub.connection.base_url + "/gateway/{context}/{name}/{version}"
    defaults = {name: v["default"] for name, v in server["variables"].items()}
    assert defaults == {"context": "local", "name": "quickstart", "version": "1.0.0"}


def test_the_servers_in_the_documents_reach_the_apis_with_their_auth(
    hub: LocalHub, http: httpx.Client
) -> None:
    """What a fuzzer does: server URL + spec path, with the API's credential."""
    assert hub.connection is not None
    app = hub.connection.application
    bearer = http.post(
        "/gateway/token",
        data={"grant_type": "client_credentials"},
        auth=(app["access_key_id"], app["secret_access_key"]),
    ).json()["access_token"]
    pat = {"X-Auth-Token": hub.connection.personal_access_token}
    merged = http.get("/openapi.json").json()["servers"][0]["url"]
    assert http.get(merged + "/quantum/backends", headers=pat).status_code == 200
    assert http.get(merged + "/user-service/me", headers=pat).status_code == 200
    gateway = merged + "/gateway/local/quickstart/1.0.0"
    assert http.get(gateway, headers={"Authorization": f"Bearer {bearer}"}).status_code == 200
    service = http.get("/gateway/openapi.json").json()["servers"][0]
    url = service["url"].format(**{k: v["default"] for k, v in service["variables"].items()})
    # The spec's path "/" taken literally: the base URL with a trailing slash.
    listed = http.get(url + "/", headers={"Authorization": f"Bearer {bearer}"})
    assert listed.status_code == 200
    assert isinstance(listed.json(), list)


def test_fastapis_own_document_and_docs_are_not_served(http: httpx.Client) -> None:
    """No generated document contradicts the spec; no docs page loads from a CDN: ``/docs``
    is our own reference page (bundled script, no Swagger UI), and ``/redoc`` leads there."""
    docs = http.get("/docs")
    assert docs.status_code == 200 and "/dashboard/assets/docs.js" in docs.text
    assert "swagger" not in docs.text.lower() and "cdn" not in docs.text.lower()
    redoc = http.get("/redoc", follow_redirects=False)
    assert (redoc.status_code, redoc.headers["location"]) == (307, "/docs")
    document = http.get("/openapi.json").json()
    assert document["info"]["title"] != "qhub-local"
    assert "/gateway/token" not in document["paths"]


def test_without_the_spec_the_documents_are_404(
    http: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installation without spec/ (a wheel) says so instead of serving FastAPI's guess."""
    monkeypatch.setenv(SPEC_DIR_ENV, str(tmp_path))
    spec_dir.cache_clear()
    load_spec.cache_clear()
    try:
        response = http.get("/quantum/openapi.json")
        assert response.status_code == 404
        assert SPEC_DIR_ENV in response.json()["message"]
    finally:
        spec_dir.cache_clear()
        load_spec.cache_clear()
