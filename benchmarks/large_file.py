"""A 1 GiB result file of random bytes (no newlines to split on): serve and download it.

Prints, side by side: the SDK's ``download_result_file`` (sync and async) and ``curl`` on the
same URL (MiB/s, alternating rounds, median; and the ratio against the issue's goal: the SDK
at least as fast as curl), each downloader's CPU time, the downloading process's peak RSS,
and the Hub server's peak RSS.

Each download starts right after the previous one's file is deleted (the SDK's process
deletes it once its client is ready), so every downloader writes into memory just freed. On
a VM that hands free memory back to its host (a balloon with free page reporting, as here),
memory free for more than about 2 s must be faulted in again when the page cache takes it:
1 GiB then costs 1.5-2 s of kernel time more, whoever writes it. Without this, whichever
downloader starts longer after a deletion (the SDK, with its imports) looks the slower.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
from _hub import peak_rss_mib, running_hub

SIZE_MIB = 1024
ROUNDS = 3
PROGRAM = f"""
import os

def run() -> dict:
    out = os.environ["OUTPUT_DIRECTORY"]
    with open(os.path.join(out, "big.bin"), "wb") as f:
        for _ in range({SIZE_MIB} // 8):
            f.write(os.urandom(8 << 20))
    return {{"size_mib": {SIZE_MIB}}}
"""

DOWNLOAD = """
import os, resource, sys, time
from qhub.service.client import HubServiceClient
endpoint, token_endpoint, key, secret, execution_id, target, previous = sys.argv[1:]
client = HubServiceClient(endpoint, key, secret, token_endpoint=token_endpoint)
execution = client.get_service_execution(execution_id)
if previous:
    os.unlink(previous)
started = time.perf_counter()
execution.download_result_file("big.bin", target)
elapsed = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""

DOWNLOAD_ASYNC = """
import asyncio, os, resource, sys, time
from qhub.service.client import AsyncHubServiceClient
endpoint, token_endpoint, key, secret, execution_id, target, previous = sys.argv[1:]

async def main() -> float:
    async with AsyncHubServiceClient(endpoint, key, secret, token_endpoint=token_endpoint) as client:
        execution = await client.get_service_execution(execution_id)
        if previous:
            os.unlink(previous)
        started = time.perf_counter()
        await execution.download_result_file("big.bin", target)
        return time.perf_counter() - started

elapsed = asyncio.run(main())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""


def _sdk_download(
    hub: dict[str, Any], execution_id: str, target: Path, previous: Path | None, program: str
) -> tuple[float, float, float]:
    """(seconds, peak RSS MiB, CPU seconds) of ``download_result_file`` into ``target`` in a
    fresh process (the CPU time includes the process's start and imports), which deletes
    ``previous`` just before it starts."""
    target.mkdir(exist_ok=True)
    app = hub["application"]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            program,
            hub["services"]["big"],
            hub["token_endpoint"],
            app["access_key_id"],
            app["secret_access_key"],
            execution_id,
            str(target),
            str(previous or ""),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, rss, cpu = map(float, done.stdout.split())
    assert (target / "big.bin").stat().st_size == SIZE_MIB << 20
    return seconds, rss, cpu


def _curl_download(url: str, token: str, target: Path, previous: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) of ``curl`` fetching the same URL into ``target``, deleting
    ``previous`` just before."""
    target.mkdir(exist_ok=True)
    previous.unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        ["curl", "-sf", "-o", str(target / "big.bin"), "-H", f"Authorization: Bearer {token}", url],
        check=True,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert (target / "big.bin").stat().st_size == SIZE_MIB << 20
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    """Run the service once, then time both downloads, alternating."""
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parents[1] / ".tools") as tmp:
        root = Path(tmp)
        workspace = root / "ws"
        (workspace / "src").mkdir(parents=True)
        (workspace / "src" / "__init__.py").write_text("")
        (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAM))
        with running_hub(root / "data", {"big": workspace}, log_file=root / "hub.log") as (
            hub,
            pid,
        ):
            from qhub.service.client import HubServiceClient

            app = hub["application"]
            endpoint = hub["services"]["big"]
            with HubServiceClient(
                endpoint,
                app["access_key_id"],
                app["secret_access_key"],
                token_endpoint=hub["token_endpoint"],
            ) as client:
                execution = client.run(request={})
                execution.wait_for_final_state(timeout=600, wait=0.5)
                assert execution.status == "SUCCEEDED", execution.status
                execution_id = execution.id
            token = httpx.post(
                hub["token_endpoint"],
                data={"grant_type": "client_credentials"},
                auth=(app["access_key_id"], app["secret_access_key"]),
            ).json()["access_token"]
            url = f"{endpoint}/{execution_id}/result/big.bin"
            has_curl = shutil.which("curl") is not None
            load_before = os.getloadavg()[0]
            sdk_runs, async_runs, curl_runs = [], [], []
            sdk, asynchronous, curl = root / "sdk", root / "async", root / "curl"
            previous: Path | None = None
            for _ in range(ROUNDS):  # alternating, so all see the same machine
                sdk_runs.append(_sdk_download(hub, execution_id, sdk, previous, DOWNLOAD))
                async_runs.append(
                    _sdk_download(hub, execution_id, asynchronous, sdk / "big.bin", DOWNLOAD_ASYNC)
                )
                previous = asynchronous / "big.bin"
                if has_curl:
                    curl_runs.append(_curl_download(url, token, curl, previous))
                    previous = curl / "big.bin"
            server_rss = peak_rss_mib(pid)
        sdk_seconds = statistics.median(run[0] for run in sdk_runs)
        async_seconds = statistics.median(run[0] for run in async_runs)
        print(
            f"{SIZE_MIB} MiB random result file (median of {ROUNDS}, alternating; load average"
            f" {load_before:.2f} before, {os.getloadavg()[0]:.2f} after)"
        )
        for label, runs in (("download_result_file", sdk_runs), ("  the async twin", async_runs)):
            seconds = statistics.median(run[0] for run in runs)
            print(
                f"  {label:20s}  {SIZE_MIB / seconds:8.1f} MiB/s"
                f"   client peak RSS {max(run[1] for run in runs):6.1f} MiB"
                f"   client CPU {statistics.median(run[2] for run in runs):5.1f} s"
            )
        if curl_runs:
            curl_seconds = statistics.median(run[0] for run in curl_runs)
            curl_cpu = statistics.median(run[1] for run in curl_runs)
            print(
                f"  curl                  {SIZE_MIB / curl_seconds:8.1f} MiB/s"
                f"                            client CPU {curl_cpu:5.1f} s"
            )
            print(f"  SDK / curl            {curl_seconds / sdk_seconds:8.2f}x (goal >= 1x)")
            print(f"  async SDK / curl      {curl_seconds / async_seconds:8.2f}x (goal >= 1x)")
        print(f"  Hub server peak RSS   {server_rss:8.1f} MiB (whole life of the server process)")


if __name__ == "__main__":
    main()
