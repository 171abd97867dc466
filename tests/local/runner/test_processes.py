"""Cancelling an execution, closing the runner or killing the Hub ends every process an
execution started, even one that left its session (a PID namespace of its own)."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from qhub.local.process import hub_process
from qhub.local.runner import WorkspaceRunner

from ...workspaces import make_workspace, processes_marked
from .helpers import Outcomes, submit, workspace

GRANDCHILD = (
    "import os, subprocess, sys, time\n"
    "def run(marker: str) -> None:\n"
    "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', marker],\n"
    "                     start_new_session=True)\n"
    "    open(os.path.join(os.environ['OUTPUT_DIRECTORY'], 'spawned'), 'w').close()\n"
    "    time.sleep(120)\n"
)


def wait_for(condition: Callable[[], object], timeout: float = 10) -> bool:
    """Whether ``condition()`` became true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_cancel_kills_a_grandchild_that_left_the_session(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """A process the program started in a session of its own dies with the cancel."""
    marker = f"escapee-{uuid.uuid4()}"
    outcomes = Outcomes()
    ws = workspace(tmp_path, GRANDCHILD)
    workdir = submit(runner, outcomes, ws, tmp_path, "escape", {"marker": marker})
    assert wait_for(lambda: (workdir / "out" / "spawned").exists())
    assert processes_marked(marker)
    assert runner.cancel("escape")
    assert outcomes.wait("escape").status == "CANCELLED"
    assert wait_for(lambda: not processes_marked(marker), timeout=5), "the grandchild survived"


def test_closing_the_runner_kills_a_grandchild_that_left_the_session(tmp_path: Path) -> None:
    """So does closing the runner (the Hub stopping)."""
    marker = f"escapee-{uuid.uuid4()}"
    runner = WorkspaceRunner()
    outcomes = Outcomes()
    ws = workspace(tmp_path, GRANDCHILD)
    workdir = submit(runner, outcomes, ws, tmp_path, "escape", {"marker": marker})
    assert wait_for(lambda: (workdir / "out" / "spawned").exists())
    runner.close()
    assert outcomes.done["escape"].status == "CANCELLED"
    assert wait_for(lambda: not processes_marked(marker), timeout=5), "the grandchild survived"


def test_a_killed_hub_leaves_no_execution_behind(tmp_path: Path) -> None:
    """``kill -9`` of the Hub's process: its fork server sees its pipe close and ends every
    execution, down to a grandchild in a session of its own."""
    marker = f"orphan-{uuid.uuid4()}"
    ws = make_workspace(tmp_path / "ws", "sleepy")
    args = ["--service", f"sleepy={ws}", "--anonymous", "--no-example"]
    with hub_process(tmp_path / "hub", args, quiet=True) as (connection, server):
        url = connection["services"]["sleepy"]
        body = {"seconds": 120, "spawn": True, "setsid": True, "marker": marker}
        started = httpx.post(url, json=body, headers={"Authorization": "Bearer x"}, timeout=30)
        assert started.status_code == 201, started.text
        assert wait_for(lambda: processes_marked(marker), timeout=20)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
    survived = not wait_for(lambda: not processes_marked(marker), timeout=10)
    for pid in processes_marked(marker):
        os.kill(pid, signal.SIGKILL)
    assert not survived, "an execution's process outlived the Hub"
