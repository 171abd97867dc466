"""The fork server: a single-threaded process that forks one child per execution.

Started once by :class:`~qhub.local.runner.WorkspaceRunner`. It pre-imports what every
execution needs, so a run costs a ``fork()`` instead of a fresh interpreter. Protocol, JSON
lines: commands on stdin ``{"id", "workspace", "workdir", "entrypoint", "env"}``; events on
stdout ``{"event": "started", "id", "pid"}`` and ``{"event": "exited", "id", "code"}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
from pathlib import Path
from typing import Any

from . import _child


def _emit(event: dict[str, Any]) -> None:
    os.write(1, (json.dumps(event) + "\n").encode())


def _start(command: dict[str, Any], wakeup: tuple[int, int]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for fd in wakeup:
            os.close(fd)
        os.environ.update(command["env"])
        code = _child.run_execution(
            Path(command["workspace"]), Path(command["workdir"]), command["entrypoint"]
        )
    finally:
        os._exit(code)


def _decode(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def _warm_up() -> None:
    """Do once what every child would otherwise do first: pydantic's lazy imports and setup."""
    import gc
    import logging
    import tempfile
    import typing

    from pydantic import BaseModel, TypeAdapter, create_model

    sample_model: type[BaseModel] = create_model("Sample", values=(list[float], []))
    TypeAdapter(sample_model).validate_python({"values": [2]})
    common: list[typing.Any] = [
        list[float],
        list[int],
        list[str],
        dict[str, typing.Any],
        dict[str, float],
        int,
        float,
        str,
        bool,
        typing.Any,
        float | None,
        int | None,
        str | None,
        list[list[float]],
    ]
    for annotation in common:
        _child.adapter(annotation)
    with tempfile.TemporaryDirectory() as scratch:
        _child.write_output({"a": [1]}, Path(scratch))
    logging.getLogger().handlers.clear()
    # Children inherit the heap; frozen objects are skipped by their collector, so forked
    # pages stay shared instead of being copied on the first collection.
    gc.freeze()


def main() -> None:
    """Serve commands until stdin closes; then stop every child still running."""
    _warm_up()
    wakeup = os.pipe()
    os.set_blocking(wakeup[1], False)
    signal.set_wakeup_fd(wakeup[1])
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wakeup[0], selectors.EVENT_READ)
    children: dict[int, str] = {}
    buffer = b""
    open_input = True
    while open_input or children:
        for key, _ in selector.select(timeout=1.0):
            if key.fd == wakeup[0]:
                os.read(wakeup[0], 4096)
            else:
                data = os.read(0, 1 << 16)
                if not data:
                    open_input = False
                    selector.unregister(0)
                    for pid in children:
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(pid, signal.SIGKILL)
                    continue
                buffer += data
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    command = json.loads(line)
                    pid = _start(command, wakeup)
                    children[pid] = command["id"]
                    _emit({"event": "started", "id": command["id"], "pid": pid})
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            execution_id = children.pop(pid, None)
            if execution_id is not None:
                _emit({"event": "exited", "id": execution_id, "code": _decode(status)})


if __name__ == "__main__":
    main()
