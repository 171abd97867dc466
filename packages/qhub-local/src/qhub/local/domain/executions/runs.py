"""Running services: executions recorded, started through a runner, and read back through
the gateway.

Each execution gets a working directory (``out/`` holds its result files, ``log.jsonl`` its
log) and a token of its own (``KQH_SERVICE_EXECUTION_TOKEN``), with which it may call the
Quantum API (``KQH_QUANTUM_API_URL``) for its application's organization. Every gateway call
is authorised here: the application must be subscribed to the service (403 otherwise), and
it sees only its own executions of that service (404 for others).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ...runner import RunOutcome, RunSpec
from ..catalog import Service, Subscriptions
from ..clock import utc_now, utc_now_ms
from ..datapools import DataPool, DataPools, GrantRefused
from ..errors import BadRequest, Forbidden, NotFound
from ..identity import Applications, Organizations
from .outputs import append_log, plain_file_name, read_logs, result_file, result_view
from .records import Execution, ExecutionRequest, LogLine, ResultView
from .store import ExecutionStore

__all__ = ["ExecutionRunner", "Executions", "plain_file_name"]


class ExecutionRunner(Protocol):
    """What runs executions (:class:`qhub.local.runner.WorkspaceRunner`)."""

    def submit(
        self,
        spec: RunSpec,
        *,
        on_start: Callable[[str, dt.datetime], None],
        on_exit: Callable[[RunOutcome], None],
    ) -> None:
        """Queue a run; the callbacks report its start and (exactly once) its end."""

    def cancel(self, execution_id: str) -> bool:
        """Stop a queued or running execution; False if it is unknown or already over."""

    def close(self) -> None:
        """Stop everything still running."""


class Executions:
    """Executions of registered services, each visible to the application that started it.

    Args:
        store: the executions table.
        runner: runs each execution in a process of its own.
        organizations: issues the token an execution acts with.
        datapools: checks the data pool grants an input carries.
        root: where executions' working directories go.
        applications: tells the organization an application belongs to.
        subscriptions: refuses applications not subscribed to the service they call.
    """

    def __init__(
        self,
        store: ExecutionStore,
        runner: ExecutionRunner,
        organizations: Organizations,
        datapools: DataPools,
        root: Path,
        *,
        applications: Applications,
        subscriptions: Subscriptions,
    ) -> None:
        self._store = store
        self._runner = runner
        self._organizations = organizations
        self._datapools = datapools
        self._root = root
        self._applications = applications
        self._subscriptions = subscriptions
        root.mkdir(parents=True, exist_ok=True)
        #: The Quantum API's URL, given to executions as ``KQH_QUANTUM_API_URL`` once known.
        self.quantum_url: str | None = None

    def recover_interrupted(self) -> None:
        """Executions a previous Hub process left unfinished end FAILED, with a log line why."""
        for execution in self._store.unfinished():
            if self._store.mark_final(execution.id, "FAILED", utc_now()):
                append_log(
                    execution.workdir,
                    "ERROR",
                    "The local Hub stopped while this execution was pending or running.",
                )

    def start(self, service: Service, application_id: str, request: ExecutionRequest) -> Execution:
        """Record and start an execution of ``service``.

        Raises:
            Forbidden: the application is not subscribed to the service.
            BadRequest: a data pool is named by a key that is not a plain name.
            NotFound / Forbidden: a named data pool is unknown, or its grant is invalid.
        """
        self._subscriptions.require(application_id, service)
        organization_id = self._applications.organization_of(application_id)
        if organization_id is None:
            raise NotFound(f"no application {application_id!r}")
        mounts = self._datapool_mounts(application_id, request)
        execution_id = str(uuid.uuid4())
        workdir = self._root / execution_id
        execution = Execution(
            id=execution_id,
            service=service.path,
            application_id=application_id,
            status="PENDING",
            created_at=utc_now_ms(),  # as the wire shows it: range filters match it
            workdir=workdir,
            tags=list(request.tags),
            organization_id=organization_id,
        )
        self._store.add(execution)
        if mounts:
            (workdir / "datapool").mkdir(parents=True)
        for key, pool in mounts.items():
            (workdir / "datapool" / key).symlink_to(pool.path, target_is_directory=True)
        token = self._organizations.issue_execution_token(
            application_id, execution.id, organization_id
        )
        env = {"KQH_SERVICE_EXECUTION_TOKEN": token}
        if self.quantum_url:
            env["KQH_QUANTUM_API_URL"] = self.quantum_url
        self._runner.submit(
            RunSpec(execution.id, service.workspace, workdir, request.input, env),
            on_start=self._store.mark_running,
            on_exit=self._finished,
        )
        return execution

    def _finished(self, outcome: RunOutcome) -> None:
        self._store.mark_final(outcome.execution_id, outcome.status, outcome.ended_at)

    def _datapool_mounts(
        self, application_id: str, request: ExecutionRequest
    ) -> dict[str, DataPool]:
        mounts = {}
        for key, reference in request.datapools.items():
            if not plain_file_name(key):
                raise BadRequest(f"data pool reference key {key!r} is not a plain name")
            try:
                mounts[key] = self._datapools.granted(key, reference, application_id).pool
            except GrantRefused as refused:
                raise Forbidden(refused.reason) from None
        return mounts

    def get(self, service: Service, application_id: str, execution_id: str) -> Execution:
        """An execution of this service visible to this application.

        Raises:
            Forbidden: the application is not subscribed to the service.
            NotFound: unknown, another service's, or another application's.
        """
        self._subscriptions.require(application_id, service)
        execution = self._store.get(execution_id)
        if (
            execution is None
            or execution.service != service.path
            or execution.application_id != application_id
        ):
            raise NotFound(f"no execution {execution_id!r}")
        return execution

    def list_of(self, service: Service, application_id: str) -> list[Execution]:
        """This application's executions of the service, newest first.

        Raises:
            Forbidden: the application is not subscribed to the service.
        """
        self._subscriptions.require(application_id, service)
        return self._store.of(service.path, application_id)

    def cancel(self, service: Service, application_id: str, execution_id: str) -> Execution:
        """Cancel a pending or running execution; a final one is left as it is."""
        self.stop(self.get(service, application_id, execution_id))
        return self.get(service, application_id, execution_id)

    def stop(self, execution: Execution) -> None:
        """Cancel an execution found through any view of it (a final one stays as it is)."""
        if not execution.is_final and not self._runner.cancel(execution.id):
            self._store.mark_final(execution.id, "CANCELLED", utc_now())

    def result(self, service: Service, application_id: str, execution_id: str) -> ResultView:
        """The execution with its result files and JSON output (when it is an object)."""
        return result_view(self.get(service, application_id, execution_id))

    def result_file(
        self, service: Service, application_id: str, execution_id: str, name: str
    ) -> Path:
        """The path of one result file.

        Raises:
            NotFound: no such file (names with a path in them never match).
        """
        return result_file(self.get(service, application_id, execution_id), name)

    def logs(self, service: Service, application_id: str, execution_id: str) -> list[LogLine]:
        """The execution's log, oldest first (a half-written or malformed line is skipped)."""
        return read_logs(self.get(service, application_id, execution_id))

    def close(self) -> None:
        """Stop running executions (they end CANCELLED)."""
        self._runner.close()
