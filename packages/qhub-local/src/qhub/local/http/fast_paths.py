"""The reads every waiter polls, answered without FastAPI's routing.

A service execution's status (``GET /gateway/<context>/<service>/<version>/<id>``) and a
quantum job and its result (``GET /quantum/jobs/<id>``, ``…/result``) are what
``wait_for_final_state`` and ``jobs.wait`` poll, often from many threads at once. Through
the routes, FastAPI's route matching (past a few hundred Platform routes) and dependency
solving cost about half of the Hub's CPU time for them; here the request is read straight
from the ASGI scope and answered by the same domain calls and the same JSON as the routes
(:func:`.gateway.get_status`, :func:`.quantum.jobs.get_job`, ``get_job_result``).

Only a found resource is answered here, byte for byte as its route would answer it. Anything
else (another method or path, any refusal: a bad token, an unknown id, a result not ready; or
a failing store) goes on to the routes, which answer it as ever (the store's failure as their
503); the domain calls made here only read, so making them again there changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain import Hub
from .errors import ASGIApp, Receive, Scope, Send
from .gateway import execution_json
from .quantum.shapes import job_json

__all__ = ["fast_reads"]

#: Reads a request's header (the first one of that name, as the routes read it).
HeaderOf = Callable[[bytes], "str | None"]


@dataclass(frozen=True)
class _FastRead:
    """A GET whose path matches ``path`` (its groups: the route's path parameters), and how
    to answer it: the route's JSON content, or None to leave the request to the routes."""

    path: re.Pattern[str]
    answer: Callable[[Hub, tuple[str, ...], HeaderOf], Any]


def _execution_status(hub: Hub, params: tuple[str, ...], header: HeaderOf) -> Any:
    context, name, version, execution_id = params
    service = hub.catalog.get(context, name, version)
    authorization = header(b"authorization")
    bearer = authorization is not None and authorization[:7].lower() == "bearer "
    token = authorization[7:] if authorization and bearer else None
    application_id = hub.applications.application_for_bearer(token)
    return execution_json(hub.executions.get(service, application_id, execution_id), service)


def _organization(hub: Hub, header: HeaderOf) -> str:
    return hub.organizations.for_api_key(header(b"x-auth-token"), header(b"x-organizationid"))


def _job(hub: Hub, params: tuple[str, ...], header: HeaderOf) -> Any:
    return job_json(hub.quantum.jobs.get(_organization(hub, header), params[0]))


def _job_result(hub: Hub, params: tuple[str, ...], header: HeaderOf) -> Any:
    return hub.quantum.jobs.result(_organization(hub, header), params[0])


_READS = (
    _FastRead(re.compile(r"/gateway/([^/]+)/([^/]+)/([^/]+)/([^/]+)"), _execution_status),
    _FastRead(re.compile(r"/quantum/jobs/([^/]+)"), _job),
    _FastRead(re.compile(r"/quantum/jobs/([^/]+)/result"), _job_result),
)


def fast_reads(app: ASGIApp, hub: Hub) -> ASGIApp:
    """Wrap ``app`` (the Hub's FastAPI app) so that the reads above are answered without
    going through its routes when they find what they read."""

    async def fast(scope: Scope, receive: Receive, send: Send) -> None:
        body = None
        if scope["type"] == "http" and scope["method"] == "GET":
            body = _answer(hub, scope)
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


def _answer(hub: Hub, scope: Scope) -> bytes | None:
    """The encoded answer to a fast read that finds what it reads, else None."""
    path: str = scope["path"]
    for read in _READS:
        match = read.path.fullmatch(path)
        if match is None:
            continue

        def header(name: bytes) -> str | None:
            for key, value in scope["headers"]:
                if key == name:
                    found: str = value.decode("latin-1")
                    return found
            return None

        try:
            content = read.answer(hub, match.groups(), header)
        except Exception:  # a refusal or a failing store: the routes answer it (JSON, 4xx/503)
            return None
        # Encoded as Starlette's JSONResponse encodes it.
        return json.dumps(
            content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
        ).encode("utf-8")
    return None
