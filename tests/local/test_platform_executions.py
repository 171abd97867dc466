"""The Platform's service execution records against what the gateway answers for the same
executions: status, tags, application and service, filters, paging and sort, logs, results,
result files and cancel — with our strict HubPlatformClient (sync and async)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.platform.errors import BadRequestError, NotFoundError
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ..workspaces import make_workspace


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the echo, failing and sleepy workspaces."""
    root = tmp_path_factory.mktemp("ws")
    services = {kind: make_workspace(root, kind) for kind in ("echo", "failing", "sleepy")}
    with LocalHub(tmp_path_factory.mktemp("hub"), services=dict(services), example=False) as local:
        yield local


@pytest.fixture(scope="module")
def gateway(hub: LocalHub) -> Iterator[httpx.Client]:
    """Plain HTTP with the default application's bearer token, for the gateway's raw JSON."""
    assert hub.connection is not None
    app = hub.connection.application
    token = httpx.post(
        hub.connection.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(app["access_key_id"], app["secret_access_key"]),
    ).json()["access_token"]
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        yield client


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The default user's Platform client."""
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token,
        organization_id=hub.connection.organization_id,
        base_url=hub.connection.platform_url,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def runs(hub: LocalHub) -> dict[str, str]:
    """Finished executions: three of echo (tags a / b / a+c), one failing; by name."""
    assert hub.connection is not None
    app = hub.connection.application
    ids = {}
    plan: list[tuple[str, str, dict[str, Any], list[str]]] = [
        ("first", "echo", {"values": [1], "name": "first"}, ["a"]),
        ("second", "echo", {"values": [2], "name": "second"}, ["b"]),
        ("third", "echo", {"values": [3], "name": "third"}, ["a", "c"]),
        ("failed", "failing", {"values": [4]}, []),
    ]
    for name, service, request, tags in plan:
        with HubServiceClient(
            hub.connection.services[service],
            app["access_key_id"],
            app["secret_access_key"],
            token_endpoint=hub.connection.token_endpoint,
        ) as client:
            execution = client.run(request=request, tags=tags)
            execution.wait_for_final_state(timeout=60, wait=0.1)
            ids[name] = execution.id
        time.sleep(0.01)  # distinct creation times
    return ids


def gateway_url(hub: LocalHub, service: str, suffix: str = "") -> str:
    """A gateway URL of a service plus a suffix."""
    assert hub.connection is not None
    return hub.connection.services[service] + suffix


def test_a_record_is_the_gateway_execution(
    hub: LocalHub, gateway: httpx.Client, runs: dict[str, str], platform: HubPlatformClient
) -> None:
    """Platform and gateway answer the same JSON for an execution; our strict model parses it."""
    assert hub.connection is not None
    for name, service in (("third", "echo"), ("failed", "failing")):
        at_gateway = gateway.get(gateway_url(hub, service, f"/{runs[name]}")).json()
        raw = httpx.get(
            f"{hub.connection.platform_url}/service-executions/{runs[name]}",
            headers={"X-Auth-Token": hub.connection.personal_access_token},
        ).json()
        assert raw == at_gateway
        record = platform.service_executions.get_service_execution(runs[name])
        assert record.id == runs[name] and record.service_id == f"local-{service}"
        assert record.application_id == hub.connection.application["id"]
    third = platform.service_executions.get_service_execution(runs["third"])
    assert (third.status, third.tags, third.type) == ("SUCCEEDED", ["a", "c"], "MANAGED")
    failed = platform.service_executions.get_service_execution(runs["failed"])
    assert failed.status == "FAILED" and failed.ended_at is not None


