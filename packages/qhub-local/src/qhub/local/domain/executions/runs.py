"""Running services: executions recorded, started through a runner, and read back through
the gateway.

Each execution gets a working directory (``out/`` holds its result files, ``log.jsonl`` its
log) and a token of its own (``KQH_SERVICE_EXECUTION_TOKEN``), with which it may call the
Quantum API (``KQH_QUANTUM_API_URL``) for its application's organization. Every gateway call
is authorised here: the application must be subscribed to the service (403 otherwise), and
it sees only its own executions of that service (404 for others).

The request's reserved keys decide ``run()``'s arguments and the data pools it sees
(:mod:`.reserved`). Each pool's grant is checked as the execution starts: a grant that is
forged, expired, or for another pool or application ends the execution FAILED at once, with
an ERROR line in its log and a problem document in ``output.json`` naming the reason, and
nothing of any pool is shown to it. Granted pools are shown as :mod:`.mounts` describes.

When the store fails (a full disk), a start answers :class:`StoreUnavailable` and keeps
nothing of the execution; an execution already running still ends in its true status, which
is stored as soon as the store accepts it (:meth:`Database.eventually`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ...runner import Mount, RunOutcome, RunSpec
from ..catalog import Service, Subscriptions
from ..clock import utc_now, utc_now_ms
from ..datapools import DataPoolReference, DataPools, GrantRefused
from ..errors import NotFound, StoreUnavailable
from ..faults import store_faults
from ..idempotency import Created, IdempotencyKey, IdempotentCreation, KeyedRequest
from ..identity import Applications, Organizations
from .entrypoint import entrypoint_parameters
from .mounts import pool_mounts
from .outputs import append_log, iter_logs, plain_file_name, result_file, result_view
from .records import Execution, ExecutionRequest, LogLine, ResultView
from .reserved import data_pool_references, service_arguments
from .store import KEYS, ExecutionStore

#: One line per state change of an execution (never its request, secrets or token).
log = logging.getLogger("qhub.local.executions")

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
        self._once = IdempotentCreation(KEYS, store.reading)

    def recover_interrupted(self) -> None:
        """Executions a previous Hub process left unfinished end FAILED, with a log line why."""
        for execution in self._store.unfinished():
            if self._store.mark_final(execution.id, "FAILED", utc_now()):
                append_log(
                    execution.workdir,
                    "ERROR",
                    "The local Hub stopped while this execution was pending or running.",
                )
                log.info("execution %s FAILED (the Hub stopped while it ran)", execution.id)

    def start(
        self,
        service: Service,
        application_id: str,
        request: ExecutionRequest,
        key: KeyedRequest | None = None,
    ) -> Created[Execution]:
        """Record and start an execution of ``service``; one whose data pool grants are
        refused is recorded FAILED (and never runs).

        With ``key``, an execution of this service the application started with the same
        key and request in the last 24 hours is returned instead (``replayed``), and
        nothing starts; a request carrying a key another one is still carrying out waits
        for it (see :mod:`..idempotency`).

        Raises:
            Forbidden: the application is not subscribed to the service.
            BadRequest: a data pool is named by a key that is not a plain name, or twice.
            KeyReused: the key came with a different request.
            StoreUnavailable: the store failed; nothing of the execution was kept.
        """
        self._subscriptions.require(application_id, service)
        scoped = (
            None
            if key is None
            else IdempotencyKey.of(application_id, key, "start_execution", service.path)
        )
        return self._once.create(
            scoped,
            lambda: self._start(service, application_id, request, scoped),
            lambda execution_id: self.get(service, application_id, execution_id),
        )

    def _start(
        self,
        service: Service,
        application_id: str,
        request: ExecutionRequest,
        key: IdempotencyKey | None,
    ) -> Execution:
        organization_id = self._applications.organization_of(application_id)
        if organization_id is None:
            raise NotFound(f"no application {application_id!r}")
        parameters = entrypoint_parameters(service.workspace)
        arguments, notes = service_arguments(request.input, parameters)
        references = data_pool_references(arguments, request.data_refs)
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
        try:
            with store_faults():
                for note in notes:
                    append_log(workdir, "WARNING", note)
            self._store.add(execution, key)
        except StoreUnavailable:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        try:
            return self._submit(execution, service, arguments, references)
        except StoreUnavailable:
            self._forget(execution)
            raise

    def _submit(
        self,
        execution: Execution,
        service: Service,
        arguments: dict[str, Any],
        references: dict[str, DataPoolReference],
    ) -> Execution:
        """Check the recorded execution's grants and hand it to the runner."""
        application_id, workdir = execution.application_id, execution.workdir
        try:
            granted = [
                self._datapools.granted(name, reference, application_id)
                for name, reference in references.items()
            ]
        except GrantRefused as refused:
            return self._refuse(execution, "Data pool grant refused", refused.reason)
        pools = [Mount(m.source, m.target, m.read_only) for m in pool_mounts(workdir, granted)]
        token = self._organizations.issue_execution_token(
            application_id, execution.id, execution.organization_id
        )
        env = {"KQH_SERVICE_EXECUTION_TOKEN": token}
        if self.quantum_url:
            env["KQH_QUANTUM_API_URL"] = self.quantum_url
        with store_faults():
            for pool in granted:
                how = "read-only (VIEW)" if pool.read_only else "writable (MODIFY)"
                append_log(
                    workdir, "INFO", f"data pool {pool.pool.name!r} mounted {how} as {pool.name!r}"
                )
            self._runner.submit(
                RunSpec(execution.id, service.workspace, workdir, arguments, env, mounts=pools),
                on_start=self._started,
                on_exit=self._finished,
            )
        log.info("execution %s of %s PENDING", execution.id, service.path)
        return execution

    def _forget(self, execution: Execution) -> None:
        """Undo a start that failed after the execution was recorded (its row goes as soon
        as the store accepts it; its files now)."""
        shutil.rmtree(execution.workdir, ignore_errors=True)
        self._store.eventually(
            f"removal of execution {execution.id}", lambda: self._store.remove(execution.id)
        )

    def _refuse(
        self, execution: Execution, title: str, reason: str, status: int = 403
    ) -> Execution:
        """End an execution that can't run FAILED, saying why in its log and result."""
        with store_faults():
            append_log(execution.workdir, "ERROR", f"{title}: {reason}")
            out = execution.workdir / "out"
            out.mkdir(parents=True, exist_ok=True)
            problem = {"type": "about:blank", "status": status, "title": title, "detail": reason}
            (out / "output.json").write_text(json.dumps(problem, indent=2))
        ended_at = utc_now()
        self._store.eventually(
            f"execution {execution.id} FAILED",
            lambda: self._store.mark_final(execution.id, "FAILED", ended_at),
        )
        log.info("execution %s FAILED (%s)", execution.id, title)
        return self._store.get(execution.id) or execution

    def _started(self, execution_id: str, started_at: dt.datetime) -> None:
        """The runner started it (on the runner's thread: never raises for the store)."""
        self._store.eventually(
            f"execution {execution_id} RUNNING",
            lambda: self._store.mark_running(execution_id, started_at),
        )
        log.info("execution %s RUNNING", execution_id)

    def _finished(self, outcome: RunOutcome) -> None:
        """It ended (on the runner's thread: never raises for the store)."""
        self._store.eventually(
            f"execution {outcome.execution_id} {outcome.status}",
            lambda: self._store.mark_final(outcome.execution_id, outcome.status, outcome.ended_at),
        )
        log.info(
            "execution %s %s (exit code %s)",
            outcome.execution_id,
            outcome.status,
            outcome.exit_code,
        )

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

    def logs(self, service: Service, application_id: str, execution_id: str) -> Iterator[LogLine]:
        """The execution's log, oldest first, read as it is iterated (a half-written or
        malformed line is skipped).

        Raises:
            NotFound: unknown, or another application's (here, when called).
        """
        return iter_logs(self.get(service, application_id, execution_id))

    def close(self) -> None:
        """Stop running executions (they end CANCELLED)."""
        self._runner.close()
