"""Our clients against the vendor's own local gateway runtime (qhub-serve), over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from qhub.api.service import HubServiceClient as ApiServiceClient
from qhub.api.service.errors import NotFoundError
from qhub.service.client import AsyncHubServiceClient, HubServiceClient

pytestmark = pytest.mark.peer


def test_quickstart_flow_runs_against_qhub_serve(qhub_serve_url: str, tmp_path: Path) -> None:
    """run → wait → result → files → download → logs, anonymous as the seed describes."""
    with HubServiceClient(qhub_serve_url, None, None) as client:
        _quickstart(client, tmp_path)


def _quickstart(client: HubServiceClient, tmp_path: Path) -> None:
    execution = client.run(request={"values": [1, 2, 3.5]}, tags=["peer"])
    execution.wait_for_final_state(timeout=30, wait=0.1)
    assert execution.status == "SUCCEEDED"
    result = execution.result()
    assert result.data()["sum"] == 6.5
    assert result.metadata() is not None  # tolerated: the runtime nests it as _embedded._embedded
    assert sorted(execution.result_files()) == ["hello.txt", "output.json"]
    path = execution.download_result_file("hello.txt", tmp_path)
    assert path.read_text() == "hello from the peer\n"
    assert execution.logs() is None  # qhub-serve answers 200 with a JSON null


def test_failed_execution_is_reported_failed(qhub_serve_url: str) -> None:
    """A program that raises ends FAILED, and result() still returns the result document."""
    with HubServiceClient(qhub_serve_url, None, None) as client:
        execution = client.run(request={"values": [1], "fail": 1})
        execution.wait_for_final_state(timeout=30, wait=0.1)
        assert execution.status == "FAILED"
        assert execution.result().files() == []


def test_low_level_client_lists_and_cancels(qhub_serve_url: str) -> None:
    """The seven gateway operations of qhub.api.service work against the vendor runtime."""
    with ApiServiceClient(base_url=qhub_serve_url, token="anything") as low_level:
        api = low_level.service_api
        started = api.start_execution(request={"values": [1], "sleep": 0.5})
        assert started.status == "PENDING"
        assert _visible(api, started.id)
        api.cancel_execution(started.id)
        assert started.id in [e.id for e in api.get_service_executions()]
        with pytest.raises(NotFoundError):
            api.get_status("00000000-0000-0000-0000-000000000000")
        with HubServiceClient(qhub_serve_url, None, None) as client:
            execution = client.get_service_execution(started.id)
            execution.wait_for_final_state(timeout=30, wait=0.1)
            assert execution.is_final


def _visible(api: object, execution_id: str) -> bool:
    """qhub-serve registers an execution only after answering the POST; wait for it briefly."""
    import time

    from qhub.api.service import ServiceApiClient

    assert isinstance(api, ServiceApiClient)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            api.get_status(execution_id)
            return True
        except NotFoundError:
            time.sleep(0.02)
    return False


async def test_async_client_against_qhub_serve(qhub_serve_url: str) -> None:
    """The async client runs the same flow."""
    async with AsyncHubServiceClient(qhub_serve_url) as client:
        execution = await client.run(request={"values": [4, 5]})
        await execution.wait_for_final_state(timeout=30, wait=0.1)
        assert (await execution.result())["sum"] == 9
