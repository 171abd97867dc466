"""A 1 GiB result file of random bytes (no newlines to split on): serve and download it.

Prints, side by side: the SDK's ``download_result_file`` and ``curl`` on the same URL
(MiB/s), the downloading process's peak RSS, and the Hub server's peak RSS.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
from _hub import peak_rss_mib, running_hub

SIZE_MIB = 1024
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
import resource, sys, time
from qhub.service.client import HubServiceClient
endpoint, token_endpoint, key, secret, execution_id, target = sys.argv[1:]
client = HubServiceClient(endpoint, key, secret, token_endpoint=token_endpoint)
execution = client.get_service_execution(execution_id)
started = time.perf_counter()
execution.download_result_file("big.bin", target)
elapsed = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""


def main() -> None:
    """Run the service once, then time both downloads."""
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parents[1] / ".tools") as tmp:
        root = Path(tmp)
        workspace = root / "ws"
        (workspace / "src").mkdir(parents=True)
        (workspace / "src" / "__init__.py").write_text("")
        (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAM))
        with running_hub(root / "data", {"big": workspace}) as (hub, pid):
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
            sdk_dir, curl_dir = root / "sdk", root / "curl"
            sdk_dir.mkdir()
            curl_dir.mkdir()
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    DOWNLOAD,
                    endpoint,
                    hub["token_endpoint"],
                    app["access_key_id"],
                    app["secret_access_key"],
                    execution_id,
                    str(sdk_dir),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            sdk_seconds, sdk_rss, sdk_cpu = map(float, done.stdout.split())
            token = httpx.post(
                hub["token_endpoint"],
                data={"grant_type": "client_credentials"},
                auth=(app["access_key_id"], app["secret_access_key"]),
            ).json()["access_token"]
            curl_seconds = float("nan")
            if shutil.which("curl"):
                started = time.perf_counter()
                subprocess.run(
                    [
                        "curl",
                        "-sf",
                        "-o",
                        str(curl_dir / "big.bin"),
                        "-H",
                        f"Authorization: Bearer {token}",
                        f"{endpoint}/{execution_id}/result/big.bin",
                    ],
                    check=True,
                )
                curl_seconds = time.perf_counter() - started
            server_rss = peak_rss_mib(pid)
        assert (sdk_dir / "big.bin").stat().st_size == SIZE_MIB << 20
        print(f"{SIZE_MIB} MiB random result file")
        print(
            f"  download_result_file  {SIZE_MIB / sdk_seconds:8.1f} MiB/s"
            f"   client peak RSS {sdk_rss:6.1f} MiB   client CPU {sdk_cpu:5.1f} s"
        )
        print(f"  curl                  {SIZE_MIB / curl_seconds:8.1f} MiB/s")
        print(f"  Hub server peak RSS   {server_rss:8.1f} MiB (whole life of the server process)")


if __name__ == "__main__":
    main()
