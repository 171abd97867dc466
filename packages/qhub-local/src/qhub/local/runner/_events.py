"""What a fork server reports, read on a thread of its own (:func:`event_reader`):
``ready`` once warm, ``started`` and ``exited`` per execution (``_zygote.py`` has the
protocol), and, when its stdout ends, that it is gone.

The reader only parses and dispatches; what an event means for the queue and the
executions is the runner's (its callbacks). The thread lives as long as the fork server,
whatever a callback raises: each event is handled on its own.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import IO

from ._fork_servers import ForkServer

__all__ = ["event_reader"]

#: The runner's logger (the package's name, whichever of its modules logs).
logger = logging.getLogger("qhub.local.runner")


def event_reader(
    server: ForkServer,
    *,
    on_started: Callable[[str, int], None],
    on_exited: Callable[[str, int], None],
    on_gone: Callable[[ForkServer], None],
) -> threading.Thread:
    """The reader thread of one fork server, not started yet.

    Args:
        server: the fork server whose stdout it reads; its ``ready`` event is set on
            ``ready``, and also when the server dies (nobody waits for a dead one).
        on_started: told an execution's id and the pid of its process tree.
        on_exited: told an execution's id and its exit code.
        on_gone: told once the server's stdout ended, after every event was handled.
    """
    events = server.process.stdout
    assert events is not None
    return threading.Thread(
        target=_read_events,
        args=(server, events, on_started, on_exited, on_gone),
        daemon=True,
        name="qhub-runner-events",
    )


def _read_events(
    server: ForkServer,
    events: IO[bytes],
    on_started: Callable[[str, int], None],
    on_exited: Callable[[str, int], None],
    on_gone: Callable[[ForkServer], None],
) -> None:
    for line in events:
        try:
            event = json.loads(line)
            if event["event"] == "ready":
                server.ready.set()
            elif event["event"] == "started":
                on_started(event["id"], event["pid"])
            else:
                on_exited(event["id"], event["code"])
        except Exception as error:
            logger.error(
                "a fork server event could not be handled (%s: %s); the runner goes on",
                type(error).__name__,
                error,
            )
    server.ready.set()  # nobody waits for a dead one
    on_gone(server)
