"""Per-call cost of ``service_api.get_status`` over a raw ``httpx.Client`` doing the same request.

Both hit the same trivial server (a separate process, so the clients don't share its CPU time),
alternating in rounds; prints the median per-call time of each and the SDK's overhead. The
SDK's own httpx client reads cookies only from responses that set one (``_core/cookies.py``)
and narrows its socket reads for small responses, so it can come out ahead of the raw client.
"""

from __future__ import annotations

import statistics
import time

import httpx
from _fast_server import running_fast_server

from qhub.api.service import HubServiceClient

CALLS_PER_ROUND = 500
ROUNDS = 7


def _round(call: object) -> float:
    assert callable(call)
    started = time.perf_counter()
    for _ in range(CALLS_PER_ROUND):
        call()
    return (time.perf_counter() - started) / CALLS_PER_ROUND * 1e6


def main() -> None:
    """Start the server, measure both clients in alternating rounds, print the figures."""
    with running_fast_server() as (base, _):
        raw = httpx.Client(timeout=60)
        headers = {"Authorization": "Bearer token"}

        def raw_call() -> None:
            response = raw.get(f"{base}/e1", headers=headers)
            response.raise_for_status()
            response.json()

        sdk = HubServiceClient(base_url=base, token="token")

        def sdk_call() -> None:
            sdk.service_api.get_status("e1")

        for warm in (raw_call, sdk_call):
            for _ in range(200):
                warm()
        raw_us, sdk_us = [], []
        for _ in range(ROUNDS):
            raw_us.append(_round(raw_call))
            sdk_us.append(_round(sdk_call))
        raw_median, sdk_median = statistics.median(raw_us), statistics.median(sdk_us)
        print(f"get_status, {ROUNDS} rounds x {CALLS_PER_ROUND} calls, median µs per call")
        print(f"  raw httpx.Client   {raw_median:8.1f}")
        print(f"  qhub SDK           {sdk_median:8.1f}")
        print(f"  SDK overhead       {100 * (sdk_median / raw_median - 1):+7.1f} %")
        raw.close()
        sdk.close()


if __name__ == "__main__":
    main()
