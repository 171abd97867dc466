"""Who may use the dashboard's JSON endpoints: a person with a personal access token, from
the dashboard's own page.

Every endpoint needs the token as ``X-Auth-Token`` (401 without a valid one): the data is
the organization's. Requests a browser marks as coming from another site or origin are
refused (403) before the token is looked at: ``Sec-Fetch-Site`` must be ``same-origin``, and
an ``Origin`` must be the Hub's own. Clients that send neither (curl, tests) pass on to the
token check. The custom header is itself a guard: a cross-origin page can't send it without
a CORS preflight, which the Hub never grants.
"""

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Header, Request

from ..domain import Forbidden, Hub, Unauthorized
from ..domain.identity import Caller

__all__ = ["DashboardUser", "Viewer", "hub_of", "refuse_other_sites"]

#: The only ``Sec-Fetch-Site`` the dashboard's endpoints accept (when a browser sends one).
SAME_ORIGIN = "same-origin"


def hub_of(request: Request) -> Hub:
    """The Hub the app serves."""
    return cast(Hub, request.app.state.hub)


def refuse_other_sites(request: Request) -> None:
    """Refuse a request a browser sent from another site or origin.

    Raises:
        Forbidden: ``Sec-Fetch-Site`` says it is not same-origin, or ``Origin`` is not the
            Hub's own (as the request's ``Host`` names it).
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.lower() != SAME_ORIGIN:
        raise Forbidden(f"the dashboard refuses {fetch_site} requests")
    origin = request.headers.get("origin")
    if origin is not None:
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin.lower() != own.lower():
            raise Forbidden("the dashboard refuses requests from another origin")


@dataclass(frozen=True)
class DashboardUser:
    """The person using the dashboard: who they act as, and their name."""

    caller: Caller
    username: str


async def _viewer(
    request: Request, x_auth_token: Annotated[str | None, Header()] = None
) -> DashboardUser:
    refuse_other_sites(request)
    hub = hub_of(request)
    caller = hub.organizations.caller(x_auth_token, None)
    if caller.user_id is None:
        raise Unauthorized("the dashboard takes a personal access token, not an execution's")
    return DashboardUser(caller, hub.users.get(caller.user_id).username)


#: The signed-in person (401 without a valid personal access token; 403 for a request from
#: another site).
Viewer = Annotated[DashboardUser, Depends(_viewer)]
