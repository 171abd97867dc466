"""Job admission under hostile inputs, against a real ``qhub-local serve`` process.

For each input: the status the submission got and how long it took, and how long a small
Bell job submitted while it was being read waited for its own answer (one submission
blocking another shows here), with the largest peak RSS among the Hub's worker processes.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _hub import running_hub

BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'
SLOW = "\n".join(
    ['OPENQASM 3.0; include "stdgates.inc"; qubit[20] q; reset q[0];']
    + [f"cx q[{i % 20}], q[{(i + 1) % 20}];" for i in range(30_000)]
)
INPUTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        'IonQ {"qubits": 4000000}',
        "azure.ionq.simulator",
        {"qubits": 4_000_000, "circuit": [{"gate": "h", "targets": [0]}]},
    ),
    (
        "OpenQASM 2 qreg q[1000000]",
        "local.aer.simulator",
        {"qasm": 'OPENQASM 2.0; include "qelib1.inc"; qreg q[1000000]; creg c[1]; h q[0];'},
    ),
    ("OpenQASM 3, 30 000 statements, reference importer", "aws.sim.sv1", {"qasm": SLOW}),
]


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _peak_worker_rss_mib(server: int) -> float:
    peaks = [0.0]
    for pid in _descendants(server):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return max(peaks)


def _submit(
    http: httpx.Client, backend_id: str, data: dict[str, Any], outcome: dict[str, Any]
) -> None:
    """Submit one job; put its status, seconds and message in ``outcome``."""
    started = time.perf_counter()
    answer = http.post("/jobs", json={"backend_id": backend_id, "shots": 1, "input": data})
    outcome["seconds"] = time.perf_counter() - started
    outcome["status"] = answer.status_code
    outcome["message"] = answer.json().get("message", "")[:90]


def main() -> None:
    """Print one line per hostile input."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_hub(Path(tmp) / "data", {}, log_file=Path(tmp) / "hub.log") as (connection, server),
        httpx.Client(
            base_url=connection["quantum_url"],
            headers={"X-Auth-Token": connection["personal_access_token"]},
            timeout=600,
        ) as http,
    ):
        http.post("/jobs", json={"backend_id": "aws.sim.sv1", "shots": 1, "input": {"qasm": BELL}})
        for label, backend_id, data_in in INPUTS:
            outcome: dict[str, Any] = {}
            hostile = threading.Thread(target=_submit, args=(http, backend_id, data_in, outcome))
            hostile.start()
            time.sleep(0.3)  # let it reach the parser
            started = time.perf_counter()
            bell = http.post(
                "/jobs", json={"backend_id": "aws.sim.sv1", "shots": 1, "input": {"qasm": BELL}}
            )
            bell_seconds = time.perf_counter() - started
            hostile.join()
            print(
                f"{label}: {outcome['status']} after {outcome['seconds']:.2f} s"
                f" ({outcome['message']!r}); a Bell job sent meanwhile: {bell.status_code}"
                f" after {bell_seconds:.2f} s; peak worker RSS {_peak_worker_rss_mib(server):.0f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    main()
