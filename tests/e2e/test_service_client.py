"""qhub-service's HubServiceClient against the local Hub over HTTP: the quickstart and beyond."""

from __future__ import annotations

import logging
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from qhub.api.service.errors import NotFoundError, UnauthorizedError
from qhub.local.server import LocalHub
from qhub.service.client import AuthenticationError, HubServiceClient

Clients = Callable[[str], HubServiceClient]


def test_seed_quickstart_runs_unchanged(client_for: Clients, downloads: Path) -> None:
    """run → wait → result → download every file → logs, as in the Service SDK quickstart."""
    client = client_for("quickstart")
    execution = client.run(request={"values": [2], "shots": 100})
    execution.wait_for_final_state(timeout=300)
    assert execution.status == "SUCCEEDED"
    assert execution.ended_at is not None
    result = execution.result()
    assert sum(result["counts"].values()) == 100
    assert result.metadata() is not None and result.metadata().id == execution.id  # type: ignore[union-attr]
    names = execution.result_files()
    assert names == ["histogram.csv", "output.json"]
    for name in names:
        execution.download_result_file(name, downloads)
    assert (downloads / "histogram.csv").read_text().startswith("outcome,count\n")
    logs = execution.logs()
    assert logs is not None
    assert {entry.severity for entry in logs} == {"INFO"}
    assert logs[0].message == "preparing 1 qubit(s) from values [2.0]"
    assert f"submitted job {result['job_id']}" in [entry.message for entry in logs]


def test_code_written_for_the_vendor_sdk_keeps_its_keywords(
    client_for: Clients, downloads: Path
) -> None:
    """The vendor's keyword names work beside the seeds' ones: service_execution_id=,
    file_name=; giving both spellings, or neither, is a TypeError naming them."""
    client = client_for("echo")
    started = client.run(request={"values": [1], "name": "kw", "flag": True})
    execution = client.get_service_execution(service_execution_id=started.id)
    assert execution.id == started.id
    execution.wait_for_final_state(timeout=30, wait=0.2)
    path = execution.download_result_file(file_name="note.txt", target_path=downloads)
    assert path.read_text() == "note for kw\n"
    assert b"".join(execution.result_file_stream(file_name="note.txt")) == b"note for kw\n"
    with pytest.raises(TypeError, match="not both"):
        client.get_service_execution(started.id, service_execution_id=started.id)
    with pytest.raises(TypeError, match="name= is required"):
        execution.download_result_file(target_path=downloads)
    with pytest.raises(TypeError, match="target_path is required"):
        execution.download_result_file("note.txt")


def test_arguments_logs_files_and_secrets(client_for: Clients, downloads: Path) -> None:
    """Typed arguments, print/stderr/logging severities, a written file, a secret never logged."""
    client = client_for("echo")
    request = {"values": [1, 2.5], "name": "bob", "flag": False}
    execution = client.run(request=request, secrets={"api_key": "s3cr3t-value"}, tags=["t1"])
    assert request == {"values": [1, 2.5], "name": "bob", "flag": False}
    execution.wait_for_final_state(timeout=30, wait=0.2)
    assert execution.tags == ["t1"]
    data = execution.result().data()
    assert data == {"sum": 3.5, "name": "bob", "flag": False, "has_secret": True}
    assert execution.result().output == data
    logs = execution.logs() or []
    assert [(e.severity, e.message) for e in logs] == [
        ("INFO", "hello bob"),
        ("WARNING", "to stderr"),
        ("WARNING", "flag is False, secret is [redacted]"),
    ]
    assert "s3cr3t" not in repr(logs)
    path = execution.download_result_file("note.txt", downloads)
    assert path.read_text() == "note for bob\n"


def test_failure_gives_failed_problem_document_and_error_logs(client_for: Clients) -> None:
    """A raising program ends FAILED; its problem document and ERROR lines explain why."""
    client = client_for("failing")
    execution = client.run(request={"values": [1]})
    execution.wait_for_final_state(timeout=30, wait=0.2)
    assert execution.status == "FAILED"
    assert execution.result().data() == {
        "type": "about:blank",
        "status": 500,
        "title": "ValueError",
        "detail": "boom: [1.0]",
    }
    errors = [e.message for e in execution.logs() or [] if e.severity == "ERROR"]
    assert errors[0] == "ValueError: boom: [1.0]"
    assert "Traceback" in errors[1]


