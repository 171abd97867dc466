"""The User API (``/user-service``): the signed-in user's profile and tokens, other users.

Authenticated by a personal access token in ``X-Auth-Token`` (service execution tokens are
not users). A profile image's URL is served by this Hub, without authentication, like an
image link anyone may open.

Not emulated: organizations with several members, invitations, e-mail verification.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..domain import BadRequest
from ..domain.clock import parse_utc
from ..domain.identity import UNCHANGED, AccessToken, NewToken, ProfileChanges, Unchanged, User
from .bodies import read_json_object, read_uploaded_file
from .deps import HubDep, Principal
from .wire import iso

__all__ = ["router"]

router = APIRouter(prefix="/user-service")

#: The profile fields a user may change: wire name → ``ProfileChanges`` field.
CHANGEABLE_FIELDS = {
    "currentPosition": "current_position",
    "homepage": "homepage",
    "about": "about",
}


# -- JSON shapes of the User API -----------------------------------------------------------


def user_json(user: User) -> dict[str, Any]:
    """A user, as the signed-in user sees themselves."""
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "currentPosition": user.current_position,
        "homepage": user.homepage,
        "about": user.about,
    }


def user_overview_json(user: User) -> dict[str, Any]:
    """A user, as other users see them."""
    return {"id": user.id, "firstname": user.firstname, "lastname": user.lastname}


def token_json(token: AccessToken, value: str | None = None) -> dict[str, Any]:
    """A personal access token's metadata, with its value only when it was just made."""
    view = {
        "id": token.id,
        "name": token.name,
        "createdAt": iso(token.created_at),
        "usedAt": iso(token.used_at),
        "expiresAt": iso(token.expires_at),
    }
    return {**view, "value": value} if value is not None else view


# -- request bodies ------------------------------------------------------------------------


def profile_changes(body: dict[str, Any]) -> ProfileChanges:
    """``currentPosition``, ``homepage`` and ``about`` (absent: kept; null: cleared).

    Raises:
        BadRequest: another field, or a value that is not a string.
    """
    unknown = sorted(set(body) - set(CHANGEABLE_FIELDS))
    if unknown:
        raise BadRequest(f"only currentPosition, homepage and about can be changed: {unknown}")
    changes: dict[str, str | Unchanged | None] = {}
    for wire_name, field in CHANGEABLE_FIELDS.items():
        value = body.get(wire_name, UNCHANGED)
        if value is not UNCHANGED and value is not None and not isinstance(value, str):
            raise BadRequest(f"{wire_name} must be a string or null")
        changes[field] = value
    return ProfileChanges(**changes)


def new_token(body: dict[str, Any]) -> NewToken:
    """A token's ``name`` (required) and ``expiresAt`` (ISO-8601; naive is UTC).

    Raises:
        BadRequest: no name, or an expiry that is not an ISO-8601 date-time.
    """
    name, expires_at = body.get("name"), body.get("expiresAt")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("name is required")
    if expires_at is None:
        return NewToken(name.strip())
    try:
        return NewToken(name.strip(), parse_utc(str(expires_at)))
    except ValueError:
        raise BadRequest(f"expiresAt must be an ISO-8601 date-time, not {expires_at!r}") from None


# -- the signed-in user --------------------------------------------------------------------


@router.get("/me")
async def get_current_user(me: Principal) -> JSONResponse:
    """The signed-in user's profile."""
    return JSONResponse(user_json(me.user))


@router.put("/me")
async def update_current_user(me: Principal, request: Request, hub: HubDep) -> JSONResponse:
    """Change the signed-in user's profile."""
    changes = profile_changes(await read_json_object(request, empty_is_object=True))
    return JSONResponse(user_json(hub.users.update(me.user, changes)))


@router.delete("/me", status_code=204)
async def delete_current_user(me: Principal, hub: HubDep) -> Response:
    """Delete the signed-in user, their tokens and their image."""
    hub.users.delete(me.user)
    return Response(status_code=204)


@router.post("/me/profile-image", status_code=204)
async def update_current_user_profile_image(
    me: Principal, request: Request, hub: HubDep
) -> Response:
    """Upload a profile image (multipart field ``file``)."""
    content_type, content = await read_uploaded_file(request, "file")
    hub.users.set_profile_image(me.user, content_type, content)
    return Response(status_code=204)


