"""The hottest read answered without FastAPI's routing: a service execution's status.

Every waiter polls ``GET /gateway/<context>/<service>/<version>/<execution id>``, often from
many threads at once. Through the routes, FastAPI's route matching and dependency solving
cost about half of the Hub's CPU time for it; here the request is read straight from the
ASGI scope and answered by the same domain calls and the same JSON as
:func:`.gateway.get_status`. Anything else (another method or path, or any refusal: no
such service, a bad token, an unknown execution) goes on to the routes, which answer it as
ever, so only a found execution is answered here, byte for byte as the route would.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..domain import Hub
from ..domain.errors import DomainError
from .errors import ASGIApp, Receive, Scope, Send
from .gateway import execution_json

__all__ = ["status_fast_path"]

#: ``/gateway/{context}/{name}/{version}/{execution_id}``: the route's path, segment by segment.
_STATUS_PATH = re.compile(r"/gateway/([^/]+)/([^/]+)/([^/]+)/([^/]+)")


def status_fast_path(app: ASGIApp, hub: Hub) -> ASGIApp:
    """Wrap ``app`` (the Hub's FastAPI app) so that a found execution's status is answered
    without going through its routes."""

    async def fast(scope: Scope, receive: Receive, send: Send) -> None:
        body = None
        if scope["type"] == "http" and scope["method"] == "GET":
            match = _STATUS_PATH.fullmatch(scope["path"])
            if match is not None:
                context, name, version, execution_id = match.groups()
                body = _status_body(hub, context, name, version, execution_id, _bearer(scope))
        if body is None:
            await app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return fast


def _bearer(scope: Scope) -> str | None:
    """The token of the request's first ``Authorization: Bearer`` header, as the route reads it."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization: str = value.decode("latin-1")
            if authorization[:7].lower() == "bearer ":
                return authorization[7:] or None
            return None
    return None


def _status_body(
    hub: Hub, context: str, name: str, version: str, execution_id: str, token: str | None
) -> bytes | None:
    """The route's JSON body for a found execution; None for anything the route refuses."""
    try:
        service = hub.catalog.get(context, name, version)
        application_id = hub.applications.application_for_bearer(token)
        execution = hub.executions.get(service, application_id, execution_id)
    except DomainError:
        return None
    return _json(execution_json(execution, service))


def _json(content: Any) -> bytes:
    """Encoded as Starlette's ``JSONResponse`` encodes it."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")
