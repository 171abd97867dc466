"""Service code can't reach the Hub: the isolation mode this machine gets, the Hub's files
hidden from executions, result files that are really files of the run, private modes, and
secrets that never touch the disk. Each test pins one defect a probe of the Hub found."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qhub.local.runner import WorkspaceRunner, result_files, safe_result_path
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ...workspaces import PROGRAMS, make_workspace
from .helpers import log_messages, output, run, workspace


def test_this_machine_gets_namespaces(runner: WorkspaceRunner) -> None:
    """CI's machines (of this one's kind) allow the strongest mode: user, mount and PID
    namespaces, with executions running as an unprivileged user."""
    assert runner.isolation.mode == "namespaces", runner.isolation
    assert runner.isolation.uid != 0
    assert str(runner.isolation).startswith("namespaces (")


def test_the_weaker_mode_can_be_chosen(tmp_path: Path) -> None:
    """``rlimits-only`` on request: executions still run (as the Hub's user)."""
    runner = WorkspaceRunner(isolation="rlimits-only")
    try:
        assert runner.isolation.mode == "rlimits-only"
        ws = workspace(tmp_path, "import os\ndef run() -> int:\n    return os.getuid()\n")
        outcome, workdir = run(runner, ws, tmp_path, "weak", {})
    finally:
        runner.close()
    assert outcome.status == "SUCCEEDED"
    assert (workdir / "out" / "output.txt").read_text() == str(os.getuid())


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data directory laid out like the Hub's, with another execution's request in it.

    Outside ``/tmp`` (which every execution gets fresh, hiding it all), as a Hub's usually is.
    """
    base = Path(tempfile.mkdtemp(prefix="qhub-test-", dir="/var/tmp"))
    base.chmod(0o755)
    (base / "host-file").write_text("the host's")
    data = base / "data"
    (data / "executions" / "other").mkdir(parents=True)
    for name in ("signing.key", "connection.json", "hub.sqlite3"):
        (data / name).write_text("private")
    (data / "executions" / "other" / "request.json").write_text('{"$secrets": {"k": "v"}}')
    yield data
    shutil.rmtree(base)


def probe_request(data: Path, workdir: Path) -> dict[str, object]:
    """What the probe workspace should try against ``data`` (and a file beside it, standing
    for the rest of the machine: never a real system file, in case isolation fails)."""
    return {
        "read": [
            str(data / "signing.key"),
            str(data / "connection.json"),
            str(data / "hub.sqlite3"),
            str(data / "executions" / "other" / "request.json"),
            str(workdir / "request.json"),
            str(workdir / "log.jsonl"),
            "/etc/shadow",
        ],
        "write": [
            str(data / "signing.key"),
            str(workdir / "planted"),
            str(data.parent / "host-file"),
        ],
        "links": {"passwd": "/etc/passwd", "key": str(data / "signing.key")},
        "lift": [str(data), "/tmp"],
        "look": [str(data), str(data / "executions")],
    }


def test_executions_cannot_reach_the_data_dir(tmp_path: Path, data_dir: Path) -> None:
    """An execution reads and writes none of the Hub's files (signing key, connection,
    database, another run's request, its own request and log) and can't lift the mounts
    hiding them; it sees only its own processes."""
    runner = WorkspaceRunner(private_paths=[data_dir])
    try:
        ws = make_workspace(tmp_path, "probe")
        workdir = data_dir / "executions" / "mine"
        request = probe_request(data_dir, workdir)
        outcome, _ = run(runner, ws, tmp_path, "mine", request, workdir=workdir)
    finally:
        runner.close()
    assert outcome.status == "SUCCEEDED", log_messages(workdir)
    report = json.loads((workdir / "out" / "output.json").read_text())
    assert report["read"] == dict.fromkeys(report["read"], "ENOENT") | {"/etc/shadow": "EACCES"}
    assert set(report["write"].values()) <= {"EROFS", "EACCES"}, report["write"]
    assert set(report["lift"].values()) <= {"EPERM", "EINVAL"}, report["lift"]
    assert report["look"] == {str(data_dir): ["executions"], str(data_dir / "executions"): ["mine"]}
    assert report["processes"] <= 3  # the init, the program, and perhaps its fork
    assert (data_dir / "signing.key").read_text() == "private"
    assert (data_dir.parent / "host-file").read_text() == "the host's"
    assert not (workdir / "planted").exists()


def test_the_hubs_working_directory_is_no_way_in(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Hub started from inside its data directory has it on the fork server's
    ``sys.path``; that doesn't bring the data directory back into view."""
    monkeypatch.chdir(data_dir)
    runner = WorkspaceRunner(private_paths=[data_dir])
    try:
        ws = make_workspace(tmp_path, "probe")
        workdir = data_dir / "executions" / "mine"
        request = probe_request(data_dir, workdir)
        outcome, _ = run(runner, ws, tmp_path, "mine", request, workdir=workdir)
    finally:
        runner.close()
    assert outcome.status == "SUCCEEDED", log_messages(workdir)
    report = output(workdir)
    assert report["read"][str(data_dir / "signing.key")] == "ENOENT"
    assert report["look"][str(data_dir)] == ["executions"]


def test_result_files_never_follow_symbolic_links(tmp_path: Path) -> None:
    """Only regular files directly in ``out/`` are result files: links (to the signing key,
    to /etc/passwd) and hidden names are neither listed nor served."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "real.txt").write_text("mine")
    (out / ".hidden").write_text("no")
    (out / "sub").mkdir()
    (tmp_path / "signing.key").write_text("secret")
    (out / "passwd").symlink_to("/etc/passwd")
    (out / "key").symlink_to(tmp_path / "signing.key")
    assert result_files(out) == ["real.txt"]
    assert safe_result_path(out, "real.txt") == out / "real.txt"
    for name in ("passwd", "key", ".hidden", "sub", "../signing.key", "missing"):
        assert safe_result_path(out, name) is None, name
    linked_out = tmp_path / "linked-out"
    linked_out.symlink_to(out)
    assert safe_result_path(linked_out, "real.txt") is None


# -- the whole Hub ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub serving the probe and the echo workspace."""
    root = tmp_path_factory.mktemp("ws")
    services: dict[str, str | os.PathLike[str]] = {
        kind: make_workspace(root, kind) for kind in ("probe", "echo", "sleepy")
    }
    assert set(services) <= set(PROGRAMS)
    with LocalHub(tmp_path_factory.mktemp("hub"), services=services, example=False) as local:
        yield local


def client(hub: LocalHub, service: str) -> HubServiceClient:
    """A client of one of the Hub's services, with the default application."""
    assert hub.connection is not None
    app = hub.connection.application
    return HubServiceClient(
        hub.connection.services[service],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    )


def test_the_hub_says_how_it_isolates_executions(hub: LocalHub) -> None:
    """The Hub's runner hides the data directory, in the mode this machine allows."""
    assert hub.hub.runner.isolation.mode == "namespaces"
    assert hub.hub.runner._private_paths == [str(hub.hub.data_dir)]


def test_a_hostile_service_gets_nothing_of_the_hub(hub: LocalHub) -> None:
    """Through the gateway: the probe can't read the Hub's files or another execution's
    request (with its secrets), and its links to them are not served as results."""
    data = hub.hub.data_dir
    with client(hub, "sleepy") as sleepy, client(hub, "probe") as probe:
        other = sleepy.run(request={"seconds": 30}, secrets={"token": "other-secret"})
        other_request = data / "executions" / other.id / "request.json"
        execution = probe.run(request=probe_request(data, data / "executions" / "probe"))
        execution.wait_for_final_state(timeout=30, wait=0.1)
        other.cancel()
        assert execution.status == "SUCCEEDED"
        report = execution.result().data()
        names = execution.result_files()
        for name in ("passwd", "key"):
            response = httpx.get(
                f"{hub.connection.services['probe']}/{execution.id}/result/{name}",  # type: ignore[union-attr]
                headers={"Authorization": f"Bearer {probe._oauth.cache.current()}"},  # type: ignore[union-attr]
            )
            assert response.status_code == 404, name
    assert other_request.exists()
    read = report["read"]
    assert read[str(data / "signing.key")] == "ENOENT"
    assert read[str(data / "hub.sqlite3")] == "ENOENT"
    assert read[str(data / "connection.json")] == "ENOENT"
    assert names == ["output.json"]


def test_private_files_are_private(hub: LocalHub) -> None:
    """The database, the signing key, the connection file, requests, logs and working
    directories are readable by the Hub's user only."""
    data = hub.hub.data_dir
    with client(hub, "echo") as echo:
        execution = echo.run(request={"values": [1]})
        execution.wait_for_final_state(timeout=30, wait=0.1)
    workdir = data / "executions" / execution.id
    private = [
        data / "hub.sqlite3",
        data / "signing.key",
        data / "connection.json",
        workdir / "request.json",
        workdir / "log.jsonl",
    ]
    for path in [*private, data / "hub.sqlite3-wal"]:
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(workdir.stat().st_mode) == 0o700


def test_secrets_never_reach_the_disk(hub: LocalHub) -> None:
    """``$secrets`` reach the program (it sees the secret) but no file of the data
    directory holds them, not even the request's record."""
    secret = f"s3cr3t-{uuid.uuid4()}"
    with client(hub, "echo") as echo:
        execution = echo.run(request={"values": [1]}, secrets={"api_key": secret})
        execution.wait_for_final_state(timeout=30, wait=0.1)
        assert execution.result().data()["has_secret"] is True
    found = []
    for directory, _, files in os.walk(hub.hub.data_dir):
        for name in files:
            path = Path(directory) / name
            if path.is_file() and secret.encode() in path.read_bytes():
                found.append(path)
    assert found == []
    request = json.loads(
        (hub.hub.data_dir / "executions" / execution.id / "request.json").read_text()
    )
    assert request["$secrets"] == {"api_key": "[redacted]"}


def test_the_workspace_and_interpreter_are_read_only(
    runner: WorkspaceRunner, tmp_path: Path
) -> None:
    """A program can't change its own code or the Hub's interpreter; ``/tmp`` is its own."""
    marker = tmp_path / "host-tmp-marker"
    marker.write_text("host")
    ws = workspace(
        tmp_path,
        "import os, sys\n"
        "def attempt(path):\n"
        "    try:\n"
        "        open(path, 'a').close()\n"
        "        return 'written'\n"
        "    except OSError as error:\n"
        "        return error.strerror\n"
        "def run(marker: str) -> dict:\n"
        "    return {\n"
        "        'workspace': attempt(__file__),\n"
        "        'interpreter': attempt(os.path.join(sys.prefix, 'pyvenv.cfg')),\n"
        "        'tmp': attempt('/tmp/mine'),\n"
        "        'host_tmp_visible': os.path.exists(marker),\n"
        "    }\n",
    )
    outcome, workdir = run(runner, ws, tmp_path, "ro", {"marker": str(marker)})
    assert outcome.status == "SUCCEEDED", log_messages(workdir)
    report = output(workdir)
    assert report["workspace"] in ("Read-only file system", "Permission denied")
    assert report["interpreter"] in ("Read-only file system", "Permission denied")
    assert (report["tmp"], report["host_tmp_visible"]) == ("written", False)
