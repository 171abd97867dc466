"""Executions on the local Hub: concurrent throughput, and how soon a waiter notices the end.

1. 200 trivial executions started concurrently with the async client, each awaited with the
   default ``wait_for_final_state()``: executions per second, failures, requests per execution.
2. A 2 s execution awaited with the default settings: delay between its ``endedAt`` and the
   moment the async waiter returned.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
from _hub import running_hub

from qhub.service.client import AsyncHubServiceClient

COUNT = 200
PROGRAM = """
import time

def run(sleep: float = 0.0) -> dict:
    if sleep:
        time.sleep(sleep)
    return {"ok": True}
"""


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts requests sent."""

    requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        CountingTransport.requests += 1
        return await super().handle_async_request(request)


def _client(hub: dict[str, Any]) -> AsyncHubServiceClient:
    app = hub["application"]
    client = AsyncHubServiceClient(
        hub["services"]["trivial"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub["token_endpoint"],
    )
    client._client._pipeline.http = httpx.AsyncClient(
        transport=CountingTransport(limits=httpx.Limits(max_connections=20)), timeout=60
    )
    return client


async def throughput(hub: dict[str, Any]) -> None:
    """Start COUNT executions at once and wait for all of them."""
    client = _client(hub)

    async def one() -> str:
        execution = await client.run(request={})
        await execution.wait_for_final_state(timeout=120)
        return str(execution.status)

    await client.run(request={})  # warm up: token, connections, runner
    CountingTransport.requests = 0
    started = time.perf_counter()
    statuses = await asyncio.gather(*(one() for _ in range(COUNT)), return_exceptions=True)
    elapsed = time.perf_counter() - started
    failed = [s for s in statuses if s != "SUCCEEDED"]
    print(f"{COUNT} trivial executions started concurrently (async client, default wait)")
    print(
        f"  {COUNT / elapsed:8.1f} executions/s   {elapsed:6.2f} s total   {len(failed)} not SUCCEEDED"
    )
    print(f"  {CountingTransport.requests / COUNT:8.1f} requests per execution")
    if failed:
        print(f"  first failure: {failed[0]!r}")
    await client.close()


async def notice_delay(hub: dict[str, Any]) -> None:
    """How long after a 2 s execution ends does the async waiter return?"""
    client = _client(hub)
    delays = []
    for _ in range(3):
        execution = await client.run(request={"sleep": 2.0})
        await execution.wait_for_final_state()
        noticed = dt.datetime.now(dt.timezone.utc)
        assert execution.ended_at is not None
        ended = dt.datetime.fromisoformat(execution.ended_at.replace("Z", "+00:00"))
        delays.append((noticed - ended).total_seconds())
    print("2 s execution, default wait_for_final_state(): noticed after it ended by")
    print("  " + ", ".join(f"{d:.2f} s" for d in delays))
    await client.close()


def main() -> None:
    """Run both measurements against one Hub."""
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        (workspace / "src").mkdir(parents=True)
        (workspace / "src" / "__init__.py").write_text("")
        (workspace / "src" / "program.py").write_text(textwrap.dedent(PROGRAM))
        hub_log = Path(tmp) / "hub.log"
        with running_hub(Path(tmp) / "data", {"trivial": workspace}, log_file=hub_log) as (hub, _):
            asyncio.run(throughput(hub))
            asyncio.run(notice_delay(hub))


if __name__ == "__main__":
    main()
