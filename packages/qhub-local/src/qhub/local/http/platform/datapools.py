"""The Platform API's data pools and their grants.

Not emulated: data pool file management and sharing.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ...domain.datapools import DataPool
from ..bodies import read_model
from ..deps import HubDep, OrganizationId
from ..wire import iso

__all__ = ["router"]

router = APIRouter()


class GrantRequest(BaseModel):
    """Body of a grant request."""

    model_config = ConfigDict(extra="forbid")

    application_id: str = Field(alias="applicationId", min_length=1)
    permission: Literal["VIEW", "MODIFY"]


def datapool_json(pool: DataPool) -> dict[str, Any]:
    """A data pool as the Platform API lists it (every local pool is the caller's own)."""
    return {
        "id": pool.id,
        "name": pool.name,
        "createdAt": iso(pool.created_at),
        "currentUserPermission": "OWNER",
    }


@router.get("/datapools")
async def list_datapools(_: OrganizationId, hub: HubDep) -> JSONResponse:
    """Every data pool, oldest first."""
    return JSONResponse([datapool_json(pool) for pool in hub.datapools.all()])


@router.post("/datapools/{id}/grants")
async def create_grant(id: str, request: Request, _: OrganizationId, hub: HubDep) -> JSONResponse:
    """A grant token letting an application's executions use the pool."""
    grant = await read_model(request, GrantRequest)
    token = hub.datapools.issue_grant(id, grant.application_id, grant.permission)
    return JSONResponse({"token": token})
