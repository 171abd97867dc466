"""The warm fork servers, Hub side: one per interpreter executions run in, started with
:func:`launch_fork_server`, sent one JSON command per execution, stopped by closing its
stdin (:func:`stop_fork_servers`).

The fork server itself is ``_zygote.py`` (its docstring has the protocol); what it reports
is read by ``_events.py``. An interpreter other than the Hub's starts it by file path, with
``-I`` and an environment without the Hub's Python variables (:func:`server_environment`).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._isolation import Isolation

__all__ = [
    "HUB_PYTHON_VARIABLES",
    "ForkServer",
    "launch_fork_server",
    "release",
    "send_command",
    "server_environment",
    "stop_fork_servers",
]

HERE = Path(__file__).resolve().parent
#: Variables that would make a workspace's interpreter load the Hub's packages.
HUB_PYTHON_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")


@dataclass
class ForkServer:
    """One running fork server and the interpreter it runs in."""

    python: Path
    process: subprocess.Popen[bytes]
    #: Set once it has warmed up (or died).
    ready: threading.Event = field(default_factory=threading.Event)


def server_environment(python: Path) -> dict[str, str] | None:
    """The environment of a fork server: the Hub's, minus what would lead a foreign
    interpreter to the Hub's packages, with its own ``bin`` first on ``PATH``."""
    if python == Path(sys.executable):
        return None
    env = {k: v for k, v in os.environ.items() if k not in HUB_PYTHON_VARIABLES}
    hub_bin = os.path.dirname(sys.executable)
    paths = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if p != hub_bin]
    env["PATH"] = os.pathsep.join([str(python.parent), *paths])
    if (python.parent.parent / "pyvenv.cfg").exists():
        env["VIRTUAL_ENV"] = str(python.parent.parent)
    return env


def launch_fork_server(python: Path, isolation: Isolation) -> ForkServer:
    """Start a fork server in ``python`` whose executions get ``isolation``; it warms up in
    the background (its ``ready`` event says when).

    Raises:
        OSError: the interpreter can't be started.
    """
    settings = {"isolation": isolation.mode, "uid": isolation.uid, "gid": isolation.gid}
    if python == Path(sys.executable):  # as before: the Hub's environment, PYTHONPATH too
        argv = [str(python), "-m", "qhub.local.runner._zygote", json.dumps(settings)]
    else:
        argv = [str(python), "-I", str(HERE / "_zygote.py"), json.dumps(settings)]
    process = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=server_environment(python),
        start_new_session=True,
    )
    return ForkServer(python, process)


def send_command(server: ForkServer, command: dict[str, Any]) -> None:
    """Hand a fork server one execution to start (one JSON line on its stdin)."""
    stdin = server.process.stdin
    assert stdin is not None
    stdin.write((json.dumps(command) + "\n").encode())
    stdin.flush()


def stop_fork_servers(servers: Iterable[ForkServer], timeout: float) -> None:
    """Close every fork server's stdin (it kills what it still runs and ends), then wait
    ``timeout`` seconds for each; one still alive then is killed."""
    servers = list(servers)
    for server in servers:
        assert server.process.stdin is not None
        with contextlib.suppress(OSError):
            server.process.stdin.close()
    for server in servers:
        try:
            server.process.wait(timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def release(process: subprocess.Popen[bytes]) -> None:
    """Close the pipes of a dead fork server and reap it."""
    assert process.stdin is not None
    assert process.stdout is not None
    with contextlib.suppress(OSError):
        process.stdin.close()
    process.stdout.close()
    process.wait()
