"""The local Hub's business rules: credentials, executions, results, logs, grants.

No HTTP here: the routers in ``qhub.local.http`` translate requests into these calls and
:class:`~qhub.local.domain.errors.DomainError` into error responses.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..runner import RunOutcome, RunSpec, WorkspaceRunner
from .catalog import Service, ServiceCatalog
from .clock import utc_now
from .datapools import DataPoolReference, DataPools, DataPoolStore
from .errors import BadRequest, NotFound
from .identity import (
    Application,
    Applications,
    IdentityStore,
    Organizations,
    TokenSigner,
    Users,
)
from .models import Execution
from .quantum import QuantumJobs
from .store import Database, Store

__all__ = ["Credentials", "Hub", "LogLine", "ResultView"]


@dataclass(frozen=True)
class Credentials:
    """The plain credentials of the Hub's default application and user (shown once)."""

    application_id: str
    access_key_id: str
    secret_access_key: str
    personal_access_token: str
    organization_id: str


@dataclass(frozen=True)
class ResultView:
    """What the result endpoint shows: the execution, its files, and its JSON output."""

    execution: Execution
    files: list[str]
    output: dict[str, Any] | None


@dataclass(frozen=True)
class LogLine:
    """One log entry of an execution."""

    timestamp: str
    severity: str
    message: str


