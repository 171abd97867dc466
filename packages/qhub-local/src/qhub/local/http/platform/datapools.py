"""The Platform API's data pools (create, list, get, update, delete) and their grants.

Pools belong to the caller's organization; another organization sees a pool only through a
share (404 otherwise). Files are in :mod:`.datapool_files`, shares in
:mod:`.datapool_shares`.

Not emulated: the ``GRANT`` permission of grants.
"""

from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ...domain.datapools import PoolDetails
from ..bodies import read_model
from ..deps import HubDep
from .caller import PlatformCaller
from .datapool_shapes import datapool_json

__all__ = ["router"]

router = APIRouter()


class PoolBody(BaseModel):
    """Body of ``POST /datapools`` and ``PUT /datapools/{id}`` (a PUT replaces them all)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    short_description: str | None = Field(default=None, alias="shortDescription")
    description: str | None = None
    tags: list[str] | None = None

    def details(self) -> PoolDetails:
        """The domain's input."""
        return PoolDetails(
            self.name, self.short_description, self.description, tuple(self.tags or ())
        )


class GrantRequest(BaseModel):
    """Body of a grant request."""

    model_config = ConfigDict(extra="forbid")

    application_id: str = Field(alias="applicationId", min_length=1)
    permission: Literal["VIEW", "MODIFY"]


@router.get("/datapools")
async def get_data_pools(caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The organization's pools, then those shared with it or the caller, oldest first."""
    return JSONResponse([datapool_json(view) for view in hub.datapools.visible(caller)])


@router.post("/datapools")
async def create_data_pool(request: Request, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """A new, empty pool of the organization (409 when it has one of that name)."""
    body = await read_model(request, PoolBody)
    return JSONResponse(datapool_json(hub.datapools.create(caller, body.details())))


@router.get("/datapools/{id}")
async def get_data_pool(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """One pool the caller sees."""
    return JSONResponse(datapool_json(hub.datapools.view(caller, id)))


@router.put("/datapools/{id}")
async def update_data_pool(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Replace a pool's name, descriptions and tags (maintainers)."""
    body = await read_model(request, PoolBody)
    return JSONResponse(datapool_json(hub.datapools.update(caller, id, body.details())))


@router.delete("/datapools/{id}", status_code=204)
async def delete_data_pool(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Delete a pool with its files and shares (maintainers)."""
    await run_in_threadpool(hub.datapools.delete, caller, id)  # removes its files
    return Response(status_code=204)


@router.post("/datapools/{id}/grants")
async def create_data_pool_grant(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """A grant token letting one of the organization's applications' executions use the
    pool for an hour: ``VIEW`` (viewers and up) or ``MODIFY`` (maintainers and up)."""
    grant = await read_model(request, GrantRequest)
    token = hub.datapools.issue_grant(caller, id, grant.application_id, grant.permission)
    return JSONResponse({"token": token})
