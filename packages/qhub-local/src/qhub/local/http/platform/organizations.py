"""The Platform API's organizations and members, the signed-in caller's accounts and
invitations, and who a token is (``POST /authorize``). Organization images and provider
tokens are in ``organization_images`` and ``provider_tokens``.

Not emulated: invitations (a member is added at once: ``/my/invitations`` is empty, and
accepting or declining any invitation is 404 naming it), billing.
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ...domain import Unprocessable
from ...domain.identity import UNCHANGED, NewMember, NewOrganization, OrganizationChanges, Role
from ..bodies import read_model
from ..deps import ApiKey, HubDep
from .caller import PlatformCaller
from .shapes import (
    access_permission_json,
    access_token_json,
    account_json,
    execution_json,
    member_json,
    organization_json,
    profile_json,
    search_result_json,
)

__all__ = ["router"]

router = APIRouter()


class CreateOrganizationBody(BaseModel):
    """Body of ``POST /organizations``."""

    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(alias="displayName", min_length=1)
    billing_email: str = Field(alias="billingEmail", min_length=1)
    description: str | None = None


class UpdateOrganizationBody(BaseModel):
    """Body of ``PUT /organizations/{id}`` (an absent description is kept, null clears it)."""

    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(alias="displayName", min_length=1)
    description: str | None = None


class MemberBody(BaseModel):
    """Body of the member operations: an ``AccessPermissionDto`` whose ``sid`` is a user id."""

    model_config = ConfigDict(extra="forbid")

    sid: str | None = Field(default=None, min_length=1)
    access_permission_role: Role | None = Field(default=None, alias="accessPermissionRole")
    principal: bool | None = None
    is_principle: bool | None = Field(default=None, alias="isPrinciple")

    def only_users(self) -> None:
        """Refuse group principals: local members are users.

        Raises:
            Unprocessable: ``principal`` or ``isPrinciple`` is false.
        """
        if self.principal is False or self.is_principle is False:
            raise Unprocessable("principal: only users (principal true) can be members")


# -- organizations -------------------------------------------------------------------------


@router.get("/organizations")
async def get_organizations(caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The organizations the caller belongs to."""
    return JSONResponse([organization_json(v) for v in hub.organizations.of(caller)])


@router.post("/organizations")
async def create_organization(
    request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """A new organization, with the caller as its owner (409 when its name is taken)."""
    body = await read_model(request, CreateOrganizationBody)
    view = hub.organizations.create(
        caller, NewOrganization(body.display_name, body.billing_email, body.description)
    )
    return JSONResponse(organization_json(view))


@router.get("/organizations/search")
async def search_organizations(_: PlatformCaller, hub: HubDep, q: str) -> JSONResponse:
    """Organizations whose name contains ``q``: ids and names only."""
    return JSONResponse([search_result_json(o) for o in hub.organizations.search(q)])


@router.get("/organizations/{id}")
async def get_organization(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """An organization the caller belongs to (404 otherwise)."""
    return JSONResponse(organization_json(hub.organizations.get(caller, id)))


@router.put("/organizations/{id}")
async def update_organization(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Rename an organization (owners only; 409 when the name is taken)."""
    body = await read_model(request, UpdateOrganizationBody)
    description = body.description if "description" in body.model_fields_set else UNCHANGED
    changes = OrganizationChanges(body.display_name, description)
    return JSONResponse(organization_json(hub.organizations.update(caller, id, changes)))


@router.delete("/organizations/{id}", status_code=204)
async def delete_organization(id: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Delete an organization (owners only; 409 for a user's own one or one with
    applications)."""
    hub.organizations.delete(caller, id)
    return Response(status_code=204)


@router.get("/organizations/{id}/profile")
async def get_organization_profile(id: str, _: PlatformCaller, hub: HubDep) -> JSONResponse:
    """An organization's public profile (id and names)."""
    return JSONResponse(profile_json(hub.organizations.profile(id)))


# -- members -------------------------------------------------------------------------------


@router.get("/organizations/{id}/members")
async def get_organization_members(id: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The organization's members."""
    return JSONResponse([member_json(m) for m in hub.members.of(caller, id)])


@router.post("/organizations/{id}/members")
async def add_organization_member(
    id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Add a user (``sid``) with a role (``VIEWER`` unless given); owners only."""
    body = await read_model(request, MemberBody)
    body.only_users()
    if body.sid is None:
        raise Unprocessable("sid: the id of the user to add is required")
    member = NewMember(body.sid, body.access_permission_role or "VIEWER")
    return JSONResponse(access_permission_json(hub.members.add(caller, id, member)))


@router.get("/organizations/{id}/members/{user_id}")
async def get_organization_member(
    id: str, user_id: str, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """One member."""
    return JSONResponse(member_json(hub.members.get(caller, id, user_id)))


@router.put("/organizations/{id}/members/{user_id}")
async def update_organization_member_permission(
    id: str, user_id: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Give a member another role (owners only; 409 when no owner would be left)."""
    body = await read_model(request, MemberBody)
    body.only_users()
    if body.access_permission_role is None:
        raise Unprocessable("accessPermissionRole: the new role is required")
    if body.sid is not None and body.sid != user_id:
        raise Unprocessable(f"sid: {body.sid!r} is not the member in the path ({user_id!r})")
    membership = hub.members.change(caller, id, user_id, body.access_permission_role)
    return JSONResponse(access_permission_json(membership))


@router.delete("/organizations/{id}/members/{user_id}", status_code=204)
async def delete_organization_member(
    id: str, user_id: str, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Remove a member (owners; or the member, leaving)."""
    hub.members.remove(caller, id, user_id)
    return Response(status_code=204)


# -- the caller ----------------------------------------------------------------------------


@router.get("/my/accounts")
async def get_my_accounts(caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The organizations the caller may act for."""
    return JSONResponse([account_json(v) for v in hub.organizations.of(caller)])


@router.get("/my/invitations")
async def get_my_invitations(_: PlatformCaller) -> JSONResponse:
    """The caller's pending invitations: none (members are added at once)."""
    return JSONResponse([])


@router.post("/my/invitations/{invitation_id}/accept")
async def accept_invitation(invitation_id: str, _: PlatformCaller, hub: HubDep) -> Response:
    """404: there are no pending invitations to accept."""
    hub.members.answer_invitation(invitation_id)


@router.post("/my/invitations/{invitation_id}/decline")
async def decline_invitation(invitation_id: str, _: PlatformCaller, hub: HubDep) -> Response:
    """404: there are no pending invitations to decline."""
    hub.members.answer_invitation(invitation_id)


@router.post("/authorize")
async def resolve_auth_token(
    caller: PlatformCaller, hub: HubDep, x_auth_token: ApiKey = None
) -> JSONResponse:
    """Who the ``X-Auth-Token`` is: a user (with their organizations) or an execution."""
    body: dict[str, Any]
    if caller.execution_id is not None:
        execution = hub.execution_history.get(caller, caller.execution_id)
        body = {
            "serviceExecution": execution_json(execution),
            "serviceProvider": {
                "id": caller.organization_id,
                "contextType": "ORGANIZATION",
                "accountType": "STANDARD",
            },
            "type": "token.execution",
        }
        return JSONResponse(body)
    user, token = hub.users.authenticate(x_auth_token)
    memberships = [
        {"id": v.organization.id, "accountType": "STANDARD", "role": v.role}
        for v in hub.organizations.of(caller)
    ]
    body = {
        "id": user.id,
        "accessToken": access_token_json(token),
        "accountType": "STANDARD",
        "organizationMemberships": memberships,
        "type": "token.personal",
    }
    return JSONResponse(body)
