"""Linux isolation for an execution's processes, from the standard library only.

Python 3.11 has no ``unshare``, ``mount``, ``mount_setattr`` or ``capset``, so they are called
through ``ctypes``. Like the fork server, this module runs in the workspace's interpreter and
imports nothing else; ``python _sandbox.py probe UID GID`` tells whether the machine allows
the ``namespaces`` mode (the runner asks once, at start).

In ``namespaces`` mode an execution gets its own user, mount, PID and IPC namespaces:

* the user namespace maps the execution's root to an unprivileged host user (``nobody`` when
  the Hub runs as root; otherwise the Hub's own user, the only mapping the kernel allows an
  unprivileged process), so host file modes apply to it, and so do process limits;
* in its mount namespace the whole file system is read-only, ``/tmp`` and ``/dev/shm`` are
  fresh and private, the Hub's private directories (its data directory) and the execution's
  working directory are covered by empty read-only tmpfs, and only what the execution needs is
  bound back: the interpreter and the workspace read-only, ``out/`` read-write, data pools as
  the runner says; a directory the execution's user could not traverse (such as ``/root``
  holding the interpreter) is covered too, with just the needed paths bound back;
* its PID namespace ends with its first process: killing that kills everything the program
  started, ``setsid`` or not;
* before the program runs, every capability is dropped and ``no_new_privs`` is set, so the
  program cannot unmount or remount any of this.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Handshake",
    "MountPlan",
    "MountStep",
    "apply_mounts",
    "become_namespace_root",
    "drop_capabilities",
    "mount_proc",
    "open_sources",
    "plan_mounts",
    "probe",
    "set_parent_death_signal",
    "unshare_namespaces",
    "write_id_maps",
]

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC

MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
SYS_MOUNT_SETATTR = 442  # the same number on every architecture the kernel added it for

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAPABILITY_VERSION_3 = 0x20080522

#: Size of the empty read-only tmpfs laid over hidden directories (they only hold mount points).
COVER_OPTIONS = "mode=0755,size=1m,nr_inodes=4096"

LINUX = sys.platform == "linux"

_libc = ctypes.CDLL(None, use_errno=True)
if LINUX:
    _libc.prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
    _libc.mount.argtypes = [*[ctypes.c_char_p] * 3, ctypes.c_ulong, ctypes.c_char_p]
    for _name in ("unshare", "syscall", "capset"):  # looked up once, not in every child
        getattr(_libc, _name)


class _MountAttributes(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


class _CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapabilityData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


# -- namespaces and the user mapping ----------------------------------------------------------


def unshare_namespaces() -> None:
    """Move this (single-threaded) process into new user, mount, PID and IPC namespaces.

    Its children are the new PID namespace's processes; the first one is its init.
    """
    _check(_libc.unshare(NAMESPACES), "unshare")


def write_id_maps(pid: int, host_uid: int, host_gid: int) -> None:
    """Map root of ``pid``'s new user namespace to ``host_uid``/``host_gid`` (from outside).

    Without ``CAP_SETGID`` (an unprivileged Hub) the kernel requires ``setgroups`` to be
    denied first, and allows only the writer's own ids.
    """
    if os.geteuid() != 0:
        with open(f"/proc/{pid}/setgroups", "w") as file:
            file.write("deny")
    with open(f"/proc/{pid}/uid_map", "w") as file:
        file.write(f"0 {host_uid} 1")
    with open(f"/proc/{pid}/gid_map", "w") as file:
        file.write(f"0 {host_gid} 1")


def become_namespace_root() -> None:
    """Take the mapped ids (root inside, the unprivileged host user outside) for good."""
    os.setresgid(0, 0, 0)
    os.setresuid(0, 0, 0)


class Handshake:
    """Two pipes through which a child that unshared its user namespace waits for its parent
    to write the namespace's id maps (a process may map another user only from outside)."""

    def __init__(self) -> None:
        self._ready = os.pipe()
        self._go = os.pipe()

    def wait_for_parent(self) -> None:
        """In the child, after unsharing: tell the parent, wait until it has mapped us.

        Raises:
            OSError: the parent could not configure the namespace (its message says why).
        """
        os.close(self._ready[0])
        os.close(self._go[1])
        try:
            os.write(self._ready[1], b"u")
            answer = os.read(self._go[0], 4096)
        finally:
            os.close(self._ready[1])
            os.close(self._go[0])
        if answer != b"ok":
            raise OSError(answer.decode(errors="replace") or "the parent gave up on the sandbox")

    def serve_child(self, configure: Callable[[], None]) -> None:
        """In the parent: once the child has unshared, ``configure`` it and let it go on."""
        os.close(self._ready[1])
        os.close(self._go[0])
        try:
            if os.read(self._ready[0], 1):  # b"": the child died before unsharing
                try:
                    configure()
                    answer = b"ok"
                except OSError as error:
                    answer = f"could not set up the user namespace: {error}".encode()
                with contextlib.suppress(BrokenPipeError):  # the child is gone already
                    os.write(self._go[1], answer)
        finally:
            os.close(self._ready[0])
            os.close(self._go[1])


