"""``qhub-local``: every misuse is one line and exit status 2; one Hub per data directory."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qhub.local.cli import main
from qhub.local.process import hub_process


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``qhub-local ARGS`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "qhub.local.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line_refusal(done: subprocess.CompletedProcess[str]) -> str:
    """The refusal, after checking it is one line on stderr with exit status 2."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qhub-local: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_version_and_help_show_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    """``--version`` names the version; ``serve --help`` shows every default."""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("qhub-local 0.")
    assert main(["serve", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith("Usage: qhub-local serve [OPTIONS]")
    packed = text.replace(" ", "")  # help text wraps long defaults mid-word
    for default in ("127.0.0.1", "8080", ".qhub-local", "3600"):
        assert f"default:{default}" in packed, default


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["serve", "--port", "70000"], "70000 is not in the range 0<=x<=65535"),
        (["serve", "--port", "x"], "'x' is not a valid integer"),
        (["serve", "--host", "no-such-host.invalid", "--port", "0"], "cannot resolve host"),
        (["serve", "--token-ttl", "0"], "--token-ttl"),
        (["serve", "--service", "/no/such/workspace"], "is not a directory"),
        (["serve", "--service", "/"], "is not a service workspace: src/program.py is missing"),
        (["no-such-command"], "No such command"),
    ],
)
def test_misuse_is_one_line_and_status_2(args: list[str], says: str) -> None:
    """Bad values, unknown hosts and commands: a line naming the problem, no traceback."""
    assert says in one_line_refusal(run_cli(*args))


def test_a_port_in_use_suggests_port_0(busy_port: int, tmp_path: Path) -> None:
    """The port is checked before the data directory is touched."""
    line = one_line_refusal(
        run_cli("serve", "--port", str(busy_port), "--data-dir", str(tmp_path / "d"))
    )
    assert line == f"qhub-local: port {busy_port} is in use (try --port 0)"
    assert not (tmp_path / "d").exists()


def test_a_data_dir_that_is_a_file_or_cannot_be_made(tmp_path: Path) -> None:
    """A file where the directory should be, or below it: refused, nothing written."""
    file = tmp_path / "a-file"
    file.write_text("keep me")
    line = one_line_refusal(run_cli("serve", "--port", "0", "--data-dir", str(file)))
    assert "is a file, not a directory" in line
    line = one_line_refusal(run_cli("serve", "--port", "0", "--data-dir", str(file / "sub")))
    assert f"cannot create {file / 'sub'}" in line
    assert file.read_text() == "keep me"


def test_one_hub_per_data_dir(tmp_path: Path) -> None:
    """A second ``serve`` names the first and exits 2 without touching its state; ``status``
    says who serves; ``reset`` refuses while it serves; a clean stop removes
    connection.json, after which ``status`` says none and ``reset`` deletes everything."""
    data_dir = tmp_path / "hub"
    with hub_process(data_dir, quiet=True) as (connection, server):
        before = (data_dir / "connection.json").read_text()
        line = one_line_refusal(run_cli("serve", "--port", "0", "--data-dir", str(data_dir)))
        assert line == (
            f"qhub-local: another Hub (pid {server.pid}) serves {data_dir.resolve()} "
            f"at {connection['base_url']}"
        )
        assert (data_dir / "connection.json").read_text() == before
        status = run_cli("status", "--data-dir", str(data_dir))
        assert status.returncode == 0
        assert f"pid {server.pid}" in status.stdout and connection["base_url"] in status.stdout
        refused = one_line_refusal(run_cli("reset", "--yes", "--data-dir", str(data_dir)))
        assert "another Hub" in refused
        os.killpg(server.pid, signal.SIGTERM)
        # A second signal while the first is handled (uv run forwards one) must not hang.
        os.killpg(server.pid, signal.SIGTERM)
        assert server.wait(20) == 0
    assert not (data_dir / "connection.json").exists()
    status = run_cli("status", "--data-dir", str(data_dir))
    assert (status.returncode, status.stdout.strip()) == (1, f"no Hub serves {data_dir}")
    done = run_cli("reset", "--yes", "--data-dir", str(data_dir))
    assert done.returncode == 0 and not data_dir.exists()


def test_reset_refuses_a_directory_that_is_not_a_hubs(tmp_path: Path) -> None:
    """``reset`` deletes only what looks like a Hub's data directory."""
    (tmp_path / "notes.txt").write_text("mine")
    line = one_line_refusal(run_cli("reset", "--yes", "--data-dir", str(tmp_path)))
    assert "does not look like a local Hub's data directory" in line
    assert (tmp_path / "notes.txt").exists()


