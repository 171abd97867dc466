"""Dependencies every router shares: the Hub, who is calling, and for which organization.

All are coroutines, so FastAPI resolves them on the event loop instead of hopping to a
thread pool for each one.
"""

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Header, Query, Request

from ..domain import Hub
from ..domain.identity import AccessToken, User
from ..domain.listing import PageRequest

__all__ = [
    "ApiKey",
    "GatewayApplication",
    "HubDep",
    "OptionalOrganizationId",
    "OrganizationId",
    "Paging",
    "Principal",
    "ServiceExecutionId",
    "SignedInUser",
]


async def _hub(request: Request) -> Hub:
    return cast(Hub, request.app.state.hub)


#: The Hub the app serves.
HubDep = Annotated[Hub, Depends(_hub)]

#: The ``X-Auth-Token`` header, if sent (a personal access token or an execution's token).
ApiKey = Annotated[str | None, Header(alias="x-auth-token")]


async def _organization(
    hub: HubDep,
    x_auth_token: ApiKey = None,
    x_organizationid: Annotated[str | None, Header()] = None,
) -> str:
    return hub.organizations.for_api_key(x_auth_token, x_organizationid)


#: The organization the caller's ``X-Auth-Token`` acts for (401 without one, 403 when
#: ``X-OrganizationId`` names another).
OrganizationId = Annotated[str, Depends(_organization)]


async def _optional_organization(
    hub: HubDep,
    x_auth_token: ApiKey = None,
    x_organizationid: Annotated[str | None, Header()] = None,
) -> str | None:
    if x_auth_token is None:
        return None
    return hub.organizations.for_api_key(x_auth_token, x_organizationid)


#: Like :data:`OrganizationId`, but None for a caller who sent no ``X-Auth-Token`` (for the
#: few operations anyone may call).
OptionalOrganizationId = Annotated[str | None, Depends(_optional_organization)]


async def _service_execution(hub: HubDep, x_auth_token: ApiKey = None) -> str | None:
    return hub.organizations.service_execution_of(x_auth_token)


#: The service execution whose token the caller sent, if it sent one.
ServiceExecutionId = Annotated[str | None, Depends(_service_execution)]


async def _gateway_application(
    hub: HubDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    bearer = authorization is not None and authorization[:7].lower() == "bearer "
    token = authorization[7:] if authorization and bearer else None
    return hub.applications.application_for_bearer(token)


#: The application a gateway bearer token belongs to.
GatewayApplication = Annotated[str, Depends(_gateway_application)]


@dataclass(frozen=True)
class SignedInUser:
    """The user behind a personal access token, and that token."""

    user: User
    token: AccessToken


async def _principal(hub: HubDep, x_auth_token: ApiKey = None) -> SignedInUser:
    return SignedInUser(*hub.users.authenticate(x_auth_token))


#: The signed-in user of the User API (a personal access token; execution tokens are not users).
Principal = Annotated[SignedInUser, Depends(_principal)]


async def _paging(
    page: int = 0, size: int = 20, sort: Annotated[list[str] | None, Query()] = None
) -> PageRequest:
    return PageRequest(page, size, tuple(sort or ()))


#: ``page`` (zero-based), ``size`` and repeatable ``sort=property,asc|desc``.
Paging = Annotated[PageRequest, Depends(_paging)]
