"""The quickstart service: prepares one qubit per value and measures it ``shots`` times.

Each value is the angle of an RY rotation. Run by the local Hub, the circuit goes to the
Hub's Quantum API with the execution's own token (``KQH_SERVICE_EXECUTION_TOKEN``), so the
counts come from a real simulator and the job is listed under this execution. Elsewhere it
falls back to sampling the ideal distribution with the standard library.

It relies only on the runtime contract every Hub keeps: parameters from the request body,
the return value as the result, and result files written into ``$OUTPUT_DIRECTORY``.
"""

from __future__ import annotations

import logging
import math
import os
import random
from pathlib import Path

log = logging.getLogger("quickstart")
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is too chatty here


def _circuit(values: list[float]) -> str:
    lines = [
        "OPENQASM 3.0;",
        'include "stdgates.inc";',
        f"qubit[{len(values)}] q;",
        f"bit[{len(values)}] c;",
    ]
    lines += [f"ry({value}) q[{index}];" for index, value in enumerate(values)]
    lines.append("c = measure q;")
    return "\n".join(lines)


def _on_simulator(values: list[float], shots: int) -> tuple[dict[str, int], str]:
    from qhub.api.quantum import HubQuantumClient

    with HubQuantumClient(
        api_key=os.environ["KQH_SERVICE_EXECUTION_TOKEN"],
        base_url=os.environ["KQH_QUANTUM_API_URL"],
    ) as quantum:
        job = quantum.jobs.create_job(
            backend_id="local.aer.simulator", shots=shots, input={"qasm": _circuit(values)}
        )
        log.info("submitted job %s", job.id)
        final = quantum.jobs.wait(job.id, timeout=120, interval=0.5)
        if final.status != "COMPLETED":
            raise RuntimeError(f"job {job.id} ended {final.status}")
        return dict(quantum.jobs.get_job_result(job.id)["counts"]), job.id


def _write_result_file(name: str, text: str) -> None:
    """A result file: anything written into the output directory is one."""
    output = Path(os.environ.get("OUTPUT_DIRECTORY", "/var/runtime/output"))
    output.mkdir(parents=True, exist_ok=True)
    (output / name).write_text(text, encoding="utf-8")


def _sampled(values: list[float], shots: int) -> dict[str, int]:
    probabilities = [math.sin(v / 2) ** 2 for v in values]
    rng = random.Random(repr((values, shots)))
    counts: dict[str, int] = {}
    for _ in range(shots):
        bits = "".join("1" if rng.random() < p else "0" for p in reversed(probabilities))
        counts[bits] = counts.get(bits, 0) + 1
    return counts


def run(values: list[float], shots: int = 100) -> dict[str, object]:
    """Measure a register prepared from ``values``; return the counts."""
    if shots <= 0:
        raise ValueError("shots must be positive")
    if not values:
        raise ValueError("values must not be empty")
    print(f"preparing {len(values)} qubit(s) from values {values}")
    job_id = None
    if os.environ.get("KQH_QUANTUM_API_URL") and os.environ.get("KQH_SERVICE_EXECUTION_TOKEN"):
        counts, job_id = _on_simulator(values, shots)
    else:
        counts = _sampled(values, shots)
    ordered = dict(sorted(counts.items()))
    log.info("measured %d shots over %d outcomes", shots, len(ordered))
    _write_result_file(
        "histogram.csv", "outcome,count\n" + "".join(f"{k},{v}\n" for k, v in ordered.items())
    )
    return {"counts": ordered, "shots": shots, "qubits": len(values), "job_id": job_id}
