"""The contract the local Hub serves: our OpenAPI 3.1 specs (``spec/*.json``), not FastAPI's.

Each API is mounted under a prefix (:data:`MOUNTS`); its document is served under that
prefix with ``servers`` pointing at this Hub, and ``/openapi.json`` merges the four:

=========================  ===================================  ==========================
document                   API                                  auth
=========================  ===================================  ==========================
``/quantum/openapi.json``  Quantum (``spec/quantum.json``)      ``X-Auth-Token``
``/qc-catalog/openapi.json``  Platform (``spec/platform.json``)  ``X-Auth-Token``
``/user-service/openapi.json``  User (``spec/user.json``)       ``X-Auth-Token``
``/gateway/openapi.json``  Service gateway (``spec/service.json``; ``servers`` has the
                           variables ``context``/``name``/``version``)  ``Authorization: Bearer``
``/openapi.json``          all four, each path under its prefix
=========================  ===================================  ==========================

In the merged document every component is renamed ``<api>.<name>`` (the Quantum and Platform
specs share names), operation ids and tags become ``<api>.<id>``, each operation carries its
API's security, and the gateway's paths take ``context``, ``name`` and ``version`` as path
parameters; its ``/`` is the service's base URL itself, without a trailing slash.

Where the specs are read from: :mod:`qhub.local.specs` (``QHUB_LOCAL_SPEC_DIR``, the copy
an installed wheel carries, or the repository's ``spec/``).
"""

import copy
import functools
import importlib.metadata
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..domain import Hub, NotFound
from ..specs import APIS, SPEC_DIR_ENV, SpecUnavailable, load_spec, spec_available, spec_dir
from .deps import HubDep

__all__ = [
    "APIS",
    "MOUNTS",
    "SPEC_DIR_ENV",
    "ApiMount",
    "SpecUnavailable",
    "api_document",
    "load_spec",
    "merged_document",
    "router",
    "spec_available",
    "spec_dir",
]

#: The gateway's path parameters, in path order.
GATEWAY_PARAMETERS = ("context", "name", "version")


