"""Restarts, crashes, connection.json and the CLI, with real files and processes."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

BELL = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'


def quickstart_client(hub: LocalHub) -> HubServiceClient:
    """A client of the example service with the default application."""
    assert hub.connection is not None
    app = hub.connection.application
    return HubServiceClient(
        hub.connection.services["quickstart"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    )


def test_connection_json_is_private_and_complete(tmp_path: Path) -> None:
    """connection.json has every URL and credential, mode 0600; stdout-free secrets stay there."""
    with LocalHub(tmp_path) as hub:
        data = json.loads((tmp_path / "connection.json").read_text())
        assert hub.connection is not None
        assert data == hub.connection.to_json()
    assert stat.S_IMODE((tmp_path / "connection.json").stat().st_mode) == 0o600
    assert set(data) == {
        "base_url",
        "token_endpoint",
        "quantum_url",
        "platform_url",
        "user_url",
        "services",
        "application",
        "personal_access_token",
        "organization_id",
        "datapools",
    }
    assert set(data["application"]) == {"id", "access_key_id", "secret_access_key"}
    assert data["quantum_url"].endswith("/quantum") and data["user_url"].endswith("/user-service")
    assert data["services"]["quickstart"].endswith("/gateway/local/quickstart/1.0.0")
    assert "secret_access_key" not in repr(hub.connection)


def test_executions_results_and_credentials_survive_a_restart(tmp_path: Path) -> None:
    """Same data dir, new process state: same keys, same execution, same result files."""
    with LocalHub(tmp_path) as hub, quickstart_client(hub) as client:
        execution = client.run(request={"values": [1, 2]})
        execution.wait_for_final_state(timeout=30, wait=0.1)
        first = execution.result().data()
        credentials = hub.connection.application if hub.connection else None
    with LocalHub(tmp_path) as hub, quickstart_client(hub) as client:
        assert hub.connection is not None and hub.connection.application == credentials
        again = client.get_service_execution(execution.id)
        assert again.status == "SUCCEEDED"
        assert again.result().data() == first
        assert again.result_files() == ["histogram.csv", "output.json"]


def test_runs_interrupted_by_a_crash_end_failed_with_a_reason(tmp_path: Path) -> None:
    """An execution left RUNNING by a dead Hub is FAILED after restart, with an ERROR log line."""
    with LocalHub(tmp_path) as hub, quickstart_client(hub) as client:
        execution = client.run(request={"values": [1]})
        execution.wait_for_final_state(timeout=30, wait=0.1)
    # Simulate a Hub killed mid-run: the row says RUNNING although nothing runs it.
    import sqlite3

    with sqlite3.connect(tmp_path / "hub.sqlite3") as db:
        db.execute(
            "UPDATE executions SET status = 'RUNNING', ended_at = NULL WHERE id = ?",
            (execution.id,),
        )
    with LocalHub(tmp_path) as hub, quickstart_client(hub) as client:
        again = client.get_service_execution(execution.id)
        assert again.status == "FAILED"
        assert (again.logs() or [])[
            -1
        ].message == "The local Hub stopped while this execution was pending or running."


def test_cli_serves_until_terminated(tmp_path: Path) -> None:
    """`qhub-local serve --port 0` prints its URL, writes connection.json, stops on SIGTERM."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qhub.local.cli",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        first_line = server.stdout.readline()
        assert first_line.startswith("Local Kipu Quantum Hub at http://127.0.0.1:")
        data = json.loads((tmp_path / "connection.json").read_text())
        assert first_line.split()[-1] == data["base_url"]
        token = httpx.post(
            data["token_endpoint"],
            data={"grant_type": "client_credentials"},
            auth=(data["application"]["access_key_id"], data["application"]["secret_access_key"]),
        )
        assert token.status_code == 200
        rest = server.stdout.read(0)
        assert data["application"]["secret_access_key"] not in first_line + rest
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        assert server.wait(20) == 0
        assert server.stdout is not None
        server.stdout.close()


