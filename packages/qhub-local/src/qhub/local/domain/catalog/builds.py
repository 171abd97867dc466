"""Builds of managed services, each on a thread of its own.

A build takes the service's uploaded archive and:

1. ``INIT``: unpacks it into a fresh directory (``<root>/<service>/builds/<build>``, with the
   archive's limits checked again while extracting) and checks the workspace
   (:func:`~.workspace.check_workspace`);
2. ``BUILD_IMAGE``: when the workspace declares requirements, makes its venv (``.venv``,
   from the Hub's interpreter, with pip) and installs them there, each step's output going
   into the build log line by line (at most :data:`STEP_TIMEOUT` seconds a step);
3. ``PUSH_IMAGE``: makes it the service's live build, in the transaction that ends the
   build: the gateway runs it from the next execution on.

A failed build ends ``FAILURE`` with an ``ERROR`` line saying why, its directory removed;
the live build (if any) stays in service. After a success the build before is kept on disk
(executions may still run it) and older ones are removed. A Hub that stops during a build
kills its step and leaves it ``WORKING``: :meth:`Builds.recover_interrupted` ends it
``FAILURE`` at the next start, with a log line saying so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from ..clock import utc_now
from ..errors import DomainError, StoreUnavailable
from .archive import ArchiveLimits, extract_archive
from .records import Build, BuildLogLine, BuildStatus, ManagedService, Severity, Validation
from .store import CatalogStore
from .workspace import check_workspace

__all__ = ["MAX_LOG_LINES", "STEP_TIMEOUT", "Builds"]

#: Longest a build step (making the venv, installing requirements) may run, seconds.
STEP_TIMEOUT = 900.0
#: Lines a build's log keeps; the rest of a step's output is counted, not stored.
MAX_LOG_LINES = 5000
MAX_LINE_CHARACTERS = 4000
#: Variables that would lead the build's interpreters to the Hub's own packages.
HUB_PYTHON_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
INTERRUPTED = "The local Hub stopped while this build was running; build the service again."


class _BuildFailed(Exception):
    def __init__(self, message: str, validation: Validation | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.validation = validation


class _Stopped(Exception):
    """The Hub is closing: the build ends without a verdict."""


class Builds:
    """Runs builds in the background.

    Args:
        store: the catalog's tables.
        root: where services' sources and builds live.
        on_live: called (on the build's thread) when a service's build went live.
        limits: what an archive may hold.
        python: the interpreter a workspace's venv is made from.
    """

    def __init__(
        self,
        store: CatalogStore,
        root: Path,
        on_live: Callable[[ManagedService], None],
        limits: ArchiveLimits,
        python: Path | None = None,
    ) -> None:
        self._store = store
        self._root = root
        self._on_live = on_live
        self.limits = limits
        self._python = python or Path(sys.executable)
        self._lock = threading.Lock()
        self._threads: dict[str, threading.Thread] = {}
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._lines: dict[str, int] = {}
        self._closing = False

    def directory(self, service_id: str) -> Path:
        """Where a service's builds are unpacked."""
        return self._root / service_id / "builds"

    def start(self, service: ManagedService, build: Build, source: Path) -> None:
        """Run ``build`` (recorded ``WORKING``) of ``service`` from ``source`` in the
        background."""
        thread = threading.Thread(
            target=self._run,
            args=(service, build, source),
            name=f"qhub-build-{build.id[:8]}",
            daemon=True,
        )
        with self._lock:
            if self._closing:
                return
            self._threads[build.id] = thread
        thread.start()

    def recover_interrupted(self) -> None:
        """End the builds a previous Hub process left working, and remove every build
        directory but the live ones."""
        for build in self._store.working_builds():
            line = BuildLogLine(utc_now(), "ERROR", INTERRUPTED)
            self._store.finish_build(build.id, "FAILURE", utc_now(), None, line)
        for service in self._store.services():
            self._remove_builds(service.id, keep={service.live_build})

    def close(self, timeout: float = 10.0) -> None:
        """Stop every running build (its step killed; it stays ``WORKING`` until the next
        start) and wait for their threads."""
        with self._lock:
            self._closing = True
            processes = list(self._processes.values())
            threads = list(self._threads.values())
        for process in processes:
            _kill(process)
        for thread in threads:
            thread.join(timeout)

    # -- one build -------------------------------------------------------------------------

    def _run(self, service: ManagedService, build: Build, source: Path) -> None:
        workdir = self.directory(service.id) / build.id
        try:
            try:
                self._log(build.id, "INFO", f"Build {build.id} of {service.name!r} started")
                self._steps(service, build, source, workdir)
            except _BuildFailed as failed:
                shutil.rmtree(workdir, ignore_errors=True)
                self._finish(build, "FAILURE", failed.message, failed.validation)
            except (_Stopped, StoreUnavailable):
                raise
            except Exception as error:
                shutil.rmtree(workdir, ignore_errors=True)
                self._finish(build, "FAILURE", f"The build failed unexpectedly: {error!r}")
        except _Stopped:
            return  # the Hub is closing: the next start ends the build FAILURE
        except StoreUnavailable as error:
            # Its log or status could not be stored: it ends FAILURE once the store can say so.
            shutil.rmtree(workdir, ignore_errors=True)
            line = BuildLogLine(utc_now(), "ERROR", f"The build failed: {error.message}")
            self._store.eventually(
                f"build {build.id} FAILURE",
                lambda: self._store.finish_build(build.id, "FAILURE", line.timestamp, None, line),
            )
        finally:
            with self._lock:
                self._threads.pop(build.id, None)
                self._lines.pop(build.id, None)

    def _steps(self, service: ManagedService, build: Build, source: Path, workdir: Path) -> None:
        workdir.parent.mkdir(parents=True, exist_ok=True)
        try:
            unpacked = extract_archive(source, workdir, self.limits)
        except DomainError as refused:
            raise _BuildFailed(refused.message) from None
        self._log(
            build.id,
            "INFO",
            f"Unpacked {unpacked.files} files ({unpacked.total_bytes} bytes uncompressed)",
        )
        check = check_workspace(workdir)
        severity: Severity = "WARNING" if check.validation.state != "SUCCESS" else "INFO"
        for message in check.validation.messages:
            self._log(build.id, severity, f"Workspace check: {message}")
        self._store.set_build_progress(build.id, "INIT", check.root)
        if check.validation.state == "ERROR":
            raise _BuildFailed(
                f"The workspace is not a service workspace: {check.validation.summary}",
                check.validation,
            )
        if check.requirements:
            self._store.set_build_progress(build.id, "BUILD_IMAGE")
            venv = check.root / ".venv"
            self._log(build.id, "INFO", "Making the workspace's venv (.venv)")
            making = [str(self._python), "-m", "venv", str(venv)]
            self._command(build.id, "Making the venv", making, check.root)
            self._log(build.id, "INFO", "Installing the declared requirements")
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", *check.requirements]
            self._command(build.id, "Installing the requirements", pip, check.root)
        else:
            self._log(
                build.id,
                "INFO",
                "No requirements declared: the service runs in the Hub's interpreter",
            )
        self._store.set_build_progress(build.id, "PUSH_IMAGE")
        previous = self._finish(build, "SUCCESS", "The build is live", check.validation)
        self._remove_builds(service.id, keep={build.id, previous})
        self._on_live(service)

    def _finish(
        self,
        build: Build,
        status: BuildStatus,
        message: str,
        validation: Validation | None = None,
    ) -> str | None:
        """End the build (unless the Hub is closing); the build it replaced, if any."""
        with self._lock:
            if self._closing:
                raise _Stopped
        severity: Severity = "INFO" if status == "SUCCESS" else "ERROR"
        line = BuildLogLine(utc_now(), severity, message)
        _, previous = self._store.finish_build(build.id, status, utc_now(), validation, line)
        return previous

    def _remove_builds(self, service_id: str, keep: set[str | None]) -> None:
        directory = self.directory(service_id)
        if not directory.is_dir():
            return
        with self._lock:
            running = set(self._threads)
        for path in directory.iterdir():
            if path.name not in keep and path.name not in running:
                shutil.rmtree(path, ignore_errors=True)

    # -- steps and the log -----------------------------------------------------------------

    def _command(self, build_id: str, what: str, argv: Sequence[str], cwd: Path) -> None:
        """Run one step, its output into the log; a failure ends the build."""
        env = {k: v for k, v in os.environ.items() if k not in HUB_PYTHON_VARIABLES}
        env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONUNBUFFERED="1")
        with self._lock:
            if self._closing:
                raise _Stopped
            process = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self._processes[build_id] = process
        timer = threading.Timer(STEP_TIMEOUT, _kill, args=(process,))
        timer.daemon = True
        timer.start()
        assert process.stdout is not None
        try:
            with process.stdout:
                for raw in process.stdout:
                    text = raw.decode("utf-8", "replace").rstrip()
                    if text:
                        self._log(build_id, _severity(text), text)
            code = process.wait()
        finally:
            timer.cancel()
            if process.poll() is None:
                _kill(process)
                process.wait()
            with self._lock:
                self._processes.pop(build_id, None)
                closing = self._closing
        if closing:
            raise _Stopped
        if code != 0:
            why = f"killed after {STEP_TIMEOUT:.0f} s" if code < 0 else f"exit code {code}"
            raise _BuildFailed(f"{what} failed ({why}); its output is above")

    def _log(self, build_id: str, severity: Severity, message: str) -> None:
        with self._lock:
            if self._closing:
                raise _Stopped
            count = self._lines.get(build_id, 0) + 1
            self._lines[build_id] = count
        if count > MAX_LOG_LINES:
            return
        if count == MAX_LOG_LINES:
            severity, message = "WARNING", "… the rest of the output is left out of the log"
        text = message[:MAX_LINE_CHARACTERS]
        self._store.append_log(build_id, BuildLogLine(utc_now(), severity, text))


def _severity(line: str) -> Severity:
    """A step's output line's severity, from pip's prefixes."""
    if line.startswith("ERROR"):
        return "ERROR"
    if line.startswith("WARNING"):
        return "WARNING"
    return "INFO"


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
