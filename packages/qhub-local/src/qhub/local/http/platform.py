"""The Platform API slice the SDK needs: data pools and their grants (``/qc-catalog``).

Not emulated: the other ~260 Platform endpoints (services catalog, applications, billing…),
data pool file management, and sharing.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..domain import Hub
from ..domain.models import iso

__all__ = ["platform_router"]


class GrantRequest(BaseModel):
    """Body of a grant request."""

    model_config = ConfigDict(extra="forbid")

    application_id: str = Field(alias="applicationId", min_length=1)
    permission: Literal["VIEW", "MODIFY"]


def platform_router(hub: Hub) -> APIRouter:
    """Platform routes, bound to ``hub``."""
    router = APIRouter(prefix="/qc-catalog")

    async def organization(
        x_auth_token: Annotated[str | None, Header()] = None,
        x_organizationid: Annotated[str | None, Header()] = None,
    ) -> str:
        return hub.organizations.for_api_key(x_auth_token, x_organizationid)

    OrgDep = Annotated[str, Depends(organization)]

    @router.get("/datapools")
    async def list_datapools(_: OrgDep) -> JSONResponse:
        pools = [
            {
                "id": p.id,
                "name": p.name,
                "createdAt": iso(p.created_at),
                "currentUserPermission": "OWNER",
            }
            for p in hub.store.datapools()
        ]
        return JSONResponse(pools)

    @router.post("/datapools/{datapool_id}/grants")
    async def create_grant(datapool_id: str, grant: GrantRequest, _: OrgDep) -> JSONResponse:
        token = hub.issue_grant(datapool_id, grant.application_id, grant.permission)
        return JSONResponse({"token": token})

    return router