def test_token_endpoint_from_the_environment(
    hub: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With QHUB_TOKEN_ENDPOINT set, the access key is exchanged there (no token_endpoint=)."""
    assert hub.connection is not None
    monkeypatch.setenv("QHUB_TOKEN_ENDPOINT", hub.connection.token_endpoint)
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services["echo"], app["access_key_id"], app["secret_access_key"]
    ) as client:
        assert client.token_endpoint == hub.connection.token_endpoint
        execution = client.run(request={"values": [1, 2], "name": "env", "flag": True})
        execution.wait_for_final_state(timeout=30, wait=0.2)
        assert execution.result().output["sum"] == 3


def test_client_options_over_real_http(hub: LocalHub, caplog: pytest.LogCaptureFixture) -> None:
    """timeout, max_retries, logging and an injected httpx.Client drive the token exchange
    and the gateway calls; the log shows both, never the secret or the token."""
    assert hub.connection is not None
    app = hub.connection.application
    logger = logging.getLogger("test.e2e.service")
    with httpx.Client() as http, caplog.at_level(logging.DEBUG, logger=logger.name):
        client = HubServiceClient(
            hub.connection.services["echo"],
            app["access_key_id"],
            app["secret_access_key"],
            token_endpoint=hub.connection.token_endpoint,
            timeout=30,
            max_retries=1,
            logging=logger,
            httpx_client=http,
        )
        execution = client.run(request={"values": [2], "name": "opts", "flag": True})
        execution.wait_for_final_state(timeout=30, wait=0.2)
        client.close()
        assert not http.is_closed
    lines = [r.getMessage() for r in caplog.records if r.name == logger.name]
    assert lines[0].startswith(f"POST {hub.connection.token_endpoint} -> 200 (")
    assert lines[1].startswith(f"POST {hub.connection.services['echo']} -> 20")
    assert app["secret_access_key"] not in caplog.text
    assert client._oauth is not None
    token = client._oauth.cache.current()
    assert token is not None and token not in caplog.text


def test_wait_with_progress_reports_status_changes(
    client_for: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    """wait_for_final_state(progress=True) writes a stderr line per status change."""
    execution = client_for("sleepy").run(request={"seconds": 0.5})
    execution.wait_for_final_state(timeout=30, wait=0.1, progress=True)
    lines = capsys.readouterr().err.splitlines()
    prefix = f"service execution {execution.id}: "
    assert [line[len(prefix) :].split()[0] for line in lines][-2:] == ["RUNNING", "SUCCEEDED"]
    assert all(line.startswith(prefix) for line in lines)


def test_handler_error_extensions_never_override_reserved_keys(client_for: Clients) -> None:
    """HandlerError's title/detail/extensions shape the problem document."""
    execution = client_for("failing").run(request={"values": [1], "handled": True})
    execution.wait_for_final_state(timeout=30, wait=0.2)
    assert execution.result().data() == {
        "type": "about:blank",
        "status": 500,
        "title": "Bad input",
        "detail": "values must be positive",
        "field": "values",
    }


def test_missing_argument_fails_naming_it(client_for: Clients) -> None:
    """A required parameter absent from the request fails the run, naming the parameter."""
    execution = client_for("echo").run(request={"name": "x"})
    execution.wait_for_final_state(timeout=30, wait=0.2)
    assert execution.status == "FAILED"
    assert "missing required argument 'values'" in execution.result().data()["detail"]


def test_cancel_stops_a_running_execution_and_its_children(client_for: Clients) -> None:
    """Cancelling kills the execution's whole process group; the status ends CANCELLED."""
    client = client_for("sleepy")
    execution = client.run(request={"seconds": 60, "spawn": True})
    deadline = time.monotonic() + 20
    while execution.status != "RUNNING" and time.monotonic() < deadline:
        execution.refresh()
    execution.cancel()
    execution.wait_for_final_state(timeout=10, wait=0.1)
    assert execution.status == "CANCELLED"


def test_timeout_leaves_the_execution_running(client_for: Clients) -> None:
    """wait_for_final_state raises TimeoutError on time and cancels nothing."""
    execution = client_for("sleepy").run(request={"seconds": 30})
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=execution.id):
        execution.wait_for_final_state(timeout=0.5, wait=5)
    assert time.monotonic() - started < 2
    execution.refresh()
    assert not execution.is_final
    execution.cancel()


def test_concurrent_executions_never_see_each_others_files(client_for: Clients) -> None:
    """Each execution has its own output directory."""
    client = client_for("isolated")
    executions = [client.run(request={"tag": f"t{i}"}) for i in range(4)]
    for execution in executions:
        execution.wait_for_final_state(timeout=30, wait=0.1)
    for execution in executions:
        assert execution.status == "SUCCEEDED"
        stream = b"".join(execution.result_file_stream("output.txt"))
        assert stream == b"mine.txt|unset"


