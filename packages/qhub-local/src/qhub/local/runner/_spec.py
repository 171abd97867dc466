"""What the Hub hands the runner and hears back: :class:`RunSpec` (one execution, with its
:class:`Mount`\\ s and :class:`Limits`), :class:`RunOutcome`, and the callback types.

Plain values, Hub side only; the fork server gets a :class:`RunSpec` as a JSON command
(``WorkspaceRunner._command``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["ExitCallback", "Limits", "Mount", "RunOutcome", "RunSpec", "StartCallback"]


@dataclass(frozen=True)
class Limits:
    """What one execution may use; ``None`` means no limit.

    Attributes:
        time_seconds: wall-clock run time.
        memory_bytes: address space of each of its processes (``RLIMIT_AS``); also the size
            of its private ``/tmp`` and ``/dev/shm``.
        processes: processes and threads it may run at once (``namespaces`` mode only: without
            a user namespace of its own the kernel counts all of the Hub user's processes).
        output_bytes: total size of its result files, and of any one file it writes.
    """

    time_seconds: float | None = 24 * 3600.0
    memory_bytes: int | None = 8 << 30
    processes: int | None = 512
    output_bytes: int | None = 8 << 30


@dataclass(frozen=True)
class Mount:
    """A directory shown to an execution (data pools).

    Attributes:
        source: the directory on the Hub's machine.
        target: where the execution sees it; inside its working directory.
        read_only: whether the execution may only read it. Enforced in ``namespaces`` mode;
            in ``rlimits-only`` mode the target is a symbolic link to the source.
    """

    source: Path
    target: Path
    read_only: bool = True


@dataclass(frozen=True)
class RunSpec:
    """One execution to run.

    Attributes:
        execution_id: the execution's id.
        workspace: the service workspace (contains ``src/program.py``).
        workdir: a fresh directory the runner owns for this execution.
        request: the JSON object the user posted; its ``$secrets`` reach the program only in
            memory (arguments and ``SECRET_<NAME>`` variables), never on disk.
        env: extra environment variables for the execution's process.
        entrypoint: ``module:function`` to call.
        python: the interpreter to run it in (default: see the package's docstring).
        mounts: directories to show it, such as its data pools.
        limits: what it may use (default: the runner's).
    """

    execution_id: str
    workspace: Path
    workdir: Path
    request: dict[str, Any]
    env: Mapping[str, str] = field(default_factory=dict)
    entrypoint: str = "src.program:run"
    python: Path | None = None
    mounts: Sequence[Mount] = ()
    limits: Limits | None = None


@dataclass(frozen=True)
class RunOutcome:
    """How an execution ended."""

    execution_id: str
    status: Literal["SUCCEEDED", "FAILED", "CANCELLED"]
    exit_code: int | None
    ended_at: dt.datetime


#: Told an execution's id and when it started.
StartCallback = Callable[[str, dt.datetime], None]
#: Told how an execution ended (exactly once per execution).
ExitCallback = Callable[[RunOutcome], None]
