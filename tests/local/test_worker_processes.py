"""Worker processes' staged calls (a generator function answering in turns), as the Hub uses
them to read a job and simulate it in one simulator: real forked processes."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from qhub.local.simulation import InvalidJobInput, SimulatorCrashed
from qhub.local.simulation.processes import PRELOAD, Worker

#: What the worker runs: a module it can import by name (the test modules themselves are not
#: importable there: pytest imports them without putting tests/ on sys.path).
HELPERS = """
import time

from qhub.local.simulation import InvalidJobInput


def nothing():
    pass


def two_stages(first, seconds):
    yield f"read {first}"
    time.sleep(seconds)
    return f"ran {first}"


def refused(first):
    raise InvalidJobInput(f"{first} is malformed")
    yield "never"


def echo(value):
    return value
"""


@pytest.fixture
def helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The functions above, importable by the worker (sys.path goes to each new process)."""
    (tmp_path / "staged_helpers.py").write_text(HELPERS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "staged_helpers", raising=False)
    return importlib.import_module("staged_helpers")


@pytest.fixture
def worker(helpers: ModuleType) -> Iterator[Worker]:
    """A worker of its own, killed at the end."""
    own = Worker("test worker", helpers.nothing)
    yield own
    own.kill()


def test_a_staged_call_answers_in_turn_then_frees_the_worker(
    worker: Worker, helpers: ModuleType
) -> None:
    first, call = worker.begin(helpers.two_stages, "a", 0.0)
    assert first == "read a"
    assert not call.finished
    assert call.next() == "ran a"
    assert call.finished
    assert worker.call(helpers.echo, "next") == "next"  # no answer left over


def test_finishing_early_replaces_the_process_and_loses_no_order(
    worker: Worker, helpers: ModuleType
) -> None:
    """A call abandoned mid-way (its second stage 30 s long): the process is replaced, and
    the next call gets its own answer, not the abandoned one's."""
    worker.ensure_ready()
    pid = worker.pid
    _, call = worker.begin(helpers.two_stages, "b", 30.0)
    call.finish()
    assert worker.call(helpers.echo, "after") == "after"
    assert worker.pid != pid
    with pytest.raises(RuntimeError, match="finished"):
        call.next()


def test_a_first_stage_that_raises_ends_the_call(worker: Worker, helpers: ModuleType) -> None:
    with pytest.raises(InvalidJobInput, match="c is malformed"):
        worker.begin(helpers.refused, "c")
    assert worker.call(helpers.echo, "free") == "free"


def test_a_kill_during_a_later_stage_fails_it(worker: Worker, helpers: ModuleType) -> None:
    _, call = worker.begin(helpers.two_stages, "d", 30.0)
    worker.kill()
    with pytest.raises(SimulatorCrashed):
        call.next()
    assert call.finished
    assert worker.call(helpers.echo, "restarted") == "restarted"


def test_a_staged_function_is_refused_by_call(worker: Worker, helpers: ModuleType) -> None:
    with pytest.raises(TypeError, match="begin"):
        worker.call(helpers.two_stages, "e", 30.0)
    assert worker.call(helpers.echo, "still") == "still"


def test_workers_openmp_threads_sleep_soon_after_their_work_is_done(worker: Worker) -> None:
    """Set in the fork server before Qiskit loads the OpenMP runtime (see simulation.openmp),
    unless the Hub's own environment decides how OpenMP threads wait."""
    assert PRELOAD[0] == "qhub.local.simulation.openmp"
    decided = {"GOMP_SPINCOUNT", "KMP_BLOCKTIME", "OMP_WAIT_POLICY"} & set(os.environ)
    if decided:
        pytest.skip(f"this environment sets {', '.join(sorted(decided))} itself")
    # simulation.openmp's values (importing it here would set them in this process too).
    assert worker.call(os.getenv, "GOMP_SPINCOUNT") == "30000"
    assert worker.call(os.getenv, "KMP_BLOCKTIME") == "1"
    assert os.getenv("GOMP_SPINCOUNT") is None  # the Hub's own environment is left alone
