"""The one waiter: poll until a resource reaches a final state, or a deadline passes.

Used by service executions and quantum jobs. The pause between polls grows with the time
already waited (a share of it: a quarter by default, from ``min_interval`` up to the
caller's interval), so a short run is noticed within milliseconds while a long one is polled
at the caller's pace, and an end is noticed at most that share late. It never sleeps past
the deadline, polls once more at the deadline, tolerates transient errors (the poll is
retried after the usual pause), and raises :class:`WaitTimeoutError` (a ``TimeoutError``)
carrying the resource id without touching the resource. ``sleep`` and ``clock`` are
injectable so tests never really sleep.

Where the server can hold a poll (``poll_held``: a read sent with ``Prefer: wait=N``, which
the local Hub answers as soon as the resource changes, saying ``Preference-Applied``), the
waiter polls again at once instead of sleeping: an end is seen within a round trip, and the
waiting costs neither side any CPU. A server that doesn't hold (the Kipu Hub) answers at
once without that header, and the waiter falls back to sleeping for the rest of the wait.

With ``progress=True`` each status change is written to stderr as one line
(``job j-1: RUNNING after 2.4 s``): plain lines, so they read the same in a terminal, a
notebook or a CI log.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TextIO, TypeVar

from .errors import ApiConnectionError, ApiError, WaitTimeoutError
from .options import RequestOptions

__all__ = [
    "AsyncWaiter",
    "RawAnswer",
    "Waiter",
    "applied_preferences",
    "async_held_polls",
    "async_sleep",
    "held_polls",
    "is_transient_error",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Shortest pause between polls, and the share of the time waited so far used as the pause.
MIN_POLL_INTERVAL = 0.05
POLL_GROWTH = 0.25
#: The longest a held poll asks the server to hold it, seconds (shorter than the idle
#: timeouts of common proxies).
MAX_HOLD = 20
_NOTHING_REPORTED = object()


def is_transient_error(error: BaseException) -> bool:
    """Whether a failed poll is worth polling again: no response, or a 408/429/5xx."""
    if isinstance(error, ApiConnectionError):
        return True
    return isinstance(error, ApiError) and error.status_code in _TRANSIENT_STATUSES


class RawAnswer(Protocol[T_co]):
    """A raw response (``with_raw_response``): the parsed result and the headers."""

    @property
    def data(self) -> T_co:
        """The parsed result."""

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers."""


def applied_preferences(headers: Mapping[str, str]) -> set[str]:
    """The names of the preferences a response says it applied (``Preference-Applied``,
    RFC 7240), in lower case."""
    applied = headers.get("preference-applied", "")
    return {part.partition("=")[0].strip().lower() for part in applied.split(",")}


def _held_by_server(headers: Mapping[str, str]) -> bool:
    """Whether a response to a poll sent with ``Prefer: wait=N`` says the server holds such
    polls (``Preference-Applied: wait=N``)."""
    return "wait" in applied_preferences(headers)


def held_polls(
    read: Callable[[RequestOptions], RawAnswer[T]],
) -> Callable[[int], tuple[T, bool]]:
    """A waiter's ``poll_held`` from a raw read taking request options: the read sent as a
    long poll, and whether the server held it."""

    def poll(seconds: int) -> tuple[T, bool]:
        answer = read({"long_poll": seconds})
        return answer.data, _held_by_server(answer.headers)

    return poll


def async_held_polls(
    read: Callable[[RequestOptions], Awaitable[RawAnswer[T]]],
) -> Callable[[int], Awaitable[tuple[T, bool]]]:
    """The async twin of :func:`held_polls`."""

    async def poll(seconds: int) -> tuple[T, bool]:
        answer = await read({"long_poll": seconds})
        return answer.data, _held_by_server(answer.headers)

    return poll


async def async_sleep(seconds: float) -> None:
    """``asyncio.sleep``, imported on first use (asyncio is costly to import and sync users never need it)."""
    import asyncio

    await asyncio.sleep(seconds)


@dataclass
class _WaitPlan:
    resource: str
    resource_id: str
    timeout: float | None
    interval: float
    clock: Callable[[], float]
    min_interval: float = MIN_POLL_INTERVAL
    growth: float = POLL_GROWTH
    progress: TextIO | None = None
    started: float = field(init=False)
    reported: Any = field(init=False, default=_NOTHING_REPORTED)

    def __post_init__(self) -> None:
        if self.timeout is not None and self.timeout < 0:
            raise ValueError(f"timeout must be >= 0 seconds, not {self.timeout!r}")
        if self.interval < 0:
            raise ValueError(f"the polling interval must be >= 0 seconds, not {self.interval!r}")
        self.started = self.clock()

    @classmethod
    def begin(
        cls, waiter: Waiter[Any] | AsyncWaiter[Any], timeout: float | None, interval: float
    ) -> _WaitPlan:
        """A plan for one ``wait`` call of ``waiter``, starting now."""
        return cls(
            waiter.resource,
            waiter.resource_id,
            timeout,
            interval,
            waiter.clock,
            waiter.min_interval,
            waiter.growth,
            # Looked up per wait, not at import, so a redirected stderr is honoured.
            (waiter.progress_stream or sys.stderr) if waiter.progress else None,
        )

    def report(self, status: Any) -> None:
        """Write a progress line when the status differs from the last one reported."""
        if self.progress is None or status == self.reported:
            return
        self.reported = status
        shown = "unknown" if status is None else str(status)
        waited = self.clock() - self.started
        self.progress.write(f"{self.resource} {self.resource_id}: {shown} after {waited:.1f} s\n")
        self.progress.flush()

    def remaining(self) -> float | None:
        if self.timeout is None:
            return None
        return self.timeout - (self.clock() - self.started)

    def hold(self) -> int:
        """Whole seconds the next poll may ask the server to hold it (0: too little time is
        left to ask)."""
        remaining = self.remaining()
        return MAX_HOLD if remaining is None else max(0, min(MAX_HOLD, int(remaining)))

    def pause_after(self, held: int, polled_at: float, changed: bool, last_status: Any) -> float:
        """Seconds to pause after a poll that found no final state; raises once the deadline
        has passed.

        0 after a poll the server held (``held``: the seconds asked), since the server did
        the waiting: it answered on a change, or after holding. A held answer that came
        early with nothing changed is a server not really holding, so the usual pause
        follows (never a busy loop).
        """
        if held and (changed or self.clock() - polled_at >= held / 2):
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                raise self._timed_out(last_status)
            return 0.0
        return self.next_sleep(last_status)

    def _timed_out(self, last_status: Any) -> WaitTimeoutError:
        return WaitTimeoutError(
            f"Timeout while waiting for {self.resource} '{self.resource_id}'.",
            resource_id=self.resource_id,
            last_status=last_status,
        )

    def next_sleep(self, last_status: Any) -> float:
        """Seconds to sleep before the next poll; raises once the deadline has passed."""
        waited = self.clock() - self.started
        pause = min(self.interval, max(self.min_interval, waited * self.growth))
        remaining = self.remaining()
        if remaining is None:
            return pause
        if remaining <= 0:
            raise self._timed_out(last_status)
        return min(pause, remaining)


