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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import grp
import json
import logging
import os
import pwd
import signal
import stat
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

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
HERE = Path(__file__).resolve().parent
#: Variables that would make a workspace's interpreter load the Hub's packages.
HUB_PYTHON_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")

logger = logging.getLogger(__name__)

IsolationMode = Literal["namespaces", "rlimits-only"]


@dataclass(frozen=True)
class Limits:
    """What one execution may use; ``None`` means no limit.

    Attributes:
        time_seconds: wall-clock run time.
        memory_bytes: address space of each of its processes (``RLIMIT_AS``); also the size
            of its private ``/tmp`` and ``/dev/shm``.
        processes: processes and threads it may run at once (``namespaces`` mode only: without
            a user namespace of its own the kernel counts all of the Hub user's processes).
        output_bytes: total size of its result files, and of any one file it writes.
    """

    time_seconds: float | None = 24 * 3600.0
    memory_bytes: int | None = 8 << 30
    processes: int | None = 512
    output_bytes: int | None = 8 << 30


@dataclass(frozen=True)
class Mount:
    """A directory shown to an execution (data pools).

    Attributes:
        source: the directory on the Hub's machine.
        target: where the execution sees it; inside its working directory.
        read_only: whether the execution may only read it. Enforced in ``namespaces`` mode;
            in ``rlimits-only`` mode the target is a symbolic link to the source.
    """

    source: Path
    target: Path
    read_only: bool = True


@dataclass(frozen=True)
class RunSpec:
    """One execution to run.

    Attributes:
        execution_id: the execution's id.
        workspace: the service workspace (contains ``src/program.py``).
        workdir: a fresh directory the runner owns for this execution.
        request: the JSON object the user posted; its ``$secrets`` reach the program only in
            memory (arguments and ``SECRET_<NAME>`` variables), never on disk.
        env: extra environment variables for the execution's process.
        entrypoint: ``module:function`` to call.
        python: the interpreter to run it in (default: see the module's docstring).
        mounts: directories to show it, such as its data pools.
        limits: what it may use (default: the runner's).
    """

    execution_id: str
    workspace: Path
    workdir: Path
    request: dict[str, Any]
    env: Mapping[str, str] = field(default_factory=dict)
    entrypoint: str = "src.program:run"
    python: Path | None = None
    mounts: Sequence[Mount] = ()
    limits: Limits | None = None


@dataclass(frozen=True)
class RunOutcome:
    """How an execution ended."""

    execution_id: str
    status: Literal["SUCCEEDED", "FAILED", "CANCELLED"]
    exit_code: int | None
    ended_at: dt.datetime


@dataclass(frozen=True)
class Isolation:
    """How executions are kept from the Hub and from each other.

    Attributes:
        mode: ``namespaces`` or ``rlimits-only`` (see the module's docstring).
        uid: the host user executions run as.
        gid: the host group executions run as.
        detail: what the mode amounts to here, or why namespaces are not available.
    """

    mode: IsolationMode
    uid: int
    gid: int
    detail: str

    def __str__(self) -> str:
        return f"{self.mode} ({self.detail})"


StartCallback = Callable[[str, dt.datetime], None]
ExitCallback = Callable[[RunOutcome], None]


def result_files(outdir: Path) -> list[str]:
    """The names of an execution's result files, sorted: the regular files at the top of
    ``outdir``, not hidden (``.``-names) and not symbolic links (which could point anywhere
    on the Hub's machine)."""
    try:
        names = os.listdir(outdir)
    except OSError:
        return []
    return sorted(name for name in names if safe_result_path(outdir, name) is not None)


def safe_result_path(outdir: Path, name: str) -> Path | None:
    """``outdir / name`` if that is really one of the execution's result files, else None.

    Really means: ``name`` is a plain, non-hidden file name; neither ``outdir`` nor the file
    is a symbolic link; the file is a regular file. Call it wherever a result file is
    listed, read or served.
    """
    if not name or name.startswith(".") or any(c in name for c in "/\\\0"):
        return None
    path = outdir / name
    try:
        if not stat.S_ISDIR(os.lstat(outdir).st_mode):
            return None
        return path if stat.S_ISREG(os.lstat(path).st_mode) else None
    except OSError:
        return None


