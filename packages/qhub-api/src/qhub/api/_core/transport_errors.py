"""Errors for a request that got no answer, and mapping an httpx transport failure to one.

:class:`ApiConnectionError` and :class:`ApiTimeoutError` stay catchable as the httpx classes
the vendor documentation promises, with the httpx exception as ``__cause__``
(:func:`error_from_transport`). :class:`AmbiguousRequestError` says a request that may create
something may or may not have been carried out and was not resent
(:func:`ambiguous_from_transport`).
"""

from __future__ import annotations

import httpx

from .error_base import ApiError, HubError

__all__ = [
    "AmbiguousRequestError",
    "AmbiguousTimeoutError",
    "ApiConnectionError",
    "ApiTimeoutError",
    "ambiguous_from_transport",
    "error_from_transport",
]


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
