"""The workspace runner on its own: real fork-server subprocesses, no HTTP."""

from __future__ import annotations

import json
import os
import signal
import statistics
from pathlib import Path

import pytest

import qhub.local.runner as runner_package
from qhub.local.runner import RunSpec, WorkspaceRunner

from .helpers import Outcomes, submit, workspace
from .measure_overhead import measure


def test_edits_take_effect_on_the_next_run(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """The program is imported fresh for every execution: no restart needed after an edit."""
    outcomes = Outcomes()
    ws = workspace(tmp_path, "def run() -> str:\n    return 'first'\n")
    first = submit(runner, outcomes, ws, tmp_path, "a", {})
    assert outcomes.wait("a").status == "SUCCEEDED"
    (ws / "src" / "program.py").write_text("def run() -> str:\n    return 'second'\n")
    second = submit(runner, outcomes, ws, tmp_path, "b", {})
    assert outcomes.wait("b").status == "SUCCEEDED"
    assert (first / "out" / "output.txt").read_text() == "first"
    assert (second / "out" / "output.txt").read_text() == "second"


def test_conversion_errors_fail_naming_the_parameter(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """A value that doesn't fit the annotation fails the run with a problem naming it."""
    outcomes = Outcomes()
    ws = workspace(tmp_path, "def run(count: int) -> int:\n    return count\n")
    workdir = submit(runner, outcomes, ws, tmp_path, "bad", {"count": "many"})
    assert outcomes.wait("bad").status == "FAILED"
    problem = json.loads((workdir / "out" / "output.json").read_text())
    assert problem["title"] == "BindError"
    assert "'count'" in problem["detail"]


def test_queued_runs_can_be_cancelled_before_they_start(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """With both slots busy, a third run waits; cancelling it ends it CANCELLED, never started."""
    outcomes = Outcomes()
    ws = workspace(
        tmp_path, "import time\ndef run(seconds: float) -> None:\n    time.sleep(seconds)\n"
    )
    submit(runner, outcomes, ws, tmp_path, "busy1", {"seconds": 30})
    submit(runner, outcomes, ws, tmp_path, "busy2", {"seconds": 30})
    submit(runner, outcomes, ws, tmp_path, "queued", {"seconds": 0})
    assert runner.cancel("queued")
    assert outcomes.wait("queued").status == "CANCELLED"
    assert "queued" not in outcomes.started
    for execution_id in ("busy1", "busy2"):
        outcomes.wait_started(execution_id)
        assert runner.cancel(execution_id)
        assert outcomes.wait(execution_id, timeout=10).status == "CANCELLED"
    assert not runner.cancel("busy1")  # already over


def test_a_dead_fork_server_fails_its_runs_and_is_replaced(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """If the fork server dies, its running executions end FAILED and new ones still run."""
    outcomes = Outcomes()
    ws = workspace(
        tmp_path,
        "import time\ndef run(seconds: float = 0) -> str:\n    time.sleep(seconds)\n    return 'ok'\n",
    )
    submit(runner, outcomes, ws, tmp_path, "victim", {"seconds": 30})
    outcomes.wait_started("victim")
    (server,) = runner._servers.values()
    os.kill(server.process.pid, signal.SIGKILL)
    assert outcomes.wait("victim").status == "FAILED"
    submit(runner, outcomes, ws, tmp_path, "after", {})
    assert outcomes.wait("after").status == "SUCCEEDED"


def test_close_cancels_whatever_still_runs(tmp_path: Path) -> None:
    """close() ends running and queued executions CANCELLED, each reported once."""
    runner = WorkspaceRunner(max_parallel=1)
    outcomes = Outcomes()
    ws = workspace(tmp_path, "import time\ndef run() -> None:\n    time.sleep(30)\n")
    submit(runner, outcomes, ws, tmp_path, "running", {})
    submit(runner, outcomes, ws, tmp_path, "waiting", {})
    outcomes.wait_started("running")
    runner.close()
    assert {k: v.status for k, v in outcomes.done.items()} == {
        "running": "CANCELLED",
        "waiting": "CANCELLED",
    }
    with pytest.raises(RuntimeError, match="closed"):
        runner.submit(
            RunSpec("late", ws, tmp_path / "late", {}),
            on_start=outcomes.on_start,
            on_exit=outcomes.on_exit,
        )


def test_starting_an_execution_stays_cheap() -> None:
    """A trivial run, fork server warm, isolated: a few milliseconds (measure_overhead.py
    prints the figures); the bound only catches a regression by an order of magnitude."""
    timings = measure("namespaces", count=10)
    assert statistics.median(timings["ended"]) < 0.25


def test_the_runner_surface_is_pinned() -> None:
    """What the domain (and a CLI) may use of the runner is a deliberate list."""
    assert sorted(runner_package.__all__) == [
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


def test_a_fork_server_started_ahead_runs_the_first_execution(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """``start_fork_servers`` starts the fork server a workspace's executions run in before
    any is submitted (once per interpreter); ``wait_until_warm`` returns once it has warmed
    up; the first execution is forked from that server, not from a new one."""
    first = workspace(tmp_path, "def run() -> str:\n    return 'ahead'\n", name="first")
    second = workspace(tmp_path, "def run() -> str:\n    return 'too'\n", name="second")
    assert runner.wait_until_warm(timeout=1)  # nothing started: nothing to wait for
    runner.start_fork_servers([first, second])
    (server,) = runner._servers.values()  # both run in the Hub's interpreter
    assert runner.wait_until_warm(timeout=60)
    assert server.ready.is_set() and server.process.poll() is None
    outcomes = Outcomes()
    workdir = submit(runner, outcomes, first, tmp_path, "first-run", {})
    assert outcomes.wait("first-run").status == "SUCCEEDED"
    assert (workdir / "out" / "output.txt").read_text() == "ahead"
    assert list(runner._servers.values()) == [server]
    runner.close()
    runner.start_fork_servers([first])  # closed: starts nothing
    assert server.process.poll() is not None
