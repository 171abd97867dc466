"""Errors for an answer the client got but does not accept, and mapping a response to one.

A non-2xx status is an :class:`ApiError` of the class for that status alone, whatever the
body looks like (:func:`error_from_response`); a 2xx whose body does not have the documented
shape is a :class:`ParsingError`; a redirect that is not followed is a :class:`RedirectError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .error_base import ApiError, reason_phrase

__all__ = [
    "BadGatewayError",
    "BadRequestError",
    "ConflictError",
    "ContentTooLargeError",
    "ForbiddenError",
    "InternalServerError",
    "NotFoundError",
    "ParsingError",
    "RedirectError",
    "ServiceUnavailableError",
    "TooManyRequestsError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "error_class_for_status",
    "error_from_response",
]


class _StatusError(ApiError):
    """An :class:`ApiError` whose status is fixed by its class (``STATUS``).

    Built like the documented classes, body first: ``NotFoundError(body, headers)``.
    """

    STATUS: int = 0

    def __init__(
        self,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(status_code if status_code is not None else self.STATUS, headers, body)


class BadRequestError(_StatusError):
    """400: the request is malformed."""

    STATUS = 400


class UnauthorizedError(_StatusError):
    """401: missing or invalid credentials."""

    STATUS = 401


class ForbiddenError(_StatusError):
    """403: authenticated but not permitted."""

    STATUS = 403


class NotFoundError(_StatusError):
    """404: the resource does not exist (or is not visible to you)."""

    STATUS = 404


class ConflictError(_StatusError):
    """409: the request conflicts with the resource's state. Never retried."""

    STATUS = 409


class ContentTooLargeError(_StatusError):
    """413: the request body is too large."""

    STATUS = 413


class UnsupportedMediaTypeError(_StatusError):
    """415: the request's content type is not accepted."""

    STATUS = 415


class UnprocessableEntityError(_StatusError):
    """422: the request is well-formed but fails validation."""

    STATUS = 422


class TooManyRequestsError(_StatusError):
    """429: rate limited; retried automatically while retries remain."""

    STATUS = 429


class InternalServerError(_StatusError):
    """500: the server failed."""

    STATUS = 500


class BadGatewayError(_StatusError):
    """502: an upstream of the server failed."""

    STATUS = 502


class ServiceUnavailableError(_StatusError):
    """503: the server is temporarily unavailable."""

    STATUS = 503


_BY_STATUS: dict[int, type[ApiError]] = {
    cls.STATUS: cls
    for cls in (
        BadRequestError,
        UnauthorizedError,
        ForbiddenError,
        NotFoundError,
        ConflictError,
        ContentTooLargeError,
        UnsupportedMediaTypeError,
        UnprocessableEntityError,
        TooManyRequestsError,
        InternalServerError,
        BadGatewayError,
        ServiceUnavailableError,
    )
}


def error_class_for_status(status_code: int) -> type[ApiError]:
    """The error class for a status code: its own subclass, or :class:`ApiError`."""
    return _BY_STATUS.get(status_code, ApiError)


def error_from_response(status_code: int, headers: Mapping[str, str], body: Any) -> ApiError:
    """Build the error for a non-2xx response; the class depends on the status alone."""
    cls = error_class_for_status(status_code)
    if cls is ApiError:
        return ApiError(status_code, headers, body)
    return cls(body, headers, status_code)


class ParsingError(ApiError):
    """A successful response whose body does not have the documented shape.

    Attributes:
        cause: the validation or decoding error.
    """

    def __init__(
        self,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        cause: Exception | None = None,
    ) -> None:
        self.cause = cause
        super().__init__(status_code, headers, body)

    def _describe(self) -> str:
        problems = _problems(self.cause)
        return f"HTTP {self.status_code}: the response body does not match the documented shape: {problems}"


def _problems(cause: Exception | None) -> str:
    """What was wrong, without the offending values (they may be secrets)."""
    errors = getattr(cause, "errors", None)
    if callable(errors):
        try:
            found = errors(include_input=False, include_url=False)
        except TypeError:
            found = None
        if isinstance(found, list):
            return "; ".join(
                f"{'.'.join(str(p) for p in e.get('loc', ())) or 'body'}: {e.get('msg')}"
                for e in found
            )
    return type(cause).__name__ if cause is not None else "unknown problem"


class RedirectError(ApiError):
    """A redirect the client does not follow; ``status_code`` and ``headers`` are the 3xx's.

    Raised for a redirect loop or more than the allowed number of hops; for a 301, 302 or
    303 answer to a request other than GET or HEAD (following it would resend the request
    as a GET without its body: a POST that creates something would seem to succeed without
    having been made); and for a 307 or 308 that would send a request body to another origin.
    Never retried. The message leaves out query strings (they may carry signatures).

    Attributes:
        method: the method of the request that was redirected.
        url: the URL that answered with the redirect.
        location: the ``Location`` it answered with, resolved against ``url``.
        reason: why it was not followed.
    """

    def __init__(
        self,
        reason: str,
        *,
        method: str,
        url: str,
        location: str | None,
        status_code: int,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.reason = reason
        self.method = method
        self.url = url
        self.location = location
        super().__init__(status_code, headers, None)

    def _describe(self) -> str:
        answer = f"HTTP {self.status_code} {reason_phrase(self.status_code)}".rstrip()
        if self.location is not None:
            answer += f" to {_without_query(self.location)}"
        return f"{self.method} {_without_query(self.url)} answered {answer}: {self.reason}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_redirect_error,
            (
                type(self),
                self.reason,
                self.method,
                self.url,
                self.location,
                self.status_code,
                self.headers,
            ),
        )


def _rebuild_redirect_error(
    cls: type[RedirectError],
    reason: str,
    method: str,
    url: str,
    location: str | None,
    status_code: int,
    headers: dict[str, str],
) -> RedirectError:
    """Unpickle a RedirectError (its constructor takes keywords)."""
    error = cls.__new__(cls)
    RedirectError.__init__(
        error,
        reason,
        method=method,
        url=url,
        location=location,
        status_code=status_code,
        headers=headers,
    )
    return error


def _without_query(url: str) -> str:
    return str(httpx.URL(url).copy_with(query=None, fragment=None))
