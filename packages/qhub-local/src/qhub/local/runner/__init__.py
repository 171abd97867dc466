"""Runs service workspaces: one OS process per execution, forked from a warm fork server.

The Hub calls :meth:`WorkspaceRunner.submit` and hears back through callbacks (on the
runner's reader thread). Each execution gets its own process group, working directory
(``out/`` = result files, ``log.jsonl`` = its log) and environment; nothing is shared with
the Hub process or other executions. ``request.json`` in the working directory holds the
request body; data pools granted to the run are linked under ``datapool/<parameter>``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

__all__ = ["RunOutcome", "RunSpec", "WorkspaceRunner"]

KILL_GRACE_SECONDS = 2.0


@dataclass(frozen=True)
class RunSpec:
    """One execution to run.

    Attributes:
        execution_id: the execution's id.
        workspace: the service workspace (contains ``src/program.py``).
        workdir: a fresh directory the runner owns for this execution.
        request: the JSON object the user posted.
        env: extra environment variables for the execution's process.
        entrypoint: ``module:function`` to call.
    """

    execution_id: str
    workspace: Path
    workdir: Path
    request: dict[str, Any]
    env: Mapping[str, str] = field(default_factory=dict)
    entrypoint: str = "src.program:run"


@dataclass(frozen=True)
class RunOutcome:
    """How an execution ended."""

    execution_id: str
    status: Literal["SUCCEEDED", "FAILED", "CANCELLED"]
    exit_code: int | None
    ended_at: dt.datetime


StartCallback = Callable[[str, dt.datetime], None]
ExitCallback = Callable[[RunOutcome], None]


@dataclass
class _Run:
    spec: RunSpec
    on_start: StartCallback
    on_exit: ExitCallback
    pid: int | None = None
    cancelled: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _prepare(spec: RunSpec) -> None:
    """Lay out the working directory: the request, and the output folder."""
    (spec.workdir / "out").mkdir(parents=True, exist_ok=True)
    (spec.workdir / "request.json").write_text(json.dumps(spec.request))


class WorkspaceRunner:
    """Queues and runs executions, at most ``max_parallel`` at once."""

    def __init__(self, *, max_parallel: int = 32) -> None:
        self._max_parallel = max_parallel
        self._lock = threading.RLock()
        self._queue: deque[_Run] = deque()
        self._running: dict[str, _Run] = {}
        self._zygote: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._closed = False

    # -- public ----------------------------------------------------------------------------

    def submit(self, spec: RunSpec, *, on_start: StartCallback, on_exit: ExitCallback) -> None:
        """Queue a run; callbacks report its start and (exactly once) its end."""
        _prepare(spec)
        with self._lock:
            if self._closed:
                raise RuntimeError("the runner is closed")
            self._queue.append(_Run(spec, on_start, on_exit))
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
                    self._signal(run.pid, signal.SIGKILL)
            zygote = self._zygote
        for run in queued:
            run.on_exit(RunOutcome(run.spec.execution_id, "CANCELLED", None, _now()))
        if zygote is not None:
            assert zygote.stdin is not None
            assert zygote.stdout is not None
            with contextlib.suppress(OSError):
                zygote.stdin.close()
            try:
                zygote.wait(timeout)
            except subprocess.TimeoutExpired:
                zygote.kill()
                zygote.wait()
            if self._reader is not None:
                self._reader.join(timeout)
            zygote.stdout.close()
        with self._lock:
            leftover = list(self._running.values())
            self._running.clear()
        for run in leftover:
            run.on_exit(RunOutcome(run.spec.execution_id, "CANCELLED", None, _now()))

    # -- internals -------------------------------------------------------------------------

    def _pump(self) -> None:
        while self._queue and len(self._running) < self._max_parallel:
            run = self._queue.popleft()
            self._running[run.spec.execution_id] = run
            command = {
                "id": run.spec.execution_id,
                "workspace": str(run.spec.workspace),
                "workdir": str(run.spec.workdir),
                "entrypoint": run.spec.entrypoint,
                "env": {
                    **run.spec.env,
                    "WORKSPACE": str(run.spec.workspace),
                    "OUTPUT_DIRECTORY": str(run.spec.workdir / "out"),
                    "DATAPOOL_DIRECTORY": str(run.spec.workdir / "datapool"),
                },
            }
            stdin = self._ensure_zygote().stdin
            assert stdin is not None
            stdin.write((json.dumps(command) + "\n").encode())
            stdin.flush()

    def _ensure_zygote(self) -> subprocess.Popen[bytes]:
        if self._zygote is None or self._zygote.poll() is not None:
            self._zygote = subprocess.Popen(
                [sys.executable, "-m", "qhub.local.runner._zygote"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
            )
            assert self._zygote.stdout is not None
            threading.Thread(
                target=self._read_events,
                args=(self._zygote, self._zygote.stdout),
                daemon=True,
                name="qhub-runner-events",
            ).start()
        return self._zygote

    def _read_events(self, zygote: subprocess.Popen[bytes], events: IO[bytes]) -> None:
        for line in events:
            event = json.loads(line)
            if event["event"] == "started":
                self._started(event["id"], event["pid"])
            else:
                self._exited(event["id"], event["code"])
        # The fork server is gone: whatever it was running is lost.
        with self._lock:
            if self._zygote is zygote:
                lost = list(self._running.values())
                self._running.clear()
                self._zygote = None
                self._release(zygote)
            else:
                lost = []
        for run in lost:
            status: Literal["FAILED", "CANCELLED"] = "CANCELLED" if run.cancelled else "FAILED"
            run.on_exit(RunOutcome(run.spec.execution_id, status, None, _now()))
        with self._lock:
            if not self._closed and self._queue:
                self._pump()

    @staticmethod
    def _release(zygote: subprocess.Popen[bytes]) -> None:
        """Close the pipes of a dead fork server and reap it."""
        assert zygote.stdin is not None
        assert zygote.stdout is not None
        with contextlib.suppress(OSError):
            zygote.stdin.close()
        zygote.stdout.close()
        zygote.wait()

    def _started(self, execution_id: str, pid: int) -> None:
        with self._lock:
            run = self._running.get(execution_id)
            if run is None:
                return
            run.pid = pid
            if run.cancelled:
                self._kill(pid)
                return
        run.on_start(execution_id, _now())

    def _exited(self, execution_id: str, code: int) -> None:
        with self._lock:
            run = self._running.pop(execution_id, None)
            if not self._closed:
                self._pump()
        if run is None:
            return
        status: Literal["SUCCEEDED", "FAILED", "CANCELLED"]
        status = "CANCELLED" if run.cancelled else ("SUCCEEDED" if code == 0 else "FAILED")
        run.on_exit(RunOutcome(execution_id, status, code, _now()))

    def _kill(self, pid: int) -> None:
        self._signal(pid, signal.SIGTERM)
        timer = threading.Timer(KILL_GRACE_SECONDS, self._signal, args=(pid, signal.SIGKILL))
        timer.daemon = True
        timer.start()

    @staticmethod
    def _signal(pid: int, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signum)
