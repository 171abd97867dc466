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

        def run(seconds: float = 60.0, spawn: bool = False) -> dict:
            if spawn:
                child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
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
}


def make_workspace(root: Path, kind: str) -> Path:
    """A workspace directory whose ``src/program.py`` is ``PROGRAMS[kind]``."""
    workspace = root / kind
    (workspace / "src").mkdir(parents=True, exist_ok=True)
    (workspace / "src" / "__init__.py").write_text("")
    (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAMS[kind]))
    return workspace
