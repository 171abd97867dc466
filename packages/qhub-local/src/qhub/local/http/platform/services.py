"""The Platform API's service catalog: every workspace registered with the Hub (``--service``)
is a service of the Hub's default organization, ``ACCESSIBLE`` at its gateway URL; every
managed service (``managed_services``) one of the organization that made it, ``CREATED``
until its first build succeeds.

Changes (maintainers; each one transaction): the display name, summary, description,
contacts, links and OpenAPI document of either kind are stored by service id and survive
restarts (for a ``--service`` workspace they are overrides, applied whenever the Hub serves a
workspace under that name again); publishing makes a service ``PUBLISHED`` (a managed one
must be built first: 409), deleting the publication ``ACCESSIBLE`` again (``force`` changes
nothing: no subscription blocks it locally). Deleting a managed service removes it with its
source, builds and the subscriptions to it; a ``--service`` workspace answers 409 (it is
served because the Hub was started with it).

Not emulated: statistics (empty), shares (stored, granting nothing), a marketplace to
publish to; the OpenAPI document is served as stored whatever ``format`` asks.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ...domain.catalog import MAX_OPENAPI_BYTES
from ...domain.errors import PayloadTooLarge
from ...domain.listing import PageRequest, page_of
from ..bodies import read_model, read_models
from ..deps import HubDep
from .caller import PlatformCaller, hub_base_url
from .file_parts import open_multipart, receive_file
from .shapes import service_json, service_overview_json, subscription_json

__all__ = ["router"]

router = APIRouter()

Lifecycle = Literal["CREATED", "ACCESSIBLE", "PUBLISHED"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class DisplayNameBody(_Body):
    """Body of ``PUT /services/{id}/display-name``."""

    display_name: str = Field(alias="displayName")


class SummaryBody(_Body):
    """Body of ``PUT /services/{id}/summary``."""

    summary: str


class DescriptionBody(_Body):
    """Body of ``PUT /services/{id}/description``."""

    description: str


class PublicationBody(_Body):
    """Body of ``PUT /services/{id}/publication``."""

    scope: Literal["PUBLIC", "INTERNAL"]


class Contact(_Body):
    """A ``ServiceContact``."""

    type: Literal["EMAIL", "LINK"]
    contact: str = Field(min_length=1)
    name: str | None = None


class Link(_Body):
    """A ``ServiceLink``."""

    type: Literal["TERMS_OF_SERVICE", "DOCUMENTATION", "CODE_REPOSITORY", "OTHER"]
    name: str = Field(min_length=1)
    url: str = Field(min_length=1)


@router.get("/services")
async def get_services(
    caller: PlatformCaller,
    hub: HubDep,
    lifecycle: Annotated[list[Lifecycle] | None, Query()] = None,
    page: Annotated[int | None, Query(ge=0)] = None,
    size: Annotated[int | None, Query(ge=1)] = None,
) -> JSONResponse:
    """The services the organization sees, in the order they were registered: a bare list
    (as the vendor's Hub answers), or a page when ``page`` or ``size`` is given (as seed 002
    calls it)."""
    entries = hub.catalog.entries(caller.organization_id, lifecycle)
    if page is None and size is None:
        return JSONResponse([service_overview_json(e) for e in entries])
    found = page_of(entries, PageRequest(page or 0, size or 20))
    return JSONResponse(
        {
            "content": [service_overview_json(e) for e in found.content],
            "page": found.page,
            "size": found.size,
            "totalElements": found.total_elements,
            "totalPages": found.total_pages,
        }
    )


@router.get("/services/name-available")
async def check_service_name_availability(
    _: PlatformCaller, hub: HubDep, name: str
) -> JSONResponse:
    """Whether no registered service has this name."""
    return JSONResponse(hub.catalog.name_available(name))


@router.get("/services/{id}")
async def get_service(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """One service with its registered version and gateway URL (404 for another
    organization's)."""
    entry = hub.catalog.entry(caller.organization_id, id)
    return JSONResponse(service_json(entry, caller.role, hub_base_url(request)))


@router.get("/services/{id}/subscriptions")
async def get_service_subscriptions(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """The organization's subscriptions to the service."""
    views = hub.subscriptions.of_service(caller, id)
    base = hub_base_url(request)
    return JSONResponse([subscription_json(v, caller.role, base) for v in views])


@router.put("/services/{id}/display-name", status_code=204)
async def update_service_display_name(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Change the name the service is shown with."""
    body = await read_model(request, DisplayNameBody, json_media_type_only=True)
    hub.service_editor.set_display_name(caller, id, body.display_name)
    return Response(status_code=204)


@router.put("/services/{id}/summary", status_code=204)
async def update_service_summary(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Change the summary (shown on the service's version)."""
    body = await read_model(request, SummaryBody, json_media_type_only=True)
    hub.service_editor.set_summary(caller, id, body.summary)
    return Response(status_code=204)


@router.put("/services/{id}/description", status_code=204)
async def update_service_description(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Change the description (stored; no response schema of the spec shows it)."""
    body = await read_model(request, DescriptionBody, json_media_type_only=True)
    hub.service_editor.set_description(caller, id, body.description)
    return Response(status_code=204)


@router.put("/services/{id}/contacts", status_code=204)
async def update_service_contacts(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Replace the contacts (a JSON array of ``ServiceContact``)."""
    contacts = await read_models(request, Contact)
    dumped = [c.model_dump(by_alias=True, exclude_none=True) for c in contacts]
    hub.service_editor.set_contacts(caller, id, dumped)
    return Response(status_code=204)


@router.put("/services/{id}/links", status_code=204)
async def update_service_links(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Replace the links (a JSON array of ``ServiceLink``)."""
    links = await read_models(request, Link)
    hub.service_editor.set_links(caller, id, [link.model_dump(by_alias=True) for link in links])
    return Response(status_code=204)


@router.get("/services/{id}/openapi")
async def get_service_open_api(
    id: str,
    caller: PlatformCaller,
    hub: HubDep,
    format: Annotated[Literal["JSON", "YAML"] | None, Query()] = None,
) -> JSONResponse:
    """The service's OpenAPI document, as text (uploaded, else its workspace's own; 404
    without one). ``format`` is accepted; the document is not converted."""
    del format
    return JSONResponse(hub.service_editor.openapi(caller, id))


@router.put("/services/{id}/openapi", status_code=204)
async def update_service_open_api(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Store the service's OpenAPI document (the ``file`` part: JSON or YAML text)."""
    hub.catalog.entry(caller.organization_id, id)
    parser = await open_multipart(request, MAX_OPENAPI_BYTES)
    document = bytearray()

    def keep(chunk: bytes) -> None:
        document.extend(chunk)
        if len(document) > MAX_OPENAPI_BYTES:
            raise PayloadTooLarge(f"an OpenAPI document may have {MAX_OPENAPI_BYTES} bytes")

    await receive_file(request, parser, lambda name, kind: None, keep)
    hub.service_editor.set_openapi(caller, id, bytes(document))
    return Response(status_code=204)


@router.put("/services/{id}/publication", status_code=204)
async def update_service_publication(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Publish the service: its lifecycle is ``PUBLISHED`` (409 for one not built yet)."""
    body = await read_model(request, PublicationBody, json_media_type_only=True)
    hub.service_editor.publish(caller, id, body.scope)
    return Response(status_code=204)


@router.delete("/services/{id}/publication", status_code=204)
async def delete_service_publication(
    id: str, caller: PlatformCaller, hub: HubDep, force: bool | None = None
) -> Response:
    """End the publication: the service is ``ACCESSIBLE`` again."""
    del force
    hub.service_editor.unpublish(caller, id)
    return Response(status_code=204)


@router.delete("/services/{id}", status_code=204)
async def delete_service(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Delete a managed service (409 for a ``--service`` workspace, or while it builds)."""
    hub.service_editor.delete(caller, id)
    return Response(status_code=204)
