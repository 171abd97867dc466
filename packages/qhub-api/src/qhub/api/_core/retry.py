"""When to retry and how long to wait: small pure decisions, patchable in one place.

Retried: connection failures, timeouts, 408, 429 and 5xx. Never 409. A request that may
create billed work (POST, PATCH) is resent only when it provably was not carried out: the
connection could not be made, or the answer was a 429 or 503 with ``Retry-After`` (the
server refused it and asks for it again later) — unless the caller attached an idempotency
key, which is then reused on every attempt and makes every retryable failure retryable.

Without a key, a broken connection after such a request was sent leaves its outcome unknown
(:meth:`RetryPolicy.is_ambiguous_error`): the pipeline raises
:class:`~.errors.AmbiguousRequestError` instead of resending. An answer (a 500, say) is not
resent either, and raises as its own status error, as the vendor's SDK does.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

__all__ = ["RetryPolicy"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({408, 429})
#: Answers that refuse a request before carrying it out, when they carry ``Retry-After``:
#: rate limited (RFC 6585) or unavailable (RFC 9110 15.6.4), "ask again later".
REFUSED_STATUSES = frozenset({429, 503})
# The request never left the client: safe to resend whatever the method.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# The request may have been processed: resend only idempotent requests.
MAYBE_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.TimeoutException,  # the call's deadline cut an attempt short (``DeadlinePassed``)
)


def _asks_again(headers: Mapping[str, str]) -> bool:
    return "retry-after" in headers or "retry-after-ms" in headers


@dataclass
class RetryPolicy:
    """Retry decisions and delays.

    Attributes:
        initial_delay: first backoff delay in seconds (doubled per retry).
        max_delay: cap for any delay, ``Retry-After`` included.
        jitter: returns a number in [0, 1); the one source of randomness, patch it in tests.
    """

    initial_delay: float = 1.0
    max_delay: float = 60.0
    jitter: Callable[[], float] = field(default=random.random)
    clock: Callable[[], float] = field(default=time.time)

    def should_retry_status(
        self,
        method: str,
        status_code: int,
        *,
        idempotency_key: bool,
        headers: Mapping[str, str] | None = None,
    ) -> bool:
        """Whether a response with this status is worth another attempt (``headers``: the
        response's, which tell a refusal asking to be repeated from other answers)."""
        if status_code not in RETRYABLE_STATUSES and status_code < 500:
            return False
        if status_code in REFUSED_STATUSES and headers is not None and _asks_again(headers):
            return True
        return self._may_resend(method, idempotency_key)

    def should_retry_error(self, method: str, error: Exception, *, idempotency_key: bool) -> bool:
        """Whether a transport failure is worth another attempt."""
        if isinstance(error, NOT_SENT_ERRORS):
            return True
        return isinstance(error, MAYBE_SENT_ERRORS) and self._may_resend(method, idempotency_key)

    def is_ambiguous_error(self, method: str, error: Exception, *, idempotency_key: bool) -> bool:
        """Whether this transport failure leaves unknown if a request that may create work
        was carried out (it may have been sent; no key makes a resend safe)."""
        return (
            isinstance(error, MAYBE_SENT_ERRORS)
            and not isinstance(error, NOT_SENT_ERRORS)
            and not self._may_resend(method, idempotency_key)
        )

    @staticmethod
    def _may_resend(method: str, idempotency_key: bool) -> bool:
        return idempotency_key or method.upper() in IDEMPOTENT_METHODS

    def delay(self, retries_so_far: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to wait before the next attempt.

        A ``Retry-After`` (seconds or HTTP date) or ``retry-after-ms`` header wins, capped at
        ``max_delay``; otherwise exponential backoff with ±10 % jitter.
        """
        if headers:
            hinted = self._server_hint(headers)
            if hinted is not None and math.isfinite(hinted):
                return min(max(hinted, 0.0), self.max_delay)
        base = min(self.initial_delay * (2**retries_so_far), self.max_delay)
        return float(base * (0.9 + 0.2 * self.jitter()))

    def _server_hint(self, headers: Mapping[str, str]) -> float | None:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            try:
                return float(millis) / 1000.0
            except ValueError:
                pass
        after = headers.get("retry-after")
        if after is None:
            return None
        try:
            return float(after)
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(after)
        except (TypeError, ValueError):
            return None
        return when.timestamp() - self.clock()
