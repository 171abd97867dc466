"""Log summaries read on from where the previous look stopped (real files): the count, the
first and last lines stay right as a log grows, a line still being written waits, and a
replaced log is read again from its start."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from qhub.local.domain.executions.log_tails import LogTails
from qhub.local.domain.executions.outputs import append_log
from qhub.local.domain.executions.records import Execution


def _execution(workdir: Path) -> Execution:
    return Execution(
        id="e-1",
        service="/local/s/1.0.0",
        application_id="a",
        status="RUNNING",
        created_at=datetime.now(timezone.utc),
        workdir=workdir,
    )


def _messages(lines: object) -> list[str]:
    return [line.message for line in lines]  # type: ignore[attr-defined]


def test_a_growing_log_is_summarized_by_reading_only_what_was_added(tmp_path: Path) -> None:
    execution = _execution(tmp_path)
    tails = LogTails()
    for n in range(5):
        append_log(tmp_path, "INFO", f"line {n}")
    first = tails.summary(execution, 2)
    assert (first.total, first.first and first.first.message) == (5, "line 0")
    assert _messages(first.last) == ["line 3", "line 4"]
    # Overwrite the first line in place: a summary that read the log again would see it.
    log = tmp_path / "log.jsonl"
    data = log.read_bytes()
    end = data.index(b"\n")
    log.write_bytes(b"x" * end + data[end:])
    append_log(tmp_path, "INFO", "line 5")
    second = tails.summary(execution, 2)
    assert second.total == 6
    assert second.first is not None and second.first.message == "line 0"
    assert _messages(second.last) == ["line 4", "line 5"]
    assert _messages(first.last) == ["line 3", "line 4"]  # what a caller holds stays as it was


def test_a_line_still_being_written_is_counted_once_it_ends(tmp_path: Path) -> None:
    execution = _execution(tmp_path)
    tails = LogTails()
    append_log(tmp_path, "INFO", "whole")
    line = json.dumps(
        {"timestamp": "2026-12-01T00:00:00.000Z", "severity": "INFO", "message": "half"}
    )
    with open(tmp_path / "log.jsonl", "a") as file:
        file.write(line[:20])
    assert tails.summary(execution, 5).total == 1
    with open(tmp_path / "log.jsonl", "a") as file:
        file.write(line[20:] + "\n" + "not json\n")
    summary = tails.summary(execution, 5)
    assert summary.total == 2
    assert _messages(summary.last) == ["whole", "half"]


def test_a_replaced_log_is_read_from_its_start(tmp_path: Path) -> None:
    execution = _execution(tmp_path)
    tails = LogTails()
    for n in range(3):
        append_log(tmp_path, "INFO", f"old {n}")
    assert tails.summary(execution, 1).total == 3
    replacement = tmp_path / "new.jsonl"
    replacement.write_text(
        json.dumps({"timestamp": "2026-12-01T00:00:00.000Z", "severity": "INFO", "message": "new"})
        + "\n"
    )
    replacement.replace(tmp_path / "log.jsonl")
    summary = tails.summary(execution, 1)
    assert summary.total == 1
    assert summary.first is not None and summary.first.message == "new"


def test_no_log_yet_is_an_empty_summary(tmp_path: Path) -> None:
    summary = LogTails().summary(_execution(tmp_path / "missing"), 3)
    assert (summary.first, list(summary.last), summary.total) == (None, [], 0)
