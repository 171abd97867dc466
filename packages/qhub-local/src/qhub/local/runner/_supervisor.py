"""One execution's processes, below the fork server (standard library only).

``namespaces`` mode::

    fork server ── supervisor        own session; isolates, then enforces time and output limits
                     └─ init         PID 1 of the execution's PID namespace: reaps, forwards SIGTERM
                          └─ program _child.run_program, with rlimits and no capabilities

When the init ends, the kernel kills every other process of its namespace, so the supervisor
ends an execution (time limit, cancel) by killing the init. ``rlimits-only`` mode has no init:
the program is the supervisor's child, in its own process group, and only that group is
killed (a ``setsid`` grandchild escapes it).

The supervisor's exit code is the outcome: 0 succeeded, anything else failed; each limit it
enforces leaves an ERROR line in the execution's log saying which.
"""

from __future__ import annotations

import contextlib
import os
import resource
import select
import signal
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import _sandbox
from ._binding import secret_env_name
from ._child import LogFile, run_program

#: How often the output directory's size is checked against its limit, seconds.
OUTPUT_CHECK_SECONDS = 0.25
#: Processes the runner itself keeps in an execution (the supervisor and the init).
OWN_PROCESSES = 2


def _output_size(directory: Path) -> int:
    """Bytes in the files under ``directory`` (symbolic links count as themselves)."""
    total = 0
    pending = [str(directory)]
    while pending:
        with contextlib.suppress(OSError), os.scandir(pending.pop()) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    else:
                        total += entry.stat(follow_symlinks=False).st_size
    return total


def _exit_code(status: int) -> int:
    """A wait status as a shell would show it: the exit code, or 128 + the signal."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _set_rlimits(limits: Mapping[str, Any], *, count_processes: bool) -> None:
    """The program's resource limits (never above what the Hub itself may use)."""
    wanted = {resource.RLIMIT_CORE: 0}  # a core dump would write the program's memory to disk
    if limits.get("memory_bytes"):
        wanted[resource.RLIMIT_AS] = limits["memory_bytes"]
    if limits.get("output_bytes"):
        wanted[resource.RLIMIT_FSIZE] = limits["output_bytes"]
    if limits.get("processes") and count_processes:
        wanted[resource.RLIMIT_NPROC] = limits["processes"] + OWN_PROCESSES
    for kind, value in wanted.items():
        _, hard = resource.getrlimit(kind)
        capped = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (capped, capped))


def _close_inherited(keep: set[int]) -> None:
    """Close every descriptor above stderr but ``keep``: none may lead back to the host."""
    try:
        open_fds = os.listdir("/proc/self/fd")
    except FileNotFoundError:  # not Linux
        open_fds = os.listdir("/dev/fd")
    for fd in sorted(int(name) for name in open_fds):
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _program(command: Mapping[str, Any], log: LogFile, native_fd: int, namespaces: bool) -> int:
    """Become the program: limits, clean descriptors, then the user's code."""
    if not namespaces:
        os.setpgid(0, 0)
        _sandbox.set_parent_death_signal(signal.SIGKILL)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    _set_rlimits(command["limits"], count_processes=namespaces)
    _close_inherited({log.fd, native_fd})
    datapools = Path(command["workdir"]) / "datapool"
    return run_program(command, log, native_fd, datapools)