def test_failed_download_leaves_nothing_behind(client_for: Clients, downloads: Path) -> None:
    """A 404 download raises and creates no file; an existing file of that name survives."""
    execution = client_for("quickstart").run(request={"values": [1]})
    execution.wait_for_final_state(timeout=30, wait=0.1)
    (downloads / "missing.bin").write_text("keep me")
    with pytest.raises(NotFoundError, match="missing.bin"):
        execution.download_result_file("missing.bin", downloads)
    assert sorted(p.name for p in downloads.iterdir()) == ["missing.bin"]
    assert (downloads / "missing.bin").read_text() == "keep me"


def test_download_refuses_a_missing_target_directory(client_for: Clients, tmp_path: Path) -> None:
    """The seed's ValueError for a target that is not a directory."""
    execution = client_for("quickstart").run(request={"values": [1]})
    with pytest.raises(ValueError, match="does not exist or is not a directory"):
        execution.download_result_file("output.json", tmp_path / "nope")


def test_get_and_list_executions(client_for: Clients) -> None:
    """get_service_execution wraps one; get_service_executions lists them, newest first."""
    client = client_for("quickstart")
    first = client.run(request={"values": [1]})
    second = client.run(request={"values": [2]})
    assert client.get_service_execution(first.id).id == first.id
    listed = [e.id for e in client.get_service_executions()]
    assert listed.index(second.id) < listed.index(first.id)


def test_expired_token_is_refreshed_once_and_the_call_succeeds(
    hub: LocalHub, client_for: Clients
) -> None:
    """When the gateway rejects an expired token, the client fetches a new one and resends."""
    client = client_for("quickstart")
    execution = client.run(request={"values": [1]})
    oauth = client._oauth
    assert oauth is not None and oauth.fetch_count == 1
    real_clock = hub.hub.signer.clock
    hub.hub.signer.clock = lambda: real_clock() + 7200  # every token issued so far has expired
    try:
        execution.refresh()
    finally:
        hub.hub.signer.clock = real_clock
    assert oauth.fetch_count == 2


def test_bad_access_key_raises_authentication_error(hub: LocalHub) -> None:
    """A wrong secret is one documented error, naming the endpoint, not the secret."""
    assert hub.connection is not None
    client = HubServiceClient(
        hub.connection.services["quickstart"],
        hub.connection.application["access_key_id"],
        "wrong-secret",
        token_endpoint=hub.connection.token_endpoint,
    )
    with pytest.raises(AuthenticationError, match="invalid_client") as caught:
        client.run(request={"values": [1]})
    assert "wrong-secret" not in str(caught.value)
    client.close()


def test_anonymous_client_is_refused_by_an_authenticating_hub(hub: LocalHub) -> None:
    """Without an access key the random token is rejected with 401."""
    assert hub.connection is not None
    with (
        HubServiceClient(hub.connection.services["quickstart"]) as client,
        pytest.raises(UnauthorizedError),
    ):
        client.get_service_executions()


def test_children_of_cancelled_runs_are_gone(client_for: Clients) -> None:
    """A grandchild process started by the service dies with the cancelled execution."""
    from ..workspaces import processes_marked

    marker = f"grandchild-{uuid.uuid4()}"
    client = client_for("sleepy")
    execution = client.run(request={"seconds": 60, "spawn": True, "marker": marker})
    deadline = time.monotonic() + 20
    pid_text = None
    while pid_text is None and time.monotonic() < deadline:
        try:
            pid_text = b"".join(execution.result_file_stream("child.pid")).decode()
        except NotFoundError:
            time.sleep(0.05)
    assert pid_text
    assert processes_marked(marker), "the grandchild is not running"
    execution.cancel()
    execution.wait_for_final_state(timeout=10, wait=0.1)
    for _ in range(100):
        if not processes_marked(marker):
            break
        time.sleep(0.05)
    else:
        for pid in processes_marked(marker):
            os.kill(pid, signal.SIGKILL)
        pytest.fail("the grandchild survived the cancel")


def test_anonymous_client_against_an_anonymous_hub(
    local_hub_factory: Callable[..., LocalHub], tmp_path: Path
) -> None:
    """The seed's anonymous mode: no access key, a Hub started with --anonymous."""
    from ..workspaces import make_workspace

    hub = local_hub_factory(anonymous=True, services={"sleepy": make_workspace(tmp_path, "sleepy")})
    assert hub.connection is not None
    with HubServiceClient(hub.connection.services["sleepy"]) as client:
        execution = client.run(request={"seconds": 0})
        execution.wait_for_final_state(timeout=30, wait=0.1)
        assert execution.status == "SUCCEEDED"
        assert execution.logs() is None  # a silent run: 204, no entries
        assert [e.id for e in client.get_service_executions()] == [execution.id]
