"""The seed's Platform quickstart and the service catalog, over real HTTP with our strict
HubPlatformClient (sync and async): every registered workspace is a service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.platform.errors import NotFoundError
from qhub.local.server import LocalHub

from ..workspaces import make_workspace


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the example service and two test workspaces."""
    root = tmp_path_factory.mktemp("ws")
    services = {kind: make_workspace(root, kind) for kind in ("echo", "sleepy")}
    with LocalHub(tmp_path_factory.mktemp("hub"), services=dict(services)) as local:
        yield local


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """A Platform client as the seed makes one (the local URL, token and organization)."""
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token,
        headers={"X-OrganizationId": hub.connection.organization_id},
        base_url=hub.connection.platform_url,
    ) as client:
        yield client


def test_seed_quickstart(hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    """Seed 002's Platform quickstart, verbatim but for where the URL, token and organization
    come from: it lists every registered service."""
    assert hub.connection is not None
    YOUR_PERSONAL_ACCESS_TOKEN = hub.connection.personal_access_token
    YOUR_ORGANIZATION_ID = hub.connection.organization_id

    platform = HubPlatformClient(
        api_key=YOUR_PERSONAL_ACCESS_TOKEN,
        headers={"X-OrganizationId": YOUR_ORGANIZATION_ID},
        base_url=hub.connection.platform_url,
    )
    services = platform.services.get_services(page=0, size=20)
    for service in services.content or []:
        print(service.id, service.display_name)

    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "local-quickstart quickstart",
        "local-echo echo",
        "local-sleepy sleepy",
    ]
    platform.close()


def test_services_carry_name_version_lifecycle_and_gateway_url(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Each service's one version: its name, version, lifecycle and the gateway URL clients
    call (the same URL connection.json names)."""
    assert hub.connection is not None
    for name, gateway_url in hub.connection.services.items():
        service = platform.services.get_service(f"local-{name}")
        assert (service.name, service.display_name) == (name, name)
        (definition,) = service.service_definitions or []
        assert (definition.version, definition.lifecycle, definition.type) == (
            "1.0.0",
            "ACCESSIBLE",
            "MANAGED",
        )
        assert definition.gateway_endpoint == gateway_url
        assert [plan.type for plan in definition.pricing_plans or []] == ["FREE"]


def test_services_page_bare_list_and_lifecycle_filter(platform: HubPlatformClient) -> None:
    """Without page/size the vendor's bare list; with them a page; lifecycle filters."""
    every = platform.services.get_services()
    assert [s.name for s in every] == ["quickstart", "echo", "sleepy"]
    second = platform.services.get_services(page=1, size=2)
    assert [s.name for s in second] == ["sleepy"]
    assert (second.page, second.size, second.total_elements, second.total_pages) == (1, 2, 3, 2)
    assert platform.services.get_services(lifecycle=["PUBLISHED"]).content == []
    assert len(platform.services.get_services(lifecycle="ACCESSIBLE")) == 3
    assert platform.services.list_services(page=0, size=20).content == every.content


def test_name_availability_and_unknown_service(platform: HubPlatformClient) -> None:
    """A registered name is taken; an unknown service id is 404 naming it."""
    assert platform.services.check_service_name_availability(name="echo") is False
    assert platform.services.check_service_name_availability(name="fresh") is True
    with pytest.raises(NotFoundError) as caught:
        platform.services.get_service("local-nope")
    assert "local-nope" in caught.value.body["message"]


def test_default_application_is_subscribed_to_every_service(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """The Hub's default application has a subscription to each registered service."""
    assert hub.connection is not None
    default_app = hub.connection.application["id"]
    subscriptions = platform.applications.get_application_subscriptions(default_app)
    assert sorted(str(s.service.id) for s in subscriptions if s.service) == [
        "local-echo",
        "local-quickstart",
        "local-sleepy",
    ]
    (echo,) = platform.services.get_service_subscriptions("local-echo")
    assert echo.application is not None and echo.application.id == default_app
    assert echo.service is not None
    assert echo.service.gateway_endpoint == hub.connection.services["echo"]


async def test_async_quickstart(hub: LocalHub) -> None:
    """The async twin lists the same services and pages the same way."""
    assert hub.connection is not None
    async with AsyncHubPlatformClient(
        api_key=hub.connection.personal_access_token,
        organization_id=hub.connection.organization_id,
        base_url=hub.connection.platform_url,
    ) as platform:
        services = await platform.services.get_services(page=0, size=20)
        assert [s.id for s in services.content or []] == [
            "local-quickstart",
            "local-echo",
            "local-sleepy",
        ]
        service = await platform.services.get_service("local-echo")
        assert service.service_definitions is not None
        assert service.service_definitions[0].gateway_endpoint == hub.connection.services["echo"]
