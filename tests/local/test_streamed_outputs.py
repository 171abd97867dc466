"""Big service output never passes through the Hub's memory whole: logs are written in
bounded entries and served as a stream, a huge ``output.json`` stays a result file, and the
Platform's and dashboard's log views read the log once, line by line."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qhub.api.platform import HubPlatformClient
from qhub.local.domain.executions.outputs import (
    MAX_INLINE_OUTPUT_BYTES,
    MAX_LOG_LINE_BYTES,
    iter_logs,
)
from qhub.local.runner._child import MAX_MESSAGE_CHARS
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

PROGRAM = textwrap.dedent(
    """
    import json
    import os
    import sys

    def run(lines: int = 0, long_line: int = 0, output_bytes: int = 0) -> dict:
        for n in range(lines):
            print(f"line {n:06d} " + "x" * 100)
        if long_line:
            sys.stdout.write("L" * long_line)  # no newline: flushed at the end
        if output_bytes:
            path = os.path.join(os.environ["OUTPUT_DIRECTORY"], "output.json")
            with open(path, "w") as file:
                json.dump({"blob": "b" * output_bytes}, file)
            return None
        return {"lines": lines}
    """
)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub serving the ``chatty`` workspace."""
    workspace = tmp_path_factory.mktemp("ws") / "chatty"
    (workspace / "src").mkdir(parents=True)
    (workspace / "src" / "program.py").write_text(PROGRAM)
    with LocalHub(
        tmp_path_factory.mktemp("hub"), services={"chatty": workspace}, example=False
    ) as local:
        yield local


@pytest.fixture(scope="module")
def service(hub: LocalHub) -> Iterator[HubServiceClient]:
    """The ``chatty`` service's client."""
    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services["chatty"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as client:
        yield client


def _token(hub: LocalHub) -> str:
    assert hub.connection is not None
    app = hub.connection.application
    answer = httpx.post(
        hub.connection.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(app["access_key_id"], app["secret_access_key"]),
    )
    token: str = answer.json()["access_token"]
    return token


def test_a_long_log_is_streamed_in_chunks(hub: LocalHub, service: HubServiceClient) -> None:
    """20 000 lines: the gateway's ``/log`` has no Content-Length (it is streamed), arrives
    in several chunks, and is every line in order; the SDK reads the same."""
    execution = service.run(request={"lines": 20_000})
    execution.wait_for_final_state(timeout=120, wait=0.2)
    assert hub.connection is not None
    url = f"{hub.connection.services['chatty']}/{execution.id}/log"
    with httpx.stream("GET", url, headers={"Authorization": f"Bearer {_token(hub)}"}) as answer:
        assert answer.status_code == 200
        assert "content-length" not in answer.headers
        chunks = list(answer.iter_raw())
    assert len(chunks) > 1
    entries = json.loads(b"".join(chunks))
    program = [e["message"] for e in entries if e["message"].startswith("line ")]
    assert program == [f"line {n:06d} " + "x" * 100 for n in range(20_000)]
    assert [e.message for e in execution.logs() or []] == [e["message"] for e in entries]


def test_a_line_without_end_is_logged_in_bounded_entries(service: HubServiceClient) -> None:
    """A 200 000-character line with no newline becomes entries of at most
    MAX_MESSAGE_CHARS characters that join up to it."""
    size = 200_000
    execution = service.run(request={"long_line": size})
    execution.wait_for_final_state(timeout=60, wait=0.2)
    pieces = [e.message for e in execution.logs() or [] if e.message.startswith("L")]
    assert len(pieces) == -(-size // MAX_MESSAGE_CHARS)
    assert all(len(p) <= MAX_MESSAGE_CHARS for p in pieces)
    assert "".join(pieces) == "L" * size


def test_an_overlong_log_line_is_skipped_not_loaded(hub: LocalHub, tmp_path: Path) -> None:
    """A line longer than MAX_LOG_LINE_BYTES (which the runner never writes, but a file can
    hold) is skipped by the reader; the lines around it are read."""

    def entry(message: str) -> bytes:
        line = {"timestamp": "2026-01-01T00:00:00.000Z", "severity": "INFO", "message": message}
        return json.dumps(line).encode() + b"\n"

    (tmp_path / "log.jsonl").write_bytes(
        entry("before") + entry("y" * (MAX_LOG_LINE_BYTES + 10)) + entry("after")
    )

    class Workdir:  # all the reader needs of an execution
        workdir = tmp_path

    lines = list(iter_logs(Workdir()))  # type: ignore[arg-type]
    assert [line.message for line in lines] == ["before", "after"]


def test_a_huge_output_stays_a_result_file(
    hub: LocalHub, service: HubServiceClient, tmp_path: Path
) -> None:
    """An ``output.json`` over MAX_INLINE_OUTPUT_BYTES is not parsed into the result (which
    still links it) and downloads whole as the file ``output.json``."""
    execution = service.run(request={"output_bytes": MAX_INLINE_OUTPUT_BYTES + 1024})
    result = execution.result(timeout=120)
    assert result.output == {}
    assert "output.json" in result.files()
    path = execution.download_result_file("output.json", tmp_path)
    assert path.stat().st_size > MAX_INLINE_OUTPUT_BYTES
    with path.open() as file:
        assert len(json.load(file)["blob"]) == MAX_INLINE_OUTPUT_BYTES + 1024


def test_the_platform_summary_reads_first_and_last(
    hub: LocalHub, service: HubServiceClient
) -> None:
    """The Platform's log view: the first and last entry, or those of the last ``limit``."""
    execution = service.run(request={"lines": 50})
    execution.wait_for_final_state(timeout=60, wait=0.2)
    entries = execution.logs() or []
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.platform_url
    ) as platform:
        whole = platform.service_executions.get_service_execution_logs(execution.id)
        last_three = platform.service_executions.get_service_execution_logs(execution.id, limit=3)
    assert whole is not None and last_three is not None
    assert whole.first is not None and whole.last is not None
    assert (whole.first.message, whole.last.message) == (entries[0].message, entries[-1].message)
    assert last_three.first is not None and last_three.last is not None
    assert last_three.first.message == entries[-3].message
    assert last_three.last.message == entries[-1].message