def test_jobs_lists_the_running_hubs_jobs(tmp_path: Path) -> None:
    """``jobs`` reads connection.json and lists what the Hub has; without a Hub, refused."""
    line = one_line_refusal(run_cli("jobs", "--data-dir", str(tmp_path)))
    assert "no Hub serves" in line
    with hub_process(tmp_path / "hub", quiet=True) as (connection, _):
        import httpx

        created = httpx.post(
            f"{connection['quantum_url']}/jobs",
            headers={"X-Auth-Token": connection["personal_access_token"]},
            json={
                "backend_id": "aws.sim.sv1",
                "shots": 10,
                "input": {"qasm": 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; h q[0];'},
            },
            timeout=60,  # the first job may wait for the parser to warm up
        )
        assert created.status_code == 201, created.text
        listed = run_cli("jobs", "--data-dir", str(tmp_path / "hub"))
        assert listed.returncode == 0
        assert json.loads(created.text)["id"] in listed.stdout


def test_env_and_login_point_unchanged_code_at_the_hub(tmp_path: Path) -> None:
    """``eval "$(qhub-local env)"`` + a script that names no URL or token reaches the Hub;
    ``login`` writes a qhubctl config (0600) that the credential chain reads, and refuses to
    replace a file without --force."""
    data_dir = tmp_path / "hub"
    with hub_process(data_dir, quiet=True) as (connection, _):
        done = run_cli("login", "--data-dir", str(data_dir))
        assert done.returncode == 0, done.stderr
        config = data_dir / "qhubctl-config.json"
        assert oct(config.stat().st_mode & 0o777) == "0o600"
        assert (
            json.loads(config.read_text())["auth"]["value"] == connection["personal_access_token"]
        )
        assert "exists" in one_line_refusal(run_cli("login", "--data-dir", str(data_dir)))
        exports = run_cli("env", "--data-dir", str(data_dir))
        assert exports.returncode == 0, exports.stderr
        script = (
            "from qhub.api.credentials import DefaultCredentialsProvider\n"
            "from qhub.api.quantum import HubQuantumClient\n"
            "token = DefaultCredentialsProvider().get_access_token()\n"
            "with HubQuantumClient(api_key=token) as client:\n"
            "    print(len(client.runtime_minutes.get_runtime_minutes().allowances or []))\n"
        )
        # The token comes from the config file: drop the exported token variable.
        shell = (
            f"{exports.stdout}\nunset KQH_PERSONAL_ACCESS_TOKEN\n"
            f"{sys.executable} -c {shlex.quote(script)}"
        )
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("QHUB_", "KQH_"))}
        ran = subprocess.run(
            ["bash", "-c", shell], capture_output=True, text=True, timeout=60, env=clean
        )
        assert ran.returncode == 0, ran.stderr
        assert int(ran.stdout.strip()) > 0
        # The Service SDK's quickstart reads the access key from ACCESS_KEY_ID and
        # SECRET_ACCESS_KEY; the token endpoint comes from QHUB_TOKEN_ENDPOINT.
        quickstart = (
            "import os\n"
            "from qhub.service.client import HubServiceClient\n"
            "client = HubServiceClient(\n"
            "    service_endpoint=os.environ['QHUB_SERVICE_BASE_URL'],\n"
            "    access_key_id=os.environ['ACCESS_KEY_ID'],\n"
            "    secret_access_key=os.environ['SECRET_ACCESS_KEY'],\n"
            ")\n"
            "execution = client.run(request={'values': [2], 'shots': 100})\n"
            "execution.wait_for_final_state(timeout=300)\n"
            "print(execution.status)\n"
        )
        ran = subprocess.run(
            ["bash", "-c", f"{exports.stdout}\n{sys.executable} -c {shlex.quote(quickstart)}"],
            capture_output=True,
            text=True,
            timeout=120,
            env=clean,
        )
        assert (ran.returncode, ran.stdout.strip()) == (0, "SUCCEEDED"), ran.stderr


def test_connect_gives_ready_clients_of_the_running_hub(tmp_path: Path) -> None:
    """``qhub.local.connect(DIR)``: the Quantum, Platform, User and service clients work with
    nothing else given; without a Hub, a clear refusal."""
    from qhub.local import connect
    from qhub.local.datadir import DataDirError

    with pytest.raises(DataDirError, match="no Hub serves"):
        connect(tmp_path)
    with hub_process(tmp_path / "hub", quiet=True), connect(tmp_path / "hub") as hub:
        assert hub.quantum.runtime_minutes.get_runtime_minutes().allowances
        assert hub.user.user_settings.get_current_user().id
        assert [s.name for s in hub.platform.services.get_services(page=0, size=20)]
        execution = hub.service("quickstart").run(request={"values": [1], "shots": 10})
        execution.wait_for_final_state(timeout=60, wait=0.2)
        assert execution.status == "SUCCEEDED"
        with pytest.raises(KeyError, match="this Hub serves: quickstart"):
            hub.service("nope")


