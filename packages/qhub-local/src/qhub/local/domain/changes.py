"""Telling readers that a resource changed, so a held read can answer at once.

The domain says *that* something changed (``changed("job", id)`` after a job's new state is
stored); whoever watches that resource hears it, on the thread that stored it. The HTTP
layer's held polls (``Prefer: wait=N``) watch the resource they read and read it again when
told. Nothing is queued or remembered: a watcher registers before it reads, so a change
stored between its read and its wait is still heard.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["Changes"]

Listener = Callable[[], None]


class Changes:
    """Listeners per resource (``(kind, id)``), told when it changes, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[tuple[str, str], list[Listener]] = {}
        self._closed = False

    def watch(self, kind: str, resource_id: str, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` (quickly, without blocking: it runs on the storing thread) each
        time the resource changes, until the returned function is called."""
        key = (kind, resource_id)
        with self._lock:
            self._listeners.setdefault(key, []).append(listener)

        def unwatch() -> None:
            with self._lock:
                listeners = self._listeners.get(key)
                if listeners is not None and listener in listeners:
                    listeners.remove(listener)
                    if not listeners:
                        del self._listeners[key]

        return unwatch

    def changed(self, kind: str, resource_id: str) -> None:
        """Tell the resource's listeners that it changed (a no-op when nobody watches)."""
        with self._lock:
            listeners = list(self._listeners.get((kind, resource_id), ()))
        for listener in listeners:
            listener()

    def close(self) -> None:
        """The Hub stops: tell every listener now (a held read answers at once), and
        :attr:`closed` from then on."""
        with self._lock:
            self._closed = True
            listeners = [listener for group in self._listeners.values() for listener in group]
        for listener in listeners:
            listener()

    @property
    def closed(self) -> bool:
        """Whether the Hub is stopping (nothing should wait for a change any more)."""
        return self._closed

    def watched(self) -> int:
        """How many resources are watched now (for tests: a held read leaves none behind)."""
        with self._lock:
            return len(self._listeners)
