"""The Platform API's JSON shapes of managed services' builds (``BuildJobDto``, the build
log's ``LogEntry`` items), as ``spec/platform.json`` declares them."""

from __future__ import annotations

from typing import Any

from ...domain.catalog import Build, BuildLogLine
from ..wire import iso

__all__ = ["build_json", "build_log_json"]


def build_json(build: Build) -> dict[str, Any]:
    """A ``BuildJobDto``: the build's status and step, and what checking the workspace
    found (once it was checked)."""
    validation = build.validation
    return {
        "status": build.status,
        "step": build.step,
        "createdAt": iso(build.created_at),
        "finishedAt": iso(build.finished_at),
        "validationResult": None
        if validation is None
        else {
            "state": validation.state,
            "summary": validation.summary,
            "messages": list(validation.messages),
        },
    }


def build_log_json(lines: list[BuildLogLine]) -> list[dict[str, Any]]:
    """The build log: ``LogEntry`` objects, in order."""
    return [
        {"message": line.message, "severity": line.severity, "timestamp": iso(line.timestamp)}
        for line in lines
    ]
