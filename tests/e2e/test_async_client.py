"""The async twins against the local Hub: the same flow, and many executions at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from qhub.local.server import LocalHub
from qhub.service.client import AsyncHubServiceClient


def async_client(hub: LocalHub, service: str) -> AsyncHubServiceClient:
    """An async client of a service with the default application."""
    assert hub.connection is not None
    app = hub.connection.application
    return AsyncHubServiceClient(
        hub.connection.services[service],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    )


async def test_async_quickstart(hub: LocalHub, downloads: Path) -> None:
    """run → wait → result → files → download → logs, awaited."""
    async with async_client(hub, "quickstart") as client:
        execution = await client.run(request={"values": [2], "shots": 50})
        await execution.wait_for_final_state(timeout=30, wait=0.2)
        assert execution.status == "SUCCEEDED"
        assert sum((await execution.result())["counts"].values()) == 50
        for name in await execution.result_files():
            await execution.download_result_file(name, downloads)
        assert sorted(p.name for p in downloads.iterdir()) == ["histogram.csv", "output.json"]
        assert {e.severity for e in await execution.logs() or []} == {"INFO"}
        assert await execution.has_finished()


async def test_many_concurrent_executions_all_succeed(hub: LocalHub) -> None:
    """40 executions started at once all reach SUCCEEDED, each with its own result."""
    async with async_client(hub, "echo") as client:

        async def one(i: int) -> float:
            execution = await client.run(request={"values": [i, 0.5]})
            await execution.wait_for_final_state(timeout=60)
            assert execution.status == "SUCCEEDED"
            return float((await execution.result())["sum"])

        assert await asyncio.gather(*(one(i) for i in range(40))) == [i + 0.5 for i in range(40)]
        oauth = client._oauth
        assert oauth is not None and oauth.fetch_count == 1  # one token for all of them


async def test_async_stream_of_a_result_file(hub: LocalHub) -> None:
    """result_file_stream yields the file's bytes."""
    async with async_client(hub, "quickstart") as client:
        execution = await client.run(request={"values": [1]})
        await execution.wait_for_final_state(timeout=30, wait=0.1)
        chunks = [chunk async for chunk in await execution.result_file_stream("histogram.csv")]
        assert b"".join(chunks).startswith(b"outcome,count\n")
