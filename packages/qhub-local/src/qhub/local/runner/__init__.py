"""Runs service workspaces: one process tree per execution, forked from a warm fork server.

The Hub calls :meth:`WorkspaceRunner.submit` and hears back through callbacks (on the
runner's reader threads). Each execution gets its own session, working directory (``out/`` =
result files, ``log.jsonl`` = its log, ``request.json`` = its request without ``$secrets``)
and environment. Data pools granted to the run appear under ``datapool/<parameter>``
(:class:`Mount`).

**Interpreters.** An execution runs in :attr:`RunSpec.python` if given, else the runner's
``python``, else the workspace's own ``.venv/bin/python`` if it has one, else the Hub's own
interpreter. Each interpreter gets one warm fork server. Any other than the Hub's starts it
by file path, with ``-I`` and without the Hub's ``PYTHONPATH`` or ``VIRTUAL_ENV``: a
workspace's venv needs nothing of the Hub's, and its program sees only the venv's packages.

**Isolation** (:attr:`WorkspaceRunner.isolation`): the strongest mode the machine allows.

* ``namespaces``: user, mount, PID and IPC namespaces (see ``_sandbox.py``). The execution
  runs as an unprivileged user (``nobody`` when the Hub runs as root) on a read-only view of
  the machine where the Hub's ``private_paths`` (its data directory) and every other
  execution are hidden; it sees its own ``out/`` (writable), its data pools, the workspace
  and the interpreter (read-only), and a private ``/tmp`` (``HOME`` and ``TMPDIR`` point
  there). Cancelling kills everything it started, ``setsid`` or not. The network is shared
  (executions call the Hub's APIs).
* ``rlimits-only`` (no user namespaces, e.g. in some containers): the execution runs as the
  Hub's user with resource limits only; it can read what the Hub can, and a process that
  leaves its process group survives a cancel.

**Limits** (:class:`Limits`): run time, memory, processes and output size; an execution over
one ends FAILED with an ERROR line in its log naming the limit.

**Modules.** Hub side: this package (:class:`WorkspaceRunner`: the queue, cancelling,
closing), ``_spec.py`` (what an execution is and how it ended), ``_isolation.py`` (which
mode this machine allows), ``_fork_servers.py`` (one warm fork server per interpreter),
``_events.py`` (what a fork server reports), ``_results.py`` (reading result files safely).
In the fork server's interpreter, standard library only: ``_zygote.py`` (the fork server),
``_supervisor.py`` (one execution's processes and limits), ``_sandbox.py`` (namespaces),
``_child.py`` (the program's process) and ``_binding.py`` (request → arguments).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ._events import event_reader
from ._fork_servers import (
    ForkServer,
    launch_fork_server,
    release,
    send_command,
    stop_fork_servers,
)
from ._isolation import Isolation

# Re-exported outside __all__: ``qhub-local serve`` starts the probe early (cli/serve.py).
from ._isolation import detect_isolation as detect_isolation
from ._results import read_result_file, result_files, safe_result_path
from ._spec import ExitCallback, Limits, Mount, RunOutcome, RunSpec, StartCallback

__all__ = [
    "Isolation",
    "Limits",
    "Mount",
    "RunOutcome",
    "RunSpec",
    "WorkspaceRunner",
    "read_result_file",
    "result_files",
    "safe_result_path",
]

KILL_GRACE_SECONDS = 2.0

logger = logging.getLogger(__name__)


@dataclass
class _Run:
    spec: RunSpec
    python: Path
    on_start: StartCallback
    on_exit: ExitCallback
    pid: int | None = None
    cancelled: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _report(callback: Callable[..., None], *args: Any) -> None:
    """Call a start or exit callback; what it raises is logged, never thrown at the thread
    that reads the fork server's events (it must go on for every other execution)."""
    try:
        callback(*args)
    except Exception as error:
        logger.error(
            "an execution's %s callback failed (%s: %s); the runner goes on",
            "start" if len(args) == 2 else "exit",
            type(error).__name__,
            error,
        )


def _private_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """The request as kept on disk: ``$secrets`` named but never their values."""
    kept = dict(request)
    secrets = kept.get("$secrets")
    if isinstance(secrets, dict):
        kept["$secrets"] = dict.fromkeys(secrets, "[redacted]")
    elif "$secrets" in kept:
        kept["$secrets"] = "[redacted]"
    return kept


