"""The Platform API's other namespaces: a route for every operation of ``spec/platform.json``
that no hand-written route serves, each handled by the one endpoint below over the Hub's
generic resources (``qhub.local.domain.generic``).

Answers follow the operation's response schema: exactly its properties (the required ones
defaulted), pages or bare arrays as the spec says, 204 where it has no content, bytes for
downloads. Operations without a local meaning answer 501 naming the operation (a read:
404, there is nothing to read).

Not emulated: visibility across organizations (public algorithms, the marketplace's
content), repository contents of implementations and git integrations, builds and
deployments (accepted, with no effect), billing figures (empty or zero), a budget that
limits Quantum API jobs, shares granting access.
"""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from ...domain import NotFound, Unprocessable
from ...domain.clock import utc_now
from ...domain.generic import (
    FILE_KEY,
    MISSING,
    Answer,
    Blob,
    Count,
    Defaults,
    Document,
    Fields,
    GenericRequest,
    Kind,
    Many,
    One,
    Plan,
    Schemas,
    UploadedFile,
    load_spec,
    plan_operations,
    platform_operations,
)
from ...domain.generic.spec import is_param
from ...domain.listing import Page
from ..bodies import read_json_object, read_uploaded_file
from ..deps import HubDep
from ..wire import iso
from .caller import PlatformCaller

__all__ = ["router_besides", "served_routes"]

Endpoint = Callable[..., Awaitable[Response]]


def served_routes(routers: Iterable[APIRouter]) -> set[tuple[str, str]]:
    """``(METHOD, path)`` of every route of ``routers``."""
    return {
        (method, route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }


def router_besides(routers: Iterable[APIRouter]) -> APIRouter:
    """The generic routes: one per Platform operation none of ``routers`` serves.

    Include it after ``routers``: a path both could match goes to the hand-written route.
    Within it, literal segments come before parameters (``/git-integrations/repositories``
    before ``/git-integrations/{id}``).
    """
    schemas = _schemas()
    plans = plan_operations(platform_operations(), schemas, served_routes(routers))
    router = APIRouter()
    for plan in sorted(plans.values(), key=lambda p: [is_param(s) for s in p.operation.segments]):
        operation = plan.operation
        path = "/" + "/".join(
            f"{{{s[1:-1]}:path}}" if s[1:-1] in operation.file_params else s
            for s in operation.segments
        )
        router.add_api_route(
            path,
            _endpoint(plan, schemas),
            methods=[operation.method],
            name=operation.id,
            summary=f"{operation.id} ({plan.kind.value})",
        )
    return router


def _schemas() -> Schemas:
    return Schemas(load_spec()["components"]["schemas"])


def _endpoint(plan: Plan, schemas: Schemas) -> Endpoint:
    async def endpoint(request: Request, caller: PlatformCaller, hub: HubDep) -> Response:
        generic = await _generic_request(plan, request)
        return _render(plan, schemas, hub.generic.perform(plan, caller, generic))

    endpoint.__doc__ = f"``{plan.operation.id}``: {plan.kind.value}, by the generic resources."
    return endpoint


async def _generic_request(plan: Plan, request: Request) -> GenericRequest:
    operation = plan.operation
    if plan.kind is Kind.UNSUPPORTED:  # refused whatever the body: don't read it
        raise plan.refusal()
    path = tuple(str(request.path_params[name]) for name in operation.path_params)
    query = {name: request.query_params.getlist(name) for name in request.query_params}
    body: dict[str, Any] | None = None
    upload: UploadedFile | None = None
    if operation.body is not None and operation.body.file_field is not None:
        upload = UploadedFile(*await read_uploaded_file(request, operation.body.file_field))
    elif operation.body is not None:
        body = await read_json_object(request, malformed=Unprocessable)
    return GenericRequest(path, query, body, upload)


def _render(plan: Plan, schemas: Schemas, answer: Answer) -> Response:
    operation = plan.operation
    if operation.response == "headers":
        return Response(status_code=200)
    if operation.response == "empty":
        return Response(status_code=204)
    if operation.response == "bytes":
        if not isinstance(answer, Blob):
            raise NotFound("nothing to download: no content was uploaded here")
        return Response(answer.data, media_type=answer.content_type)
    schema = operation.response_schema or {}
    if isinstance(answer, One):
        return JSONResponse(schemas.shape(_wire(answer.document), schema))
    if isinstance(answer, Many):
        return JSONResponse(_listing(schemas, schema, answer))
    if isinstance(answer, Fields):
        now = iso(utc_now())
        return JSONResponse(schemas.shape({"createdAt": now, **answer.fields}, schema))
    if isinstance(answer, Count):
        return JSONResponse(answer.value)
    if isinstance(answer, Defaults):
        return JSONResponse(schemas.shape(_owner(answer.organization_id), schema))
    return JSONResponse(schemas.default(schema, "", {}))


def _owner(organization_id: str) -> dict[str, Any]:
    """The organization, under the names the spec's schemas give it."""
    return {"organizationId": organization_id, "tenantId": organization_id}


def _wire(document: Document) -> dict[str, Any]:
    """A document's properties on the wire: its body, id, organization and timestamps."""
    fields = {**_owner(document.organization_id)}
    fields.update((k, v) for k, v in document.body.items() if k != FILE_KEY)
    if document.id:
        fields["id"] = document.id
    fields["createdAt"] = iso(document.created_at)
    fields["updatedAt"] = iso(document.updated_at)
    return fields


def _listing(schemas: Schemas, schema: Mapping[str, Any], answer: Many) -> Any:
    """A listing as its schema has it: a page, a bare array, or a map of id → value."""
    if answer.page is not None:
        return schemas.shape(_page(answer.page), schema)
    declared = schemas.non_null(schema)
    if declared.get("type") == "object" and isinstance(declared.get("additionalProperties"), dict):
        values = {
            d.id: schemas.conform(True, declared["additionalProperties"], {})
            for d in answer.documents
        }
        return {k: v for k, v in values.items() if v is not MISSING}
    return schemas.shape({"items": [_wire(d) for d in answer.documents]}, _holder(schema))["items"]


def _holder(schema: Mapping[str, Any]) -> dict[str, Any]:
    """An object schema whose one required property is ``schema`` (to shape an array)."""
    return {"type": "object", "properties": {"items": schema}, "required": ["items"]}


def _page(page: Page[Document]) -> dict[str, Any]:
    """A page's properties, in both spellings the spec's page schemas use."""
    content = [_wire(d) for d in page.content]
    return {
        "content": content,
        "page": page.page,
        "number": page.page,
        "size": page.size,
        "totalElements": page.total_elements,
        "totalPages": page.total_pages,
        "numberOfElements": len(content),
        "first": page.page == 0,
        "last": page.page + 1 >= page.total_pages,
        "empty": not content,
    }
