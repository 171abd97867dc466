"""The one waiter: deadlines, transient errors, progress, and never sleeping past the deadline."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from qhub.api._core.errors import (
    ApiConnectionError,
    NotFoundError,
    ServiceUnavailableError,
    WaitTimeoutError,
)
from qhub.api._core.waiter import AsyncWaiter, Waiter


class FakeTime:
    """A clock that only advances when the waiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def test_stops_on_the_first_final_state_and_reports_every_poll() -> None:
    """Polls until final, calling on_poll with each state."""
    states = iter(["PENDING", "RUNNING", "SUCCEEDED", "never"])
    seen: list[str] = []
    fake = FakeTime()
    waiter = Waiter(
        resource="thing",
        resource_id="t1",
        poll=lambda: next(states),
        is_final=lambda s: s == "SUCCEEDED",
        on_poll=seen.append,
        sleep=fake.sleep,
        clock=fake.clock,
    )
    assert waiter.wait(timeout=None, interval=5) == "SUCCEEDED"
    assert seen == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert fake.sleeps == [0.05, 0.05]  # short runs are noticed quickly


def test_the_pause_grows_with_the_time_waited_up_to_the_interval() -> None:
    """Pauses are a quarter of the time waited, from 0.05 s, capped at the caller's interval."""
    fake = FakeTime()
    polls = iter(range(200))
    waiter = Waiter(
        "x", "1", lambda: next(polls), lambda n: n == 199, sleep=fake.sleep, clock=fake.clock
    )
    waiter.wait(timeout=None, interval=5)
    assert fake.sleeps[0] == 0.05
    assert fake.sleeps == sorted(fake.sleeps)
    assert max(fake.sleeps) == 5
    for before, pause in zip(_elapsed_before(fake.sleeps), fake.sleeps, strict=True):
        assert pause == min(5, max(0.05, before / 4))


def test_jobs_poll_from_2_ms_and_notice_an_end_at_most_8_percent_late() -> None:
    """Quantum jobs: min_interval 2 ms, growth 0.08 (every pause ≤ 8 % of the time waited
    once past the first 25 milliseconds), capped at the interval."""
    from qhub.api.quantum.jobs.client import FIRST_POLL_INTERVAL, POLL_GROWTH

    fake = FakeTime()
    polls = iter(range(150))
    waiter = Waiter(
        "job",
        "j",
        lambda: next(polls),
        lambda n: n == 149,
        min_interval=FIRST_POLL_INTERVAL,
        growth=POLL_GROWTH,
        sleep=fake.sleep,
        clock=fake.clock,
    )
    waiter.wait(timeout=None, interval=2)
    assert fake.sleeps[:3] == [0.002, 0.002, 0.002]
    for before, pause in zip(_elapsed_before(fake.sleeps), fake.sleeps, strict=True):
        assert pause == min(2, max(0.002, before * 0.08))
    assert max(fake.sleeps) == 2
    first_13_s = [b for b in _elapsed_before(fake.sleeps) if b < 13]
    assert 85 <= len(first_13_s) <= 95


def _elapsed_before(sleeps: list[float]) -> list[float]:
    total, out = 0.0, []
    for pause in sleeps:
        out.append(total)
        total += pause
    return out


def test_never_sleeps_past_the_deadline_and_polls_at_it() -> None:
    """With timeout 12 it never sleeps past t=12, polls exactly at 12, then raises."""
    fake = FakeTime()
    polls: list[float] = []

    def poll() -> str:
        polls.append(fake.now)
        return "RUNNING"

    waiter = Waiter(
        "service execution", "e1", poll, lambda s: False, sleep=fake.sleep, clock=fake.clock
    )
    with pytest.raises(TimeoutError) as caught:
        waiter.wait(timeout=12, interval=5)
    assert max(fake.sleeps) <= 5
    assert sum(fake.sleeps) == pytest.approx(12)
    assert polls[-1] == pytest.approx(12)
    error = caught.value
    assert isinstance(error, WaitTimeoutError)
    assert (error.resource_id, error.last_status) == ("e1", "RUNNING")
    assert str(error) == "Timeout while waiting for service execution 'e1'."


