"""The total time budget of one call, and httpx timeouts that respect it.

A client's ``timeout`` (or ``request_options["timeout"]``) is the budget of the whole call:
every attempt, every backoff or ``Retry-After`` wait and the reading of the response body.
httpx's own timeouts are per socket operation and per attempt, so on their own a server
trickling one byte a second, or retries with long waits, stretch a call far past it. The
pipeline therefore:

- gives each attempt :class:`OperationTimeouts`, httpx's per-operation timeouts cut to the
  time left, so each phase (waiting for a pooled connection, connecting, sending, receiving
  the headers, receiving the body) starts with no more than what is left;
- checks the :class:`Deadline` between body chunks (sync) or cancels the attempt when it
  passes (async);
- never starts a retry wait that would end after the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping

import httpx

__all__ = ["Deadline", "DeadlineBody", "DeadlinePassed", "OperationTimeouts"]

#: The least time an httpx operation is given once the deadline is (nearly) reached: a zero
#: timeout would put the socket in non-blocking mode, which fails with a read error, not a timeout.
MIN_OPERATION_TIMEOUT = 0.001


class Deadline:
    """The moment on the monotonic clock by which a call must have ended.

    Attributes:
        seconds: the budget as the caller set it, for messages.
    """

    __slots__ = ("_clock", "_ends_at", "seconds")

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends_at = clock() + seconds

    def remaining(self) -> float:
        """Seconds left; zero or negative once the deadline has passed."""
        return self._ends_at - self._clock()

    def expired(self, slack: float = 0.0) -> bool:
        """Whether the deadline has passed, or will within ``slack`` seconds."""
        return self.remaining() <= slack

    def __repr__(self) -> str:
        return f"Deadline(seconds={self.seconds!r}, remaining={self.remaining():.3f})"


class DeadlinePassed(httpx.TimeoutException):
    """Raised inside an attempt when the call's deadline passes; the pipeline turns it into
    an :class:`~.errors.ApiTimeoutError` naming the deadline."""


class OperationTimeouts(Mapping[str, float | None]):
    """httpx's per-operation timeouts (``connect``, ``read``, ``write``, ``pool``), each cut
    to the time left before a deadline.

    Placed in a request's ``extensions["timeout"]``: httpcore looks a timeout up when the
    phase it governs starts, so a phase that starts late gets only what is left of the call.
    :meth:`release` lifts the cut, for a download whose body is read after the call returned.
    """

    __slots__ = ("_ceilings", "_deadline")

    def __init__(self, ceilings: Mapping[str, float | None], deadline: Deadline) -> None:
        self._ceilings = dict(ceilings)
        self._deadline: Deadline | None = deadline

    def __getitem__(self, key: str) -> float | None:
        ceiling = self._ceilings[key]
        if self._deadline is None:
            return ceiling
        left = max(self._deadline.remaining(), MIN_OPERATION_TIMEOUT)
        return left if ceiling is None else min(ceiling, left)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ceilings)

    def __len__(self) -> int:
        return len(self._ceilings)

    def release(self) -> None:
        """From now on give each operation its full timeout, whatever the deadline."""
        self._deadline = None

    def __repr__(self) -> str:
        return f"OperationTimeouts({dict(self)!r})"


class DeadlineBody(httpx.SyncByteStream):
    """A response body that raises :class:`DeadlinePassed` when a chunk arrives too late.

    Wraps ``response.stream`` so that ``response.read()`` ends at the first chunk received
    after the deadline, however slowly the server sends.
    """

    def __init__(
        self, inner: httpx.SyncByteStream, deadline: Deadline, request: httpx.Request
    ) -> None:
        self._inner = inner
        self._deadline = deadline
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if self._deadline.expired():
                raise DeadlinePassed("the response body was still arriving", request=self._request)
            yield chunk

    def close(self) -> None:
        """Close the underlying body stream (and so release the connection)."""
        self._inner.close()
