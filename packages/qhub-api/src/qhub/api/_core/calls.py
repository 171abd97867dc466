"""What a call is and what a client was built with: :class:`ApiRequest` (a resource's
description of one call, no I/O) and :class:`ClientSettings`, with their defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

import httpx

from .logs import RequestLogger
from .options import NOT_GIVEN, RequestOptions

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "ApiRequest", "ClientSettings", "user_agent"]

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


@lru_cache(maxsize=1)
def user_agent() -> str:
    """``qhub-api/<version> python/<version>``: identifies the SDK, not the host kernel."""
    import platform  # deferred: only needed once, not at import
    from importlib import metadata

    try:
        version = metadata.version("qhub-api")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"qhub-api/{version} python/{platform.python_version()}"


@dataclass(frozen=True)
class ApiRequest(Generic[T]):
    """One API call as a resource describes it; carries no I/O.

    Attributes:
        method: HTTP method.
        path: path relative to the base URL, segments already encoded; ``""`` is the base URL.
        response_type: what a 2xx body parses into; ``None`` for calls without a result.
        query: query parameters (encoded by :func:`encode_query`).
        body: the JSON body, or ``NOT_GIVEN`` for none.
        files: multipart/form-data parts instead of a JSON body: field name →
            ``(file name, content, content type)``.
        optional: a 204, an empty or a JSON ``null`` 2xx body yields ``None`` (errors are
            still errors).
        parse: reads a 2xx response instead of ``response_type`` (response headers for a
            HEAD, a body that may be an image or JSON).
        options: the caller's per-call ``request_options``.
    """

    method: str
    path: str
    response_type: Any = None
    query: Mapping[str, Any] | None = None
    body: Any = NOT_GIVEN
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    optional: bool = False
    parse: Callable[[httpx.Response], T] | None = None
    options: RequestOptions | None = None


@dataclass
class ClientSettings:
    """What a client was constructed with, resolved once.

    Attributes:
        base_url: the API's base URL.
        auth: the credential strategy, applied to every attempt.
        headers: headers sent on every request (caller's ``headers`` included).
        timeout: the total seconds a call may take, all attempts, retry waits and the
            response body included; ``None`` (injected client only) leaves that client's own
            per-operation timeouts and sets no total.
        max_retries: retries after the first attempt.
        follow_redirects: follow 3xx responses (credentials never cross origins; see the
            module docstring for which redirects raise :class:`RedirectError`).
        logger: where request lines go.
    """

    base_url: str
    auth: httpx.Auth
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float | None = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    follow_redirects: bool = True
    logger: RequestLogger = field(default_factory=lambda: RequestLogger(None))
