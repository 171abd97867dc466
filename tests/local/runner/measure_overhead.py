"""What starting an execution costs: trivial runs one after another, timed from ``submit`` to
the start and to the end callbacks, in each isolation mode. Prints the figures.

    .tools/bin/uv run --frozen --all-packages python -m tests.local.runner.measure_overhead
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Literal

from qhub.local.runner import RunOutcome, RunSpec, WorkspaceRunner

PROGRAM = "def run(values: list[float]) -> float:\n    return sum(values)\n"


def measure(
    isolation: Literal["namespaces", "rlimits-only"], count: int = 30, warm_up: int = 3
) -> dict[str, list[float]]:
    """Seconds from submit to start and to end of ``count`` trivial runs (after a warm-up
    that starts the fork server)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "ws" / "src").mkdir(parents=True)
        (root / "ws" / "src" / "__init__.py").write_text("")
        (root / "ws" / "src" / "program.py").write_text(PROGRAM)
        runner = WorkspaceRunner(max_parallel=1, isolation=isolation)
        timings: dict[str, list[float]] = {"started": [], "ended": []}
        try:
            for index in range(warm_up + count):
                ended = threading.Event()
                marks: dict[str, float] = {}
                outcomes: list[RunOutcome] = []

                def on_start(_: str, __: object, marks: dict[str, float] = marks) -> None:
                    marks["started"] = time.perf_counter()

                def on_exit(
                    outcome: RunOutcome,
                    marks: dict[str, float] = marks,
                    outcomes: list[RunOutcome] = outcomes,
                    ended: threading.Event = ended,
                ) -> None:
                    marks["ended"] = time.perf_counter()
                    outcomes.append(outcome)
                    ended.set()

                submitted = time.perf_counter()
                spec = RunSpec(f"run{index}", root / "ws", root / f"run{index}", {"values": [1, 2]})
                runner.submit(spec, on_start=on_start, on_exit=on_exit)
                if not ended.wait(60) or outcomes[0].status != "SUCCEEDED":
                    raise RuntimeError(f"run {index} did not succeed: {outcomes}")
                if index >= warm_up:
                    timings["started"].append(marks["started"] - submitted)
                    timings["ended"].append(marks["ended"] - submitted)
        finally:
            runner.close()
    return timings


def summary(seconds: list[float]) -> str:
    """Median, 90th percentile and minimum, in milliseconds."""
    ordered = sorted(seconds)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (
        f"median {statistics.median(ordered) * 1000:6.1f} ms   "
        f"p90 {p90 * 1000:6.1f} ms   min {ordered[0] * 1000:6.1f} ms"
    )


def main() -> None:
    """Print the figures of both modes."""
    modes: tuple[Literal["namespaces", "rlimits-only"], ...] = ("rlimits-only", "namespaces")
    for isolation in modes:
        timings = measure(isolation)
        print(f"{isolation}:")
        print(f"  submit -> started  {summary(timings['started'])}")
        print(f"  submit -> ended    {summary(timings['ended'])}")


if __name__ == "__main__":
    main()
