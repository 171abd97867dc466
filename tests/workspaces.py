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
    "ticking": """
        import time

        def run(ticks: int = 3, pause: float = 0.4) -> dict:
            for tick in range(ticks):
                print(f"tick {tick}", flush=True)
                time.sleep(pause)
            return {"ticks": ticks}
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
    "napper": """
        import time

        def run(seconds: float = 1.0) -> None:
            # Returns nothing and logs nothing: it writes no file, so it ends SUCCEEDED even
            # while the Hub's disk is full.
            time.sleep(seconds)
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
    # Seed 003's data pool service: reads the pool granted as input_data (VIEW), writes a
    # summary into output_data (MODIFY) when it is given.
    "pools": """
        import os
        from typing import Optional

        from qhub.local.runtime import DataPool

        def run(input_data: DataPool, output_data: Optional[DataPool] = None, shots: int = 100) -> dict:
            # Read, not just stat: the execution's user must be able to open a VIEW pool's files.
            sizes = {name: len(open(path, "rb").read()) for name, path in input_data.list_files().items()}
            if output_data is not None:
                with output_data.open("summary.txt", "w") as out:
                    out.write(f"{shots} shots over {sorted(sizes)}\\n")
            return {"shots": shots, "inputs": sizes, "wrote": output_data is not None}
    """,
    # Tries to write into a pool granted VIEW: as itself, and (when it runs as root, which
    # ignores file modes) from a child that drops to an ordinary user first.
    "view_write": """
        import os

        from qhub.local.runtime import DataPool

        def attempt(path: str) -> str:
            try:
                with open(path, "a") as f:
                    f.write("changed")
                return "written"
            except OSError as error:
                return type(error).__name__

        def run(data: DataPool) -> dict:
            base = os.path.relpath(data.path)  # relative: an ordinary user can't cross tmp dirs
            targets = [os.path.join(base, "new.txt"), os.path.join(base, "input.csv")]
            result = {"uid": os.getuid(), "as_itself": [attempt(t) for t in targets]}
            try:
                with data.open("via_api.txt", "w") as f:
                    f.write("x")
                result["via_api"] = "written"
            except OSError as error:
                result["via_api"] = type(error).__name__
            return result
    """,
    # The gateway's reserved keys: input's keys are the arguments, a pool from inputDataRefs.
    "payload": """
        from typing import Optional

        from qhub.local.runtime import DataPool

        def run(molecule: str, basis: str = "sto-3g", shots: int = 1, training: Optional[DataPool] = None) -> dict:
            files = sorted(training.list_files()) if training is not None else None
            return {"molecule": molecule, "basis": basis, "shots": shots, "training": files}
    """,
    # Written for the vendor's runtime: run() takes input (and inputDataRefs) as they are.
    "vendor_input": """
        from typing import Any, Optional

        def run(input: dict, inputDataRefs: Optional[list] = None, shots: int = 1) -> dict:
            refs = [{k: v for k, v in r.items() if k != "grant"} for r in inputDataRefs or []]
            return {"input": input, "refs": refs, "shots": shots}
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