def _init(command: Mapping[str, Any], log: LogFile, native_fd: int) -> int:
    """PID 1 of the execution: start the program, reap every orphan, end with the program."""
    _sandbox.set_parent_death_signal(signal.SIGKILL)
    _sandbox.mount_proc()
    _sandbox.drop_capabilities()
    program = os.fork()
    if program == 0:
        os._exit(_program(command, log, native_fd, namespaces=True))

    def forward(signum: int, _: Any) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(program, signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    while True:
        pid, status = os.wait()
        if pid == program:
            return _exit_code(status)


class _Watch:
    """The supervisor's loop: wait for the execution's first process while enforcing the
    time and output limits; stop it all on SIGTERM (a cancel)."""

    def __init__(self, child: int, namespaces: bool, limits: Mapping[str, Any], out: Path):
        self.child = child
        self.namespaces = namespaces
        self.limits = limits
        self.out = out
        self.reason: str | None = None

    def stop(self) -> None:
        """Kill everything the execution runs."""
        with contextlib.suppress(ProcessLookupError):
            if self.namespaces:
                os.kill(self.child, signal.SIGKILL)  # the init: its namespace goes with it
            else:
                os.killpg(self.child, signal.SIGKILL)

    def on_sigterm(self, *_: Any) -> None:
        """A cancel: stop at once, and end as killed by SIGTERM."""
        self.stop()
        os._exit(128 + signal.SIGTERM)

    def _over_a_limit(self, started: float) -> str | None:
        seconds = self.limits.get("time_seconds")
        if seconds and time.monotonic() - started >= seconds:
            return f"time limit of {seconds:g} s exceeded"
        output = self.limits.get("output_bytes")
        if output and _output_size(self.out) > output:
            return f"output limit of {output} bytes exceeded"
        return None

    def _wait(self, started: float) -> int:
        seconds = self.limits.get("time_seconds")
        exited = select.poll()
        pidfd: int | None = None
        # No pidfd before Linux 5.3 (nor elsewhere): poll the child instead.
        with contextlib.suppress(OSError, AttributeError):
            pidfd = os.pidfd_open(self.child)
            exited.register(pidfd, select.POLLIN)
        try:
            while True:
                steps = [OUTPUT_CHECK_SECONDS]
                if seconds:
                    steps.append(max(0.0, started + seconds - time.monotonic()))
                if pidfd is not None:
                    if exited.poll(min(steps) * 1000):
                        break
                else:
                    pid, status = os.waitpid(self.child, os.WNOHANG)
                    if pid:
                        return _exit_code(status)
                    time.sleep(min(0.02, *steps))
                self.reason = self._over_a_limit(started)
                if self.reason:
                    self.stop()
                    break
        finally:
            if pidfd is not None:
                os.close(pidfd)
        return _exit_code(os.waitpid(self.child, 0)[1])

    def run(self, started: float) -> int:
        """Wait for the end; the exit code (non-zero when a limit ended the execution)."""
        code = self._wait(started)
        output = self.limits.get("output_bytes")
        if self.reason is None and code == 0 and output and _output_size(self.out) > output:
            self.reason = f"output limit of {output} bytes exceeded"
        if self.reason is None and code > 128:
            self.reason = f"the program was killed by {_signal_name(code - 128)}"
        if self.reason is not None:
            return code or 1
        return code


def _private_file(directory: Path) -> int:
    """A read-write file nobody else can open: created and unlinked at once."""
    path = directory / f".native-{os.getpid()}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    path.unlink()
    return fd


def _mount_plan(command: Mapping[str, Any], sandbox: Mapping[str, Any]) -> _sandbox.MountPlan:
    workdir = command["workdir"]
    out = os.path.join(workdir, "out")
    mounts = [(m["source"], m["target"], m["read_only"]) for m in command["mounts"]]
    own_user = sandbox["uid"] == os.geteuid()
    return _sandbox.plan_mounts(
        workdir=workdir,
        interpreter=sandbox["interpreter_paths"],
        workspace=command["workspace"],
        binds=[(out, out, False), *mounts],
        private=command["private_paths"],
        sandbox_uid=None if own_user else sandbox["uid"],
        scratch_bytes=command["limits"].get("memory_bytes") or 1 << 30,
    )


def _isolate(
    command: Mapping[str, Any], sandbox: Mapping[str, Any], handshake: _sandbox.Handshake
) -> None:
    """Enter the execution's namespaces and build its view of the file system."""
    plan = _mount_plan(command, sandbox)
    if os.geteuid() == 0:
        os.setgroups([])  # the Hub's groups would still open group-readable files
    if sandbox["uid"] != os.geteuid():
        os.chown(Path(command["workdir"]) / "out", sandbox["uid"], sandbox["gid"])
        # A writable data pool (a MODIFY grant) takes new files from the execution's user.
        for mount in command["mounts"]:
            if not mount["read_only"]:
                os.chown(mount["source"], sandbox["uid"], sandbox["gid"])
    _sandbox.unshare_namespaces()
    handshake.wait_for_parent()
    sources = _sandbox.open_sources(plan)
    try:
        _sandbox.become_namespace_root()
        _sandbox.apply_mounts(plan, sources)
    finally:
        for fd in sources.values():
            os.close(fd)


def _environment(command: Mapping[str, Any], namespaces: bool) -> dict[str, str]:
    workdir = Path(command["workdir"])
    env = {
        **command["env"],
        "WORKSPACE": command["workspace"],
        "OUTPUT_DIRECTORY": str(workdir / "out"),
        "DATAPOOL_DIRECTORY": str(workdir / "datapool"),
    }
    for name, value in command["secrets"].items():
        env[secret_env_name(name)] = str(value)
    if namespaces:  # the Hub's home and temporary directory are not the execution's
        env.update(HOME="/tmp", TMPDIR="/tmp")  # noqa: S108
    return env


def supervise(
    command: Mapping[str, Any],
    sandbox: Mapping[str, Any],
    handshake: _sandbox.Handshake | None,
    parent: int,
) -> int:
    """Run one execution below this (freshly forked) process; its outcome as an exit code.

    Args:
        command: the fork server's command for the execution.
        sandbox: the fork server's isolation settings (``uid``, ``gid``,
            ``interpreter_paths``).
        handshake: set in ``namespaces`` mode; the parent writes the user mapping through it.
        parent: the fork server's pid (this process dies with it).
    """
    started = time.monotonic()
    _sandbox.set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:
        return 1
    # The fork server's pipes: its reader must see them close when the fork server dies.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    workdir = Path(command["workdir"])
    log = LogFile.open(workdir / "log.jsonl")
    native_fd = _private_file(workdir)
    namespaces = handshake is not None
    os.environ.update(_environment(command, namespaces))
    if handshake is not None:
        try:
            _isolate(command, sandbox, handshake)
        except OSError as error:
            log.write("ERROR", f"The execution could not be isolated: {error}")
            return 1
        # Taking the namespace's ids cleared the parent-death signal.
        _sandbox.set_parent_death_signal(signal.SIGKILL)
        if os.getppid() != parent:
            return 1
    child = os.fork()
    if child == 0:
        code = 1
        try:
            if namespaces:
                code = _init(command, log, native_fd)
            else:
                code = _program(command, log, native_fd, namespaces=False)
        except BaseException as error:
            with contextlib.suppress(BaseException):
                log.write("ERROR", f"The execution could not start: {error}")
        finally:
            os._exit(code)
    watch = _Watch(child, namespaces, command["limits"], workdir / "out")
    signal.signal(signal.SIGTERM, watch.on_sigterm)
    code = watch.run(started)
    if watch.reason is not None:
        log.write("ERROR", f"The execution failed: {watch.reason}.")
    return code
