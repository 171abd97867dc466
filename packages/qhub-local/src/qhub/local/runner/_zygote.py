"""The fork server: a single-threaded process that forks one supervisor per execution.

Started once per interpreter by :class:`~qhub.local.runner.WorkspaceRunner`: in a workspace's
interpreter as ``python -I _zygote.py SETTINGS`` (by file path, so that interpreter needs none
of the Hub's packages; this module and its siblings use the standard library only), in the
Hub's as ``python -m qhub.local.runner._zygote SETTINGS``. It
pre-imports what executions commonly need, so a run costs a ``fork()`` instead of a fresh
interpreter.

Protocol, JSON lines. SETTINGS: ``{"isolation", "uid", "gid"}``. Commands on stdin:
``{"id", "workspace", "workdir", "entrypoint", "env", "request", "secrets", "limits",
"mounts", "private_paths"}`` (secrets travel only here and in the execution's memory).
Events on stdout: ``{"event": "ready"}`` once, when warmed up and reading commands;
``{"event": "started", "id", "pid"}`` and ``{"event": "exited", "id", "code"}``. When stdin
closes, every execution still running is killed.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import selectors
import signal
import sys
import tempfile
import traceback
import types
from pathlib import Path
from typing import Any

if not __package__:
    # Run by file path: load this directory as a private package, so the siblings import each
    # other relatively and nothing lands on the program's ``sys.path``.
    _package = types.ModuleType("_qhub_runner")
    _package.__path__ = [str(Path(__file__).resolve().parent)]
    sys.modules[_package.__name__] = _package
    __package__ = _package.__name__

from . import _binding, _child, _sandbox, _supervisor


def _emit(event: dict[str, Any]) -> None:
    os.write(1, (json.dumps(event) + "\n").encode())


def _interpreter_paths() -> list[str]:
    """Where this interpreter and its packages live (bound read-only into executions)."""
    paths = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
    }
    paths.update(p for p in sys.path if p and os.path.exists(p))
    return sorted(paths)


def _start(command: dict[str, Any], sandbox: dict[str, Any], wakeup: tuple[int, int]) -> int:
    namespaces = sandbox["isolation"] == "namespaces"
    handshake = _sandbox.Handshake() if namespaces else None
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setsid()
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, signal.SIG_DFL)
            for fd in wakeup:
                os.close(fd)
            code = _supervisor.supervise(command, sandbox, handshake, parent)
        except BaseException:
            traceback.print_exc()  # to the Hub's stderr: a bug of the runner, not the program
        finally:
            os._exit(code)
    if handshake is not None:
        handshake.serve_child(lambda: _sandbox.write_id_maps(pid, sandbox["uid"], sandbox["gid"]))
    return pid


def _warm_up() -> None:
    """Do once what every child would otherwise do first: imports and first-use setup."""
    import logging
    import typing

    with contextlib.suppress(ImportError):  # the workspace's interpreter may not have it
        from pydantic import BaseModel, create_model

        sample: type[BaseModel] = create_model("Sample", values=(list[float], []))
        sample.model_validate({"values": [2]})
    for annotation in (list[float], dict[str, typing.Any], int | None, bool):
        with contextlib.suppress(_binding.ConversionError):
            _binding.convert(annotation, [1])
    with tempfile.TemporaryDirectory() as scratch:
        _child.write_output({"a": [1]}, Path(scratch))
    logging.getLogger().handlers.clear()
    # Children inherit the heap; frozen objects are skipped by their collector, so forked
    # pages stay shared instead of being copied on the first collection.
    gc.freeze()


def main() -> None:
    """Serve commands until stdin closes; then stop every child still running."""
    sandbox = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {"isolation": "rlimits-only"}
    if sys.path and sys.path[0] == os.getcwd():  # ``-m`` put the Hub's working directory first
        del sys.path[0]
    sandbox["interpreter_paths"] = _interpreter_paths()
    _warm_up()
    wakeup = os.pipe()
    os.set_blocking(wakeup[1], False)
    signal.set_wakeup_fd(wakeup[1])
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wakeup[0], selectors.EVENT_READ)
    _emit({"event": "ready"})
    children: dict[int, str] = {}
    pending: list[bytes] = []  # an unfinished command line, in pieces (requests can be large)
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
                pending.append(data)
                if b"\n" not in data:
                    continue
                *lines, rest = b"".join(pending).split(b"\n")
                pending = [rest]
                for line in lines:
                    command = json.loads(line)
                    pid = _start(command, sandbox, wakeup)
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
                code = os.waitstatus_to_exitcode(status)
                _emit({"event": "exited", "id": execution_id, "code": code})


if __name__ == "__main__":
    main()