def test_transient_errors_are_polled_through_but_others_raise() -> None:
    """A 503 or a dropped connection is polled again; a 404 is not."""
    fake = FakeTime()
    outcomes: list[object] = [ServiceUnavailableError(), ApiConnectionError("reset"), "DONE"]

    def poll() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        assert isinstance(outcome, str)
        return outcome

    waiter = Waiter("x", "1", poll, lambda s: s == "DONE", sleep=fake.sleep, clock=fake.clock)
    assert waiter.wait(timeout=60, interval=1) == "DONE"

    def missing() -> str:
        raise NotFoundError({"message": "gone"})

    with pytest.raises(NotFoundError):
        Waiter("x", "1", missing, lambda s: True, sleep=fake.sleep, clock=fake.clock).wait(
            timeout=60, interval=1
        )


@pytest.mark.parametrize(("timeout", "interval"), [(-1, 1), (10, -0.5)])
def test_negative_timeouts_and_intervals_are_rejected(timeout: float, interval: float) -> None:
    """Negative numbers are a ValueError naming the problem, before any poll."""
    waiter = Waiter("x", "1", lambda: pytest.fail("no poll"), lambda s: True)
    with pytest.raises(ValueError, match=">= 0"):
        waiter.wait(timeout=timeout, interval=interval)


async def test_async_waiter_has_the_same_deadline_rules() -> None:
    """The async twin follows the same schedule and raises the same error."""
    fake = FakeTime()

    async def poll() -> str:
        return "RUNNING"

    waiter = AsyncWaiter(
        "job", "j1", poll, lambda s: False, sleep=fake.async_sleep, clock=fake.clock
    )
    with pytest.raises(WaitTimeoutError, match="job 'j1'"):
        await waiter.wait(timeout=12, interval=5)
    assert sum(fake.sleeps) == pytest.approx(12)
    assert max(fake.sleeps) <= 5


def test_progress_writes_one_line_per_status_change() -> None:
    """progress=True: a line when the status changes (not per poll), with the time waited."""
    states = iter(["PENDING", "PENDING", "RUNNING", "RUNNING", "SUCCEEDED"])
    fake = FakeTime()
    out = io.StringIO()
    waiter = Waiter(
        resource="thing",
        resource_id="t1",
        poll=lambda: next(states),
        is_final=lambda s: s == "SUCCEEDED",
        progress=True,
        progress_stream=out,
        sleep=fake.sleep,
        clock=fake.clock,
    )
    waiter.wait(timeout=None, interval=5)
    assert out.getvalue().splitlines() == [
        "thing t1: PENDING after 0.0 s",
        "thing t1: RUNNING after 0.1 s",
        "thing t1: SUCCEEDED after 0.2 s",
    ]


