"""A large result file from a real local Hub: read past h11, byte for byte what the service wrote.

The Hub sends result files with a Content-Length and no content coding, so the SDK's
downloads take the body straight from the socket (:mod:`qhub.api._core.direct_body`) once
h11 is empty; these tests pin that this happens against the real Hub, and that the file
arrives intact, sync and async, as a stream and as a download.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from qhub.api._core.streams import AsyncByteStream, ByteStream
from qhub.local.server import LocalHub
from qhub.service.client import AsyncHubServiceClient, HubServiceClient

SIZE = 24 << 20
PROGRAM = f"""
import hashlib, os

def run(seed: int = 0) -> dict:
    data = os.urandom({SIZE})
    with open(os.path.join(os.environ["OUTPUT_DIRECTORY"], "big.bin"), "wb") as f:
        f.write(data)
    return {{"sha256": hashlib.sha256(data).hexdigest()}}
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub serving one service that writes a 24 MiB random result file."""
    workspace = tmp_path_factory.mktemp("workspaces") / "big"
    (workspace / "src").mkdir(parents=True)
    (workspace / "src" / "__init__.py").write_text("")
    (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAM))
    local = LocalHub(tmp_path_factory.mktemp("hub"), services={"big": workspace})
    local.start()
    yield local
    local.stop()


ClientT = TypeVar("ClientT", HubServiceClient, AsyncHubServiceClient)


def _client(hub: LocalHub, kind: type[ClientT]) -> ClientT:
    """A client of the ``big`` service, sync or async (``kind``)."""
    assert hub.connection is not None
    app = hub.connection.application
    return kind(
        hub.connection.services["big"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    )


def _sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_large_result_file_arrives_intact_read_past_h11(hub: LocalHub, tmp_path: Path) -> None:
    """Sync: the stream is read from the socket; stream and download match the service's."""
    with _client(hub, HubServiceClient) as client:
        execution = client.run(request={"seed": 1})
        execution.wait_for_final_state(timeout=60, wait=0.2)
        assert execution.status == "SUCCEEDED"
        expected = execution.result()["sha256"]
        stream = execution.result_file_stream("big.bin")
        assert isinstance(stream, ByteStream)
        digest = hashlib.sha256()
        with stream:
            for chunk in stream:
                digest.update(chunk)
            assert stream._direct is not None and stream._direct.taken_over
        assert digest.hexdigest() == expected
        path = execution.download_result_file("big.bin", tmp_path, progress=True)
        assert path.stat().st_size == SIZE and _sha_of(path) == expected
        assert [p.name for p in tmp_path.iterdir()] == ["big.bin"]  # no partial file beside it


async def test_async_a_large_result_file_arrives_intact_read_past_h11(
    hub: LocalHub, tmp_path: Path
) -> None:
    """Async: the same."""
    async with _client(hub, AsyncHubServiceClient) as client:
        execution = await client.run(request={"seed": 2})
        await execution.wait_for_final_state(timeout=60, wait=0.2)
        expected = (await execution.result())["sha256"]
        stream = await execution.result_file_stream("big.bin")
        assert isinstance(stream, AsyncByteStream)
        digest = hashlib.sha256()
        async with stream:
            async for chunk in stream:
                digest.update(chunk)
            assert stream._direct is not None and stream._direct.taken_over
        assert digest.hexdigest() == expected
        path = await execution.download_result_file("big.bin", tmp_path)
        assert _sha_of(path) == expected
