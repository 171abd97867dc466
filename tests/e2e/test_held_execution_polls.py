"""wait_for_final_state holds its polls on the local Hub (``Prefer: wait=N``): one status
read per change of the execution, not one every few milliseconds; and a held read of a
finished execution is answered at once."""

from __future__ import annotations

import httpx

from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient


def _client(hub: LocalHub, http: httpx.Client) -> HubServiceClient:
    assert hub.connection is not None
    app = hub.connection.application
    return HubServiceClient(
        hub.connection.services["ticking"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
        httpx_client=http,
    )


def test_waiting_for_an_execution_reads_its_status_once_per_change(hub: LocalHub) -> None:
    """A run of about a second: PENDING/RUNNING/SUCCEEDED, so three reads at most, each
    asking to be held and each held."""
    reads: list[httpx.Response] = []

    def record(response: httpx.Response) -> None:
        if response.request.method == "GET" and "Prefer" in response.request.headers:
            reads.append(response)

    with (
        httpx.Client(event_hooks={"response": [record]}) as http,
        _client(hub, http) as client,
    ):
        execution = client.run(request={"ticks": 3, "pause": 0.3})
        execution.wait_for_final_state(timeout=60)
        assert execution.status.value == "SUCCEEDED"
        assert 1 <= len(reads) <= 3
        assert all(r.headers.get("Preference-Applied") == "wait=20" for r in reads)
        # Final now: a held read (asked for 60 s, allowed 10) is answered at once.
        token = reads[0].request.headers["Authorization"]
        again = httpx.get(
            str(reads[0].request.url),
            headers={"Authorization": token, "Prefer": "wait=60"},
            timeout=10,
        )
    assert again.status_code == 200
    assert again.json()["status"] == "SUCCEEDED"
    assert again.headers["Preference-Applied"] == "wait=60"
    assert hub.hub.changes.watched() == 0