def test_filters_each_narrow_the_listing(
    hub: LocalHub, runs: dict[str, str], platform: HubPlatformClient
) -> None:
    """createdAfter/Before, applicationId, serviceId, tags (any of them) and ids."""
    assert hub.connection is not None
    records = platform.service_executions

    def ids(**filters: Any) -> set[str]:
        page = records.get_service_executions(size=100, **filters)
        return {str(e.id) for e in page.content or []}

    assert ids() >= set(runs.values())
    assert ids(service_id="local-echo") == {runs["first"], runs["second"], runs["third"]}
    assert ids(tags="a") == {runs["first"], runs["third"]}
    assert ids(tags=["b", "c"]) == {runs["second"], runs["third"]}
    assert ids(ids=[runs["failed"], runs["first"]]) == {runs["failed"], runs["first"]}
    assert ids(application_id=hub.connection.application["id"]) >= set(runs.values())
    assert ids(application_id="someone-else") == set()
    second = records.get_service_execution(runs["second"])
    assert second.created_at is not None
    created = datetime.fromisoformat(second.created_at.replace("Z", "+00:00"))
    assert runs["second"] not in ids(created_after=created)
    assert runs["third"] in ids(created_after=created)
    assert ids(created_before=created, service_id="local-echo") == {runs["first"]}
    assert ids(created_after=datetime.now(timezone.utc) + timedelta(hours=1)) == set()


def test_paging_and_sort(runs: dict[str, str], platform: HubPlatformClient) -> None:
    """Newest first by default; pages of the requested size; sort=createdAt,asc reverses;
    a bad sort property or page size is 400."""
    records = platform.service_executions
    echo = [runs["first"], runs["second"], runs["third"]]
    newest_first = records.get_service_executions(service_id="local-echo")
    assert [e.id for e in newest_first.content or []] == echo[::-1]
    page = records.get_service_executions(service_id="local-echo", page=1, size=2)
    assert [e.id for e in page.content or []] == [runs["first"]]
    assert (page.total_elements, page.total_pages, page.number, page.number_of_elements) == (
        3,
        2,
        1,
        1,
    )
    assert (page.first, page.last, page.empty) == (False, True, False)
    ascending = records.get_service_executions(service_id="local-echo", sort="createdAt,asc")
    assert [e.id for e in ascending.content or []] == echo
    assert [(s.property, s.direction) for s in ascending.sort or []] == [("createdAt", "ASC")]
    with pytest.raises(BadRequestError) as bad_sort:
        records.get_service_executions(sort="colour,asc")
    assert "colour" in bad_sort.value.body["message"]
    with pytest.raises(BadRequestError):
        records.get_service_executions(size=0)


