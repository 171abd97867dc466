"""``get_status`` of one execution from 8 threads: our Hub next to the vendor's runtime.

Two load generators, each run against the local Hub (a ``qhub-local serve`` process, state
in SQLite) and against ``qhub-serve`` (``make peer``), in alternating rounds of a few seconds
in the same run:

- ``raw``: 8 threads, each on its own keep-alive connection sending the same
  ``GET <gateway>/<id>`` as bytes on a socket and reading the response by its
  Content-Length: a client costing a few dozen microseconds a call, so the server's cost
  decides the rate;
- ``SDK``: 8 threads, each with its own ``qhub.api.service.HubServiceClient`` calling
  ``service_api.get_status`` (models, retries, the lot): what a user's threads see, on a
  machine whose cores the client shares with the server. Its 8 threads share one GIL: the
  faster a server answers, the more of them are ready at once and the more they contend for
  it (a dozen context switches a request instead of two), so a fast server can see fewer
  requests from this client than a slower one. The same client against a Starlette app
  that does nothing (``_fast_server``) shows where that leaves it.

For each: requests per second (median of the rounds), latency percentiles of all requests,
and the server's CPU time per request (``/proc/<pid>/stat``: noise from other processes
doesn't change it); then the ratios against the issue's goal (at least twice the vendor's
throughput, p99 within 10 ms).
"""

from __future__ import annotations

import os
import socket
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from _fast_server import EXECUTION_ID, running_fast_server
from _hub import running_hub
from _peer import peer_installed, running_peer

from qhub.api.service import HubServiceClient
from qhub.service.client import HubServiceClient as ServiceClient

THREADS = 8
ROUND_SECONDS = 3.0
ROUNDS = 3
PROGRAM = """
def run() -> dict:
    return {"ok": True}
"""


@dataclass
class Target:
    """One server, one finished execution on it."""

    label: str
    base_url: str
    token: str
    execution_id: str
    pid: int
    rates: dict[str, list[float]] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    cpu_per_request: dict[str, list[float]] = field(default_factory=dict)


class RawCaller:
    """``GET base/<id>`` on one keep-alive connection, as bytes (HTTP/1.1, Content-Length)."""

    def __init__(self, target: Target) -> None:
        url = urlsplit(f"{target.base_url}/{target.execution_id}")
        self._socket = socket.create_connection((url.hostname, url.port))
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._request = (
            f"GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: Bearer {target.token}\r\nAccept: application/json\r\n\r\n"
        ).encode()
        self._buffer = b""

    def __call__(self) -> None:
        self._socket.sendall(self._request)
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += self._receive()
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(rest) < length:
            rest += self._receive()
        self._buffer = rest[length:]

    def _receive(self) -> bytes:
        data = self._socket.recv(65536)
        if not data:
            raise RuntimeError("the server closed the connection")
        return data

    def close(self) -> None:
        """Close the connection."""
        self._socket.close()


class SdkCaller:
    """``service_api.get_status`` of the SDK's low-level client."""

    def __init__(self, target: Target) -> None:
        self._client = HubServiceClient(base_url=target.base_url, token=target.token)
        self._execution_id = target.execution_id

    def __call__(self) -> None:
        self._client.service_api.get_status(self._execution_id)

    def close(self) -> None:
        """Close the client."""
        self._client.close()


