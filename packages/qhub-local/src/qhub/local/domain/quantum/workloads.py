"""Listings: an organization's jobs, and its workloads (jobs and sessions side by side),
filtered, sorted and paged."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import BadRequest
from ..listing import Page, PageRequest, check_page, sort_order, sorted_page
from .inputs import WorkloadFilters
from .records import JobRecord, SessionRecord, Workload
from .sessions import Sessions
from .store import SORT_SQL, QuantumStore

__all__ = ["ORIGINS", "SORTABLE_JOB_FIELDS", "SORTABLE_WORKLOAD_FIELDS", "Listings"]

SORTABLE_JOB_FIELDS = {
    "createdAt": "created_at",
    "startedAt": "started_at",
    "endedAt": "ended_at",
    "name": "name",
    "status": "status",
    "backendId": "backend_id",
    "provider": "provider",
    "shots": "shots",
    "id": "id",
}
SORTABLE_WORKLOAD_FIELDS = {
    **{k: v for k, v in SORTABLE_JOB_FIELDS.items() if k != "shots"},
    "type": "type",
}
ORIGINS = ("STANDALONE", "SERVICE_EXECUTION")


def job_workload(job: JobRecord) -> Workload:
    """A job as a workload."""
    return Workload(
        id=job.id,
        type="JOB",
        backend_id=job.backend_id,
        provider=job.provider,
        status=job.status,
        created_at=job.created_at,
        started_at=job.started_at,
        ended_at=job.ended_at,
        sdk_provider="CLIENT",
        name=job.name,
        tags=job.tags,
        job_count=None,
        service_execution_id=job.service_execution_id,
        mode=None,
    )


def session_workload(session: SessionRecord, job_count: int) -> Workload:
    """A session as a workload."""
    return Workload(
        id=session.id,
        type="SESSION",
        backend_id=session.backend_id,
        provider=session.provider,
        status=session.status,
        created_at=session.created_at,
        started_at=session.started_at,
        ended_at=None,
        sdk_provider=session.sdk_provider,
        name=None,
        tags=session.tags,
        job_count=job_count,
        service_execution_id=session.service_execution_id,
        mode=session.mode,
    )


def _origin_of(wanted: tuple[str, ...]) -> Callable[[Workload], str]:
    """The workload's origin, once the ``wanted`` origins are checked (lazily, as a filter
    that meets no workload checks nothing)."""

    def origin(workload: Workload) -> str:
        unknown = [value for value in wanted if value not in ORIGINS]
        if unknown:
            raise BadRequest(f"origin must be STANDALONE or SERVICE_EXECUTION, not {unknown[0]!r}")
        return workload.origin

    return origin


class Listings:
    """The Quantum API's listings of one organization's work."""

    def __init__(self, store: QuantumStore, sessions: Sessions) -> None:
        self._store = store
        self._sessions = sessions

    def jobs(
        self,
        organization_id: str,
        paging: PageRequest,
        service_execution_id: str | None = None,
    ) -> Page[JobRecord]:
        """A page of the organization's jobs (a service execution's only, when given),
        newest first unless ``paging.sort`` says otherwise.

        Raises:
            BadRequest: an unknown sort property, or a bad page.
        """
        order = sort_order(paging.sort, SORTABLE_JOB_FIELDS)
        unsupported = [name for name, _ in order if name not in SORT_SQL]
        if unsupported:  # derived properties (the provider): sorted here, not in SQL
            jobs = self._store.jobs(organization_id)
            if service_execution_id is not None:
                jobs = [j for j in jobs if j.service_execution_id == service_execution_id]
            return sorted_page(jobs, paging, SORTABLE_JOB_FIELDS)
        check_page(paging)
        content, total = self._store.jobs_page(
            organization_id,
            service_execution_id=service_execution_id,
            order=order,
            offset=paging.page * paging.size,
            limit=paging.size,
        )
        return Page(content, paging.page, paging.size, total, -(-total // paging.size))

    def workloads(
        self, organization_id: str, filters: WorkloadFilters, paging: PageRequest
    ) -> Page[Workload]:
        """A page of the organization's jobs and sessions matching every filter given,
        newest first unless ``paging.sort`` says otherwise.

        Raises:
            BadRequest: an unknown origin, sort property, or a bad page.
        """
        rows = [job_workload(job) for job in self._store.jobs(organization_id)]
        for stored in self._store.sessions(organization_id):
            session = self._sessions.refresh(stored)
            rows.append(session_workload(session, len(self._sessions.jobs_of(session))))
        matchers: list[tuple[tuple[str, ...], Callable[[Workload], str | None]]] = [
            (filters.type, lambda w: w.type),
            (filters.status, lambda w: w.status),
            (filters.provider, lambda w: w.provider),
            (filters.backend_id, lambda w: w.backend_id),
        ]
        for values, value_of in matchers:
            if values:
                rows = [w for w in rows if value_of(w) in values]
        if filters.tag:
            rows = [w for w in rows if set(filters.tag) & set(w.tags)]
        if filters.origin:
            origin = _origin_of(filters.origin)
            rows = [w for w in rows if origin(w) in filters.origin]
        if filters.service_execution_id:
            rows = [w for w in rows if w.service_execution_id in filters.service_execution_id]
        rows.sort(key=lambda w: w.created_at, reverse=True)
        return sorted_page(rows, paging, SORTABLE_WORKLOAD_FIELDS)