class WorkspaceRunner:
    """Queues and runs executions, at most ``max_parallel`` at once.

    Args:
        max_parallel: executions running at once; the rest wait in order.
        python: the interpreter for every execution that doesn't name one in its
            :class:`RunSpec` (overrides workspaces' own ``.venv``).
        isolation: ``auto`` (the strongest the machine allows), or insist on one mode
            (``namespaces`` raises RuntimeError where it is unavailable).
        private_paths: directories executions must never see, such as the Hub's data
            directory (in ``namespaces`` mode).
        limits: the default :class:`Limits` of an execution.

    Attributes:
        isolation: the :class:`Isolation` executions get (logged at start).
    """

    def __init__(
        self,
        *,
        max_parallel: int = 32,
        python: Path | None = None,
        isolation: Literal["auto", "namespaces", "rlimits-only"] = "auto",
        private_paths: Sequence[Path] = (),
        limits: Limits | None = None,
    ) -> None:
        self._max_parallel = max_parallel
        self._python = python
        self._private_paths = [str(Path(p).resolve()) for p in private_paths]
        self._limits = limits or Limits()
        self.isolation = detect_isolation(isolation)
        log = logger.info if self.isolation.mode == "namespaces" else logger.warning
        log("service executions are isolated by %s", self.isolation)
        self._lock = threading.RLock()
        self._queue: deque[_Run] = deque()
        self._running: dict[str, _Run] = {}
        self._servers: dict[Path, ForkServer] = {}
        self._readers: list[threading.Thread] = []
        self._closed = False

    # -- public ----------------------------------------------------------------------------

    def interpreter_for(self, spec: RunSpec) -> Path:
        """The interpreter ``spec`` runs in: its own ``python``, the runner's, the
        workspace's ``.venv``, or the Hub's, in that order."""
        if spec.python is not None:
            return Path(spec.python).absolute()
        return self.workspace_interpreter(spec.workspace)

    def workspace_interpreter(self, workspace: Path) -> Path:
        """The interpreter a workspace's executions run in when their :class:`RunSpec`
        names none: the runner's, the workspace's ``.venv``, or the Hub's."""
        if self._python is not None:
            return Path(self._python).absolute()
        venv = workspace / ".venv" / "bin" / "python"
        if venv.exists():
            return venv.absolute()
        return Path(sys.executable)

    def start_fork_servers(self, workspaces: Iterable[Path]) -> None:
        """Start the fork server of each interpreter these workspaces' executions run in,
        without waiting (:meth:`wait_until_warm` waits), so their first execution costs a
        ``fork()`` rather than starting an interpreter. Does nothing once closed."""
        with self._lock:
            if self._closed:
                return
            for python in {self.workspace_interpreter(Path(w)) for w in workspaces}:
                try:
                    self._server_for(python)
                except OSError as error:  # its executions will fail, saying so
                    logger.warning("cannot start a fork server in %s: %s", python, error)

    def wait_until_warm(self, timeout: float = 30.0) -> bool:
        """Wait until every fork server started so far has warmed up (or died); False if
        ``timeout`` seconds passed first."""
        with self._lock:
            servers = list(self._servers.values())
        deadline = time.monotonic() + timeout
        return all(s.ready.wait(max(0.0, deadline - time.monotonic())) for s in servers)

    def submit(self, spec: RunSpec, *, on_start: StartCallback, on_exit: ExitCallback) -> None:
        """Queue a run; callbacks report its start and (exactly once) its end.

        Raises:
            RuntimeError: the runner is closed.
            ValueError: a mount's target is outside the execution's working directory.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the runner is closed")
        self._prepare(spec)
        with self._lock:
            if self._closed:
                raise RuntimeError("the runner is closed")
            self._queue.append(_Run(spec, self.interpreter_for(spec), on_start, on_exit))
            self._pump()

    def cancel(self, execution_id: str) -> bool:
        """Stop a queued or running execution; False if it is unknown or already over."""
        with self._lock:
            for run in self._queue:
                if run.spec.execution_id == execution_id:
                    self._queue.remove(run)
                    break
            else:
                run = self._running.get(execution_id)  # type: ignore[assignment]
                if run is None:
                    return False
                run.cancelled = True
                if run.pid is not None:
                    self._kill(run.pid)
                return True
        run.on_exit(RunOutcome(execution_id, "CANCELLED", None, _now()))
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Stop everything: running executions are killed and end CANCELLED."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            queued = list(self._queue)
            self._queue.clear()
            for run in self._running.values():
                run.cancelled = True
                if run.pid is not None:
                    self._signal(run.pid, signal.SIGTERM)
            servers = list(self._servers.values())
        for run in queued:
            _report(run.on_exit, RunOutcome(run.spec.execution_id, "CANCELLED", None, _now()))
        stop_fork_servers(servers, timeout)
        for reader in self._readers:
            reader.join(timeout)
        with self._lock:
            leftover = list(self._running.values())
            self._running.clear()
        for run in leftover:
            _report(run.on_exit, RunOutcome(run.spec.execution_id, "CANCELLED", None, _now()))

    # -- internals -------------------------------------------------------------------------

    def _prepare(self, spec: RunSpec) -> None:
        """Lay out the working directory: the output folder, the request, the mount points."""
        spec.workdir.mkdir(parents=True, exist_ok=True)
        spec.workdir.chmod(0o700)
        (spec.workdir / "out").mkdir(exist_ok=True)
        fd = os.open(spec.workdir / "request.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump(_private_request(spec.request), file)
        for mount in spec.mounts:
            target = Path(os.path.abspath(mount.target))
            if not target.is_relative_to(Path(os.path.abspath(spec.workdir))):
                raise ValueError(f"mount target {target} is outside {spec.workdir}")
            if self.isolation.mode == "rlimits-only":
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(mount.source, target_is_directory=True)

    def _command(self, spec: RunSpec) -> dict[str, Any]:
        """What the fork server needs to run ``spec``: everything, the request included."""
        secrets = spec.request.get("$secrets")
        limits = spec.limits or self._limits
        return {
            "id": spec.execution_id,
            "workspace": str(spec.workspace.resolve()),
            "workdir": str(spec.workdir.resolve()),
            "entrypoint": spec.entrypoint,
            "env": dict(spec.env),
            "request": {k: v for k, v in spec.request.items() if k != "$secrets"},
            "secrets": secrets if isinstance(secrets, dict) else {},
            "limits": {
                "time_seconds": limits.time_seconds,
                "memory_bytes": limits.memory_bytes,
                "processes": limits.processes,
                "output_bytes": limits.output_bytes,
            },
            "mounts": [
                {
                    "source": str(Path(m.source).resolve()),
                    "target": os.path.abspath(m.target),
                    "read_only": m.read_only,
                }
                for m in spec.mounts
            ],
            "private_paths": self._private_paths,
        }

    def _pump(self) -> None:
        while self._queue and len(self._running) < self._max_parallel:
            run = self._queue.popleft()
            self._running[run.spec.execution_id] = run
            send_command(self._server_for(run.python), self._command(run.spec))

    def _server_for(self, python: Path) -> ForkServer:
        server = self._servers.get(python)
        if server is not None and server.process.poll() is None:
            return server
        server = launch_fork_server(python, self.isolation)
        self._servers[python] = server
        reader = event_reader(
            server,
            on_started=self._started,
            on_exited=self._exited,
            on_gone=self._fork_server_gone,
        )
        self._readers.append(reader)
        reader.start()
        return server

    def _fork_server_gone(self, server: ForkServer) -> None:
        """A fork server's events ended: whatever it was running is lost."""
        with self._lock:
            lost = [r for r in self._running.values() if r.python == server.python]
            if self._servers.get(server.python) is server:
                for run in lost:
                    del self._running[run.spec.execution_id]
                del self._servers[server.python]
            else:
                lost = []
            release(server.process)
        for run in lost:
            status: Literal["FAILED", "CANCELLED"] = "CANCELLED" if run.cancelled else "FAILED"
            _report(run.on_exit, RunOutcome(run.spec.execution_id, status, None, _now()))
        with self._lock:
            if not self._closed and self._queue:
                self._pump()

    def _started(self, execution_id: str, pid: int) -> None:
        with self._lock:
            run = self._running.get(execution_id)
            if run is None:
                return
            run.pid = pid
            if run.cancelled:
                self._kill(pid)
                return
        _report(run.on_start, execution_id, _now())

    def _exited(self, execution_id: str, code: int) -> None:
        with self._lock:
            run = self._running.pop(execution_id, None)
            if not self._closed:
                self._pump()
        if run is None:
            return
        status: Literal["SUCCEEDED", "FAILED", "CANCELLED"]
        status = "CANCELLED" if run.cancelled else ("SUCCEEDED" if code == 0 else "FAILED")
        _report(run.on_exit, RunOutcome(execution_id, status, code, _now()))

    def _kill(self, pid: int) -> None:
        self._signal(pid, signal.SIGTERM)
        timer = threading.Timer(KILL_GRACE_SECONDS, self._signal, args=(pid, signal.SIGKILL))
        timer.daemon = True
        timer.start()

    @staticmethod
    def _signal(pid: int, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signum)