GENERATORS: dict[str, Callable[[Target], RawCaller | SdkCaller]] = {
    "raw": RawCaller,
    "SDK": SdkCaller,
}


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(target: Target, generator: str) -> None:
    """THREADS threads calling for ROUND_SECONDS; the figures go into ``target``."""
    callers = [GENERATORS[generator](target) for _ in range(THREADS)]
    for call in callers:  # connect (and load the SDK's models) before the clock starts
        call()
    latencies: list[list[float]] = [[] for _ in range(THREADS)]
    start = threading.Barrier(THREADS + 1)
    stop = threading.Event()

    def worker(call: Callable[[], None], mine: list[float]) -> None:
        start.wait()
        while not stop.is_set():
            began = time.perf_counter()
            call()
            mine.append(time.perf_counter() - began)

    threads = [
        threading.Thread(target=worker, args=(call, mine))
        for call, mine in zip(callers, latencies, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began, cpu = time.perf_counter(), server_cpu_seconds(target.pid)
    time.sleep(ROUND_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - began, server_cpu_seconds(target.pid) - cpu
    for call in callers:
        call.close()
    count = sum(len(mine) for mine in latencies)
    target.rates.setdefault(generator, []).append(count / elapsed)
    target.latencies.setdefault(generator, []).extend(x for mine in latencies for x in mine)
    target.cpu_per_request.setdefault(generator, []).append(cpu / count)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _finished_execution(client: ServiceClient) -> str:
    execution = client.run(request={})
    execution.wait_for_final_state(timeout=60)
    assert execution.status == "SUCCEEDED", execution.status
    return execution.id


def _idle(pid: int, seconds: float = 0.5, timeout: float = 60) -> None:
    """Wait until the process (a Hub warming its workers) has used no CPU for ``seconds``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = server_cpu_seconds(pid)
        time.sleep(seconds)
        if server_cpu_seconds(pid) - before < 0.02:
            return


def report(targets: list[Target], ceiling: Target) -> None:
    """Print the figures side by side, then the ratios."""
    print(
        f"get_status of one execution, {THREADS} threads, {ROUNDS} alternating rounds of "
        f"{ROUND_SECONDS:g} s per server and generator"
    )
    ours, vendor = targets
    for generator in GENERATORS:
        print(f"  {generator} load generator")
        for target in targets:
            rate = statistics.median(target.rates[generator])
            p50, p99 = (percentile(target.latencies[generator], s) * 1000 for s in (0.5, 0.99))
            cpu = statistics.median(target.cpu_per_request[generator]) * 1e6
            print(
                f"    {target.label:20} {rate:7.0f} req/s   p50 {p50:6.1f} ms   "
                f"p99 {p99:6.1f} ms   server CPU {cpu:5.0f} µs/request"
            )
        ratio = statistics.median(ours.rates[generator]) / statistics.median(
            vendor.rates[generator]
        )
        cpu_ratio = statistics.median(vendor.cpu_per_request[generator]) / statistics.median(
            ours.cpu_per_request[generator]
        )
        p99 = percentile(ours.latencies[generator], 0.99) * 1000
        print(
            f"    ours / vendor        {ratio:7.2f}x req/s (goal >= 2x), "
            f"{cpu_ratio:.2f}x less server CPU a request; our p99 {p99:.1f} ms (goal <= 10 ms)"
        )
        if generator in ceiling.rates:
            rate = statistics.median(ceiling.rates[generator])
            print(
                f"    a trivial app        {rate:7.0f} req/s, the same client against a Starlette "
                "app doing nothing: its threads contend for the GIL"
            )


def main() -> int:
    """Start both servers, run alternating rounds, print the figures side by side."""
    if not peer_installed():
        print("the vendor's runtime is not installed: run `make peer`")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        workspace = root / "ws"
        (workspace / "src").mkdir(parents=True)
        (workspace / "src" / "__init__.py").write_text("")
        (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAM))
        hub_log = root / "hub.log"
        with (
            running_hub(root / "data", {"trivial": workspace}, log_file=hub_log) as (hub, pid),
            running_peer(workspace) as (peer_url, peer_pid),
            running_fast_server() as (trivial_url, trivial_pid),
        ):
            app = hub["application"]
            endpoint = hub["services"]["trivial"]
            credentials = (app["access_key_id"], app["secret_access_key"])
            with ServiceClient(endpoint, *credentials, token_endpoint=hub["token_endpoint"]) as c:
                ours = _finished_execution(c)
            token = httpx.post(
                hub["token_endpoint"], data={"grant_type": "client_credentials"}, auth=credentials
            ).json()["access_token"]
            with ServiceClient(peer_url, None, None) as client:
                theirs = _finished_execution(client)
            targets = [
                Target("local Hub (SQLite)", endpoint, token, ours, pid),
                Target("vendor qhub-serve", peer_url, "anonymous", theirs, peer_pid),
            ]
            ceiling = Target("trivial app", trivial_url, "token", EXECUTION_ID, trivial_pid)
            _idle(pid)  # the Hub warms its simulators in the background after it starts
            for _ in range(ROUNDS):
                for generator in GENERATORS:
                    for target in targets:
                        one_round(target, generator)
                one_round(ceiling, "SDK")
    report(targets, ceiling)
    return 0


if __name__ == "__main__":
    sys.exit(main())