def test_malformed_query_is_422_naming_it(hub: LocalHub) -> None:
    """A created-range bound that is not a date-time is 422 naming the parameter."""
    assert hub.connection is not None
    response = httpx.get(
        f"{hub.connection.platform_url}/service-executions",
        params={"createdAfter": "yesterday"},
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert response.status_code == 422
    assert "createdAfter" in response.json()["message"]


def test_logs_results_and_files_match_the_gateway(
    hub: LocalHub, gateway: httpx.Client, runs: dict[str, str], platform: HubPlatformClient
) -> None:
    """The log's first and last entry, the result's output and status, and a result file's
    bytes are the gateway's."""
    execution_id = runs["first"]
    lines = gateway.get(gateway_url(hub, "echo", f"/{execution_id}/log")).json()
    logs = platform.service_executions.get_service_execution_logs(execution_id)
    assert logs is not None and logs.empty is False
    assert logs.first is not None and logs.last is not None
    assert logs.first.model_dump(by_alias=True) == lines[0]
    assert logs.last.model_dump(by_alias=True) == lines[-1]
    limited = platform.service_executions.get_service_execution_logs(execution_id, limit=1)
    assert limited is not None and limited.first == limited.last == logs.last

    at_gateway = gateway.get(gateway_url(hub, "echo", f"/{execution_id}/result")).json()
    result = platform.service_executions.get_service_execution_result(execution_id)
    assert result is not None
    output = {k: v for k, v in result.items() if not k.startswith("_")}
    assert output == {k: v for k, v in at_gateway.items() if not k.startswith("_")}
    assert output == {"sum": 1, "name": "first", "flag": True, "has_secret": False}
    assert result["_embedded"]["status"] == at_gateway["_embedded"]["status"]
    assert (
        set(result["_links"]) == set(at_gateway["_links"]) == {"status", "note.txt", "output.json"}
    )

    note = gateway.get(gateway_url(hub, "echo", f"/{execution_id}/result/note.txt")).content
    with platform.service_executions.get_service_execution_result_file(
        execution_id, "note.txt"
    ) as stream:
        assert b"".join(stream) == note == b"note for first\n"
    for bad in ("nope.txt", "out/note.txt", ".hidden"):
        with pytest.raises(NotFoundError):
            platform.service_executions.get_service_execution_result_file(execution_id, bad)
    assert hub.connection is not None
    escaping = httpx.get(
        f"{hub.connection.platform_url}/service-executions/{execution_id}/results/..%2Flog.jsonl",
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert escaping.status_code == 404


def test_cancel_through_the_platform_is_what_the_gateway_sees(
    hub: LocalHub, gateway: httpx.Client, platform: HubPlatformClient
) -> None:
    """A running execution cancelled on the Platform ends CANCELLED at the gateway; cancelling
    a final one changes nothing."""
    started = gateway.post(gateway_url(hub, "sleepy"), json={"seconds": 60})
    assert started.status_code == 201
    execution_id = started.json()["id"]
    platform.service_executions.cancel_service_execution(execution_id)
    deadline = time.monotonic() + 20
    status = ""
    while time.monotonic() < deadline:
        status = gateway.get(gateway_url(hub, "sleepy", f"/{execution_id}")).json()["status"]
        if status == "CANCELLED":
            break
        time.sleep(0.05)
    assert status == "CANCELLED"
    record = platform.service_executions.get_service_execution(execution_id)
    assert record.status == "CANCELLED" and record.ended_at is not None
    platform.service_executions.cancel_service_execution(execution_id)
    assert platform.service_executions.get_service_execution(execution_id) == record


def test_head_subscription_view_and_unknown_ids(
    hub: LocalHub, runs: dict[str, str], platform: HubPlatformClient
) -> None:
    """HEAD answers for a known execution; a subscription lists its executions; unknown ids
    are 404 everywhere."""
    assert hub.connection is not None
    headers = platform.service_executions.head_service_execution(runs["first"])
    assert headers["content-type"].startswith("application/json")
    subscriptions = platform.applications.get_application_subscriptions(
        hub.connection.application["id"]
    )
    (echo,) = [s for s in subscriptions if s.service and s.service.id == "local-echo"]
    assert echo.id is not None
    listed = platform.subscriptions.get_service_executions_by_subscription(echo.id)
    assert [e.id for e in listed] == [runs["third"], runs["second"], runs["first"]]
    records = platform.service_executions
    for call in (
        lambda: records.get_service_execution("nope"),
        lambda: records.head_service_execution("nope"),
        lambda: records.cancel_service_execution("nope"),
        lambda: records.get_service_execution_logs("nope"),
        lambda: records.get_service_execution_result("nope"),
    ):
        with pytest.raises(NotFoundError):
            call()


async def test_async_records(hub: LocalHub, runs: dict[str, str]) -> None:
    """The async client lists and reads the same records."""
    assert hub.connection is not None
    async with AsyncHubPlatformClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.platform_url
    ) as platform:
        page = await platform.service_executions.get_service_executions(tags=["a"])
        assert {e.id for e in page.content or []} == {runs["first"], runs["third"]}
        record = await platform.service_executions.get_service_execution(runs["second"])
        assert record.tags == ["b"] and record.status == "SUCCEEDED"
        logs = await platform.service_executions.get_service_execution_logs(runs["second"])
        assert logs is not None and logs.first is not None
        assert logs.first.message == "hello second"
