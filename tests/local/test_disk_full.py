"""A real ``qhub-local serve`` whose data directory is on a small tmpfs that fills up: starts
and submissions answer 503 JSON and keep nothing, runs in flight end in their true state once
there is room again, and the Hub carries on.

The tmpfs is mounted the least privileged way that works: in a user and mount namespace of
the Hub's own (``unshare --user --map-root-user --mount``), else directly when running as
root; else the test is skipped, saying why.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from qhub.api.quantum import HubQuantumClient
from qhub.service.client import HubServiceClient
from tests.local.hub_process import ServedHub
from tests.workspaces import make_workspace

pytestmark = pytest.mark.slow

SIZE = "64m"
ONE_QUBIT = 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c; h q[0]; c = measure q;'
#: A circuit Aer needs a few seconds for: still simulating when the disk fills.
WIDE = (
    'OPENQASM 3.0; include "stdgates.inc"; qubit[22] q; bit[22] c; '
    + " ".join(f"h q[{i}]; cx q[{i}], q[{(i + 1) % 22}]; rz(0.3) q[{i}];" for i in range(22)) * 4
    + " c = measure q;"
)
SHOTS = 300
#: The shell that mounts the tmpfs inside the new namespaces, then becomes the Hub.
MOUNT_THEN_EXEC = 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"'


@dataclass
class SmallDisk:
    """Where the small filesystem is mounted, and the command prefix that sees it."""

    mount_point: Path
    prefix: list[str]

    def run_beside(self, pid: int, argv: list[str]) -> str:
        """Run a command where process ``pid`` (the Hub) sees the small filesystem; its
        output. (SQLite resolves ``/proc/PID/root`` back into this namespace, so it can't
        open the Hub's database from here.)"""
        if self.prefix:
            argv = ["nsenter", "--target", str(pid), "--user", "--mount", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60).stdout


def _unshare_works() -> str:
    """Why ``unshare --user --map-root-user --mount`` can't mount a tmpfs here (``""``: it can)."""
    if shutil.which("unshare") is None:
        return "no unshare command"
    probe = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c"]
    probe += ['mount -t tmpfs -o size=1m tmpfs "$(mktemp -d)"']
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return "" if done.returncode == 0 else done.stderr.strip() or f"exit {done.returncode}"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 64 MiB tmpfs for the Hub's data directory, mounted as the machine allows."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    why_not = _unshare_works()
    if not why_not:
        unshare = ["unshare", "--user", "--map-root-user", "--mount"]
        yield SmallDisk(
            mount_point, [*unshare, "sh", "-c", MOUNT_THEN_EXEC, "sh", SIZE, str(mount_point)]
        )
        return
    if os.geteuid() != 0:
        pytest.skip(f"can't mount a small filesystem: user namespaces: {why_not}; not root")
    command = ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount_point)]
    subprocess.run(command, check=True, timeout=30)
    try:
        yield SmallDisk(mount_point, [])
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False, timeout=30)


def fill(path: Path) -> None:
    """Write ``path`` until the filesystem has no room left."""
    with path.open("wb", buffering=0) as filler:
        for chunk in (1 << 20, 4096, 512):
            block = b"\0" * chunk
            while True:
                try:
                    filler.write(block)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break