@dataclass
class Waiter(Generic[T]):
    """Polls ``poll()`` until ``is_final(result)``.

    Attributes:
        resource: what is waited for, for messages (``"service execution"``).
        resource_id: its id.
        poll: fetches the current state.
        poll_held: fetches it asking the server to hold the answer up to the given whole
            seconds until the state changes; returns the state and whether the server held
            (or would have) it. None: the resource can't be held.
        is_final: whether a state is final.
        status_of: extracts the status to report in a timeout error.
        on_poll: called with every state fetched (progress reporting).
        is_transient: which poll errors to poll through (default: no response, 408/429/5xx).
        min_interval: the shortest pause, used while the time waited is short.
        growth: the share of the time waited used as the pause (so a final state is noticed
            at most that share late).
        progress: write a line to ``progress_stream`` (stderr by default) on each status change.
        sleep / clock: injectable for tests.
    """

    resource: str
    resource_id: str
    poll: Callable[[], T]
    is_final: Callable[[T], bool]
    poll_held: Callable[[int], tuple[T, bool]] | None = None
    status_of: Callable[[T], Any] = lambda state: state
    on_poll: Callable[[T], None] | None = None
    is_transient: Callable[[BaseException], bool] = is_transient_error
    min_interval: float = MIN_POLL_INTERVAL
    growth: float = POLL_GROWTH
    progress: bool = False
    progress_stream: TextIO | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def wait(self, *, timeout: float | None, interval: float) -> T:
        """Poll until final, at most ``interval`` s apart; ``WaitTimeoutError`` after ``timeout``."""
        plan = _WaitPlan.begin(self, timeout, interval)
        last_status: Any = None
        holding = self.poll_held is not None
        while True:
            held, changed, polled_at = 0, False, self.clock()
            try:
                hold = plan.hold() if holding else 0
                if hold and self.poll_held is not None:
                    state, holding = self.poll_held(hold)
                    held = hold if holding else 0
                else:
                    state = self.poll()
            except Exception as exc:
                if not self.is_transient(exc):
                    raise
            else:
                status = self.status_of(state)
                changed, last_status = status != last_status, status
                plan.report(last_status)
                if self.on_poll is not None:
                    self.on_poll(state)
                if self.is_final(state):
                    return state
            pause = plan.pause_after(held, polled_at, changed, last_status)
            if pause:
                self.sleep(pause)


@dataclass
class AsyncWaiter(Generic[T]):
    """The async twin of :class:`Waiter`: ``poll`` is a coroutine function."""

    resource: str
    resource_id: str
    poll: Callable[[], Awaitable[T]]
    is_final: Callable[[T], bool]
    poll_held: Callable[[int], Awaitable[tuple[T, bool]]] | None = None
    status_of: Callable[[T], Any] = lambda state: state
    on_poll: Callable[[T], None] | None = None
    is_transient: Callable[[BaseException], bool] = is_transient_error
    min_interval: float = MIN_POLL_INTERVAL
    growth: float = POLL_GROWTH
    progress: bool = False
    progress_stream: TextIO | None = None
    sleep: Callable[[float], Awaitable[None]] = async_sleep
    clock: Callable[[], float] = time.monotonic

    async def wait(self, *, timeout: float | None, interval: float) -> T:
        """Poll until final, at most ``interval`` s apart; ``WaitTimeoutError`` after ``timeout``."""
        plan = _WaitPlan.begin(self, timeout, interval)
        last_status: Any = None
        holding = self.poll_held is not None
        while True:
            held, changed, polled_at = 0, False, self.clock()
            try:
                hold = plan.hold() if holding else 0
                if hold and self.poll_held is not None:
                    state, holding = await self.poll_held(hold)
                    held = hold if holding else 0
                else:
                    state = await self.poll()
            except Exception as exc:
                if not self.is_transient(exc):
                    raise
            else:
                status = self.status_of(state)
                changed, last_status = status != last_status, status
                plan.report(last_status)
                if self.on_poll is not None:
                    self.on_poll(state)
                if self.is_final(state):
                    return state
            pause = plan.pause_after(held, polled_at, changed, last_status)
            if pause:
                await self.sleep(pause)