# -- mounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MountStep:
    """One mount of an execution's view.

    Attributes:
        kind: ``scratch`` (a fresh writable tmpfs), ``cover`` (an empty read-only tmpfs
            hiding what lies below) or ``bind`` (``source`` shown at ``target``).
        target: where it is mounted.
        source: what a bind shows.
        read_only: whether a bind is read-only.
    """

    kind: Literal["scratch", "cover", "bind"]
    target: str
    source: str = ""
    read_only: bool = True


#: At one depth, binds go first and covers last: a cover always wins over what it hides.
STEP_ORDER = {"scratch": 0, "bind": 1, "cover": 2}


@dataclass
class MountPlan:
    """What an execution's mount namespace looks like, on top of the read-only host.

    Attributes:
        steps: the mounts, parents before what lies inside them.
        scratch_bytes: the size of each scratch tmpfs.
    """

    steps: list[MountStep] = field(default_factory=list)
    scratch_bytes: int = 1 << 30


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _blocked_ancestor(path: str, uid: int, hidden: Sequence[str]) -> str | None:
    """The topmost directory above ``path`` that ``uid`` (in no group) cannot traverse;
    directories at or below ``hidden`` ones don't count (the sandbox makes those afresh)."""
    parts = path.strip("/").split("/")
    for depth in range(1, len(parts)):
        ancestor = "/" + "/".join(parts[:depth])
        if any(_inside(ancestor, h) for h in hidden):
            return None
        info = os.stat(ancestor)
        if info.st_uid != uid and not info.st_mode & stat.S_IXOTH:
            return ancestor
    return None


def _outermost(paths: Iterable[str]) -> list[str]:
    """``paths`` without those inside another one, sorted from the root down."""
    unique = sorted(set(paths), key=lambda p: (p.count("/"), p))
    return [p for p in unique if not any(_inside(p, o) and p != o for o in unique)]


def plan_mounts(
    *,
    workdir: str,
    interpreter: Iterable[str],
    workspace: str,
    binds: Sequence[tuple[str, str, bool]],
    private: Iterable[str],
    sandbox_uid: int | None,
    scratch_bytes: int,
) -> MountPlan:
    """The mounts for one execution (computed on the host, before unsharing).

    Args:
        workdir: the execution's working directory (covered; its parts are bound back).
        interpreter: where the interpreter and its packages live (read where they are; any
            that holds ``/tmp`` or lies in a hidden directory, such as the Hub's working
            directory on ``sys.path``, is left out).
        workspace: the service workspace (read where it is).
        binds: ``(source, target, read_only)`` shown at ``target`` (``out/``, data pools).
        private: directories to hide (the Hub's data directory).
        sandbox_uid: the host user the execution runs as, when it is not the Hub's own: a
            directory it could not traverse on its way to something it needs is covered,
            and what it needs below it bound back.
        scratch_bytes: the size of ``/tmp`` and ``/dev/shm``.
    """
    scratch = [d for d in ("/tmp", "/dev/shm") if os.path.isdir(d)]  # noqa: S108 - fresh ones
    covers = [workdir, *(os.path.abspath(p) for p in private if os.path.isdir(p))]

    def leads_to_nothing_hidden(path: str) -> bool:
        return not any(_inside(s, path) for s in scratch) and not any(
            _inside(path, c) for c in covers
        )

    needed = {os.path.abspath(p) for p in interpreter if os.path.exists(p)}
    needed = {p for p in needed if leads_to_nothing_hidden(p)}
    if not any(_inside(s, workspace) for s in scratch):
        needed.add(os.path.abspath(workspace))
    if sandbox_uid is not None:
        hidden = scratch + covers
        for path in [*needed, *(target for _, target, _ in binds)]:
            blocked = _blocked_ancestor(path, sandbox_uid, hidden)
            if blocked is not None:
                covers.append(blocked)
    hidden = scratch + covers
    again = _outermost(p for p in needed if any(_inside(p, h) for h in hidden))
    steps = [MountStep("scratch", d) for d in scratch]
    steps += [MountStep("cover", c) for c in set(covers)]
    steps += [MountStep("bind", p, p) for p in again]
    steps += [MountStep("bind", target, source, read_only) for source, target, read_only in binds]
    steps.sort(key=lambda step: (step.target.count("/"), STEP_ORDER[step.kind], step.target))
    return MountPlan(steps, scratch_bytes)


def open_sources(plan: MountPlan) -> dict[str, int]:
    """``O_PATH`` descriptors of the binds' sources, opened while this process still has the
    host user's access (after unsharing: binds must come from the new mount namespace)."""
    sources = [step.source for step in plan.steps if step.kind == "bind"]
    return {source: os.open(source, os.O_PATH | os.O_CLOEXEC) for source in sources}


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str) -> None:
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _set_attributes(
    path: str, *, recursive: bool, set_flags: int = 0, clear_flags: int = 0, propagation: int = 0
) -> None:
    attributes = _MountAttributes(set_flags, clear_flags, propagation, 0)
    _check(
        _libc.syscall(
            SYS_MOUNT_SETATTR,
            AT_FDCWD,
            path.encode(),
            AT_RECURSIVE if recursive else 0,
            ctypes.byref(attributes),
            ctypes.sizeof(attributes),
        ),
        f"mount_setattr {path}",
    )


