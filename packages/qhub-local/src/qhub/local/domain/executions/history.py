"""The Platform's view of service executions: every gateway execution of an organization's
applications, with the same status, logs and results the gateway shows for it.

Where the gateway scopes an execution to the application that started it, this view scopes
it to the organization (any member sees every execution of the organization's
applications; another organization sees none of them, 404).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import NotFound
from ..identity import Applications, Caller, require_role
from ..listing import Page, PageRequest, check_page, sorted_page
from .log_tails import LogTails
from .outputs import LogSummary, result_file, result_view
from .records import Execution, ExecutionQuery, ResultView
from .runs import Executions
from .store import ExecutionStore

__all__ = ["SORTABLE", "ExecutionHistory"]

#: Sortable properties: wire name → :class:`Execution` attribute.
SORTABLE = {
    "createdAt": "created_at",
    "startedAt": "started_at",
    "endedAt": "ended_at",
    "status": "status",
    "id": "id",
}


def _newest_first(sort: tuple[str, ...]) -> bool:
    """Whether ``sort`` asks for the store's own order (newest first)."""
    wanted = [part.replace(" ", "").lower() for part in sort]
    return wanted in ([], ["createdat,desc"])


class ExecutionHistory:
    """Every execution of an organization's applications.

    Args:
        store: the executions table.
        executions: stops executions (cancel).
        applications: the organization's subscriptions (an execution of a subscription).
    """

    def __init__(
        self, store: ExecutionStore, executions: Executions, applications: Applications
    ) -> None:
        self._store = store
        self._executions = executions
        self._applications = applications
        self._log_tails = LogTails()

    def search(self, caller: Caller, query: ExecutionQuery, paging: PageRequest) -> Page[Execution]:
        """A page of the organization's executions matching ``query``, newest first unless
        ``paging`` sorts otherwise.

        Raises:
            BadRequest: an unknown sort property or direction, or a bad page or size.
        """
        if query == ExecutionQuery() and _newest_first(paging.sort):
            return self.newest(caller, paging)  # index-backed: a page whatever the store's size
        found = [e for e in self._store.of_organization(caller.organization_id) if query.matches(e)]
        return sorted_page(found, paging, SORTABLE)

    def newest(self, caller: Caller, paging: PageRequest) -> Page[Execution]:
        """A page of the organization's executions, newest first, read from the store a page
        at a time (``paging.sort`` is not consulted; :meth:`search` sorts).

        Raises:
            BadRequest: a negative page, or a size outside 1..1000.
        """
        check_page(paging)
        content, total = self._store.organization_page(
            caller.organization_id, offset=paging.page * paging.size, limit=paging.size
        )
        return Page(content, paging.page, paging.size, total, -(-total // paging.size))

    def status_counts(self, caller: Caller) -> dict[str, int]:
        """How many of the organization's executions have each status."""
        return self._store.status_counts(caller.organization_id)

    def get(self, caller: Caller, execution_id: str) -> Execution:
        """An execution of the caller's organization.

        Raises:
            NotFound: unknown, or another organization's.
        """
        execution = self._store.get(execution_id)
        if execution is None or execution.organization_id != caller.organization_id:
            raise NotFound(f"no service execution {execution_id!r}")
        return execution

    def of_subscription(self, caller: Caller, subscription_id: str) -> list[Execution]:
        """The executions of a subscription's application and service, newest first.

        Raises:
            NotFound: unknown subscription, or another organization's.
        """
        subscription = self._applications.subscription(caller, subscription_id)
        query = ExecutionQuery(
            application_id=subscription.application_id, service_id=subscription.service_id
        )
        return [e for e in self._store.of_organization(caller.organization_id) if query.matches(e)]

    def cancel(self, caller: Caller, execution_id: str) -> Execution:
        """Cancel a pending or running execution (a final one stays as it is).

        Raises:
            NotFound: unknown, or another organization's.
            Forbidden: the caller is not a maintainer or owner.
        """
        execution = self.get(caller, execution_id)
        require_role(caller, "MAINTAINER", "cancel service executions")
        self._executions.stop(execution)
        return self.get(caller, execution_id)

    def result(self, caller: Caller, execution_id: str) -> ResultView:
        """The execution with its result files and JSON output, as the gateway shows them.

        Raises:
            NotFound: unknown, or another organization's.
        """
        return result_view(self.get(caller, execution_id))

    def result_file(self, caller: Caller, execution_id: str, name: str) -> Path:
        """The path of one result file.

        Raises:
            NotFound: unknown execution (or another organization's), or no such file.
        """
        return result_file(self.get(caller, execution_id), name)

    def logs(self, caller: Caller, execution_id: str, last: int = 1) -> LogSummary:
        """The execution's log: its first line, its last ``last`` lines and how many there
        are (never the whole log in memory; read on from where the previous look at it
        stopped).

        Raises:
            NotFound: unknown, or another organization's.
        """
        return self._log_tails.summary(self.get(caller, execution_id), last)
