"""What the runner's tests share: an outcome collector, workspaces, one-call runs."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from qhub.local.runner import RunOutcome, RunSpec, WorkspaceRunner


class Outcomes:
    """Collects outcomes and lets a test wait for one."""

    def __init__(self) -> None:
        self.done: dict[str, RunOutcome] = {}
        self.started: dict[str, float] = {}
        self._cond = threading.Condition()

    def on_start(self, execution_id: str, at: object) -> None:
        """The runner's start callback."""
        with self._cond:
            self.started[execution_id] = time.monotonic()
            self._cond.notify_all()

    def on_exit(self, outcome: RunOutcome) -> None:
        """The runner's exit callback (it must come once per run)."""
        with self._cond:
            assert outcome.execution_id not in self.done, "on_exit called twice"
            self.done[outcome.execution_id] = outcome
            self._cond.notify_all()

    def wait(self, execution_id: str, timeout: float = 20) -> RunOutcome:
        """The run's outcome, once it has ended."""
        with self._cond:
            assert self._cond.wait_for(lambda: execution_id in self.done, timeout), (
                f"{execution_id} never ended"
            )
            return self.done[execution_id]

    def wait_started(self, execution_id: str, timeout: float = 20) -> None:
        """Return once the run has started."""
        with self._cond:
            assert self._cond.wait_for(lambda: execution_id in self.started, timeout)


def workspace(root: Path, source: str, name: str = "ws") -> Path:
    """A workspace under ``root`` with ``source`` as src/program.py."""
    (root / name / "src").mkdir(parents=True, exist_ok=True)
    (root / name / "src" / "__init__.py").write_text("")
    (root / name / "src" / "program.py").write_text(source)
    return root / name


def submit(
    runner: WorkspaceRunner,
    outcomes: Outcomes,
    ws: Path,
    root: Path,
    execution_id: str,
    request: dict[str, Any],
    **spec: Any,
) -> Path:
    """Submit one run (``spec``: more RunSpec fields; the working directory is
    ``root/runs/<id>`` unless ``workdir`` is one); return its working directory."""
    workdir = spec.pop("workdir", None) or root / "runs" / execution_id
    runner.submit(
        RunSpec(execution_id, ws, workdir, request, **spec),
        on_start=outcomes.on_start,
        on_exit=outcomes.on_exit,
    )
    return workdir


def run(
    runner: WorkspaceRunner,
    ws: Path,
    root: Path,
    execution_id: str,
    request: dict[str, Any],
    timeout: float = 30,
    **spec: Any,
) -> tuple[RunOutcome, Path]:
    """Run once, to the end: the outcome and the working directory."""
    outcomes = Outcomes()
    workdir = submit(runner, outcomes, ws, root, execution_id, request, **spec)
    return outcomes.wait(execution_id, timeout), workdir


def output(workdir: Path) -> Any:
    """The run's ``output.json``, parsed."""
    return json.loads((workdir / "out" / "output.json").read_text())


def log_messages(workdir: Path, severity: str | None = None) -> list[str]:
    """The messages of the run's log (of one severity, if given)."""
    lines = [json.loads(line) for line in (workdir / "log.jsonl").read_text().splitlines()]
    return [e["message"] for e in lines if severity is None or e["severity"] == severity]