def test_the_log_has_a_line_per_request_and_state_change_and_no_secret(tmp_path: Path) -> None:
    """``--log-format json``: an access line per request (method, path, status, duration,
    request id) and a line per execution and job state change; a client's request id is
    echoed only when plain, a control character in a path is escaped, and neither the
    token nor the application's secret ever appears."""
    import httpx

    from qhub.local import connect

    log = tmp_path / "hub.log"
    data_dir = tmp_path / "hub"
    with hub_process(data_dir, ["--log-format", "json"], quiet=True, log_file=log) as (
        connection,
        _,
    ):
        headers = {"X-Auth-Token": connection["personal_access_token"]}
        plain = httpx.get(
            f"{connection['quantum_url']}/backends", headers={**headers, "X-Request-Id": "abc-1"}
        )
        forged = httpx.get(
            f"{connection['quantum_url']}/backends",
            headers={**headers, "X-Request-Id": "x\tfake log line"},
        )
        httpx.get(f"{connection['quantum_url']}/nowhere%0Afake", headers=headers)
        with connect(data_dir) as hub:
            execution = hub.service().run(request={"values": [1], "shots": 5})
            execution.wait_for_final_state(timeout=60, wait=0.2)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    access = [line for line in lines if line["logger"] == "qhub.local.access"]
    assert plain.headers["x-request-id"] == "abc-1"
    assert forged.headers["x-request-id"] != "x\tfake log line"
    first = next(line for line in access if line["request_id"] == "abc-1")
    assert (first["method"], first["path"], first["status"]) == ("GET", "/quantum/backends", 200)
    assert first["duration_ms"] >= 0
    assert any(line["path"] == "/quantum/nowhere\\x0afake" for line in access)
    states = [line["message"] for line in lines if line["logger"] == "qhub.local.executions"]
    said = [re.search(r"\b(PENDING|RUNNING|SUCCEEDED|FAILED|CANCELLED)\b", m) for m in states]
    assert [match.group(1) for match in said if match] == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert any(line["logger"] == "qhub.local.jobs" for line in lines)
    text = log.read_text()
    assert connection["personal_access_token"] not in text
    assert connection["application"]["secret_access_key"] not in text


def test_a_deleted_or_corrupt_database_is_refused_and_nothing_overwritten(tmp_path: Path) -> None:
    """A data dir whose hub.sqlite3 was deleted (the rest still there) or holds garbage: one
    line naming the file, exit 2; the files are left as they were."""
    data_dir = tmp_path / "hub"
    with hub_process(data_dir, quiet=True):
        pass
    key = (data_dir / "signing.key").read_bytes()
    database = data_dir / "hub.sqlite3"
    database.unlink()
    line = one_line_refusal(run_cli("serve", "--port", "0", "--data-dir", str(data_dir)))
    assert "hub.sqlite3 is missing" in line and not database.exists()
    database.write_bytes(b"not a database at all" * 100)
    line = one_line_refusal(run_cli("serve", "--port", "0", "--data-dir", str(data_dir)))
    assert "hub.sqlite3 can't be read" in line and "nothing was changed" in line
    assert database.read_bytes() == b"not a database at all" * 100
    assert (data_dir / "signing.key").read_bytes() == key


