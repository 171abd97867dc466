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

This module is where every name is imported from; the code lives in three:

* :mod:`.error_base`: ``HubError``, ``ApiError`` (what the server answered, its message,
  repr and pickling) and ``WaitTimeoutError``;
* :mod:`.response_errors`: a class per status and :func:`error_from_response`,
  ``ParsingError`` and ``RedirectError``;
* :mod:`.transport_errors`: ``ApiConnectionError``, ``ApiTimeoutError``, the ambiguity
  errors, :func:`error_from_transport` and :func:`ambiguous_from_transport`.
"""

from __future__ import annotations

from .error_base import ApiError, HubError, WaitTimeoutError
from .response_errors import (
    BadGatewayError,
    BadRequestError,
    ConflictError,
    ContentTooLargeError,
    ForbiddenError,
    InternalServerError,
    NotFoundError,
    ParsingError,
    RedirectError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnauthorizedError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
    error_class_for_status,
    error_from_response,
)
from .transport_errors import (
    AmbiguousRequestError,
    AmbiguousTimeoutError,
    ApiConnectionError,
    ApiTimeoutError,
    error_from_transport,
)
from .transport_errors import ambiguous_from_transport as ambiguous_from_transport

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