@router.delete("/me/profile-image", status_code=204)
async def delete_current_user_profile_image(me: Principal, hub: HubDep) -> Response:
    """Remove the profile image."""
    hub.users.delete_profile_image(me.user)
    return Response(status_code=204)


@router.put("/me/access-tokens/default")
async def regenerate_default_personal_access_token(me: Principal, hub: HubDep) -> JSONResponse:
    """A new default token; the previous one stops working."""
    return JSONResponse({"defaultToken": hub.users.issue_default_token(me.user.organization_id)})


@router.get("/me/access-tokens")
async def get_personal_access_tokens(me: Principal, hub: HubDep) -> JSONResponse:
    """The default token's hint and the named tokens."""
    default, named = hub.users.tokens(me.user)
    return JSONResponse(
        {
            "defaultToken": f"pat_…{default.hint}" if default else None,
            "accessTokens": [token_json(token) for token in named],
        }
    )


@router.post("/me/access-tokens", status_code=201)
async def create_personal_access_token(
    me: Principal, request: Request, hub: HubDep
) -> JSONResponse:
    """A new named token, its value shown this once."""
    wanted = new_token(await read_json_object(request, empty_is_object=True))
    token, value = hub.users.create_token(me.user, wanted)
    return JSONResponse(token_json(token, value), status_code=201)


@router.delete("/me/access-tokens/{token_id}", status_code=204)
async def delete_personal_access_token(token_id: str, me: Principal, hub: HubDep) -> Response:
    """Revoke a named token."""
    hub.users.delete_token(me.user, token_id)
    return Response(status_code=204)


@router.post("/authorize")
async def authorize_by_personal_access_token(me: Principal) -> JSONResponse:
    """Who the token belongs to, and the token's metadata."""
    return JSONResponse({"id": me.user.id, "accessToken": token_json(me.token)})


# -- other users ---------------------------------------------------------------------------


@router.post("/users/batch")
async def resolve_users(_: Principal, request: Request, hub: HubDep) -> JSONResponse:
    """The users among ``ids`` (in that order) and the ids of no user."""
    ids = (await read_json_object(request, empty_is_object=True)).get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise BadRequest("ids must be a list of user ids")
    found = hub.users.find(ids)
    return JSONResponse(
        {
            "users": [user_overview_json(found[i]) for i in ids if i in found],
            # A string, as the vendor's client declares it: the ids joined by commas.
            "notFound": ",".join(i for i in ids if i not in found) or None,
        }
    )


@router.get("/users/{user_id}")
async def get_user_by_id(user_id: str, _: Principal, hub: HubDep) -> JSONResponse:
    """Another user's overview."""
    return JSONResponse(user_overview_json(hub.users.get(user_id)))


@router.api_route("/users/{user_id}", methods=["HEAD"])
async def check_user_exists(user_id: str, _: Principal, hub: HubDep) -> Response:
    """200 if the user exists, else 404."""
    hub.users.get(user_id)
    return Response(status_code=200)


@router.get("/users/{user_id}/profile-image")
async def get_user_profile_image(
    user_id: str, _: Principal, request: Request, hub: HubDep
) -> Response:
    """The URL of the user's profile image, or 204 when they have none."""
    hub.users.get(user_id)
    if hub.users.profile_image(user_id) is None:
        return Response(status_code=204)
    url = str(request.url_for("profile_image_content", user_id=user_id))
    return JSONResponse(url)


@router.get("/users/{user_id}/profile-image/content", name="profile_image_content")
async def profile_image_content(user_id: str, hub: HubDep) -> Response:
    """The profile image itself (no authentication: it is a link anyone may open)."""
    image = hub.users.profile_image(user_id)
    if image is None:
        hub.users.get(user_id)  # 404 for an unknown user
        return Response(status_code=404)
    return Response(image.content, media_type=image.content_type)


@router.get("/user-registration-status")
async def get_user_registration_status(
    _: Principal, hub: HubDep, email: str | None = None
) -> JSONResponse:
    """Whether an e-mail address belongs to a user."""
    registration = hub.users.registration_status(email)
    return JSONResponse({"status": registration.status, "message": registration.message})


@router.get("/search")
async def search_users(_: Principal, hub: HubDep, q: str | None = None) -> JSONResponse:
    """Users whose name or address contains ``q``."""
    return JSONResponse([user_overview_json(user) for user in hub.users.search(q)])
