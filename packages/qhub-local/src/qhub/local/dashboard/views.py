"""The dashboard's JSON: what its page shows of services, executions, jobs, sessions and data
pools (camelCase, instants as ISO-8601 UTC strings). The dashboard's own shapes, not a
Hub API's: no spec describes them, and only the bundled page reads them.

Values are sent as the domain holds them; the page escapes them (it sets text, never HTML).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..domain.catalog import CatalogEntry
from ..domain.clock import format_utc
from ..domain.datapools import DataPool
from ..domain.executions import Execution, LogLine
from ..domain.listing import Page
from ..domain.quantum import JobRecord, SessionRecord

__all__ = [
    "MAX_HISTOGRAM_BARS",
    "MAX_INPUT_CHARS",
    "MAX_POOL_FILES",
    "datapool_json",
    "execution_detail_json",
    "execution_json",
    "job_detail_json",
    "job_json",
    "page_json",
    "service_json",
    "session_json",
]

Item = TypeVar("Item")

#: A job's input is shown up to this many characters (inputs may be megabytes).
MAX_INPUT_CHARS = 20_000
#: The histogram shows the most frequent outcomes, at most this many.
MAX_HISTOGRAM_BARS = 64
#: A data pool lists at most this many of its files.
MAX_POOL_FILES = 200


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else format_utc(moment)


def _duration_ms(started: dt.datetime | None, ended: dt.datetime | None) -> int | None:
    if started is None or ended is None:
        return None
    return round((ended - started).total_seconds() * 1000)


def page_json(page: Page[Item], item_json: Callable[[Item], dict[str, Any]]) -> dict[str, Any]:
    """A page of records: ``items``, and where the page is in the whole listing."""
    return {
        "items": [item_json(item) for item in page.content],
        "page": page.page,
        "size": page.size,
        "totalElements": page.total_elements,
        "totalPages": page.total_pages,
    }


def service_json(entry: CatalogEntry, base_url: str) -> dict[str, Any]:
    """A registered service, with the URL its gateway serves it at."""
    service = entry.service
    return {
        "id": service.id,
        "name": service.name,
        "version": service.version,
        "url": base_url + service.path,
        "lifecycle": entry.lifecycle,
        "registeredAt": _iso(entry.registered_at),
    }


def execution_json(execution: Execution) -> dict[str, Any]:
    """An execution as the list shows it."""
    address = execution.address
    return {
        "id": execution.id,
        "service": address.name,
        "serviceId": address.id,
        "version": address.version,
        "applicationId": execution.application_id,
        "status": execution.status,
        "final": execution.is_final,
        "tags": list(execution.tags),
        "createdAt": _iso(execution.created_at),
        "startedAt": _iso(execution.started_at),
        "endedAt": _iso(execution.ended_at),
        "durationMs": _duration_ms(execution.started_at, execution.ended_at),
    }


def execution_detail_json(
    execution: Execution,
    *,
    logs: Sequence[LogLine],
    logs_total: int,
    output: dict[str, Any] | None,
    files: Sequence[tuple[str, int]],
    jobs: Sequence[JobRecord],
) -> dict[str, Any]:
    """An execution with its last log lines, JSON output, result files (name, size in bytes)
    and the quantum jobs it submitted."""
    return {
        **execution_json(execution),
        "logs": [
            {"timestamp": _iso(line.timestamp), "severity": line.severity, "message": line.message}
            for line in logs
        ],
        "logsTotal": logs_total,
        # As text: a browser's object would reorder keys that look like numbers ("10" first).
        "output": None if output is None else json.dumps(output, indent=2),
        "files": [{"name": name, "size": size} for name, size in files],
        "jobs": [job_json(job) for job in jobs],
    }


def job_json(job: JobRecord) -> dict[str, Any]:
    """A quantum job as the list shows it."""
    return {
        "id": job.id,
        "name": job.name,
        "backendId": job.backend_id,
        "provider": job.provider,
        "status": job.status,
        "final": job.is_final,
        "shots": job.shots,
        "tags": list(job.tags),
        "inputFormat": job.input_format,
        "sessionId": job.session_id,
        "serviceExecutionId": job.service_execution_id,
        "createdAt": _iso(job.created_at),
        "startedAt": _iso(job.started_at),
        "endedAt": _iso(job.ended_at),
        "durationMs": job.usage_millis,
    }


def _histogram(counts: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The most frequent outcomes in outcome order, and how many outcomes there are."""
    valid = {str(k): v for k, v in counts.items() if isinstance(v, int) and v >= 0}
    frequent = sorted(valid.items(), key=lambda item: (-item[1], item[0]))[:MAX_HISTOGRAM_BARS]
    bars = [{"outcome": outcome, "count": count} for outcome, count in sorted(frequent)]
    return bars, len(valid)


def _input_text(job: JobRecord) -> str:
    """A job's input as a person reads it: an OpenQASM input's program(s) as written, any
    other input as indented JSON."""
    qasm = job.input.get("qasm")
    if job.input_format.startswith("OPEN_QASM") and len(job.input) == 1:
        if isinstance(qasm, str):
            return qasm
        if isinstance(qasm, list) and all(isinstance(program, str) for program in qasm):
            return "\n\n".join(qasm)
    return json.dumps(job.input, indent=2)


def job_detail_json(job: JobRecord) -> dict[str, Any]:
    """A job with its input (see :func:`_input_text`; cut at :data:`MAX_INPUT_CHARS`) and its
    result: the counts as histogram bars, or the error it failed with."""
    text = _input_text(job)
    result = job.result or {}
    counts = result.get("counts")
    bars, outcomes = _histogram(counts) if isinstance(counts, dict) else ([], 0)
    error = result.get("error")
    return {
        **job_json(job),
        "input": text[:MAX_INPUT_CHARS],
        "inputChars": len(text),
        "histogram": bars,
        "outcomes": outcomes,
        "error": None if error is None else str(error),
    }


def session_json(session: SessionRecord, job_count: int) -> dict[str, Any]:
    """A session with the number of jobs submitted into it."""
    return {
        "id": session.id,
        "backendId": session.backend_id,
        "provider": session.provider,
        "mode": session.mode,
        "status": session.status,
        "final": session.is_final,
        "tags": list(session.tags),
        "jobCount": job_count,
        "serviceExecutionId": session.service_execution_id,
        "createdAt": _iso(session.created_at),
        "startedAt": _iso(session.started_at),
        "expiresAt": _iso(session.expires_at),
        "closedAt": _iso(session.closed_at),
    }


def _pool_files(root: Path) -> Iterator[tuple[str, int, float]]:
    """Every file under a pool's directory (relative path, size, modification time); links
    are not followed out of it."""
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            try:
                stat = path.stat(follow_symlinks=False)
            except OSError:
                continue  # removed while listed
            yield path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime


def datapool_json(pool: DataPool) -> dict[str, Any]:
    """A data pool with its first :data:`MAX_POOL_FILES` files and how many it has."""
    # domain/datapools has no query for a pool's files yet (that context is being reworked
    # in parallel); the pool record names its directory, so the dashboard lists it itself.
    files: list[dict[str, Any]] = []
    count = 0
    for name, size, modified in _pool_files(pool.path):
        count += 1
        if len(files) < MAX_POOL_FILES:
            moment = dt.datetime.fromtimestamp(modified, dt.timezone.utc)
            files.append({"name": name, "size": size, "modifiedAt": _iso(moment)})
    return {
        "id": pool.id,
        "name": pool.name,
        "createdAt": _iso(pool.created_at),
        "files": files,
        "fileCount": count,
    }
