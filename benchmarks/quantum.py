"""Quantum jobs on the local Hub: overhead over the simulator, and many small jobs at once.

1. A one-qubit circuit (what the SDK and the Hub add, next to nothing simulated); a 20-qubit
   GHZ circuit, 1 000 shots: submitted through the SDK and awaited with
   ``jobs.wait`` against a local Hub process, next to the same circuit read and simulated
   in-process by Aer with its own defaults (alternating in blocks, median of several runs
   each); the same for a 22-qubit circuit Aer must
   simulate as a full statevector, to show the overhead is a fixed few milliseconds, not a
   share. Each is printed with the issue's goal: GHZ-20 within 1.35x and 5 ms of the
   in-process run, the 22-qubit one within 1.05x.
2. 200 small jobs submitted concurrently with the async client: jobs per second and polls
   per job (``jobs.wait`` polls the job itself, so its final state needs no extra request).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _hub import peak_rss_mib, running_hub
from qiskit_aer import AerSimulator

from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient
from qhub.local.simulation import build_circuit

RUNS = 5
#: Runs of one kind in a row before switching to the other: Aer's threads in this process
#: spin on for a moment after an in-process run, and would take a core from the Hub if the
#: next run through the SDK started at once.
BLOCK = 5
GHZ20 = "\n".join(
    ['OPENQASM 3.0; include "stdgates.inc"; qubit[20] q; bit[20] c; h q[0];']
    + [f"cx q[{i}], q[{i + 1}];" for i in range(19)]
    + ["c = measure q;"]
)
DENSE22 = "\n".join(
    ['OPENQASM 3.0; include "stdgates.inc"; qubit[22] q; bit[22] c;']
    + [f"rx(0.3) q[{i}]; cx q[{i}], q[{(i + 1) % 22}];" for _ in range(4) for i in range(22)]
    + ["c = measure q;"]
)
#: The simulator called in-process, as a user would make it.
AER = AerSimulator(method="automatic")
SMALL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'
#: Next to nothing to simulate: the time through the SDK and the Hub is their fixed cost.
TINY = 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c; h q[0]; c = measure q;'


def in_process(qasm: str) -> float:
    """Seconds to parse and simulate the circuit directly, in this process, with Aer's own
    defaults (every core; the Hub's simulators use one for small and Clifford circuits)."""
    started = time.perf_counter()
    circuit = build_circuit("OPEN_QASM_V3", {"qasm": qasm}, 28)
    counts = AER.run(circuit, shots=1000).result().get_counts()
    assert sum(counts.values()) == 1000
    return time.perf_counter() - started


def through_sdk(client: HubQuantumClient, qasm: str) -> float:
    """Seconds from submitting the job to holding its result."""
    started = time.perf_counter()
    job = client.jobs.create_job(backend_id="local.aer.simulator", shots=1000, input={"qasm": qasm})
    client.jobs.wait(job.id, timeout=120)
    result = client.jobs.get_job_result(job.id)
    assert sum(result["counts"].values()) == 1000
    return time.perf_counter() - started


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts polls: reads of a job or of its status."""

    polls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "/jobs/" in request.url.path:
            CountingTransport.polls += 1
        return await super().handle_async_request(request)


async def many_small_jobs(hub: dict[str, Any], count: int = 200) -> None:
    """Submit ``count`` small jobs at once and wait for all of them."""
    http = httpx.AsyncClient(
        transport=CountingTransport(limits=httpx.Limits(max_connections=20)), timeout=60
    )
    client = AsyncHubQuantumClient(
        api_key=hub["personal_access_token"], base_url=hub["quantum_url"], httpx_client=http
    )

    async def one() -> str:
        job = await client.jobs.create_job(
            backend_id="local.aer.simulator", shots=100, input={"qasm": SMALL}
        )
        return str((await client.jobs.wait(job.id, timeout=300)).status)

    started = time.perf_counter()
    statuses = await asyncio.gather(*(one() for _ in range(count)))
    elapsed = time.perf_counter() - started
    done = sum(status == "COMPLETED" for status in statuses)
    print(f"{count} small jobs submitted concurrently (async client)")
    print(f"  {count / elapsed:8.1f} jobs/s   {elapsed:6.2f} s total   {done} COMPLETED")
    print(f"  {CountingTransport.polls / count:8.1f} polls per job (job reads; no other requests)")
    await http.aclose()


def main() -> None:
    """Run both measurements against one Hub."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_hub(Path(tmp) / "data", {}, log_file=Path(tmp) / "hub.log") as (hub, pid),
    ):
        with HubQuantumClient(
            api_key=hub["personal_access_token"], base_url=hub["quantum_url"]
        ) as client:
            for title, qasm, runs, goal in (
                ("1 qubit, 1000 shots (the fixed cost)", TINY, 6 * RUNS, "no goal"),
                ("20-qubit GHZ, 1000 shots", GHZ20, 6 * RUNS, "goal <= 1.35x and +5 ms"),
                (
                    "22-qubit dense circuit (statevector), 1000 shots",
                    DENSE22,
                    RUNS,
                    "goal <= 1.05x",
                ),
            ):
                in_process(qasm)  # warm up Qiskit here, and the Hub's simulator processes
                for _ in range(3):
                    through_sdk(client, qasm)
                runs_direct, runs_sdk = [], []
                block = min(BLOCK, runs)
                for _ in range(runs // block):  # alternating, so both see the same machine
                    runs_direct.extend(in_process(qasm) for _ in range(block))
                    runs_sdk.extend(through_sdk(client, qasm) for _ in range(block))
                direct, sdk = statistics.median(runs_direct), statistics.median(runs_sdk)
                print(f"{title} (median of {runs}, alternating in blocks of {min(BLOCK, runs)})")
                print(f"  simulator in-process   {direct * 1000:8.1f} ms")
                print(
                    f"  through the SDK + Hub  {sdk * 1000:8.1f} ms   ({sdk / direct:.2f}x, "
                    f"+{(sdk - direct) * 1000:.1f} ms; {goal})"
                )
        asyncio.run(many_small_jobs(hub))
        workers = [peak_rss_mib(child) for child in _children(pid)]
        print(f"Hub server peak RSS {peak_rss_mib(pid):6.1f} MiB (it never imports Qiskit)")
        print(
            f"  {len(workers)} Qiskit worker processes, peak RSS "
            + ", ".join(f"{rss:.0f}" for rss in workers)
            + " MiB (parser, simulators; a 22-qubit statevector alone is 64 MiB)"
        )


def _children(pid: int) -> list[int]:
    """The ids of a process's Qiskit workers (Linux): the children of its fork server (the
    workers are forked from it), not the fork server itself or the resource tracker."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    servers = [c for c in found if b"forkserver" in Path(f"/proc/{c}/cmdline").read_bytes()]
    workers: list[int] = []
    for server in servers:
        for task in Path(f"/proc/{server}/task").iterdir():
            workers += [int(c) for c in (task / "children").read_text().split()]
    return sorted(workers)


if __name__ == "__main__":
    main()
