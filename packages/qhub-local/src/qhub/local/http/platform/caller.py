"""Who calls the Platform API: the caller's identity and organization, written once."""

from typing import Annotated

from fastapi import Depends, Header, Request

from ...domain.identity import Caller
from ..deps import ApiKey, HubDep

__all__ = ["PlatformCaller", "hub_base_url"]


async def _caller(
    hub: HubDep,
    x_auth_token: ApiKey = None,
    x_organizationid: Annotated[str | None, Header()] = None,
) -> Caller:
    return hub.organizations.caller(x_auth_token, x_organizationid)


#: The caller behind the ``X-Auth-Token`` (401 without a valid one), acting for its own
#: organization or the one ``X-OrganizationId`` names (403 when it can't act for it).
PlatformCaller = Annotated[Caller, Depends(_caller)]


def hub_base_url(request: Request) -> str:
    """The Hub's own base URL as the caller reached it (gateway endpoints start with it)."""
    return str(request.base_url).rstrip("/")
