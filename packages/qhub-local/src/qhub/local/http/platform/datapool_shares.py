"""The Platform API's data pool shares and their time-based constraints.

Owners of a pool share it with another organization (``{"tenantType": "ORGANIZATION",
"value": <organization id>}``) or a user (``"USER"``, a user id), as ``VIEWER``,
``MAINTAINER`` or ``OWNER``; a share gives access while each of its time windows holds.
"""

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ...domain.datapools import NewShare, TimeWindow
from ..bodies import read_model
from ..deps import HubDep
from .caller import PlatformCaller
from .datapool_shapes import constraint_json, share_json

__all__ = ["router"]

router = APIRouter()

RoleName = Literal["VIEWER", "MAINTAINER", "OWNER"]


class Tenant(BaseModel):
    """Whom a pool is shared with. ``tenantType`` may be left out (our client leaves out a
    discriminator it was not given explicitly): the Hub tells from the id."""

    model_config = ConfigDict(extra="forbid")

    tenant_type: Literal["USER", "ORGANIZATION"] | None = Field(default=None, alias="tenantType")
    value: str = Field(min_length=1)


class ShareBody(BaseModel):
    """Body of ``POST /datapools/{id}/shares`` (the role defaults to ``VIEWER``)."""

    model_config = ConfigDict(extra="forbid")

    shared_with: Tenant = Field(alias="sharedWith")
    role: RoleName | None = None


class RoleBody(BaseModel):
    """Body of ``PUT /datapools/{id}/shares/{share_id}``."""

    model_config = ConfigDict(extra="forbid")

    role: RoleName


class WindowBody(BaseModel):
    """Body of a share's time-based constraint (instants with a zone or ``Z``)."""

    model_config = ConfigDict(extra="forbid")

    valid_from: AwareDatetime = Field(alias="validFrom")
    valid_until: AwareDatetime = Field(alias="validUntil")
    type: Literal["TIME_BASED"]

    def window(self) -> TimeWindow:
        """The domain's input, in UTC."""
        utc = dt.timezone.utc
        return TimeWindow(self.valid_from.astimezone(utc), self.valid_until.astimezone(utc))


@router.get("/datapools/{id}/shares")
async def get_shares_for_data_pool(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The pool's shares, oldest first."""
    return JSONResponse([share_json(s) for s in hub.datapools.shares.of(caller, id)])


@router.post("/datapools/{id}/shares")
async def share_data_pool(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Share the pool with an organization or a user (owners; 409 when shared already)."""
    body = await read_model(request, ShareBody)
    wanted = NewShare(body.shared_with.tenant_type, body.shared_with.value, body.role or "VIEWER")
    return JSONResponse(share_json(hub.datapools.shares.share(caller, id, wanted)))


@router.put("/datapools/{id}/shares/{share_id}")
async def update_data_pool_share_role(
    id: str, share_id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Change a share's role (owners)."""
    body = await read_model(request, RoleBody)
    return JSONResponse(share_json(hub.datapools.shares.set_role(caller, id, share_id, body.role)))


@router.delete("/datapools/{id}/shares/{share_id}", status_code=204)
async def delete_data_pool_share(
    id: str, share_id: str, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Delete a share: the access it gave ends at once (owners)."""
    hub.datapools.shares.delete(caller, id, share_id)
    return Response(status_code=204)


@router.post("/datapools/{id}/shares/{share_id}/constraints")
async def add_data_pool_share_constraint(
    id: str, share_id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Limit a share to a time window (owners; 422 when it ends before it starts)."""
    body = await read_model(request, WindowBody)
    constraint = hub.datapools.shares.add_constraint(caller, id, share_id, body.window())
    return JSONResponse(constraint_json(constraint))


@router.put("/datapools/{id}/shares/{share_id}/constraints/{constraint_id}")
async def update_data_pool_share_constraint(
    id: str,
    share_id: str,
    constraint_id: str,
    request: Request,
    caller: PlatformCaller,
    hub: HubDep,
) -> JSONResponse:
    """Move a share's time window (owners)."""
    body = await read_model(request, WindowBody)
    constraint = hub.datapools.shares.update_constraint(
        caller, id, share_id, constraint_id, body.window()
    )
    return JSONResponse(constraint_json(constraint))


@router.delete("/datapools/{id}/shares/{share_id}/constraints/{constraint_id}", status_code=204)
async def delete_data_pool_share_constraint(
    id: str, share_id: str, constraint_id: str, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Remove a share's time window (owners)."""
    hub.datapools.shares.delete_constraint(caller, id, share_id, constraint_id)
    return Response(status_code=204)
