"""The Platform API's service catalog: every workspace registered with the Hub (``--service``)
is a managed service of the Hub's default organization, ``ACCESSIBLE`` at its gateway URL.

Not emulated: changing a service (names, description, contacts, links, OpenAPI document,
publication), deleting one, statistics, shares; services come from workspaces.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ...domain.listing import PageRequest, page_of
from ..deps import HubDep
from .caller import PlatformCaller, hub_base_url
from .shapes import service_json, service_overview_json, subscription_json

__all__ = ["router"]

router = APIRouter()

Lifecycle = Literal["CREATED", "ACCESSIBLE", "PUBLISHED"]


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
