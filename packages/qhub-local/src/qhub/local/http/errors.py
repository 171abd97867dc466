"""The one place that turns failures into the Hub's error bodies.

Every error response is JSON ``{"status", "error", "message", "requestId"}`` with an
``X-Request-Id`` header; tokens and secrets are never echoed. A store that fails (a full
disk: :class:`~qhub.local.domain.StoreUnavailable`) is a 503 with ``Retry-After``, on every
API; anything else unexpected a 500 that names only the request id.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain import DomainError, StoreUnavailable
from ..domain.faults import store_failure

__all__ = [
    "error_response",
    "failure_response",
    "install_error_handlers",
    "request_id_middleware",
]

#: What a 503 for an unavailable store asks clients to wait before trying again, seconds.
RETRY_AFTER_SECONDS = 5

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The standard error body."""
    request_id = request.scope.get("qhub.request_id", "")
    body = {
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "requestId": request_id,
    }
    return JSONResponse(body, status_code=status, headers=headers)


def failure_response(request: Request, error: Exception) -> JSONResponse:
    """The answer to a request that raised ``error``: a domain error's status and message, a
    failing store's 503, or a 500 naming only the request id. (The routes' handlers and the
    fast paths of :mod:`.fast_paths` both answer with it.)"""
    if isinstance(error, DomainError):
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return error_response(request, error.status, error.message, headers)
    # A file of the data directory the domain wrote without saying so still counts.
    failure = error if isinstance(error, StoreUnavailable) else store_failure(error)
    if failure is not None:
        return _unavailable(request, failure)
    request_id = request.scope.get("qhub.request_id", "")
    return error_response(request, 500, f"internal error of the local Hub (request {request_id})")


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and unknown routes to the standard body."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return failure_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}"
            for e in error.errors()
        )
        return error_response(request, 422, f"invalid request: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = "no such endpoint" if error.status_code == 404 else str(error.detail)
        return error_response(request, error.status_code, message)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, error: StoreUnavailable) -> JSONResponse:
        return failure_response(request, error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return failure_response(request, error)


def _unavailable(request: Request, error: StoreUnavailable) -> JSONResponse:
    """503: the store failed; the request may be sent again later."""
    return error_response(
        request, 503, error.message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


#: Control characters in a logged path, escaped: a path can't start a forged log line.
_CONTROL_CHARACTERS = {code: f"\\x{code:02x}" for code in [*range(32), 127]}
#: What an ``X-Request-Id`` sent by a client may hold (it is echoed and logged).
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _safe_id(sent: bytes | None) -> str | None:
    """The client's request id when it is short and plain, else None (one is made)."""
    text = sent.decode("latin-1") if sent else ""
    return text if _SAFE_ID.fullmatch(text) else None


#: One line per request: method, path (never the query string or headers, which may carry
#: credentials), status, duration and request id.
access_log = logging.getLogger("qhub.local.access")


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give every request an id (``X-Request-Id``, echoed from the client when it sent one),
    and write its access line when the response has started."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"x-request-id")
        request_id = _safe_id(sent) or uuid.uuid4().hex
        scope["qhub.request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                milliseconds = (time.perf_counter() - started) * 1000
                path = scope["path"].translate(_CONTROL_CHARACTERS)
                access_log.info(
                    "%s %s %d %.1f ms %s",
                    scope["method"],
                    path,
                    status,
                    milliseconds,
                    request_id,
                    extra={
                        "method": scope["method"],
                        "path": path,
                        "status": status,
                        "duration_ms": round(milliseconds, 1),
                        "request_id": request_id,
                    },
                )

    return middleware
