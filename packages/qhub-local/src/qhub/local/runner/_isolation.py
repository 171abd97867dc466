"""Which isolation mode executions get on this machine: :func:`detect_isolation`.

``namespaces`` needs user namespaces the Hub's user may create; whether it can is asked of
``_sandbox.py probe`` in a subprocess (once per user and group, then remembered), so a refusal
never touches the Hub's own process. See the package's docstring for what each mode means.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["Isolation", "IsolationMode", "detect_isolation"]

HERE = Path(__file__).resolve().parent

IsolationMode = Literal["namespaces", "rlimits-only"]


@dataclass(frozen=True)
class Isolation:
    """How executions are kept from the Hub and from each other.

    Attributes:
        mode: ``namespaces`` or ``rlimits-only`` (see the package's docstring).
        uid: the host user executions run as.
        gid: the host group executions run as.
        detail: what the mode amounts to here, or why namespaces are not available.
    """

    mode: IsolationMode
    uid: int
    gid: int
    detail: str

    def __str__(self) -> str:
        return f"{self.mode} ({self.detail})"


_probe_lock = threading.Lock()
_probed: dict[tuple[int, int], str] = {}


def _sandbox_ids() -> tuple[int, int]:
    """The host ids executions run as: ``nobody`` for a root Hub, else the Hub's own."""
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    try:
        uid = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        uid = 65534
    for group in ("nogroup", "nobody"):
        with contextlib.suppress(KeyError):
            return uid, grp.getgrnam(group).gr_gid
    return uid, 65534


def _namespaces_unavailable(uid: int, gid: int) -> str:
    """Why this machine can't run executions in namespaces (``""``: it can); asked once."""
    with _probe_lock:
        if (uid, gid) not in _probed:
            command = [sys.executable, "-I", str(HERE / "_sandbox.py"), "probe", str(uid), str(gid)]
            try:
                done = subprocess.run(command, capture_output=True, timeout=30, check=False)
                _probed[uid, gid] = json.loads(done.stdout)["reason"]
            except (OSError, ValueError, KeyError, subprocess.TimeoutExpired) as error:
                _probed[uid, gid] = f"the probe failed: {error}"
        return _probed[uid, gid]


def detect_isolation(requested: Literal["auto", "namespaces", "rlimits-only"]) -> Isolation:
    """The isolation executions get here.

    Raises:
        RuntimeError: ``namespaces`` was requested and the machine doesn't allow it.
    """
    uid, gid = _sandbox_ids()
    if requested == "rlimits-only" or sys.platform != "linux":
        why = "as requested" if requested == "rlimits-only" else f"not on Linux ({sys.platform})"
        return Isolation("rlimits-only", os.geteuid(), os.getegid(), why)
    reason = _namespaces_unavailable(uid, gid)
    if not reason:
        who = "nobody" if uid != os.geteuid() else "the Hub's user"
        return Isolation(
            "namespaces", uid, gid, f"user, mount, PID and IPC namespaces; as {who}, uid {uid}"
        )
    if requested == "namespaces":
        raise RuntimeError(f"executions can't run in namespaces here: {reason}")
    return Isolation(
        "rlimits-only", os.geteuid(), os.getegid(), f"namespaces unavailable: {reason}"
    )
