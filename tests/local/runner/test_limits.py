"""Limits on run time, memory, processes and output end an execution FAILED, with a log line
naming the limit."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from qhub.local.runner import Limits, WorkspaceRunner

from ...workspaces import processes_marked
from .helpers import log_messages, run, workspace

MIB = 1 << 20


def failure_reasons(workdir: Path) -> list[str]:
    """The log's lines saying which limit ended the execution."""
    return [m for m in log_messages(workdir, "ERROR") if m.startswith("The execution failed: ")]


def test_time_limit(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """A program running past its time limit is stopped: FAILED, in about that time."""
    ws = workspace(tmp_path, "import time\ndef run() -> None:\n    time.sleep(60)\n")
    started = time.monotonic()
    outcome, workdir = run(runner, ws, tmp_path, "slow", {}, limits=Limits(time_seconds=1))
    assert outcome.status == "FAILED"
    assert 1 <= time.monotonic() - started < 10
    assert failure_reasons(workdir) == ["The execution failed: time limit of 1 s exceeded."]


def test_memory_limit(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """Allocating past the memory limit fails the run, naming the limit."""
    ws = workspace(tmp_path, "def run() -> int:\n    return len(bytearray(1 << 30))\n")
    limits = Limits(memory_bytes=512 * MIB)
    outcome, workdir = run(runner, ws, tmp_path, "hungry", {}, limits=limits)
    assert outcome.status == "FAILED"
    assert failure_reasons(workdir) == ["The execution failed: memory limit of 512 MiB reached."]


def test_process_limit(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """Starting more processes than allowed fails the run, naming the limit; the processes
    it did start end with it."""
    marker = f"limited-{uuid.uuid4()}"
    ws = workspace(
        tmp_path,
        "import subprocess, sys\n"
        "def run(marker: str) -> None:\n"
        "    for _ in range(20):\n"
        "        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', marker])\n",
    )
    limits = Limits(processes=4)
    outcome, workdir = run(runner, ws, tmp_path, "forky", {"marker": marker}, limits=limits)
    assert outcome.status == "FAILED"
    assert failure_reasons(workdir) == [
        "The execution failed: process limit of 4 reached (could not start another process)."
    ]
    assert not processes_marked(marker)


def test_output_limit_on_one_file(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """A result file growing past the output limit fails the run."""
    ws = workspace(
        tmp_path,
        "import os\n"
        "def run() -> None:\n"
        "    with open(os.path.join(os.environ['OUTPUT_DIRECTORY'], 'big.bin'), 'wb') as f:\n"
        "        f.write(bytes(2 << 20))\n",
    )
    limits = Limits(output_bytes=MIB)
    outcome, workdir = run(runner, ws, tmp_path, "big", {}, limits=limits)
    assert outcome.status == "FAILED"
    assert failure_reasons(workdir) == [
        f"The execution failed: output limit of {MIB} bytes reached (a file grew larger)."
    ]
    assert (workdir / "out" / "big.bin").stat().st_size <= MIB


def test_output_limit_on_all_files(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """Many files together past the limit fail the run too: one that ends at once is checked
    at its end, one still writing is stopped."""
    source = (
        "import itertools, os, time\n"
        "def run(forever: bool) -> None:\n"
        "    count = itertools.count() if forever else range(8)\n"
        "    for index in count:\n"
        "        with open(os.path.join(os.environ['OUTPUT_DIRECTORY'], f'{index}.bin'), 'wb') as f:\n"
        "            f.write(bytes(256 << 10))\n"
        "        time.sleep(0.01 if forever else 0)\n"
    )
    ws = workspace(tmp_path, source)
    limits = Limits(output_bytes=MIB)
    for name, forever in (("burst", False), ("stream", True)):
        outcome, workdir = run(runner, ws, tmp_path, name, {"forever": forever}, limits=limits)
        assert outcome.status == "FAILED", name
        assert failure_reasons(workdir) == [
            f"The execution failed: output limit of {MIB} bytes exceeded."
        ], name


def test_limits_leave_a_run_within_them_alone(runner: WorkspaceRunner, tmp_path: Path) -> None:
    """Tight limits that a run stays within change nothing."""
    ws = workspace(tmp_path, "def run(values: list[float]) -> float:\n    return sum(values)\n")
    limits = Limits(time_seconds=30, memory_bytes=1 << 30, processes=8, output_bytes=MIB)
    outcome, workdir = run(runner, ws, tmp_path, "fine", {"values": [1, 2]}, limits=limits)
    assert outcome.status == "SUCCEEDED", log_messages(workdir)
    assert (workdir / "out" / "output.txt").read_text() == "3.0"
