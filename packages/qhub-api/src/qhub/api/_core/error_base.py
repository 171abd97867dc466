"""The roots of the error tree: :class:`HubError`, :class:`ApiError` and
:class:`WaitTimeoutError` (the whole tree and where each error is raised: :mod:`.errors`).

``ApiError`` carries what the server answered (status, lower-cased headers, the parsed body)
and builds its message from them: the status and its reason, the server's own message (cut
at 500 characters) and the request id. Its repr leaves the body out, and it pickles whatever
a subclass's constructor looks like.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

__all__ = ["ApiError", "HubError", "WaitTimeoutError", "reason_phrase"]

_MESSAGE_KEYS = ("message", "detail", "error_description", "title", "error")
_REQUEST_ID_HEADERS = ("x-request-id", "x-correlation-id", "request-id")
_MAX_MESSAGE_CHARS = 500


class HubError(Exception):
    """Base class of every error the Hub clients raise on purpose."""


class ApiError(HubError):
    """The server answered with an error status.

    Attributes:
        status_code: the HTTP status code (``None`` only when built without one).
        headers: the response headers, lower-case names.
        body: the parsed JSON body, or the body text when it is not JSON.
    """

    status_code: int | None

    def __init__(
        self,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.body = body
        super().__init__(self._describe())

    @property
    def request_id(self) -> str | None:
        """The request id the server sent with the error, if any."""
        for name in _REQUEST_ID_HEADERS:
            if name in self.headers:
                return self.headers[name]
        if isinstance(self.body, dict):
            for key in ("requestId", "request_id"):
                value = self.body.get(key)
                if isinstance(value, str):
                    return value
        return None

    @property
    def server_message(self) -> str | None:
        """The human-readable message the server sent, if it sent one."""
        body = self.body
        if isinstance(body, dict):
            for key in _MESSAGE_KEYS:
                value = body.get(key)
                if isinstance(value, str) and value:
                    return value
            return None
        if isinstance(body, str) and body.strip():
            return body.strip()
        return None

    def _describe(self) -> str:
        parts = [f"HTTP {self.status_code}" if self.status_code is not None else "API error"]
        reason = reason_phrase(self.status_code)
        if reason:
            parts[0] += f" {reason}"
        message = self.server_message
        if message:
            if len(message) > _MAX_MESSAGE_CHARS:
                message = message[:_MAX_MESSAGE_CHARS] + "…"
            parts.append(message)
        text = ": ".join(parts)
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text

    def __repr__(self) -> str:
        # The body is left out: a successful response's body may hold tokens or grants.
        return f"{type(self).__name__}(status_code={self.status_code!r}, request_id={self.request_id!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_api_error, (type(self), self.status_code, self.headers, self.body))


def _rebuild_api_error(
    cls: type[ApiError], status_code: int | None, headers: Any, body: Any
) -> ApiError:
    """Unpickle any ApiError subclass, whatever its constructor's argument order."""
    error = cls.__new__(cls)
    ApiError.__init__(error, status_code, headers, body)
    return error


def reason_phrase(status_code: int | None) -> str:
    """The status's reason phrase (``"Not Found"``), ``""`` for none or an unknown status."""
    if status_code is None:
        return ""
    return httpx.codes.get_reason_phrase(status_code)


class WaitTimeoutError(HubError, TimeoutError):
    """A waiter reached its deadline before the resource reached a final state.

    The resource itself is left alone (nothing is cancelled).

    Attributes:
        resource_id: the id of what was waited for.
        last_status: the last status seen, if any.
    """

    def __init__(self, message: str, *, resource_id: str, last_status: Any = None) -> None:
        super().__init__(message)
        self.resource_id = resource_id
        self.last_status = last_status