def assert_disk_full(response: httpx.Response) -> None:
    """A 503 with the Hub's JSON error body naming the full disk."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == 503 and body["requestId"] == response.headers["x-request-id"]
    assert "disk is full" in body["message"]
    assert int(response.headers["retry-after"]) > 0


def wait_for_status(read: object, wanted: str, timeout: float = 60.0) -> None:
    """Poll ``read()`` until it returns ``wanted``."""
    assert callable(read)
    deadline = time.monotonic() + timeout
    while (status := read()) != wanted:
        assert time.monotonic() < deadline, f"still {status}, not {wanted}"
        time.sleep(0.05)


def test_a_full_disk_answers_503_and_every_run_reaches_its_true_state(
    tmp_path: Path, small_disk: SmallDisk
) -> None:
    data = small_disk.mount_point / "data"
    services = {"napper": make_workspace(tmp_path / "workspaces", "napper")}
    hub = ServedHub(data, services, small_disk.prefix)
    try:
        connection = hub.connection()
        app = connection["application"]
        pat = {"X-Auth-Token": connection["personal_access_token"]}
        with (
            HubServiceClient(
                connection["services"]["napper"],
                app["access_key_id"],
                app["secret_access_key"],
                token_endpoint=connection["token_endpoint"],
            ) as service,
            HubQuantumClient(
                api_key=connection["personal_access_token"], base_url=connection["quantum_url"]
            ) as quantum,
            httpx.Client(timeout=60) as http,
        ):
            napping = service.run(request={"seconds": 3})
            wait_for_status(lambda: service.get_service_execution(napping.id).status, "RUNNING")
            simulating = quantum.jobs.create_job(
                backend_id="aws.sim.sv1", shots=SHOTS, input={"qasm": WIDE}
            )
            wait_for_status(lambda: quantum.jobs.get_job_status(simulating.id).status, "RUNNING")

            # No slack left in the write-ahead log: the next write needs new room on disk.
            checkpoint = "PRAGMA wal_checkpoint(TRUNCATE)"
            script = f"import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute({checkpoint!r}).fetchone()[0])"
            database = str(data / "hub.sqlite3")
            assert small_disk.run_beside(hub.pid, [sys.executable, "-c", script, database]) == "0\n"
            filler = hub.path(small_disk.mount_point / "filler")
            fill(filler)

            token = http.post(
                connection["token_endpoint"],
                data={"grant_type": "client_credentials"},
                auth=(app["access_key_id"], app["secret_access_key"]),
            )
            assert token.status_code == 200  # it only reads
            bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            assert_disk_full(
                http.post(connection["services"]["napper"] + "/", json={}, headers=bearer)
            )
            job = {"backend_id": "aws.sim.sv1", "shots": 10, "input": {"qasm": ONE_QUBIT}}
            assert_disk_full(http.post(connection["quantum_url"] + "/jobs", json=job, headers=pat))
            assert_disk_full(
                http.post(
                    connection["platform_url"] + "/applications", json={"name": "x"}, headers=pat
                )
            )
            assert [p.name for p in hub.path(data / "executions").iterdir()] == [napping.id]

            # Both runs end while the disk is full; their ends wait for room, seen as running.
            hub.wait_for(hub.stderr, f"execution {napping.id} SUCCEEDED waits for the store")
            hub.wait_for(hub.stderr, f"job {simulating.id} COMPLETED waits for the store")
            assert service.get_service_execution(napping.id).status == "RUNNING"
            assert quantum.jobs.get_job_status(simulating.id).status == "RUNNING"

            filler.unlink()
            napping.wait_for_final_state(timeout=60, wait=0.1)
            assert napping.status == "SUCCEEDED"
            done = quantum.jobs.wait(simulating.id, timeout=60, interval=0.1)
            assert done.status == "COMPLETED"
            counts = quantum.jobs.get_job_result(simulating.id)
            assert sum(counts["counts"].values()) == SHOTS

            # The Hub carries on: new runs are tracked to their ends.
            again = service.run(request={"seconds": 0})
            again.wait_for_final_state(timeout=60, wait=0.1)
            assert again.status == "SUCCEEDED"
            bell = quantum.jobs.create_job(
                backend_id="aws.sim.sv1", shots=10, input={"qasm": ONE_QUBIT}
            )
            assert quantum.jobs.wait(bell.id, timeout=60, interval=0.1).status == "COMPLETED"
            assert sorted(e.id for e in service.get_service_executions()) == sorted(
                [napping.id, again.id]
            )
    finally:
        hub.stop()
    assert hub.process.returncode == 0