def test_cli_refuses_a_directory_that_is_not_a_workspace(tmp_path: Path) -> None:
    """A bad --service path is a one-line error and exit status 2."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "qhub.local.cli",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--service",
            f"bad={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "src/program.py is missing" in done.stderr


def test_grant_mounts_the_data_pool_and_is_checked(tmp_path: Path) -> None:
    """A grant acquired through the Platform API mounts the pool; a forged one ends the
    execution FAILED, the reason in its log."""
    from qhub.service.client import HubPlatformClient
    from qhub.service.datapool import DataPoolGrant, DataPoolPermission

    workspace = tmp_path / "ws"
    (workspace / "src").mkdir(parents=True)
    (workspace / "src" / "__init__.py").write_text("")
    (workspace / "src" / "program.py").write_text(
        "from qhub.local.runtime import DataPool\n"
        "def run(data: DataPool) -> dict:\n"
        "    return {'files': sorted(data.list_files())}\n"
    )
    with LocalHub(tmp_path / "hub", services={"pool": workspace}) as hub:
        assert hub.connection is not None
        conn = hub.connection
        pool_id = conn.datapools["default"]
        (hub.hub.datapools.get(pool_id).path / "input.csv").write_text("a,b\n")
        platform = HubPlatformClient(
            api_key=conn.personal_access_token,
            organization_id=conn.organization_id,
            platform_endpoint=conn.platform_url,
        )
        app = conn.application
        with HubServiceClient(
            conn.services["pool"],
            app["access_key_id"],
            app["secret_access_key"],
            token_endpoint=conn.token_endpoint,
            platform_client=platform,
        ) as client:
            grant = DataPoolGrant(
                name="data",
                datapool_id=pool_id,
                application_id=app["id"],
                permission=DataPoolPermission.VIEW,
            )
            execution = client.run(request={}, grants=[grant])
            execution.wait_for_final_state(timeout=30, wait=0.1)
            assert execution.result().data() == {"files": ["input.csv"]}
            assert len(client.grant_cache) == 1
            forged = {"data": {"id": pool_id, "ref": "DATAPOOL", "grant": "a.b.c"}}
            refused = client.run(request=forged)
            refused.wait_for_final_state(timeout=30, wait=0.1)
            assert refused.status == "FAILED"
            errors = [e.message for e in refused.logs() or [] if e.severity == "ERROR"]
            assert "'data'" in errors[0] and "grant" in errors[0]
        platform.client.close()


def test_grants_without_a_platform_client_fail_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed's message when no credentials can be found for grants."""
    from qhub.api.credentials import CONFIG_PATH_ENV_VARS, TOKEN_ENV_VARS
    from qhub.service.datapool import DataPoolGrant

    for name in (*TOKEN_ENV_VARS, *CONFIG_PATH_ENV_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with (
        HubServiceClient("http://127.0.0.1:9/gateway/x/y/1") as client,
        pytest.raises(ValueError, match="api_key is required for data pool grant acquisition"),
    ):
        client.run(
            request={}, grants=[DataPoolGrant(name="d", datapool_id="p", application_id="a")]
        )


def test_other_users_keep_their_tokens_and_jobs_across_restarts(tmp_path: Path) -> None:
    """A token from add_user still works after a restart, and sees its own jobs only."""
    from qhub.api.quantum import HubQuantumClient

    with LocalHub(tmp_path, example=False) as hub:
        user = hub.add_user()
        assert hub.connection is not None
        with HubQuantumClient(
            api_key=user.personal_access_token, base_url=hub.connection.quantum_url
        ) as client:
            job = client.jobs.create_job(
                backend_id="local.aer.simulator", shots=4, input={"qasm": BELL}
            )
            client.jobs.wait(job.id, timeout=60)
        default_token = hub.connection.personal_access_token
    with LocalHub(tmp_path, example=False) as hub:
        assert hub.connection is not None
        assert hub.connection.personal_access_token == default_token
        with HubQuantumClient(
            api_key=user.personal_access_token, base_url=hub.connection.quantum_url
        ) as client:
            assert [j.id for j in client.jobs.iter_jobs()] == [job.id]


def _children(pid: int) -> dict[int, str]:
    """A process's children and their command lines (from ``/proc``)."""
    children = {}
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text() if entry.name.isdigit() else ""
            if f"\nPPid:\t{pid}\n" in status:
                children[int(entry.name)] = (entry / "cmdline").read_bytes().decode()
        except OSError:  # gone meanwhile
            continue
    return children


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads /proc")
def test_ready_means_the_workers_and_the_fork_server_are_up(tmp_path: Path) -> None:
    """When ``serve`` says ready, the Qiskit workers (the first parser and the simulators)
    and the fork server the example service runs in have started: neither the first job nor
    the first execution pays for a start."""
    command = ["qhub.local.cli", "serve", "--port", "0", "--data-dir", str(tmp_path)]
    server = subprocess.Popen(
        [sys.executable, "-m", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        assert any(line.startswith("ready") for line in server.stdout)
        children = _children(server.pid)
        zygotes = [pid for pid, command in children.items() if "runner._zygote" in command]
        assert len(zygotes) == 1, children
        (forkserver,) = [pid for pid, cmd in children.items() if "forkserver" in cmd]
        assert len(_children(forkserver)) >= 2  # a parser and a simulator at least
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        assert server.wait(20) == 0
        assert server.stdout is not None
        server.stdout.close()