@dataclass(frozen=True)
class ApiMount:
    """Where the local Hub serves one API.

    Attributes:
        api: ``quantum``, ``platform``, ``service`` or ``user``.
        prefix: the path prefix; the gateway's has placeholders (one mount per service).
        document_path: where this API's own document is served.
    """

    api: str
    prefix: str
    document_path: str

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Matches a request path under the prefix; group ``rest`` is the spec path."""
        prefix = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.prefix))
        # DOTALL: a path parameter may hold a newline, and the router still routes it.
        return re.compile(f"^{prefix}(?P<rest>/.*)?$", re.DOTALL)


#: Each API's mount, by API name.
MOUNTS: Mapping[str, ApiMount] = {
    "quantum": ApiMount("quantum", "/quantum", "/quantum/openapi.json"),
    "platform": ApiMount("platform", "/qc-catalog", "/qc-catalog/openapi.json"),
    "service": ApiMount("service", "/gateway/{context}/{name}/{version}", "/gateway/openapi.json"),
    "user": ApiMount("user", "/user-service", "/user-service/openapi.json"),
}


def _first_service(services: Iterable[tuple[str, str, str]]) -> tuple[str, str, str]:
    return next(iter(services), ("local", "quickstart", "1.0.0"))


def _gateway_server(base_url: str, services: list[tuple[str, str, str]]) -> dict[str, Any]:
    defaults = _first_service(services)
    variables: dict[str, Any] = {}
    for index, name in enumerate(GATEWAY_PARAMETERS):
        known = sorted({service[index] for service in services})
        variables[name] = {"default": defaults[index], "enum": known or [defaults[index]]}
    return {
        "url": base_url + MOUNTS["service"].prefix,
        "description": "one registered service (pick context, name and version)",
        "variables": variables,
    }


def api_document(
    api: str, base_url: str, services: Iterable[tuple[str, str, str]] = ()
) -> dict[str, Any]:
    """One API's spec, unchanged but for ``servers``: this Hub's URL of the API.

    Args:
        api: which API.
        base_url: the Hub's root URL, without a trailing slash.
        services: the gateway's ``(context, name, version)`` triples (the first is the
            default of the service document's server variables).
    """
    document = copy.deepcopy(dict(load_spec(api)))
    if api == "service":
        document["servers"] = [_gateway_server(base_url, list(services))]
    else:
        document["servers"] = [{"url": base_url + MOUNTS[api].prefix}]
    return document


def _renamed_refs(node: Any, api: str) -> Any:
    """``node`` with every ``#/components/<kind>/<name>`` reference (``$ref`` and discriminator
    mappings) pointing at ``<api>.<name>``."""
    if isinstance(node, dict):
        renamed: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                renamed[key] = _renamed_ref(value, api)
            elif key == "mapping" and isinstance(value, dict):
                renamed[key] = {k: _renamed_ref(v, api) for k, v in value.items()}
            else:
                renamed[key] = _renamed_refs(value, api)
        return renamed
    if isinstance(node, list):
        return [_renamed_refs(item, api) for item in node]
    return node


def _renamed_ref(reference: Any, api: str) -> Any:
    if not isinstance(reference, str) or not reference.startswith("#/components/"):
        return reference
    kind, _, name = reference[len("#/components/") :].partition("/")
    return f"#/components/{kind}/{api}.{name}"


def _version() -> str:
    try:
        return importlib.metadata.version("qhub-local")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def merged_document(base_url: str) -> dict[str, Any]:
    """The four APIs in one OpenAPI 3.1 document, each path under its API's prefix.

    Args:
        base_url: the Hub's root URL, without a trailing slash (the document's server).
    """
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {}
    tags: list[dict[str, Any]] = []
    for api in APIS:
        spec = _renamed_refs(load_spec(api), api)
        security = [
            {f"{api}.{scheme}": scopes for scheme, scopes in requirement.items()}
            for requirement in spec.get("security", [])
        ]
        for kind, members in spec.get("components", {}).items():
            for name, member in members.items():
                components.setdefault(kind, {})[f"{api}.{name}"] = member
        tags += [{**tag, "name": f"{api}.{tag['name']}"} for tag in spec.get("tags", [])]
        for path, item in spec["paths"].items():
            merged_path = MOUNTS[api].prefix + ("" if path == "/" else path)
            merged_item: dict[str, Any] = {}
            if api == "service":
                merged_item["parameters"] = [
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                    for name in GATEWAY_PARAMETERS
                ]
            for method, operation in item.items():
                if not isinstance(operation, dict) or "operationId" not in operation:
                    merged_item[method] = operation
                    continue
                merged_item[method] = {
                    **operation,
                    "operationId": f"{api}.{operation['operationId']}",
                    "tags": [f"{api}.{tag}" for tag in operation.get("tags", [])],
                    "security": [
                        {f"{api}.{scheme}": scopes for scheme, scopes in requirement.items()}
                        for requirement in operation["security"]
                    ]
                    if "security" in operation
                    else security,
                }
            paths[merged_path] = merged_item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "qhub-local: the Kipu Quantum Hub's Quantum, Platform, Service and User APIs",
            "version": _version(),
            "description": (
                "Our spec/*.json merged: each API under the prefix the local Hub mounts it at. "
                "Components, operation ids and tags are prefixed with the API's name."
            ),
        },
        "servers": [{"url": base_url}],
        "tags": tags,
        "paths": paths,
        "components": components,
    }


# -- routes --------------------------------------------------------------------------------

router = APIRouter()


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _document_response(api: str | None, request: Request, hub: Hub) -> JSONResponse:
    """One API's document (``api``) or the merged one (None); 404 without the specs."""
    try:
        if api is None:
            return JSONResponse(merged_document(_base_url(request)))
        services = [(s.context, s.name, s.version) for s in hub.catalog.all()]
        return JSONResponse(api_document(api, _base_url(request), services))
    except SpecUnavailable as missing:
        raise NotFound(str(missing)) from None


@router.get("/openapi.json", include_in_schema=False)
async def get_merged_document(request: Request, hub: HubDep) -> JSONResponse:
    """The four APIs' specs in one document."""
    return _document_response(None, request, hub)


@router.get(MOUNTS["quantum"].document_path, include_in_schema=False)
async def get_quantum_document(request: Request, hub: HubDep) -> JSONResponse:
    """The Quantum API's spec, served for this Hub."""
    return _document_response("quantum", request, hub)


@router.get(MOUNTS["platform"].document_path, include_in_schema=False)
async def get_platform_document(request: Request, hub: HubDep) -> JSONResponse:
    """The Platform API's spec, served for this Hub."""
    return _document_response("platform", request, hub)


@router.get(MOUNTS["service"].document_path, include_in_schema=False)
async def get_service_document(request: Request, hub: HubDep) -> JSONResponse:
    """The Service (gateway) API's spec, its server one of this Hub's services."""
    return _document_response("service", request, hub)


@router.get(MOUNTS["user"].document_path, include_in_schema=False)
async def get_user_document(request: Request, hub: HubDep) -> JSONResponse:
    """The User API's spec, served for this Hub."""
    return _document_response("user", request, hub)
