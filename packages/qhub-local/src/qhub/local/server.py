"""``LocalHub``: a local Kipu Quantum Hub on a background thread (port 0 by default).

>>> with LocalHub(data_dir) as hub:                     # doctest: +SKIP
...     client = HubServiceClient(hub.connection.services["quickstart"], ...)
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from .domain import Hub, Service
from .domain.quantum import JobLifecycle, JobLimits
from .http import create_app
from .http.app import DEFAULT_MAX_BODY_BYTES
from .http.contract import validation_requested
from .http.openapi import spec_dir

__all__ = ["EXAMPLE_WORKSPACE", "Connection", "LocalHub", "LocalUser"]

#: The bundled example service, registered as ``quickstart`` unless disabled.
EXAMPLE_WORKSPACE = Path(__file__).resolve().parent / "examples" / "quickstart"


@dataclass(frozen=True)
class Connection:
    """Everything a client needs to reach a running local Hub (also in ``connection.json``)."""

    base_url: str
    token_endpoint: str
    quantum_url: str
    platform_url: str
    user_url: str
    services: dict[str, str]
    application: dict[str, str]
    personal_access_token: str
    organization_id: str
    datapools: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``connection.json`` object."""
        return asdict(self)

    def __repr__(self) -> str:
        return f"Connection(base_url={self.base_url!r}, services={self.services!r})"


@dataclass(frozen=True)
class LocalUser:
    """Another user of the local Hub: a personal access token for its own organization."""

    personal_access_token: str = field(repr=False)
    organization_id: str


