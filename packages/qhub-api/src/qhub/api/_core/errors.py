"""The one error tree of the Hub clients.

Everything the clients raise on purpose derives from :class:`HubError`::

    HubError
    ├── ApiError                      the server answered with a non-2xx status (or an unreadable 2xx)
    │   ├── BadRequestError           400
    │   ├── UnauthorizedError         401
    │   ├── ForbiddenError            403
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── ContentTooLargeError      413
    │   ├── UnsupportedMediaTypeError 415
    │   ├── UnprocessableEntityError  422
    │   ├── TooManyRequestsError      429
    │   ├── InternalServerError       500
    │   ├── BadGatewayError           502
    │   ├── ServiceUnavailableError   503
    │   ├── ParsingError              a 2xx whose body does not match the documented shape
    │   └── RedirectError             a 3xx not followed: a loop, too many hops, or one that
    │                                 would turn a POST/PUT/PATCH/DELETE into a GET
    ├── ApiConnectionError            no response (also an ``httpx.TransportError``)
    │   ├── ApiTimeoutError           the request timed out (also an ``httpx.TimeoutException``);
    │   │                             ``deadline`` is set when the call's total budget ran out
    │   └── AmbiguousRequestError     a POST/PATCH without an idempotency key may or may not
    │       │                         have been carried out (a broken connection after it was
    │       │                         sent, or a 500/502/504/408 answer); it was not resent
    │       └── AmbiguousTimeoutError the same after a timeout (also an ``ApiTimeoutError``)
    └── WaitTimeoutError              a waiter gave up (also a builtin ``TimeoutError``)

Status errors are mapped by status code alone, whatever the body looks like, in
:func:`error_from_response`. Transport failures keep the httpx exception as ``__cause__`` and
stay catchable as the httpx classes the vendor documentation promises
(:func:`error_from_transport`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

__all__ = [
    "AmbiguousRequestError",
    "AmbiguousTimeoutError",
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "BadGatewayError",
    "BadRequestError",
    "ConflictError",
    "ContentTooLargeError",
    "ForbiddenError",
    "HubError",
    "InternalServerError",
    "NotFoundError",
    "ParsingError",
    "RedirectError",
    "ServiceUnavailableError",
    "TooManyRequestsError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "WaitTimeoutError",
    "error_class_for_status",
    "error_from_response",
    "error_from_transport",
]

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
        reason = _reason_phrase(self.status_code)
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


def _reason_phrase(status_code: int | None) -> str:
    if status_code is None:
        return ""
    return httpx.codes.get_reason_phrase(status_code)


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
        answer = f"HTTP {self.status_code} {_reason_phrase(self.status_code)}".rstrip()
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


class ApiConnectionError(HubError, httpx.TransportError):
    """The request got no response: the connection failed or broke.

    Also an ``httpx.TransportError``; the original httpx exception is ``__cause__``.
    """

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        httpx.TransportError.__init__(self, message, request=request)


class ApiTimeoutError(ApiConnectionError, httpx.TimeoutException):
    """The request timed out. Also an ``httpx.TimeoutException``, as the vendor documents.

    Two cases: the call's total budget (the ``timeout`` setting or
    ``request_options["timeout"]``, covering every attempt, retry wait and the response
    body) ran out, and then ``deadline`` holds that budget in seconds and the message names
    it; or a single network operation timed out where no budget applies (reading a download
    after the call returned, or an injected ``httpx_client`` without ``timeout``), and then
    ``deadline`` is ``None``.

    Attributes:
        deadline: the call's budget in seconds when it was the budget that ran out.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        deadline: float | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.deadline = deadline


class AmbiguousRequestError(ApiConnectionError):
    """A request that may create something (a POST or PATCH without an idempotency key) may
    or may not have been carried out, and it was not resent: resending could start a second,
    billed job or execution.

    Raised when the connection broke after the request was sent (a reset, a truncated or
    malformed answer; a timeout raises :class:`AmbiguousTimeoutError`). An answer that leaves
    the outcome open (a 500, 502, 504 or 408) is not resent either but raises as its own
    status error (``InternalServerError``, …: an :class:`ApiError`, as code written for the
    vendor's SDK expects). A 429 or 503 carrying ``Retry-After`` is a refusal, not an
    ambiguity: such a request is resent.

    To make the call safe to retry, give it an idempotency key: ``idempotency_key=`` on
    ``jobs.create_job``, ``sessions.create_session``, ``service_api.start_execution`` and
    ``HubServiceClient.run``, or ``request_options={"idempotency_key": key}`` on any call.
    The client then resends it under its retry policy and deadline, with the same key on
    every attempt, and a Hub that honours the key creates one resource for all of them. The
    local Hub honours it; the Kipu Hub ignores it today, so there look the resource up (by a
    tag you gave it, say) before submitting again.

    Attributes:
        method: the request's method.
        url: the request's URL, without its query.
        status_code: always ``None`` (the connection broke before an answer was read).
        response_error: always ``None`` (kept for code that reads it).
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        status_code: int | None = None,
        response_error: ApiError | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.method = request.method if request is not None else None
        self.url = str(request.url.copy_with(query=None)) if request is not None else None
        self.status_code = status_code
        self.response_error = response_error


class AmbiguousTimeoutError(AmbiguousRequestError, ApiTimeoutError):
    """An :class:`AmbiguousRequestError` after a timeout (the call's ``deadline``, when it was
    the total budget that ran out, is set as on :class:`ApiTimeoutError`)."""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        deadline: float | None = None,
    ) -> None:
        AmbiguousRequestError.__init__(self, message, request=request)
        self.deadline = deadline


_REMEDY = (
    "it was not resent, since doing so could create a second one. Give the call an "
    "idempotency_key to let the client resend it safely (a Hub that honours the key creates "
    "one resource per key), or look the resource up before submitting again"
)


def ambiguous_from_transport(
    error: httpx.TransportError, *, deadline: float | None = None
) -> AmbiguousRequestError:
    """The ambiguity error for a transport failure after a POST/PATCH may have been sent."""
    plain = error_from_transport(error, deadline=deadline)
    request = plain.request if _has_request(plain) else None
    message = f"{plain}; the request may or may not have been carried out: {_REMEDY}"
    if isinstance(plain, ApiTimeoutError):
        return AmbiguousTimeoutError(message, request=request, deadline=plain.deadline)
    return AmbiguousRequestError(message, request=request)


def _has_request(error: httpx.TransportError) -> bool:
    try:
        error.request  # noqa: B018 - httpx raises when the error carries none
    except RuntimeError:
        return False
    return True


def error_from_transport(
    error: httpx.TransportError, *, deadline: float | None = None
) -> ApiConnectionError:
    """Our error for an httpx transport failure, naming the request (its URL without query).

    With ``deadline`` (the call's budget in seconds) the result is an :class:`ApiTimeoutError`
    saying that budget ran out, whatever the failure was.
    """
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:
        request = None
    where = f"{request.method} {request.url.copy_with(query=None)}: " if request else ""
    detail = str(error) or type(error).__name__
    if deadline is not None:
        return ApiTimeoutError(
            f"{where}the call did not complete within its deadline of {deadline:g} s "
            f"(the timeout covers every attempt, retry wait and the response body; {detail})",
            request=request,
            deadline=deadline,
        )
    if isinstance(error, httpx.TimeoutException):
        return ApiTimeoutError(f"{where}timed out ({detail})", request=request)
    return ApiConnectionError(f"{where}{detail}", request=request)


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
