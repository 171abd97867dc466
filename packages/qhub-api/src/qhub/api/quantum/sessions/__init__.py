"""The ``sessions`` namespace: the generated operations plus ``open()`` for a ``with`` block.

``with client.sessions.open(backend_id=..., mode="batch") as session:`` opens a session and
closes it on exit. Closing stops new submissions; jobs already queued still run (nothing is
cancelled behind your back).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..._core.options import NOT_GIVEN, NotGiven
from .._generated import sessions as _generated

if TYPE_CHECKING:
    from .._generated.models import Session

__all__ = ["AsyncSessionContext", "AsyncSessionsClient", "SessionContext", "SessionsClient"]

ContextT = TypeVar("ContextT")


class _Opener(Generic[ContextT]):
    """``open()``, written once for both flavours: it only gathers the arguments, the context
    (sync or async, named by each flavour's ``_context_type``) creates and closes the
    session."""

    _context_type: Callable[[Any, dict[str, Any]], ContextT]

    def open(
        self,
        *,
        backend_id: str,
        mode: str,
        provider: str | NotGiven | None = NOT_GIVEN,
        ttl: int | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    ) -> ContextT:
        """A session for a ``with`` (or ``async with``) block: created on entry, as
        :meth:`create_session` does, and closed on exit."""
        given = {
            "backend_id": backend_id,
            "mode": mode,
            "provider": provider,
            "ttl": ttl,
            "tags": tags,
            "metadata": metadata,
        }
        return self._context_type(self, {k: v for k, v in given.items() if v is not NOT_GIVEN})


class SessionContext:
    """``with client.sessions.open(...) as session``: the session is closed on exit."""

    def __init__(self, sessions: SessionsClient, arguments: dict[str, Any]) -> None:
        self._sessions = sessions
        self._arguments = arguments
        self.session: Session | None = None

    def __enter__(self) -> Session:
        self.session = self._sessions.create_session(**self._arguments)
        return self.session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.session is not None:
            self._sessions.close_session(self.session.id)


class AsyncSessionContext:
    """``async with client.sessions.open(...) as session``: closed on exit."""

    def __init__(self, sessions: AsyncSessionsClient, arguments: dict[str, Any]) -> None:
        self._sessions = sessions
        self._arguments = arguments
        self.session: Session | None = None

    async def __aenter__(self) -> Session:
        self.session = await self._sessions.create_session(**self._arguments)
        return self.session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.session is not None:
            await self._sessions.close_session(self.session.id)


class SessionsClient(_Opener[SessionContext], _generated.SessionsClient):
    """Sessions (``client.sessions``)."""

    _context_type = SessionContext


class AsyncSessionsClient(_Opener[AsyncSessionContext], _generated.AsyncSessionsClient):
    """Sessions, async (``client.sessions``)."""

    _context_type = AsyncSessionContext
