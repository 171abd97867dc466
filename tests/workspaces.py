"""Small service workspaces for tests, written into a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

PROGRAMS = {
    "with_session": """
        import os

        from qhub.api.quantum import HubQuantumClient

        QASM = 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c; h q[0]; c = measure q;'

        def run(shots: int = 10) -> dict:
            with HubQuantumClient(api_key=os.environ["KQH_SERVICE_EXECUTION_TOKEN"], base_url=os.environ["KQH_QUANTUM_API_URL"]) as quantum:
                session = quantum.sessions.create_session(backend_id="aws.sim.sv1", mode="batch", provider="AWS")
                job = quantum.jobs.create_job(backend_id="aws.sim.sv1", shots=shots, input={"qasm": QASM}, session_id=session.id)
                quantum.jobs.wait(job.id, timeout=60, interval=0.1)
                return {"session_id": session.id, "job_id": job.id}
    """,
    "echo": """
        import logging
        import sys
        from typing import Optional

        from qhub.local.runtime import SecretValue, write_string_output

        def run(values: list[float], name: str = "x", flag: bool = True, api_key: Optional[SecretValue] = None) -> dict:
            print(f"hello {name}")
            print("to stderr", file=sys.stderr)
            logging.getLogger("echo").warning("flag is %s, secret is %s", flag, api_key)
            write_string_output("note.txt", f"note for {name}\\n")
            return {"sum": sum(values), "name": name, "flag": flag, "has_secret": api_key is not None and api_key.unwrap() != ""}
    """,
    "sleepy": """
        import os
        import subprocess
        import sys
        import time

        def run(seconds: float = 60.0, spawn: bool = False, setsid: bool = False, marker: str = "grandchild") -> dict:
            if spawn:
                # The marker names the grandchild on the host, where its pid is another number.
                command = [sys.executable, "-c", "import time; time.sleep(120)", marker]
                child = subprocess.Popen(command, start_new_session=setsid)
                with open(os.path.join(os.environ["OUTPUT_DIRECTORY"], "child.pid"), "w") as f:
                    f.write(str(child.pid))
            time.sleep(seconds)
            return {"slept": seconds}
    """,
    "failing": """
        from qhub.local.runtime import HandlerError

        def run(values: list[float], handled: bool = False) -> dict:
            print("about to fail")
            if handled:
                raise HandlerError("Bad input", detail="values must be positive", extensions={"field": "values", "title": "ignored"})
            raise ValueError("boom: " + str(values))
    """,
    "isolated": """
        import os
        import time

        def run(tag: str) -> str:
            out = os.environ["OUTPUT_DIRECTORY"]
            with open(os.path.join(out, "mine.txt"), "w") as f:
                f.write(tag)
            time.sleep(0.2)
            return ",".join(sorted(os.listdir(out))) + "|" + os.environ.get("MARK", "unset")
    """,
    "probe": """
        # Tries what a hostile service would: read and write the Hub's files, leave symbolic
        # links among its results, lift the mounts hiding things, look at other processes.
        import ctypes
        import errno
        import os

        CLONE_NEWUSER, CLONE_NEWNS, MNT_DETACH = 0x10000000, 0x00020000, 2

        def _outcome(action, path):
            try:
                action(path)
                return "done"
            except OSError as error:
                return errno.errorcode.get(error.errno, str(error.errno))

        def _read(path):
            with open(path, "rb") as f:
                f.read(1)

        def _write(path):
            with open(path, "ab") as f:
                f.write(b"x")

        def _lift(path):
            # In a namespace of its own (where it would have every capability), so that even
            # outside a sandbox this touches nothing but that namespace.
            pid = os.fork()
            if pid == 0:
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
                    os._exit(ctypes.get_errno())
                os._exit(0 if libc.umount2(path.encode(), MNT_DETACH) == 0 else ctypes.get_errno())
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            if code:
                raise OSError(code, os.strerror(code))

        def run(read: list[str], write: list[str], links: dict[str, str], lift: list[str], look: list[str]) -> dict:
            out = os.environ["OUTPUT_DIRECTORY"]
            for name, target in links.items():
                os.symlink(target, os.path.join(out, name))
            return {
                "read": {p: _outcome(_read, p) for p in read},
                "write": {p: _outcome(_write, p) for p in write},
                "lift": {p: _outcome(_lift, p) for p in lift},
                "look": {p: sorted(os.listdir(p)) if os.path.isdir(p) else None for p in look},
                "processes": len([p for p in os.listdir("/proc") if p.isdigit()]),
            }
    """,
}


def make_workspace(root: Path, kind: str) -> Path:
    """A workspace directory whose ``src/program.py`` is ``PROGRAMS[kind]``."""
    workspace = root / kind
    (workspace / "src").mkdir(parents=True, exist_ok=True)
    (workspace / "src" / "__init__.py").write_text("")
    (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAMS[kind]))
    return workspace


def processes_marked(marker: str) -> list[int]:
    """Host pids of the live processes with ``marker`` among their arguments (a process in an
    execution's PID namespace has another pid inside, so tests find it by its arguments)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if marker.encode() in arguments and state != "Z":
            found.append(int(entry.name))
    return found
