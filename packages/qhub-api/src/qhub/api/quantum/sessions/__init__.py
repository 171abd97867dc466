"""The ``sessions`` namespace: group jobs on one backend; sync and async.

``with client.sessions.open(backend_id=..., mode="batch", provider=...) as session:`` opens a
session and closes it on exit. Closing stops new submissions; jobs already queued still run
(nothing is cancelled behind your back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import path_segment, require_id
from ..._core.options import NOT_GIVEN, NotGiven, RequestOptions
from ..._core.pipeline import ApiRequest
from ..types import Job, Session, SessionStatusResponse

__all__ = ["AsyncSessionContext", "AsyncSessionsClient", "SessionContext", "SessionsClient"]


class _Calls:
    @staticmethod
    def create_session(
        *,
        backend_id: str,
        mode: str,
        provider: str | NotGiven,
        ttl: int | NotGiven | None,
        tags: Sequence[str] | NotGiven | None,
        metadata: Mapping[str, Any] | NotGiven | None,
        sdk_provider: str | NotGiven | None,
    ) -> ApiRequest[Session]:
        require_id(backend_id, "backend_id")
        require_id(str(mode), "mode")
        candidates: dict[str, Any] = {
            "backend_id": backend_id,
            "mode": str(mode),
            "ttl": ttl,
            "metadata": dict(metadata) if isinstance(metadata, Mapping) else metadata,
            "provider": str(provider) if not isinstance(provider, NotGiven) else provider,
            "sdk_provider": sdk_provider,
            "tags": list(tags)
            if isinstance(tags, Sequence) and not isinstance(tags, str)
            else tags,
        }
        body = {k: v for k, v in candidates.items() if v is not NOT_GIVEN}
        return ApiRequest("POST", "sessions", Session, body=body)

    @staticmethod
    def get_session(id: str) -> ApiRequest[Session]:
        return ApiRequest("GET", f"sessions/{path_segment(id, 'id')}", Session)

    @staticmethod
    def close_session(id: str) -> ApiRequest[None]:
        return ApiRequest("DELETE", f"sessions/{path_segment(id, 'id')}")

    @staticmethod
    def update_session_state(id: str, accept_jobs: bool) -> ApiRequest[Session]:
        if not isinstance(accept_jobs, bool):
            raise TypeError(f"accept_jobs must be a bool, not {type(accept_jobs).__name__}")
        return ApiRequest(
            "PATCH",
            f"sessions/{path_segment(id, 'id')}",
            Session,
            body={"accept_jobs": accept_jobs},
        )

    @staticmethod
    def get_session_status(id: str) -> ApiRequest[SessionStatusResponse]:
        return ApiRequest("GET", f"sessions/{path_segment(id, 'id')}/status", SessionStatusResponse)

    @staticmethod
    def get_session_jobs(id: str) -> ApiRequest[list[Job]]:
        return ApiRequest("GET", f"sessions/{path_segment(id, 'id')}/jobs", list[Job])


class SessionsClient(SyncApiResource):
    """Sessions (``client.sessions``)."""

    def create_session(
        self,
        *,
        backend_id: str,
        mode: str,
        provider: str | NotGiven = NOT_GIVEN,
        ttl: int | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        sdk_provider: str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> Session:
        """Open a session (``mode`` is ``batch`` or ``dedicated``; ``ttl`` in seconds).

        Raises:
            UnprocessableEntityError: the backend does not support sessions, or a bad field.
        """
        call = _Calls.create_session(
            backend_id=backend_id,
            mode=mode,
            provider=provider,
            ttl=ttl,
            tags=tags,
            metadata=metadata,
            sdk_provider=sdk_provider,
        )
        return self._pipeline.request(call, request_options)

    def open(
        self,
        *,
        backend_id: str,
        mode: str,
        provider: str | NotGiven = NOT_GIVEN,
        ttl: int | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    ) -> SessionContext:
        """A session for a ``with`` block: created on entry, closed on exit."""
        return SessionContext(
            self,
            {
                "backend_id": backend_id,
                "mode": mode,
                "provider": provider,
                "ttl": ttl,
                "tags": tags,
                "metadata": metadata,
            },
        )

    def get_session(self, id: str, *, request_options: RequestOptions | None = None) -> Session:
        """A session's full record."""
        return self._pipeline.request(_Calls.get_session(id), request_options)

    def close_session(self, id: str, *, request_options: RequestOptions | None = None) -> None:
        """Close the session: new submissions are refused; queued jobs still run. Idempotent."""
        self._pipeline.request(_Calls.close_session(id), request_options)

    def update_session_state(
        self, id: str, *, accept_jobs: bool, request_options: RequestOptions | None = None
    ) -> Session:
        """Stop (``False``) or resume (``True``) accepting jobs."""
        return self._pipeline.request(_Calls.update_session_state(id, accept_jobs), request_options)

    def get_session_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> SessionStatusResponse:
        """A session's status."""
        return self._pipeline.request(_Calls.get_session_status(id), request_options)

    def get_session_jobs(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> list[Job]:
        """The jobs of a session (a list, as documented; the vendor declares one Job)."""
        return self._pipeline.request(_Calls.get_session_jobs(id), request_options)

    def get_jobs_by_session(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> list[Job]:
        """The older documentation's name for :meth:`get_session_jobs`."""
        return self.get_session_jobs(id, request_options=request_options)


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


class AsyncSessionsClient(AsyncApiResource):
    """Sessions, async (``client.sessions``)."""

    async def create_session(
        self,
        *,
        backend_id: str,
        mode: str,
        provider: str | NotGiven = NOT_GIVEN,
        ttl: int | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        sdk_provider: str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> Session:
        """Open a session; see :meth:`SessionsClient.create_session`."""
        call = _Calls.create_session(
            backend_id=backend_id,
            mode=mode,
            provider=provider,
            ttl=ttl,
            tags=tags,
            metadata=metadata,
            sdk_provider=sdk_provider,
        )
        return await self._pipeline.request(call, request_options)

    def open(
        self,
        *,
        backend_id: str,
        mode: str,
        provider: str | NotGiven = NOT_GIVEN,
        ttl: int | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    ) -> AsyncSessionContext:
        """A session for an ``async with`` block: created on entry, closed on exit."""
        return AsyncSessionContext(
            self,
            {
                "backend_id": backend_id,
                "mode": mode,
                "provider": provider,
                "ttl": ttl,
                "tags": tags,
                "metadata": metadata,
            },
        )

    async def get_session(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> Session:
        """A session's full record."""
        return await self._pipeline.request(_Calls.get_session(id), request_options)

    async def close_session(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> None:
        """Close the session; queued jobs still run. Idempotent."""
        await self._pipeline.request(_Calls.close_session(id), request_options)

    async def update_session_state(
        self, id: str, *, accept_jobs: bool, request_options: RequestOptions | None = None
    ) -> Session:
        """Stop or resume accepting jobs."""
        return await self._pipeline.request(
            _Calls.update_session_state(id, accept_jobs), request_options
        )

    async def get_session_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> SessionStatusResponse:
        """A session's status."""
        return await self._pipeline.request(_Calls.get_session_status(id), request_options)

    async def get_session_jobs(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> list[Job]:
        """The jobs of a session."""
        return await self._pipeline.request(_Calls.get_session_jobs(id), request_options)

    async def get_jobs_by_session(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> list[Job]:
        """The older documentation's name for :meth:`get_session_jobs`."""
        return await self.get_session_jobs(id, request_options=request_options)


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