def plain_file_name(name: str) -> bool:
    """Whether ``name`` is a file name with no path in it."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


class Hub:
    """The Hub's state and rules over a data directory.

    Args:
        data_dir: where the database, signing key, executions and data pools live.
        token_ttl: lifetime of gateway access tokens, seconds.
        anonymous: accept any bearer token at the gateway (as the built-in anonymous app).
        clock: wall-clock seconds, for token expiry (injectable for tests).
        max_parallel: executions running at once.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        token_ttl: float = 3600.0,
        anonymous: bool = False,
        clock: Callable[[], float] = time.time,
        max_parallel: int = 32,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "executions").mkdir(exist_ok=True)
        self.token_ttl = token_ttl
        self.database = Database(self.data_dir / "hub.sqlite3")
        identity = IdentityStore(self.database)
        self.store = Store(self.database)
        self.signer = TokenSigner(self._signing_key(), clock)
        self.users = Users(identity)
        self.applications = Applications(
            identity, self.signer, token_ttl=token_ttl, anonymous=anonymous
        )
        self.organizations = Organizations(self.database, identity, self.users, self.signer)
        self.catalog = ServiceCatalog()
        self.datapools = DataPools(
            DataPoolStore(self.database),
            self.signer,
            self.applications,
            self.data_dir / "datapools",
        )
        self.runner = WorkspaceRunner(max_parallel=max_parallel)
        self.quantum = QuantumJobs(self.store, self.database)
        #: The Quantum API's URL, given to executions as ``KQH_QUANTUM_API_URL`` once known.
        self.quantum_url: str | None = None
        self._account_for_interrupted_runs()

    # -- set-up ----------------------------------------------------------------------------

    def _signing_key(self) -> bytes:
        path = self.data_dir / "signing.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(secrets.token_bytes(32))
        return path.read_bytes()

    def _account_for_interrupted_runs(self) -> None:
        """Executions a previous Hub process left unfinished end FAILED, with a log line why."""
        for execution in self.store.unfinished_executions():
            if self.store.mark_final(execution.id, "FAILED", utc_now()):
                _append_log(
                    execution.workdir,
                    "ERROR",
                    "The local Hub stopped while this execution was pending or running.",
                )

    def bootstrap(self, previous: dict[str, Any] | None = None) -> Credentials:
        """Ensure the default application, token, organization and data pool exist.

        ``previous`` is the last ``connection.json``: its secrets are kept if they still
        match the stored hashes; otherwise new ones are issued (secrets are stored hashed, so
        they can't be recovered from the database).
        """
        organization_id = self.organizations.ensure_default()
        old_app = (previous or {}).get("application") or {}
        app, secret = self.applications.ensure_default(old_app.get("secret_access_key") or "")
        self.users.ensure_user(organization_id, "local")
        token = (previous or {}).get("personal_access_token") or ""
        if self.users.organization_of(token) != organization_id:
            token = self.users.issue_default_token(organization_id)
        self.datapools.ensure_default()
        return Credentials(app.id, app.access_key_id, secret, token, organization_id)

    def add_user(self, organization_id: str | None = None) -> tuple[str, str]:
        """Another user, in their own organization (a new one unless given): their default
        personal access token and organization id. Only the token's hash is stored."""
        organization = organization_id or str(uuid.uuid4())
        count = self.users.count()
        self.users.ensure_user(organization, f"user{count + 1}")
        return self.users.issue_default_token(organization), organization

    def create_application(self, name: str) -> tuple[Application, str]:
        """A new application and its plain secret."""
        return self.applications.create(name)

    def close(self) -> None:
        """Stop running executions and close the store."""
        self.runner.close()
        self.quantum.close()
        self.database.close()

    # -- executions ------------------------------------------------------------------------

    def start_execution(
        self, service: Service, application_id: str, body: dict[str, Any]
    ) -> Execution:
        """Record and start an execution of ``service`` with ``body``.

        Raises:
            Forbidden: a data pool reference in the body carries an invalid grant.
        """
        mounts = self._datapool_mounts(application_id, body)
        tags = body.get("$tags")
        execution_id = str(uuid.uuid4())
        workdir = self.data_dir / "executions" / execution_id
        execution = Execution(
            id=execution_id,
            service=service.path,
            application_id=application_id,
            status="PENDING",
            created_at=utc_now(),
            workdir=workdir,
            tags=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        )
        self.store.add_execution(execution)
        if mounts:
            (workdir / "datapool").mkdir(parents=True)
        for key, pool in mounts.items():
            (workdir / "datapool" / key).symlink_to(pool.path, target_is_directory=True)
        token = self.organizations.issue_execution_token(application_id, execution.id)
        env = {"KQH_SERVICE_EXECUTION_TOKEN": token}
        if self.quantum_url:
            env["KQH_QUANTUM_API_URL"] = self.quantum_url
        self.runner.submit(
            RunSpec(
                execution.id,
                service.workspace,
                workdir,
                body,
                env,
            ),
            on_start=lambda execution_id, at: self.store.mark_running(execution_id, at),
            on_exit=self._finished,
        )
        return execution

    def _finished(self, outcome: RunOutcome) -> None:
        self.store.mark_final(outcome.execution_id, outcome.status, outcome.ended_at)

    def _datapool_mounts(self, application_id: str, body: dict[str, Any]) -> dict[str, Any]:
        mounts = {}
        for key, value in body.items():
            if not (isinstance(value, dict) and value.get("ref") == "DATAPOOL"):
                continue
            if not plain_file_name(key):
                raise BadRequest(f"data pool reference key {key!r} is not a plain name")
            reference = DataPoolReference(str(value.get("id")), str(value.get("grant")))
            mounts[key] = self.datapools.granted(key, reference, application_id)
        return mounts

    def execution(self, service: Service, application_id: str, execution_id: str) -> Execution:
        """An execution of this service visible to this application.

        Raises:
            NotFound: unknown, another service's, or another application's.
        """
        execution = self.store.execution(execution_id)
        if (
            execution is None
            or execution.service != service.path
            or execution.application_id != application_id
        ):
            raise NotFound(f"no execution {execution_id!r}")
        return execution

    def executions(self, service: Service, application_id: str) -> list[Execution]:
        """This application's executions of the service, newest first."""
        return self.store.executions(service.path, application_id)

    def cancel(self, service: Service, application_id: str, execution_id: str) -> Execution:
        """Cancel a pending or running execution; a final one is left as it is."""
        execution = self.execution(service, application_id, execution_id)
        if not execution.is_final and not self.runner.cancel(execution.id):
            self.store.mark_final(execution.id, "CANCELLED", utc_now())
        return self.execution(service, application_id, execution_id)

    def result(self, service: Service, application_id: str, execution_id: str) -> ResultView:
        """The execution with its result files and JSON output (when it is an object)."""
        execution = self.execution(service, application_id, execution_id)
        out = execution.workdir / "out"
        files = (
            sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
            if out.is_dir()
            else []
        )
        output = None
        if execution.is_final and "output.json" in files:
            try:
                loaded = json.loads((out / "output.json").read_text())
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
        execution = self.execution(service, application_id, execution_id)
        path = execution.workdir / "out" / name
        if not plain_file_name(name) or name.startswith(".") or not path.is_file():
            raise NotFound(f"execution {execution_id!r} has no result file {name!r}")
        return path

    def logs(self, service: Service, application_id: str, execution_id: str) -> list[LogLine]:
        """The execution's log, oldest first (a half-written last line is skipped)."""
        execution = self.execution(service, application_id, execution_id)
        path = execution.workdir / "log.jsonl"
        if not path.exists():
            return []
        lines = []
        for raw in path.read_bytes().split(b"\n"):
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            lines.append(LogLine(entry["timestamp"], entry["severity"], entry["message"]))
        return lines


def _append_log(workdir: Path, severity: str, message: str) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    timestamp = utc_now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    line = json.dumps({"timestamp": timestamp, "severity": severity, "message": message}) + "\n"
    with open(workdir / "log.jsonl", "a", encoding="utf-8") as file:
        file.write(line)