def test_progress_goes_to_stderr_and_is_off_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    """Without progress nothing is written; with it, stderr (stdout stays the program's)."""

    def wait(progress: bool) -> None:
        states = iter([None, "DONE"])
        fake = FakeTime()
        waiter = Waiter(
            "job",
            "j1",
            lambda: next(states),
            lambda s: s == "DONE",
            progress=progress,
            sleep=fake.sleep,
            clock=fake.clock,
        )
        waiter.wait(timeout=None, interval=1)

    wait(progress=False)
    assert capsys.readouterr() == ("", "")
    wait(progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == ["job j1: unknown after 0.0 s", "job j1: DONE after 0.1 s"]


async def test_async_waiter_reports_progress_too() -> None:
    """The async twin writes the same lines."""
    states = iter(["RUNNING", "FAILED"])
    fake = FakeTime()
    out = io.StringIO()
    await AsyncWaiter(
        "service execution",
        "e1",
        lambda: _ready(next(states)),
        lambda s: s == "FAILED",
        progress=True,
        progress_stream=out,
        sleep=fake.async_sleep,
        clock=fake.clock,
    ).wait(timeout=None, interval=1)
    assert out.getvalue().splitlines() == [
        "service execution e1: RUNNING after 0.0 s",
        "service execution e1: FAILED after 0.1 s",
    ]


async def _ready(value: str) -> str:
    return value


class HeldServer:
    """A resource behind a server that holds polls: each held poll answers the next state at
    once when it differs from the last one, else after holding (the fake clock advances)."""

    def __init__(self, fake: FakeTime, states: list[str], *, holds: bool = True) -> None:
        self.fake = fake
        self.states = iter(states)
        self.last: str | None = None
        self.holds = holds
        self.asked: list[int] = []
        self.plain_polls = 0

    def poll_held(self, seconds: int) -> tuple[str, bool]:
        self.asked.append(seconds)
        state = next(self.states)
        if state == self.last and self.holds:
            self.fake.now += seconds
        self.last = state
        return state, self.holds

    def poll(self) -> str:
        self.plain_polls += 1
        self.last = next(self.states)
        return self.last

    def waiter(self, poll_held: Callable[[int], tuple[str, bool]] | None = None) -> Waiter[str]:
        """A waiter of this resource (until ``DONE``) on the fake clock, polling held with
        ``poll_held`` (this server's by default)."""
        return Waiter(
            "job",
            "j1",
            self.poll,
            lambda s: s == "DONE",
            poll_held=poll_held or self.poll_held,
            sleep=self.fake.sleep,
            clock=self.fake.clock,
        )

    async def async_poll_held(self, seconds: int) -> tuple[str, bool]:
        return self.poll_held(seconds)

    async def async_poll(self) -> str:
        return self.poll()


def test_held_polls_follow_each_other_without_sleeping() -> None:
    """A server that holds: every poll asks for a hold, and none is followed by a sleep, also
    after a hold that ended with nothing changed."""
    fake = FakeTime()
    server = HeldServer(fake, ["PENDING", "RUNNING", "RUNNING", "DONE"])
    waiter = server.waiter()
    assert waiter.wait(timeout=None, interval=5) == "DONE"
    assert fake.sleeps == []
    assert server.asked == [20, 20, 20, 20]
    assert server.plain_polls == 0


def test_a_server_that_does_not_hold_gets_plain_polls_after_the_first() -> None:
    """No Preference-Applied: the waiter stops asking and sleeps between plain polls."""
    fake = FakeTime()
    server = HeldServer(fake, ["PENDING", "RUNNING", "DONE"], holds=False)
    waiter = server.waiter()
    assert waiter.wait(timeout=None, interval=5) == "DONE"
    assert server.asked == [20]
    assert server.plain_polls == 2
    assert fake.sleeps == [0.05, 0.05]


def test_a_server_claiming_holds_it_does_not_make_still_gets_pauses() -> None:
    """Preference-Applied on answers that come at once with nothing changed: the usual pauses,
    never a busy loop."""
    fake = FakeTime()
    states = ["PENDING"] * 5 + ["DONE"]
    server = HeldServer(fake, states)

    def instant(seconds: int) -> tuple[str, bool]:
        server.asked.append(seconds)
        return next(server.states), True

    waiter = server.waiter(poll_held=instant)
    assert waiter.wait(timeout=None, interval=5) == "DONE"
    assert len(fake.sleeps) == 4  # after every unchanged answer but the first


def test_holds_never_ask_past_the_deadline() -> None:
    """A hold asks at most the whole seconds left; under a second left, a plain poll."""
    fake = FakeTime()
    server = HeldServer(fake, ["RUNNING"] * 10)
    waiter = server.waiter()
    with pytest.raises(WaitTimeoutError):
        waiter.wait(timeout=2.5, interval=5)
    # The first answers at once (a first state), the second holds 2 s; then 0.5 s is left:
    # plain polls until the deadline.
    assert server.asked == [2, 2]
    assert server.plain_polls >= 1
    assert fake.now == pytest.approx(2.5)


async def test_the_async_waiter_holds_too() -> None:
    """The async twin: held polls without sleeping."""
    fake = FakeTime()
    server = HeldServer(fake, ["PENDING", "PENDING", "DONE"])
    waiter = AsyncWaiter(
        "job",
        "j1",
        server.async_poll,
        lambda s: s == "DONE",
        poll_held=server.async_poll_held,
        sleep=fake.async_sleep,
        clock=fake.clock,
    )
    assert await waiter.wait(timeout=None, interval=5) == "DONE"
    assert fake.sleeps == []
    assert server.asked == [20, 20, 20]
