"""Notifications the Hub writes itself, through our strict HubPlatformClient (sync and
async): the end of a service execution is an unread notification of its organization,
which another organization doesn't see; marking read counts it out."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.platform.errors import NotFoundError
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ..workspaces import make_workspace


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the echo workspace."""
    workspace = make_workspace(tmp_path_factory.mktemp("ws"), "echo")
    with LocalHub(
        tmp_path_factory.mktemp("hub"), services={"echo": workspace}, example=False
    ) as local:
        yield local


def _client(hub: LocalHub, token: str | None = None) -> HubPlatformClient:
    assert hub.connection is not None
    return HubPlatformClient(
        api_key=token or hub.connection.personal_access_token,
        base_url=hub.connection.platform_url,
        max_retries=0,
    )


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The default user's Platform client."""
    with _client(hub) as client:
        yield client


@pytest.fixture
def other(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The Platform client of a user in another organization."""
    with _client(hub, hub.add_user().personal_access_token) as client:
        yield client


def _run_echo(hub: LocalHub) -> str:
    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services["echo"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as service:
        execution = service.run(request={"values": [3]})
        execution.result(timeout=60)
        return execution.id


def test_a_finished_execution_is_a_notification(
    hub: LocalHub, platform: HubPlatformClient, other: HubPlatformClient
) -> None:
    """The end of a service execution is an unread notification of its organization (none
    for another); marking it read, one by one or all at once, counts it out."""
    assert hub.connection is not None
    before = platform.user_notifications.get_my_unread_notification_count()
    execution_id = _run_echo(hub)
    assert platform.user_notifications.get_my_unread_notification_count() == before + 1
    notices = platform.user_notifications.get_my_notifications(sort="createdAt,desc")
    latest = (notices.content or [])[0]
    assert latest.id and latest.read is False and latest.reference_type == "SERVICE"
    assert latest.message is not None and execution_id in latest.message
    assert "SUCCEEDED" in latest.message
    assert other.user_notifications.get_my_notifications().content == []
    assert other.user_notifications.get_my_unread_notification_count() == 0
    with pytest.raises(NotFoundError):
        other.user_notifications.mark_notification_as_read(latest.id)

    platform.user_notifications.mark_notification_as_read(latest.id)
    assert platform.user_notifications.get_my_unread_notification_count() == before
    platform.user_notifications.mark_all_notifications_as_read()
    assert platform.user_notifications.get_my_unread_notification_count() == 0
    assert all(n.read for n in platform.user_notifications.get_my_notifications().content or [])


def test_notifications_async(hub: LocalHub) -> None:
    """Notifications through the async client: listed newest first on request, counted,
    marked read one by one (404 for an unknown one) and all at once."""
    assert hub.connection is not None
    connection = hub.connection
    execution_id = _run_echo(hub)

    async def scenario() -> None:
        async with AsyncHubPlatformClient(
            api_key=connection.personal_access_token, base_url=connection.platform_url
        ) as client:
            notices = client.user_notifications
            assert await notices.get_my_unread_notification_count() >= 1
            page = await notices.get_my_notifications(sort="createdAt,desc", size=1)
            (latest,) = page.content or []
            assert latest.id and latest.message and execution_id in latest.message
            assert page.size == 1 and (page.total_elements or 0) >= 1
            with pytest.raises(NotFoundError):
                await notices.mark_notification_as_read("no-such-notification")
            await notices.mark_notification_as_read(latest.id)
            await notices.mark_all_notifications_as_read()
            assert await notices.get_my_unread_notification_count() == 0

    asyncio.run(scenario())