def _write_private_json(path: Path, data: dict[str, Any]) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".connection-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump(data, file, indent=2)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class LocalHub:
    """Runs a local Hub: token endpoint, service gateway, Platform grants.

    Args:
        data_dir: where state lives (SQLite, executions, data pools, connection.json).
        services: gateway name → service workspace directory.
        host / port: where to listen (port 0 picks a free port).
        example: also register the bundled ``quickstart`` example service.
        anonymous: accept any bearer token at the gateway.
        token_ttl: gateway token lifetime in seconds.
        service_python: the interpreter every service workspace runs in (None: a
            workspace's own ``.venv/bin/python`` when it has one, else the Hub's).
        max_body_bytes: largest request body accepted.
        validate_responses: check every response against our spec and answer a departure
            with a 500 naming it (for tests; see ``qhub.local.http.contract``). None: as the
            environment variable ``QHUB_LOCAL_VALIDATE_RESPONSES`` says (off when unset).

    Raises:
        SpecUnavailable: response validation is on but the spec documents can't be found.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        services: dict[str, str | os.PathLike[str]] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        example: bool = True,
        anonymous: bool = False,
        token_ttl: float = 3600.0,
        service_python: str | os.PathLike[str] | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        validate_responses: bool | None = None,
    ) -> None:
        self.validate_responses = (
            validation_requested() if validate_responses is None else validate_responses
        )
        if self.validate_responses:
            spec_dir()  # no spec to check against: fail here, before anything is opened
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.port = port
        self.hub = Hub(
            self.data_dir,
            token_ttl=token_ttl,
            anonymous=anonymous,
            service_python=None if service_python is None else Path(service_python),
        )
        all_services: dict[str, str | os.PathLike[str]] = (
            {"quickstart": EXAMPLE_WORKSPACE} if example else {}
        )
        all_services.update(services or {})
        #: The workspaces served from the start (what :meth:`warm_up` prepares for).
        self._workspaces = [Path(workspace).resolve() for workspace in all_services.values()]
        try:
            for name, workspace in all_services.items():
                self.hub.catalog.register(Service(name, Path(workspace).resolve()))
        except BaseException:
            self.hub.close()
            raise
        self._max_body_bytes = max_body_bytes
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.connection: Connection | None = None
        # Held while ``connection`` is read, changed and written to connection.json (from a
        # request's thread or a build's too), so the file always ends up as the last change.
        self._connection_lock = threading.RLock()

    @property
    def asgi_app(self) -> Any:
        """The ASGI app, for in-process use with ``httpx.ASGITransport``."""
        return create_app(
            self.hub,
            max_body_bytes=self._max_body_bytes,
            validate_responses=self.validate_responses,
        )

    def start(self, timeout: float = 15.0) -> Connection:
        """Serve on a background thread; write ``connection.json``; return the connection."""
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only when
        # the socket says it is TCP; without it every response waited ~40 ms (Nagle + delayed ACK).
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.asgi_app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="qhub-local-server",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local Hub's HTTP server did not start")
            time.sleep(0.01)
        # Told before the connection is made: a build going live meanwhile is either seen by
        # _connection or, waiting for the lock, rewrites the file after it.
        self.hub.managed_services.on_served_changed = self._served_services_changed
        self.hub.datapools.on_pools_changed = self._pools_changed
        with self._connection_lock:
            self.connection = self._connection(port)
            self.hub.executions.quantum_url = self.connection.quantum_url
            _write_private_json(self.data_dir / "connection.json", self.connection.to_json())
        self.hub.users.on_default_token = self._default_token_replaced
        return self.connection

    def _default_token_replaced(self, organization_id: str, token: str) -> None:
        """Keep ``connection`` and ``connection.json`` current when the default user
        regenerates their token through the User API."""
        with self._connection_lock:
            if self.connection is not None and organization_id == self.connection.organization_id:
                self._rewrite_connection(personal_access_token=token)

    def _served_services_changed(self) -> None:
        """Keep ``connection.services`` and ``connection.json`` current when a managed
        service starts being served (a build went live) or stops (it was deleted)."""
        with self._connection_lock:
            if self.connection is not None:
                self._rewrite_connection(services=self._served_services(self.connection.base_url))

    def _pools_changed(self) -> None:
        """Keep ``connection.datapools`` and ``connection.json`` current when a data pool is
        created, renamed or deleted."""
        with self._connection_lock:
            if self.connection is not None:
                self._rewrite_connection(datapools=self._pools(self.connection.organization_id))

    def _rewrite_connection(self, **changes: Any) -> None:
        """Change fields of ``connection`` and rewrite ``connection.json`` whole, if that
        changes anything (the connection lock held; nothing before the Hub has started)."""
        connection = self.connection
        if connection is None:
            return
        changed = replace(connection, **changes)
        if changed != connection:
            self.connection = changed
            _write_private_json(self.data_dir / "connection.json", changed.to_json())

    def _pools(self, organization_id: str) -> dict[str, str]:
        """The organization's own data pools: name → id (names are unique in one)."""
        return {p.name: p.id for p in self.hub.datapools.of_organization(organization_id)}

    def _served_services(self, base_url: str) -> dict[str, str]:
        """Every service the gateway serves: name → gateway URL."""
        return {s.name: base_url + s.path for s in self.hub.catalog.all()}

    def _connection(self, port: int) -> Connection:
        previous_file = self.data_dir / "connection.json"
        previous = None
        if previous_file.exists():
            try:
                previous = json.loads(previous_file.read_text())
            except ValueError:
                previous = None
        credentials = self.hub.bootstrap(previous)
        host = f"[{self.host}]" if ":" in self.host else self.host
        base = f"http://{host}:{port}"
        return Connection(
            base_url=base,
            token_endpoint=f"{base}/gateway/token",
            quantum_url=f"{base}/quantum",
            platform_url=f"{base}/qc-catalog",
            user_url=f"{base}/user-service",
            services=self._served_services(base),
            application={
                "id": credentials.application_id,
                "access_key_id": credentials.access_key_id,
                "secret_access_key": credentials.secret_access_key,
            },
            personal_access_token=credentials.personal_access_token,
            organization_id=credentials.organization_id,
            datapools=self._pools(credentials.organization_id),
        )

    @property
    def job_lifecycle(self) -> JobLifecycle:
        """How quantum jobs proceed; set a :class:`JobLifecycle` in tests to pin it (final in
        the submit response, RUNNING for N polls or T seconds, or ending ABORTED/DETACHED/
        FAILED)."""
        return self.hub.quantum.lifecycle

    @job_lifecycle.setter
    def job_lifecycle(self, lifecycle: JobLifecycle) -> None:
        self.hub.quantum.lifecycle = lifecycle

    @property
    def job_limits(self) -> JobLimits:
        """What one quantum job may ask of this Hub: instructions (unrolled), classical bits,
        the time and memory its parse may take, and the time its simulation may take (a
        backend's qubits and shots are the backend's own). Set a :class:`JobLimits`
        (``qhub.local.testing``) to change them."""
        return self.hub.quantum.limits

    @job_limits.setter
    def job_limits(self, limits: JobLimits) -> None:
        self.hub.quantum.limits = limits

    def add_user(self, organization_id: str | None = None) -> LocalUser:
        """Issue a personal access token for another organization (a new one unless given),
        to test what one user's code can and can't see of another's. It survives restarts;
        ``connection.json`` keeps only the default user's."""
        token, organization = self.hub.add_user(organization_id)
        return LocalUser(token, organization)

    def start_warming(self) -> None:
        """Start what :meth:`warm_up` waits for, without waiting (``qhub-local serve``
        calls it before :meth:`start`, so these start while the HTTP server does)."""
        self.hub.runner.start_fork_servers(self._workspaces)
        self.hub.quantum.start_warming()

    def warm_up(self) -> None:
        """Start the Hub's simulators and circuit parser, and the fork servers the services
        it was started with run in, now (unless :meth:`start_warming` did), and wait until
        they are ready, so neither the first job nor the first execution pays for a start
        (``qhub-local serve`` does this before it says ready)."""
        self.start_warming()
        self.hub.quantum.warm_up()
        self.hub.runner.wait_until_warm()

    def stop(self) -> None:
        """Stop serving, stop running executions, close the store. Idempotent."""
        if self._server is not None and self._thread is not None:
            self.hub.changes.close()  # held reads answer now, so none holds the shutdown up
            self._server.should_exit = True
            self._thread.join(15)
            self._server = None
        self.hub.close()

    def __enter__(self) -> LocalHub:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.connection.base_url if self.connection else "not started"
        return f"LocalHub({where}, data_dir={str(self.data_dir)!r})"