def read_result_file(outdir: Path, name: str) -> bytes | None:
    """The contents of one result file, or None if it isn't one (see :func:`safe_result_path`).

    Opened with ``O_NOFOLLOW``, so a program swapping the file for a symbolic link between a
    check and the read gets nothing.
    """
    if safe_result_path(outdir, name) is None:
        return None
    try:
        fd = os.open(outdir / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return file.read()


# -- isolation --------------------------------------------------------------------------------

_probe_lock = threading.Lock()
_probed: dict[tuple[int, int], str] = {}


def _sandbox_ids() -> tuple[int, int]:
    """The host ids executions run as: ``nobody`` for a root Hub, else the Hub's own."""
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    try:
        uid = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        uid = 65534
    for group in ("nogroup", "nobody"):
        with contextlib.suppress(KeyError):
            return uid, grp.getgrnam(group).gr_gid
    return uid, 65534


def _namespaces_unavailable(uid: int, gid: int) -> str:
    """Why this machine can't run executions in namespaces (``""``: it can); asked once."""
    with _probe_lock:
        if (uid, gid) not in _probed:
            command = [sys.executable, "-I", str(HERE / "_sandbox.py"), "probe", str(uid), str(gid)]
            try:
                done = subprocess.run(command, capture_output=True, timeout=30, check=False)
                _probed[uid, gid] = json.loads(done.stdout)["reason"]
            except (OSError, ValueError, KeyError, subprocess.TimeoutExpired) as error:
                _probed[uid, gid] = f"the probe failed: {error}"
        return _probed[uid, gid]


def detect_isolation(requested: Literal["auto", "namespaces", "rlimits-only"]) -> Isolation:
    """The isolation executions get here.

    Raises:
        RuntimeError: ``namespaces`` was requested and the machine doesn't allow it.
    """
    uid, gid = _sandbox_ids()
    if requested == "rlimits-only" or sys.platform != "linux":
        why = "as requested" if requested == "rlimits-only" else f"not on Linux ({sys.platform})"
        return Isolation("rlimits-only", os.geteuid(), os.getegid(), why)
    reason = _namespaces_unavailable(uid, gid)
    if not reason:
        who = "nobody" if uid != os.geteuid() else "the Hub's user"
        return Isolation(
            "namespaces", uid, gid, f"user, mount, PID and IPC namespaces; as {who}, uid {uid}"
        )
    if requested == "namespaces":
        raise RuntimeError(f"executions can't run in namespaces here: {reason}")
    return Isolation(
        "rlimits-only", os.geteuid(), os.getegid(), f"namespaces unavailable: {reason}"
    )


# -- the runner -------------------------------------------------------------------------------


@dataclass
class _Run:
    spec: RunSpec
    python: Path
    on_start: StartCallback
    on_exit: ExitCallback
    pid: int | None = None
    cancelled: bool = False


@dataclass
class _ForkServer:
    python: Path
    process: subprocess.Popen[bytes]
    #: Set once it has warmed up (or died).
    ready: threading.Event = field(default_factory=threading.Event)


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
        self._servers: dict[Path, _ForkServer] = {}
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
        for server in servers:
            assert server.process.stdin is not None
            with contextlib.suppress(OSError):
                server.process.stdin.close()
        for server in servers:
            try:
                server.process.wait(timeout)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
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
            stdin = self._server_for(run.python).process.stdin
            assert stdin is not None
            stdin.write((json.dumps(self._command(run.spec)) + "\n").encode())
            stdin.flush()

    def _server_environment(self, python: Path) -> dict[str, str] | None:
        """The environment of a fork server: the Hub's, minus what would lead a foreign
        interpreter to the Hub's packages, with its own ``bin`` first on ``PATH``."""
        if python == Path(sys.executable):
            return None
        env = {k: v for k, v in os.environ.items() if k not in HUB_PYTHON_VARIABLES}
        hub_bin = os.path.dirname(sys.executable)
        paths = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if p != hub_bin]
        env["PATH"] = os.pathsep.join([str(python.parent), *paths])
        if (python.parent.parent / "pyvenv.cfg").exists():
            env["VIRTUAL_ENV"] = str(python.parent.parent)
        return env

    def _server_for(self, python: Path) -> _ForkServer:
        server = self._servers.get(python)
        if server is not None and server.process.poll() is None:
            return server
        settings = {
            "isolation": self.isolation.mode,
            "uid": self.isolation.uid,
            "gid": self.isolation.gid,
        }
        if python == Path(sys.executable):  # as before: the Hub's environment, PYTHONPATH too
            argv = [str(python), "-m", "qhub.local.runner._zygote", json.dumps(settings)]
        else:
            argv = [str(python), "-I", str(HERE / "_zygote.py"), json.dumps(settings)]
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self._server_environment(python),
            start_new_session=True,
        )
        server = _ForkServer(python, process)
        self._servers[python] = server
        assert process.stdout is not None
        reader = threading.Thread(
            target=self._read_events,
            args=(server, process.stdout),
            daemon=True,
            name="qhub-runner-events",
        )
        self._readers.append(reader)
        reader.start()
        return server

    def _read_events(self, server: _ForkServer, events: IO[bytes]) -> None:
        """The reader thread of one fork server: it lives as long as the fork server, whatever
        a callback raises (each event is handled on its own)."""
        for line in events:
            try:
                event = json.loads(line)
                if event["event"] == "ready":
                    server.ready.set()
                elif event["event"] == "started":
                    self._started(event["id"], event["pid"])
                else:
                    self._exited(event["id"], event["code"])
            except Exception as error:
                logger.error(
                    "a fork server event could not be handled (%s: %s); the runner goes on",
                    type(error).__name__,
                    error,
                )
        server.ready.set()  # nobody waits for a dead one
        # The fork server is gone: whatever it was running is lost.
        with self._lock:
            lost = [r for r in self._running.values() if r.python == server.python]
            if self._servers.get(server.python) is server:
                for run in lost:
                    del self._running[run.spec.execution_id]
                del self._servers[server.python]
            else:
                lost = []
            self._release(server.process)
        for run in lost:
            status: Literal["FAILED", "CANCELLED"] = "CANCELLED" if run.cancelled else "FAILED"
            _report(run.on_exit, RunOutcome(run.spec.execution_id, status, None, _now()))
        with self._lock:
            if not self._closed and self._queue:
                self._pump()

    @staticmethod
    def _release(process: subprocess.Popen[bytes]) -> None:
        """Close the pipes of a dead fork server and reap it."""
        assert process.stdin is not None
        assert process.stdout is not None
        with contextlib.suppress(OSError):
            process.stdin.close()
        process.stdout.close()
        process.wait()

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
