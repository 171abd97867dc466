"""Running services: executions recorded, started through a runner, and read back.

Each execution gets a working directory (``out/`` holds its result files, ``log.jsonl`` its
log) and a token of its own (``KQH_SERVICE_EXECUTION_TOKEN``), with which it may call the
Quantum API (``KQH_QUANTUM_API_URL``) for its organization.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ...runner import Mount, RunOutcome, RunSpec, read_result_file, result_files, safe_result_path
from ..catalog import Service
from ..clock import format_utc, parse_utc, utc_now
from ..datapools import DataPool, DataPools
from ..errors import BadRequest, NotFound
from ..identity import Organizations
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


def plain_file_name(name: str) -> bool:
    """Whether ``name`` is a file name with no path in it."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


class Executions:
    """Executions of registered services, each visible to the application that started it.

    Args:
        store: the executions table.
        runner: runs each execution in a process of its own.
        organizations: issues the token an execution acts with.
        datapools: checks the data pool grants an input carries.
        root: where executions' working directories go.
    """

    def __init__(
        self,
        store: ExecutionStore,
        runner: ExecutionRunner,
        organizations: Organizations,
        datapools: DataPools,
        root: Path,
    ) -> None:
        self._store = store
        self._runner = runner
        self._organizations = organizations
        self._datapools = datapools
        self._root = root
        root.mkdir(parents=True, exist_ok=True)
        #: The Quantum API's URL, given to executions as ``KQH_QUANTUM_API_URL`` once known.
        self.quantum_url: str | None = None

    def recover_interrupted(self) -> None:
        """Executions a previous Hub process left unfinished end FAILED, with a log line why."""
        for execution in self._store.unfinished():
            if self._store.mark_final(execution.id, "FAILED", utc_now()):
                _append_log(
                    execution.workdir,
                    "ERROR",
                    "The local Hub stopped while this execution was pending or running.",
                )

    def start(self, service: Service, application_id: str, request: ExecutionRequest) -> Execution:
        """Record and start an execution of ``service``.

        Raises:
            BadRequest: a data pool is named by a key that is not a plain name.
            NotFound / Forbidden: a named data pool is unknown, or its grant is invalid.
        """
        mounts = self._datapool_mounts(application_id, request)
        execution_id = str(uuid.uuid4())
        workdir = self._root / execution_id
        execution = Execution(
            id=execution_id,
            service=service.path,
            application_id=application_id,
            status="PENDING",
            created_at=utc_now(),
            workdir=workdir,
            tags=list(request.tags),
        )
        self._store.add(execution)
        pools = [Mount(pool.path, workdir / "datapool" / key) for key, pool in mounts.items()]
        token = self._organizations.issue_execution_token(application_id, execution.id)
        env = {"KQH_SERVICE_EXECUTION_TOKEN": token}
        if self.quantum_url:
            env["KQH_QUANTUM_API_URL"] = self.quantum_url
        self._runner.submit(
            RunSpec(execution.id, service.workspace, workdir, request.input, env, mounts=pools),
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
            mounts[key] = self._datapools.granted(key, reference, application_id)
        return mounts

    def get(self, service: Service, application_id: str, execution_id: str) -> Execution:
        """An execution of this service visible to this application.

        Raises:
            NotFound: unknown, another service's, or another application's.
        """
        execution = self._store.get(execution_id)
        if (
            execution is None
            or execution.service != service.path
            or execution.application_id != application_id
        ):
            raise NotFound(f"no execution {execution_id!r}")
        return execution

    def list_of(self, service: Service, application_id: str) -> list[Execution]:
        """This application's executions of the service, newest first."""
        return self._store.of(service.path, application_id)

    def cancel(self, service: Service, application_id: str, execution_id: str) -> Execution:
        """Cancel a pending or running execution; a final one is left as it is."""
        execution = self.get(service, application_id, execution_id)
        if not execution.is_final and not self._runner.cancel(execution.id):
            self._store.mark_final(execution.id, "CANCELLED", utc_now())
        return self.get(service, application_id, execution_id)

    def result(self, service: Service, application_id: str, execution_id: str) -> ResultView:
        """The execution with its result files and JSON output (when it is an object)."""
        execution = self.get(service, application_id, execution_id)
        out = execution.workdir / "out"
        files = result_files(out)
        output = None
        if execution.is_final and "output.json" in files:
            try:
                loaded = json.loads(read_result_file(out, "output.json") or b"")
            except ValueError:
                loaded = None
            output = loaded if isinstance(loaded, dict) else None
        return ResultView(execution, files, output)

    def result_file(
        self, service: Service, application_id: str, execution_id: str, name: str
    ) -> Path:
        """The path of one result file.

        Raises:
            NotFound: no such file (names with a path in them never match).
        """
        execution = self.get(service, application_id, execution_id)
        path = safe_result_path(execution.workdir / "out", name)
        if path is None:
            raise NotFound(f"execution {execution_id!r} has no result file {name!r}")
        return path

    def logs(self, service: Service, application_id: str, execution_id: str) -> list[LogLine]:
        """The execution's log, oldest first (a half-written or malformed line is skipped)."""
        execution = self.get(service, application_id, execution_id)
        path = execution.workdir / "log.jsonl"
        if not path.exists():
            return []
        lines = []
        for raw in path.read_bytes().split(b"\n"):
            try:
                entry = json.loads(raw)
                line = LogLine(parse_utc(entry["timestamp"]), entry["severity"], entry["message"])
            except (ValueError, KeyError, TypeError):
                continue
            lines.append(line)
        return lines

    def close(self) -> None:
        """Stop running executions (they end CANCELLED)."""
        self._runner.close()


def _append_log(workdir: Path, severity: str, message: str) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    line = {"timestamp": format_utc(utc_now()), "severity": severity, "message": message}
    with open(workdir / "log.jsonl", "a", encoding="utf-8") as file:
        file.write(json.dumps(line) + "\n")
