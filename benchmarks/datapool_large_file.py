"""A 1 GiB data pool file: uploaded (multipart, streamed to disk) and downloaded (streamed)
through the Platform API of a real ``qhub-local serve`` process.

Prints, for each transfer, its speed and how far the Hub server's resident memory grew over
its idle size (the peak, ``VmHWM``, reset before each transfer; the target is at most
32 MiB), plus the client's peak RSS. The upload: httpx streaming the multipart body from the
file; the download: ``qhub.api.platform``'s ``get_data_pool_file``, streamed. With
``--sdk-upload`` also ``add_data_pool_file``, which reads the whole file into the client's
memory first (about 3 GiB of client RSS for the 1 GiB file), so it is not run by default.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _hub import running_hub

SIZE_MIB = 1024
TARGET_GROWTH_MIB = 32

UPLOAD_HTTPX = """
import resource, sys, time, httpx
url, token, path = sys.argv[1:]
started = time.perf_counter()
with open(path, "rb") as f:
    r = httpx.post(url, params={"filename": "big.bin"}, files={"file": ("big.bin", f)},
                   headers={"X-Auth-Token": token}, timeout=600)
r.raise_for_status()
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

UPLOAD_SDK = """
import resource, sys, time
from qhub.api.platform import HubPlatformClient
base, token, pool, path = sys.argv[1:]
started = time.perf_counter()
with HubPlatformClient(api_key=token, base_url=base, timeout=600) as client:
    client.data_pools.add_data_pool_file(pool, file=path, filename="big-sdk.bin")
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

DOWNLOAD_SDK = """
import hashlib, resource, sys, time
from qhub.api.platform import HubPlatformClient
base, token, pool, file_id = sys.argv[1:]
digest = hashlib.sha256()
started = time.perf_counter()
with HubPlatformClient(api_key=token, base_url=base, timeout=600) as client:
    for chunk in client.data_pools.get_data_pool_file(pool, file_id):
        digest.update(chunk)
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, digest.hexdigest())
"""


def _status(pid: int, field: str) -> float:
    """A ``/proc/<pid>/status`` memory field, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field}")


def _reset_peak(pid: int) -> None:
    """Make ``VmHWM`` start again from the current RSS (Linux ``clear_refs`` 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _client(script: str, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def _big_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for _ in range(SIZE_MIB // 8):
            block = os.urandom(8 << 20)
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def main() -> None:
    """Upload and download the file, measuring the Hub's memory around each transfer."""
    tools = Path(__file__).resolve().parents[1] / ".tools"
    tools.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tools) as tmp:
        root = Path(tmp)
        source = root / "big.bin"
        expected = _big_file(source)
        with running_hub(root / "data", {}, log_file=root / "hub.log") as (hub, pid):
            base, token = hub["platform_url"], hub["personal_access_token"]
            headers = {"X-Auth-Token": token}
            pool = httpx.post(f"{base}/datapools", json={"name": "bench"}, headers=headers)
            pool_id = pool.json()["id"]
            files_url = f"{base}/datapools/{pool_id}/files"
            # Warm up every code path once, so idle means "has served this before".
            small = httpx.post(files_url, files={"file": ("w.bin", b"w" * 4096)}, headers=headers)
            httpx.get(f"{files_url}/{small.json()['id']}", headers=headers).raise_for_status()
            time.sleep(0.5)
            idle = _status(pid, "VmRSS")

            _reset_peak(pid)
            seconds, client_rss = map(float, _client(UPLOAD_HTTPX, files_url, token, str(source)))
            upload_growth = _status(pid, "VmHWM") - idle
            listed = httpx.get(files_url, headers=headers).json()
            big = next(f for f in listed if f["name"] == "big.bin")
            assert big["contentLength"] == SIZE_MIB << 20, big

            _reset_peak(pid)
            dl_seconds, dl_rss, digest = _client(DOWNLOAD_SDK, base, token, pool_id, big["id"])
            download_growth = _status(pid, "VmHWM") - idle
            assert digest == expected, "the downloaded file differs"

            rows = [
                ("upload, httpx streamed", seconds, upload_growth, client_rss),
                ("download, get_data_pool_file", float(dl_seconds), download_growth, float(dl_rss)),
            ]
            if "--sdk-upload" in sys.argv[1:]:
                _reset_peak(pid)
                sdk_seconds, sdk_rss = map(
                    float, _client(UPLOAD_SDK, base, token, pool_id, str(source))
                )
                sdk_growth = _status(pid, "VmHWM") - idle
                rows.append(("upload, add_data_pool_file", sdk_seconds, sdk_growth, sdk_rss))

        print(f"{SIZE_MIB} MiB data pool file; Hub server idle RSS {idle:.1f} MiB")
        for name, elapsed, growth, client in rows:
            verdict = "ok" if growth <= TARGET_GROWTH_MIB else f"over {TARGET_GROWTH_MIB} MiB"
            print(
                f"  {name:30} {SIZE_MIB / elapsed:8.1f} MiB/s   Hub RSS +{growth:6.1f} MiB"
                f" ({verdict})   client peak RSS {client:7.1f} MiB"
            )


if __name__ == "__main__":
    main()