def _make_target(target: str, source_fd: int, fresh: Sequence[str]) -> None:
    """Create a missing mount point, inside one of the sandbox's own tmpfs only."""
    if os.path.lexists(target):
        return
    if not any(_inside(target, f) for f in fresh):
        raise OSError(f"mount point {target} does not exist")
    if stat.S_ISDIR(os.fstat(source_fd).st_mode):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o644))


def apply_mounts(plan: MountPlan, sources: dict[str, int]) -> None:
    """Build the execution's view, in its own mount namespace (as the namespace's root)."""
    _set_attributes("/", recursive=True, propagation=MS_PRIVATE)
    fresh: list[str] = []
    writable: list[str] = []
    for step in plan.steps:
        if step.kind == "scratch":
            options = f"mode=1777,size={plan.scratch_bytes}"
            _mount("tmpfs", step.target, "tmpfs", MS_NOSUID | MS_NODEV, options)
            fresh.append(step.target)
            writable.append(step.target)
        elif step.kind == "cover":
            if not os.path.isdir(step.target):
                continue  # out of sight already, below another cover or a scratch tmpfs
            _mount("tmpfs", step.target, "tmpfs", MS_NOSUID | MS_NODEV, COVER_OPTIONS)
            fresh.append(step.target)
        else:
            source = sources[step.source]
            _make_target(step.target, source, fresh)
            _mount(f"/proc/self/fd/{source}", step.target, None, MS_BIND | MS_REC, "")
            if not step.read_only:
                writable.append(step.target)
    # Everything read-only at once, then the few writable places opened again.
    _set_attributes("/", recursive=True, set_flags=MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID)
    for directory in writable:
        _set_attributes(directory, recursive=False, clear_flags=MOUNT_ATTR_RDONLY)


def mount_proc() -> None:
    """A ``/proc`` of this PID namespace (called by its init): only its own processes."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "")


# -- privileges -------------------------------------------------------------------------------


def drop_capabilities() -> None:
    """Give up every capability for good, and let no ``execve`` grant new privileges."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    with open("/proc/sys/kernel/cap_last_cap") as file:
        last = int(file.read())
    for capability in range(last + 1):
        _check(_libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0), "prctl(CAPBSET_DROP)")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)  # EINVAL before Linux 4.3
    header = _CapabilityHeader(CAPABILITY_VERSION_3, 0)
    data = (_CapabilityData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def set_parent_death_signal(signum: int) -> None:
    """Have the kernel send ``signum`` to this process when its parent dies (Linux only)."""
    if LINUX:
        _check(_libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0), "prctl(PDEATHSIG)")


# -- the probe --------------------------------------------------------------------------------


def probe(sandbox_uid: int, sandbox_gid: int) -> str:
    """Try the ``namespaces`` mode once; ``""`` if it works, else what failed.

    A child does what an execution's supervisor does: unshares, gets mapped to
    ``sandbox_uid``/``sandbox_gid``, builds a mount namespace (a private ``/tmp``, the rest
    read-only), and starts an init that mounts its ``/proc`` and drops its capabilities.
    """
    handshake = Handshake()
    errors = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(errors[0])
            if os.geteuid() == 0:
                os.setgroups([])
            unshare_namespaces()
            handshake.wait_for_parent()
            become_namespace_root()
            apply_mounts(MountPlan([MountStep("scratch", "/tmp")], 1 << 20), {})  # noqa: S108
            init = os.fork()
            if init == 0:
                init_code = 1
                try:
                    mount_proc()
                    drop_capabilities()
                    init_code = 0
                except BaseException as error:
                    os.write(errors[1], str(error).encode())
                finally:
                    os._exit(init_code)
            code = os.waitstatus_to_exitcode(os.waitpid(init, 0)[1])
        except BaseException as error:
            os.write(errors[1], str(error).encode())
        finally:
            os._exit(code)
    os.close(errors[1])
    try:
        handshake.serve_child(lambda: write_id_maps(pid, sandbox_uid, sandbox_gid))
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        reason = os.read(errors[0], 4096).decode(errors="replace")
    finally:
        os.close(errors[0])
    return "" if code == 0 else reason or f"the probe exited with status {code}"


def main(argv: list[str]) -> int:
    """``probe UID GID``: print ``{"namespaces": bool, "reason": str}``."""
    if len(argv) != 3 or argv[0] != "probe":
        print("usage: _sandbox.py probe UID GID", file=sys.stderr)
        return 2
    try:
        reason = probe(int(argv[1]), int(argv[2]))
    except OSError as error:
        reason = str(error)
    print(json.dumps({"namespaces": not reason, "reason": reason}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
