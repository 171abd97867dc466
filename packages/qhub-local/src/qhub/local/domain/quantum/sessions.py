"""Sessions: OPEN → ACTIVE (a job was submitted) → DRAINING (closing, jobs still queued) →
CLOSED. A session whose TTL runs out before any job was submitted is ABORTED; one whose TTL
runs out later closes like ``close`` (its queued jobs still run). Stopping job intake
without closing makes it INACTIVE (or DRAINING while jobs remain)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

from ..clock import utc_now_ms
from ..errors import NotFound, Unprocessable
from ..idempotency import Created, IdempotencyKey, IdempotentCreation, KeyedRequest
from ..listing import Page, PageRequest, page_of
from .backends import backend_spec
from .inputs import SessionRequest
from .records import JobRecord, SessionRecord
from .store import KEYS, QuantumStore

__all__ = ["DEFAULT_SESSION_TTL", "MAX_SESSION_TTL", "Sessions"]

DEFAULT_SESSION_TTL = 3600
MAX_SESSION_TTL = 7 * 24 * 3600


class Sessions:
    """Sessions on backends that support them, one organization's visible only to it."""

    def __init__(self, store: QuantumStore) -> None:
        self._store = store
        self._once = IdempotentCreation(KEYS, store.reading)

    def open(
        self,
        organization_id: str,
        request: SessionRequest,
        service_execution_id: str | None = None,
        key: KeyedRequest | None = None,
    ) -> Created[SessionRecord]:
        """Open a session; with ``key``, one this organization opened with the same key and
        request in the last 24 hours is returned instead (``replayed``; see
        :mod:`..idempotency`).

        Raises:
            NotFound: unknown backend.
            Unprocessable: the backend has no sessions, is another provider's, or the TTL is
                out of range.
            KeyReused: the key came with a different request.
        """
        scoped = (
            None
            if key is None
            else IdempotencyKey.of(organization_id, key, "create_session", service_execution_id)
        )
        return self._once.create(
            scoped,
            lambda: self._open(organization_id, request, service_execution_id, scoped),
            lambda session_id: self.get(organization_id, session_id),
        )

    def _open(
        self,
        organization_id: str,
        request: SessionRequest,
        service_execution_id: str | None,
        key: IdempotencyKey | None,
    ) -> SessionRecord:
        spec = backend_spec(request.backend_id)
        if not spec.supports_sessions:
            raise Unprocessable(f"{spec.id} does not support sessions")
        if request.provider is not None and request.provider != spec.provider:
            raise Unprocessable(
                f"{spec.id} is provided by {spec.provider}, not {request.provider!r}"
            )
        if not 0 < request.ttl <= MAX_SESSION_TTL:
            raise Unprocessable(
                f"ttl must be between 1 and {MAX_SESSION_TTL} seconds, not {request.ttl!r}"
            )
        created = utc_now_ms()
        session = SessionRecord(
            id=str(uuid.uuid4()),
            organization_id=organization_id,
            backend_id=spec.id,
            provider=spec.provider,
            mode=request.mode,
            status="OPEN",
            created_at=created,
            expires_at=created + timedelta(seconds=request.ttl),
            tags=list(request.tags),
            metadata=request.metadata,
            sdk_provider=request.sdk_provider,
            service_execution_id=service_execution_id,
        )
        self._store.save_session(session, key)
        return session

    def get(self, organization_id: str, session_id: str) -> SessionRecord:
        """A session of this organization, its status brought up to date.

        Raises:
            NotFound: unknown, or another organization's.
        """
        session = self._store.session(session_id)
        if session is None or session.organization_id != organization_id:
            raise NotFound(f"no session {session_id!r}")
        return self.refresh(session)

    def newest(self, organization_id: str, paging: PageRequest) -> Page[SessionRecord]:
        """A page of the organization's sessions, newest first (``paging.sort`` is not
        consulted), the page's statuses brought up to date.

        Raises:
            BadRequest: a negative page, or a size outside 1..1000.
        """
        # Reversed before the (stable) sort: of sessions created in the same millisecond, the
        # later-saved lists first.
        later_saved_first = self._store.sessions(organization_id)[::-1]
        stored = sorted(later_saved_first, key=lambda s: s.created_at, reverse=True)
        page = page_of(stored, paging)
        return dataclasses.replace(page, content=[self.refresh(s) for s in page.content])

    def execution_session(
        self, organization_id: str, service_execution_id: str, session_id: str
    ) -> SessionRecord:
        """A session opened by a given service execution.

        Raises:
            NotFound: unknown, or not that execution's.
        """
        session = self.get(organization_id, session_id)
        if session.service_execution_id != service_execution_id:
            raise NotFound(
                f"service execution {service_execution_id!r} has no session {session_id!r}"
            )
        return session

    def refresh(self, session: SessionRecord) -> SessionRecord:
        """The session with its status derived from its flags, its TTL and its jobs (saved
        when it changed)."""
        if session.is_final:
            return session
        jobs = self.jobs_of(session)
        unfinished = any(not job.is_final for job in jobs)
        now = utc_now_ms()
        expired = now >= session.expires_at
        if expired and not jobs and not session.close_requested:
            status = "ABORTED"
        else:
            if expired:
                session.close_requested, session.accept_jobs = True, False
            if session.close_requested:
                status = "DRAINING" if unfinished else "CLOSED"
            elif not session.accept_jobs:
                status = "DRAINING" if unfinished else "INACTIVE"
            else:
                status = "ACTIVE" if jobs else "OPEN"
        if status != session.status:
            session.status = status
            if session.is_final:
                session.closed_at = utc_now_ms()
            self._store.save_session(session)
        return session

    def jobs_of(self, session: SessionRecord) -> list[JobRecord]:
        """The jobs submitted into a session, oldest first."""
        return self._store.session_jobs(session.id)

    def close(self, organization_id: str, session_id: str) -> SessionRecord:
        """Stop accepting jobs and close once queued jobs finish (none is cancelled).
        Idempotent.

        Raises:
            NotFound: unknown, or another organization's.
        """
        session = self.get(organization_id, session_id)
        if not session.is_final:
            session.close_requested, session.accept_jobs = True, False
            self._store.save_session(session)
        return self.refresh(session)

    def set_accepting_jobs(
        self, organization_id: str, session_id: str, accept_jobs: bool
    ) -> SessionRecord:
        """Stop or resume accepting jobs.

        Raises:
            NotFound: unknown, or another organization's.
            Unprocessable: the session is closed or closing.
        """
        session = self.get(organization_id, session_id)
        if session.close_requested or session.is_final:
            raise Unprocessable(
                f"session {session_id!r} is {session.status} and can't accept jobs again"
            )
        session.accept_jobs = accept_jobs
        self._store.save_session(session)
        return self.refresh(session)

    def admit(self, organization_id: str, session_id: str, backend_id: str) -> None:
        """Let a job on ``backend_id`` into the session (the first one starts it).

        Raises:
            NotFound: unknown session, or another organization's.
            Unprocessable: another backend's session, or one that accepts no jobs.
        """
        session = self.get(organization_id, session_id)
        if session.backend_id != backend_id:
            raise Unprocessable(
                f"session {session_id!r} runs on {session.backend_id}, not {backend_id}"
            )
        if session.status not in ("OPEN", "ACTIVE"):
            raise Unprocessable(f"session {session_id!r} is {session.status} and accepts no jobs")
        if session.started_at is None:
            session.started_at = utc_now_ms()
            self._store.save_session(session)