def test_executions_and_logs_follow(tmp_path: Path) -> None:
    """``executions`` lists runs newest first with their service; ``logs ID`` prints the log
    so far; ``logs ID --follow`` prints every line as it comes and stops when the run ends;
    an unknown id is refused in one line."""
    from qhub.local import connect

    from ..workspaces import make_workspace

    workspace = make_workspace(tmp_path, "ticking")
    data_dir = tmp_path / "hub"
    with hub_process(data_dir, ["--service", f"ticking={workspace}"], quiet=True):
        with connect(data_dir) as hub:
            done = hub.service("quickstart").run(request={"values": [1], "shots": 5})
            done.wait_for_final_state(timeout=60, wait=0.2)
            ticking = hub.service("ticking").run(request={"ticks": 4, "pause": 0.5})
            followed = run_cli("logs", ticking.id, "--follow", "--data-dir", str(data_dir))
            ticking.refresh()
            assert ticking.status == "SUCCEEDED"
        assert followed.returncode == 0, followed.stderr
        ticks = [line for line in followed.stdout.splitlines() if "tick " in line]
        assert [line.split()[-1] for line in ticks] == ["0", "1", "2", "3"]
        assert f"execution {ticking.id} ended: SUCCEEDED" in followed.stderr

        listed = run_cli("executions", "--data-dir", str(data_dir))
        assert listed.returncode == 0, listed.stderr
        rows = [line.split("  ") for line in listed.stdout.splitlines()]
        assert [(row[0], row[1], row[2]) for row in rows] == [
            (ticking.id, "SUCCEEDED", "ticking"),
            (done.id, "SUCCEEDED", "quickstart"),
        ]
        again = run_cli("logs", ticking.id, "--data-dir", str(data_dir))
        assert again.stdout == followed.stdout
        line = one_line_refusal(run_cli("logs", "no-such-id", "--data-dir", str(data_dir)))
        assert line.startswith("qhub-local: no execution no-such-id on this Hub")


@pytest.mark.parametrize(
    ("interpreter", "says"),
    [
        ("/no/such/python", "/no/such/python: no such file"),
        ("/etc/os-release", "/etc/os-release: not executable"),
        ("/bin/true", "/bin/true: not a Python interpreter"),
    ],
)
def test_service_python_must_be_a_python(interpreter: str, says: str) -> None:
    """``--service-python`` is checked before anything starts."""
    assert says in one_line_refusal(run_cli("serve", "--service-python", interpreter))


def test_the_banner_names_the_isolation_and_the_service_python(tmp_path: Path) -> None:
    """With ``--service-python`` the workspaces run in that interpreter (here a venv of the
    Hub's Python with a marker variable set by its activation-free ``sitecustomize``), and
    the banner says how executions are isolated and which interpreter runs them."""
    from qhub.local import connect

    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
        check=True,
    )
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "sitecustomize.py").write_text("import builtins\nbuiltins.IN_THE_VENV = True\n")
    workspace = tmp_path / "where"
    (workspace / "src").mkdir(parents=True)
    (workspace / "src" / "program.py").write_text(
        "import builtins, sys\n"
        "def run() -> dict:\n"
        "    return {'prefix': sys.prefix, 'marked': getattr(builtins, 'IN_THE_VENV', False)}\n"
    )
    data_dir = tmp_path / "hub"
    command = [
        sys.executable,
        "-m",
        "qhub.local.cli",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        "--no-example",
        "--service",
        f"where={workspace}",
        "--service-python",
        str(python),
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        banner = []
        for line in server.stdout:
            banner.append(line.rstrip("\n"))
            if line.startswith("ready"):
                break
        text = "\n".join(banner)
        assert re.search(
            r"^service executions isolated by (namespaces|rlimits-only) \(", text, re.M
        )
        assert f"service workspaces run in {python}" in text
        with connect(data_dir) as hub:
            result = hub.service("where").run(request={}).result(timeout=60)
        assert result["marked"] is True
        assert result["prefix"] == str(venv)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
        if server.stdout is not None:
            server.stdout.close()


def test_connect_asks_grants_of_its_own_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``connect(DIR).service(NAME)`` asks data pool grants of that Hub even when the
    environment points the Platform API elsewhere (another Hub's ``qhub-local env``)."""
    from qhub.local import connect
    from qhub.local.demo import POOL_SUMMARY
    from qhub.service.datapool import DataPoolGrant, DataPoolPermission

    monkeypatch.setenv("QHUB_PLATFORM_BASE_URL", "http://127.0.0.1:9/qc-catalog")
    monkeypatch.setenv("KQH_PERSONAL_ACCESS_TOKEN", "another-hubs-token")
    data_dir = tmp_path / "hub"
    with (
        hub_process(data_dir, ["--service", f"pool-summary={POOL_SUMMARY}"], quiet=True),
        connect(data_dir) as hub,
    ):
        pool = hub.platform.data_pools.create_data_pool(name="rows")
        assert pool.id is not None
        hub.platform.data_pools.add_data_pool_file(pool.id, file=("a.csv", b"h\n1\n2\n", None))
        grant = DataPoolGrant(
            name="input_data",
            datapool_id=pool.id,
            application_id=hub.connection["application"]["id"],
            permission=DataPoolPermission.VIEW,
        )
        execution = hub.service("pool-summary").run(request={"shots": 1}, grants=[grant])
        execution.wait_for_final_state(timeout=60, wait=0.2)
        assert execution.status == "SUCCEEDED", execution.logs()
        assert execution.result()["rows"] == {"a.csv": 2}
