"""The User API (``/user-service``): the signed-in user's profile and tokens, other users.

Authenticated by a personal access token in ``X-Auth-Token`` (service execution tokens are
not users). A profile image's URL is served by this Hub, without authentication, like an
image link anyone may open.
"""

import email.parser
import email.policy
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from ..domain import BadRequest, Hub
from ..domain.models import AccessToken, User, iso
from .bodies import json_object

__all__ = ["user_router"]


def _user(user: User) -> dict[str, Any]:
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


def _overview(user: User) -> dict[str, Any]:
    return {"id": user.id, "firstname": user.firstname, "lastname": user.lastname}


def _token(token: AccessToken, value: str | None = None) -> dict[str, Any]:
    view = {
        "id": token.id,
        "name": token.name,
        "createdAt": iso(token.created_at),
        "usedAt": iso(token.used_at),
        "expiresAt": iso(token.expires_at),
    }
    return {**view, "value": value} if value is not None else view


async def _uploaded_file(request: Request, field: str) -> tuple[str, bytes]:
    """The content type and bytes of one multipart/form-data file field (parsed with the
    standard library's MIME parser; the Hub has no multipart dependency)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise BadRequest("the body must be multipart/form-data with a 'file' part")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + await request.body()
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == field:
            payload = part.get_payload(decode=True)
            return part.get_content_type(), payload if isinstance(payload, bytes) else b""
    raise BadRequest(f"the multipart body has no {field!r} part")


def user_router(hub: Hub) -> APIRouter:
    """User API routes, bound to ``hub``."""
    router = APIRouter(prefix="/user-service")
    users = hub.users

    async def principal(
        x_auth_token: Annotated[str | None, Header()] = None,
    ) -> tuple[User, AccessToken]:
        return users.authenticate(x_auth_token)

    Principal = Annotated[tuple[User, AccessToken], Depends(principal)]

    @router.get("/me")
    async def get_current_user(me: Principal) -> JSONResponse:
        return JSONResponse(_user(me[0]))

    @router.put("/me")
    async def update_current_user(me: Principal, request: Request) -> JSONResponse:
        return JSONResponse(
            _user(users.update(me[0], await json_object(request, empty_is_object=True)))
        )

    @router.delete("/me", status_code=204)
    async def delete_current_user(me: Principal) -> Response:
        users.delete(me[0])
        return Response(status_code=204)

    @router.post("/me/profile-image", status_code=204)
    async def update_current_user_profile_image(me: Principal, request: Request) -> Response:
        content_type, content = await _uploaded_file(request, "file")
        users.set_profile_image(me[0], content_type, content)
        return Response(status_code=204)

    @router.delete("/me/profile-image", status_code=204)
    async def delete_current_user_profile_image(me: Principal) -> Response:
        users.delete_profile_image(me[0])
        return Response(status_code=204)

    @router.put("/me/access-tokens/default")
    async def regenerate_default_personal_access_token(me: Principal) -> JSONResponse:
        return JSONResponse({"defaultToken": users.issue_default_token(me[0].organization_id)})

    @router.get("/me/access-tokens")
    async def get_personal_access_tokens(me: Principal) -> JSONResponse:
        default, named = users.tokens(me[0])
        return JSONResponse(
            {
                "defaultToken": f"pat_…{default.hint}" if default else None,
                "accessTokens": [_token(token) for token in named],
            }
        )

    @router.post("/me/access-tokens", status_code=201)
    async def create_personal_access_token(me: Principal, request: Request) -> JSONResponse:
        body = await json_object(request, empty_is_object=True)
        token, value = users.create_token(me[0], body.get("name"), body.get("expiresAt"))
        return JSONResponse(_token(token, value), status_code=201)

    @router.delete("/me/access-tokens/{token_id}", status_code=204)
    async def delete_personal_access_token(token_id: str, me: Principal) -> Response:
        users.delete_token(me[0], token_id)
        return Response(status_code=204)

    @router.post("/authorize")
    async def authorize_by_personal_access_token(me: Principal) -> JSONResponse:
        return JSONResponse({"id": me[0].id, "accessToken": _token(me[1])})

    @router.post("/users/batch")
    async def resolve_users(_: Principal, request: Request) -> JSONResponse:
        ids = (await json_object(request, empty_is_object=True)).get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise BadRequest("ids must be a list of user ids")
        found = {user.id: user for user in hub.store.users() if user.id in ids}
        return JSONResponse(
            {
                "users": [_overview(found[i]) for i in ids if i in found],
                # A string, as the vendor's client declares it: the ids joined by commas.
                "notFound": ",".join(i for i in ids if i not in found) or None,
            }
        )

    @router.get("/users/{user_id}")
    async def get_user_by_id(user_id: str, _: Principal) -> JSONResponse:
        return JSONResponse(_overview(users.get(user_id)))

    @router.api_route("/users/{user_id}", methods=["HEAD"])
    async def check_user_exists(user_id: str, _: Principal) -> Response:
        users.get(user_id)
        return Response(status_code=200)

    @router.get("/users/{user_id}/profile-image")
    async def get_user_profile_image(user_id: str, _: Principal, request: Request) -> Response:
        users.get(user_id)
        if hub.store.profile_image(user_id) is None:
            return Response(status_code=204)
        url = str(request.url_for("profile_image_content", user_id=user_id))
        return JSONResponse(url)

    @router.get("/users/{user_id}/profile-image/content", name="profile_image_content")
    async def profile_image_content(user_id: str) -> Response:
        image = hub.store.profile_image(user_id)
        if image is None:
            users.get(user_id)  # 404 for an unknown user
            return Response(status_code=404)
        return Response(image[1], media_type=image[0])

    @router.get("/user-registration-status")
    async def get_user_registration_status(_: Principal, email: str | None = None) -> JSONResponse:
        return JSONResponse(users.registration_status(email))

    @router.get("/search")
    async def search_users(_: Principal, q: str | None = None) -> JSONResponse:
        return JSONResponse([_overview(user) for user in users.search(q)])

    return router
