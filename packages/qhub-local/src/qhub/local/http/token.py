"""``POST /gateway/token``: OAuth 2.0 client credentials (RFC 6749 §4.4).

Not emulated: scopes, refresh tokens, other grant types, client assertion auth.
"""

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..domain import DomainError
from .bodies import read_form
from .deps import HubDep

__all__ = ["router"]

router = APIRouter()


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    """An RFC 6749 error body (this endpoint's errors are not the Hub's usual body)."""
    headers = (
        {"WWW-Authenticate": 'Basic realm="qhub-local"', "Cache-Control": "no-store"}
        if status == 401
        else {}
    )
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )


@router.post("/gateway/token")
async def issue_token(request: Request, hub: HubDep) -> JSONResponse:
    """An access token for an application's access key (Basic auth or form fields)."""
    form = await read_form(request)
    if form is None:
        return _oauth_error(
            400, "invalid_request", "the body must be application/x-www-form-urlencoded"
        )
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
        )
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    authorization = request.headers.get("authorization", "")
    if authorization[:6].lower() == "basic ":
        try:
            client_id, _, client_secret = (
                base64.b64decode(authorization[6:]).decode("utf-8").partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return _oauth_error(401, "invalid_client", "the Basic credentials are malformed")
    if not client_id or not client_secret:
        return _oauth_error(401, "invalid_client", "client authentication is required")
    try:
        token = hub.applications.issue_access_token(client_id, client_secret)
    except DomainError as error:
        return _oauth_error(401, "invalid_client", error.message)
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(hub.applications.token_ttl),
        },
        headers={"Cache-Control": "no-store"},
    )
