"""Between attempts: retry or raise, within the call's deadline.

Retries follow :mod:`.retry`. A POST or PATCH without an idempotency key is never resent
after it may have been carried out: a broken connection after it was sent raises
:class:`AmbiguousRequestError`, and a 500, 502, 504 or 408 answer raises its status error
(``InternalServerError``, …) at once, as the vendor's SDK does. With a key, the same
failures are retried like any other, the key sent on every attempt.

A retry whose wait (backoff or ``Retry-After``) would end past the call's deadline is not
made: the last response's error (or the last connection error) is raised at once; a call
with no time left for another attempt raises :class:`ApiTimeoutError` with ``deadline`` set.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from .calls import ApiRequest, ClientSettings
from .deadline import Deadline, DeadlinePassed
from .errors import ApiConnectionError, ambiguous_from_transport, error_from_transport
from .options import RequestOptions
from .retry import RetryPolicy

__all__ = ["DEADLINE_SLACK", "AttemptDecisions", "transport_error"]

#: A timeout that fires this close to the deadline was caused by the deadline's cut.
DEADLINE_SLACK = 0.01


def _past_deadline(error: httpx.TransportError, deadline: Deadline | None) -> bool:
    """Whether this failure means the call's deadline ran out (not a failure of its own)."""
    if deadline is None:
        return False
    if isinstance(error, DeadlinePassed):
        return True
    slack = DEADLINE_SLACK if isinstance(error, httpx.TimeoutException) else 0.0
    return deadline.expired(slack)


def transport_error(
    error: httpx.TransportError, deadline: Deadline | None, *, ambiguous: bool = False
) -> ApiConnectionError:
    """Our error for a failed attempt; ``ambiguous`` when the request may have been carried
    out and is not resent (:class:`AmbiguousRequestError`)."""
    seconds = deadline.seconds if deadline is not None and _past_deadline(error, deadline) else None
    if ambiguous:
        return ambiguous_from_transport(error, deadline=seconds)
    return error_from_transport(error, deadline=seconds)


def _has_key(options: RequestOptions) -> bool:
    return bool(options.get("idempotency_key"))


class AttemptDecisions:
    """The pipeline's part that decides what follows a failed attempt (a base of
    :class:`.PipelineBase`)."""

    settings: ClientSettings
    retry: RetryPolicy

    def _max_retries(self, options: RequestOptions) -> int:
        return max(0, int(options.get("max_retries", self.settings.max_retries)))

    def _retry_delay_for_response(
        self,
        call: ApiRequest[Any],
        response: httpx.Response,
        options: RequestOptions,
        attempt: int,
        deadline: Deadline | None,
    ) -> float | None:
        """Seconds to wait before retrying this response, or ``None`` to keep it."""
        if attempt >= self._max_retries(options):
            return None
        if not self.retry.should_retry_status(
            call.method,
            response.status_code,
            idempotency_key=_has_key(options),
            headers=response.headers,
        ):
            return None
        delay = self.retry.delay(attempt, response.headers)
        return self._within_deadline(call, f"HTTP {response.status_code}", delay, deadline)

    def _failure(
        self,
        call: ApiRequest[Any],
        error: httpx.TransportError,
        options: RequestOptions,
        deadline: Deadline | None,
    ) -> ApiConnectionError:
        """The error to raise for a failed attempt that is not retried."""
        ambiguous = self.retry.is_ambiguous_error(
            call.method, error, idempotency_key=_has_key(options)
        )
        return transport_error(error, deadline, ambiguous=ambiguous)

    def _retry_delay_for_error(
        self,
        call: ApiRequest[Any],
        error: httpx.TransportError,
        options: RequestOptions,
        attempt: int,
        deadline: Deadline | None,
    ) -> float | None:
        """Seconds to wait before retrying after a transport failure, or ``None`` to raise."""
        if attempt >= self._max_retries(options) or _past_deadline(error, deadline):
            return None
        if not self.retry.should_retry_error(call.method, error, idempotency_key=_has_key(options)):
            return None
        return self._within_deadline(
            call, type(error).__name__, self.retry.delay(attempt), deadline
        )

    def _within_deadline(
        self, call: ApiRequest[Any], reason: str, delay: float, deadline: Deadline | None
    ) -> float | None:
        """``delay``, or ``None`` when waiting that long would pass the call's deadline."""
        if deadline is None or delay < deadline.remaining():
            return delay
        self.settings.logger.log(
            logging.INFO,
            "not retrying %s %s after %s: waiting %.2f s would pass the call's %g s deadline",
            call.method,
            call.path or "/",
            reason,
            delay,
            deadline.seconds,
        )
        return None

    @staticmethod
    def _out_of_time(request: httpx.Request, deadline: Deadline | None) -> None:
        """Raise the deadline error if no time is left to start another attempt."""
        if deadline is not None and deadline.expired():
            passed = DeadlinePassed("no time left for another attempt", request=request)
            raise transport_error(passed, deadline)

    def _log_retry(self, call: ApiRequest[Any], reason: str, delay: float, attempt: int) -> None:
        self.settings.logger.log(
            logging.INFO,
            "retrying %s %s after %s in %.2f s (retry %d)",
            call.method,
            call.path or "/",
            reason,
            delay,
            attempt + 1,
        )
