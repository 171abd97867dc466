"""The Platform API's provider tokens: an organization's (``/organizations/{id}/provider-tokens``)
and the signed-in user's (``/my/provider-tokens``), each of type ``DWAVE``, ``IBM`` or
``IBM_CLOUD``.

PUT takes the type's fields as a JSON object and answers 204; GET of a type answers the
token with its secrets masked (``{"type": "IBM", "value": "****wxyz"}``); GET of the
collection the availability of every type (``{"DWAVE": false, "IBM": true, …}``); DELETE
answers 204 (404 when none is stored). Sealed at rest, masked on the way out, who may do
what: see ``qhub.local.domain.identity.provider_tokens``.

Not emulated: using the tokens (no local service or job reaches a provider with them).
"""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ...domain import Unprocessable
from ...domain.identity import ProviderTokenView
from ..bodies import read_json_object
from ..deps import HubDep
from .caller import PlatformCaller

__all__ = ["router"]

router = APIRouter()


def _token_json(view: ProviderTokenView) -> dict[str, str]:
    """A ``ProviderToken`` as the spec's ``oneOf`` has it: the ``type``, then its fields."""
    return {"type": view.type, **view.fields}


# -- an organization's ---------------------------------------------------------------------


@router.get("/organizations/{id}/provider-tokens")
async def get_organization_provider_token_availability(
    id: str, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """Which types of token the organization has (any member)."""
    tokens = hub.provider_tokens
    return JSONResponse(tokens.availability(tokens.of_organization(caller, id)))


@router.get("/organizations/{id}/provider-tokens/{type}")
async def get_organization_provider_token(
    id: str, type: str, caller: PlatformCaller, hub: HubDep
) -> JSONResponse:
    """The organization's token of a type, masked (maintainers and owners)."""
    tokens = hub.provider_tokens
    return JSONResponse(_token_json(tokens.get(caller, tokens.of_organization(caller, id), type)))


@router.put("/organizations/{id}/provider-tokens/{type}", status_code=204)
async def update_organization_provider_token(
    id: str, type: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Set the organization's token of a type (maintainers and owners)."""
    tokens = hub.provider_tokens
    owner = tokens.of_organization(caller, id)
    body = await read_json_object(request, malformed=Unprocessable)
    tokens.put(caller, owner, type, body)
    return Response(status_code=204)


@router.delete("/organizations/{id}/provider-tokens/{type}", status_code=204)
async def delete_organization_provider_token(
    id: str, type: str, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Remove the organization's token of a type (maintainers and owners)."""
    tokens = hub.provider_tokens
    tokens.delete(caller, tokens.of_organization(caller, id), type)
    return Response(status_code=204)


# -- the signed-in user's ------------------------------------------------------------------


@router.get("/my/provider-tokens")
async def get_user_provider_token_availability(caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """Which types of token the signed-in user has."""
    tokens = hub.provider_tokens
    return JSONResponse(tokens.availability(tokens.of_user(caller)))


@router.get("/my/provider-tokens/{type}")
async def get_user_provider_token(type: str, caller: PlatformCaller, hub: HubDep) -> JSONResponse:
    """The signed-in user's token of a type, masked."""
    tokens = hub.provider_tokens
    return JSONResponse(_token_json(tokens.get(caller, tokens.of_user(caller), type)))


@router.put("/my/provider-tokens/{type}", status_code=204)
async def update_user_provider_token(
    type: str, request: Request, caller: PlatformCaller, hub: HubDep
) -> Response:
    """Set the signed-in user's token of a type."""
    tokens = hub.provider_tokens
    owner = tokens.of_user(caller)
    body = await read_json_object(request, malformed=Unprocessable)
    tokens.put(caller, owner, type, body)
    return Response(status_code=204)


@router.delete("/my/provider-tokens/{type}", status_code=204)
async def delete_user_provider_token(type: str, caller: PlatformCaller, hub: HubDep) -> Response:
    """Remove the signed-in user's token of a type."""
    tokens = hub.provider_tokens
    tokens.delete(caller, tokens.of_user(caller), type)
    return Response(status_code=204)
