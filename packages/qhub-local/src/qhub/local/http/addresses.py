"""Every request's address must be text: its path and query string, once percent-decoded,
are valid UTF-8 (which also keeps out lone surrogates such as ``%ED%A0%80``).

Starlette decodes what isn't with replacement characters, so a file name or a tag given in
the query would be stored as something the client never sent. Such a request is answered
400 with the standard error body naming the part that is not text, before any route runs.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from .errors import ASGIApp, error_response

__all__ = ["address_check_middleware", "undecodable_part"]


def undecodable_part(scope: Scope) -> str | None:
    """``"path"`` or ``"query string"`` when that part of the address is not UTF-8 text."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogatepass")
    for part, raw in (("path", raw_path), ("query string", scope.get("query_string", b""))):
        try:
            unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return part
    return None


def address_check_middleware(app: ASGIApp) -> ASGIApp:
    """Refuse a request whose path or query string is not text (400), else pass it on."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (part := undecodable_part(scope)) is not None:
            message = f"the request's {part} is not valid UTF-8 once percent-decoded"
            response = error_response(Request(scope, receive), 400, message)
            await response(scope, receive, send)
            return
        await app(scope, receive, send)

    return middleware
