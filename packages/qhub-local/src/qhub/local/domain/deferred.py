"""State changes that must not be lost when the store fails for a while.

An execution or a job ends when it ends, not when the disk has room to say so: the write of
such a change is tried at once, and if the store is unavailable (:class:`StoreUnavailable`)
it is kept and tried again, in the order the changes happened, on a supervised thread, until
the store accepts it. Each write is a function that applies one transition in one
transaction, and applies it only if it still makes sense when it runs (a final status is
never overwritten), so a late write can't undo a newer one.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .errors import StoreUnavailable

__all__ = ["DeferredWrites"]

log = logging.getLogger("qhub.local.store")

#: First and longest wait between two attempts while the store is unavailable, seconds.
FIRST_RETRY_SECONDS = 0.05
LONGEST_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class _Write:
    description: str  # what changes, for the log: ids and statuses only, never data
    apply: Callable[[], object]


class DeferredWrites:
    """Writes of state changes, tried now and, while the store is unavailable, again until it
    accepts them (first in, first out). Thread-safe."""

    def __init__(self) -> None:
        self._queue: deque[_Write] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._closed = False
        self._failures = 0  # consecutive, for the log: one warning per outage

    @property
    def pending(self) -> int:
        """How many writes wait for the store."""
        with self._lock:
            return len(self._queue)

    def write(self, description: str, apply: Callable[[], object]) -> None:
        """Apply a state change now or, if the store is unavailable (or earlier changes
        still wait for it), as soon as it accepts it. Never raises
        :class:`StoreUnavailable`; any other error of ``apply`` is logged, and the change
        dropped (retrying would not help)."""
        write = _Write(description, apply)
        with self._lock:
            waiting = bool(self._queue) or self._closed
        if waiting or not self._attempt(write):
            with self._lock:
                self._queue.append(write)
                self._ensure_thread()
            log.info("%s waits for the store", description)

    def flush(self, timeout: float) -> bool:
        """Stop retrying (the Hub closes): try the waiting writes once more, now, in order;
        whether none is left. What is left is logged and settled by the next start, as if
        the Hub had stopped mid-run. ``timeout`` bounds the wait for the retry thread."""
        with self._lock:
            self._closed = True
            self._wake.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            left = list(self._queue)
        while left and self._attempt(left[0]):
            with self._lock:
                self._queue.popleft()
            left.pop(0)
        if left:
            log.error(
                "the store is still unavailable: %d state change(s) were not kept (%s); "
                "the next start settles them",
                len(left),
                "; ".join(write.description for write in left[:5]),
            )
        return not left

    # -- internals -------------------------------------------------------------------------

    def _attempt(self, write: _Write) -> bool:
        """Apply one write; False when the store is unavailable (it stays queued)."""
        try:
            write.apply()
        except StoreUnavailable as error:
            with self._lock:
                self._failures += 1
                first = self._failures == 1
            if first:
                log.warning(
                    "%s: %s is kept and retried until the store accepts it",
                    error.cause,
                    write.description,
                )
            return False
        except Exception as error:  # a bug, not an outage: say so once and carry on
            log.error("could not store %s: %s: %s", write.description, type(error).__name__, error)
            return True
        with self._lock:
            recovered, self._failures = self._failures > 0, 0
        if recovered:
            log.warning("the store accepts writes again (%s)", write.description)
        return True

    def _ensure_thread(self) -> None:
        """Start the retry thread unless it runs (called with the lock held)."""
        if self._closed or (self._thread is not None and self._thread.is_alive()):
            return
        self._thread = threading.Thread(
            target=self._supervise, name="qhub-deferred-writes", daemon=True
        )
        self._thread.start()

    def _supervise(self) -> None:
        """The retry thread: its loop starts again after anything unexpected."""
        while True:
            try:
                self._retry_until_empty()
                return
            except Exception as error:
                log.error(
                    "the deferred writes' loop failed (%s: %s); it goes on",
                    type(error).__name__,
                    error,
                )

    def _retry_until_empty(self) -> None:
        wait = FIRST_RETRY_SECONDS
        while True:
            with self._lock:
                if self._closed or not self._queue:
                    self._thread = None  # under the lock: a write queued now starts a new one
                    return
                head = self._queue[0]
            if self._attempt(head):
                with self._lock:
                    if self._queue and self._queue[0] is head:
                        self._queue.popleft()
                wait = FIRST_RETRY_SECONDS
                continue
            with self._lock:
                if not self._closed:
                    self._wake.wait(wait)
            wait = min(wait * 2, LONGEST_RETRY_SECONDS)
