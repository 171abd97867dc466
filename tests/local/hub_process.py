"""A real ``qhub-local serve`` child for fault tests: started (inside a command prefix such as
``unshare``, if given), its log collected, its process tree listed, its files read as it sees
them (through ``/proc/PID/root``, so a mount private to its namespace is visible too)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

#: How long a Hub may take to say it is ready (simulators warmed), seconds.
READY_SECONDS = 120.0


def serve_argv(data_dir: Path, services: dict[str, Path]) -> list[str]:
    """The command line of a Hub on a free port serving ``services`` (no example)."""
    argv = [sys.executable, "-m", "qhub.local.cli", "serve", "--port", "0"]
    argv += ["--data-dir", str(data_dir), "--no-example", "--log-level", "info"]
    for name, workspace in services.items():
        argv += ["--service", f"{name}={workspace}"]
    return argv


def process_table() -> dict[int, tuple[int, str]]:
    """Every process: pid → (parent pid, state letter)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def descendants(pid: int) -> set[int]:
    """The live processes below ``pid``."""
    children: dict[int, list[int]] = {}
    for child, (parent, _) in process_table().items():
        children.setdefault(parent, []).append(child)
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie has ended: only its exit status is left)."""
    table = process_table()
    return {pid for pid in pids if pid in table and table[pid][1] not in ("Z", "X")}


class ServedHub:
    """A ``qhub-local serve`` process; its stdout and stderr are read into lines.

    Args:
        data_dir: its data directory, as the Hub sees it.
        services: name → workspace.
        prefix: a command to run the Hub under (it must ``exec`` the rest).
    """

    def __init__(
        self, data_dir: Path, services: dict[str, Path], prefix: Sequence[str] = ()
    ) -> None:
        self.data_dir = data_dir
        self.process = subprocess.Popen(
            [*prefix, *serve_argv(data_dir, services)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers: list[threading.Thread] = []
        for stream, lines in (
            (self.process.stdout, self.stdout),
            (self.process.stderr, self.stderr),
        ):
            assert stream is not None
            reader = threading.Thread(target=self._collect, args=(stream, lines), daemon=True)
            reader.start()
            self._readers.append(reader)
        self.wait_for(self.stdout, "ready (Ctrl-C stops)", READY_SECONDS)

    @property
    def pid(self) -> int:
        """The Hub's process id."""
        return self.process.pid

    @staticmethod
    def _collect(stream: IO[str], lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_for(self, lines: list[str], text: str, timeout: float = 60.0) -> str:
        """The first line of ``lines`` holding ``text``, once there is one."""
        deadline = time.monotonic() + timeout
        while True:
            for line in list(lines):
                if text in line:
                    return line
            if self.process.poll() is not None and not any(text in line for line in lines):
                raise AssertionError(
                    f"the Hub exited ({self.process.returncode}):\n" + "\n".join(self.stderr[-30:])
                )
            assert time.monotonic() < deadline, f"no line with {text!r}:\n" + "\n".join(lines[-30:])
            time.sleep(0.05)

    def path(self, path: Path) -> Path:
        """``path`` as the Hub sees it, from outside its mount namespace."""
        return Path(f"/proc/{self.pid}/root") / path.relative_to("/")

    def connection(self) -> dict[str, Any]:
        """Its ``connection.json``."""
        data: dict[str, Any] = json.loads(self.path(self.data_dir / "connection.json").read_text())
        return data

    def kill(self) -> None:
        """``kill -9`` the Hub (only the Hub: what it started must go by itself)."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """Stop it as Ctrl-C would, and everything it left behind, if anything. Idempotent."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        for reader in self._readers:
            reader.join(30)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
