"""Worker processes' staged calls (a generator function answering in turns), as the Hub uses
them to read a job and simulate it in one simulator: real forked processes."""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator

import pytest

from qhub.local.simulation import InvalidJobInput, SimulatorCrashed
from qhub.local.simulation.processes import Worker


def _nothing() -> None:
    """No warm-up."""


def _two_stages(first: str, seconds: float) -> Generator[str, None, str]:
    yield f"read {first}"
    time.sleep(seconds)
    return f"ran {first}"


def _refused(first: str) -> Generator[str, None, str]:
    raise InvalidJobInput(f"{first} is malformed")
    yield "never"  # a generator function all the same


def _echo(value: str) -> str:
    return value


@pytest.fixture
def worker() -> Iterator[Worker]:
    """A worker of its own, killed at the end."""
    own = Worker("test worker", _nothing)
    yield own
    own.kill()


def test_a_staged_call_answers_in_turn_then_frees_the_worker(worker: Worker) -> None:
    first, call = worker.begin(_two_stages, "a", 0.0)
    assert first == "read a"
    assert not call.finished
    assert call.next() == "ran a"
    assert call.finished
    assert worker.call(_echo, "next") == "next"  # no answer left over


def test_finishing_early_replaces_the_process_and_loses_no_order(worker: Worker) -> None:
    """A call abandoned mid-way (its second stage 30 s long): the process is replaced, and
    the next call gets its own answer, not the abandoned one's."""
    worker.ensure_ready()
    pid = worker.pid
    _, call = worker.begin(_two_stages, "b", 30.0)
    call.finish()
    assert worker.call(_echo, "after") == "after"
    assert worker.pid != pid
    with pytest.raises(RuntimeError, match="finished"):
        call.next()


def test_a_first_stage_that_raises_ends_the_call(worker: Worker) -> None:
    with pytest.raises(InvalidJobInput, match="c is malformed"):
        worker.begin(_refused, "c")
    assert worker.call(_echo, "free") == "free"


def test_a_kill_during_a_later_stage_fails_it(worker: Worker) -> None:
    _, call = worker.begin(_two_stages, "d", 30.0)
    worker.kill()
    with pytest.raises(SimulatorCrashed):
        call.next()
    assert call.finished
    assert worker.call(_echo, "restarted") == "restarted"


def test_a_staged_function_is_refused_by_call(worker: Worker) -> None:
    with pytest.raises(TypeError, match="begin"):
        worker.call(_two_stages, "e", 30.0)
    assert worker.call(_echo, "still") == "still"
