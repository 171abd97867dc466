"""Applications, access keys and subscriptions through our strict HubPlatformClient: a new
application's key works at the token endpoint at once, the gateway refuses it (403) until it
is subscribed, and deleting it ends its key and tokens."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.platform.errors import ConflictError, NotFoundError, UnprocessableEntityError
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ..workspaces import make_workspace


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the echo workspace (no example service)."""
    workspace = make_workspace(tmp_path_factory.mktemp("ws"), "echo")
    with LocalHub(
        tmp_path_factory.mktemp("hub"), services={"echo": workspace}, example=False
    ) as local:
        yield local


@pytest.fixture
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The default user's Platform client, for the default organization."""
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token,
        organization_id=hub.connection.organization_id,
        base_url=hub.connection.platform_url,
    ) as client:
        yield client


def present(value: str | None) -> str:
    """An id the Hub must have sent."""
    assert value, "missing"
    return value


def gateway_token(hub: LocalHub, key_id: str | None, secret: str | None) -> httpx.Response:
    """The token endpoint's answer for an access key."""
    assert hub.connection is not None
    return httpx.post(
        hub.connection.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(present(key_id), present(secret)),
    )


def list_executions(hub: LocalHub, token: str) -> httpx.Response:
    """The echo gateway's execution list, with a bearer token."""
    assert hub.connection is not None
    return httpx.get(hub.connection.services["echo"], headers={"Authorization": f"Bearer {token}"})


def test_new_application_key_works_and_subscription_opens_the_gateway(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """create → access key → token at once → gateway 403 → subscribe → run → unsubscribe →
    403 again."""
    assert hub.connection is not None
    app = platform.applications.create_application(name="analytics")
    assert app.id and app.name == "analytics" and app.current_user_permission == "OWNER"
    (key,) = platform.applications.get_application_access_keys(present(app.id))
    assert key.type == "SERVICE_GATEWAY" and key.access_key_id and key.secret_access_key
    issued = gateway_token(hub, key.access_key_id, key.secret_access_key)
    assert issued.status_code == 200, issued.text
    token = issued.json()["access_token"]

    refused = list_executions(hub, token)
    assert refused.status_code == 403
    assert "not subscribed" in refused.json()["message"]
    assert platform.applications.get_application_subscriptions(present(app.id)) == []

    subscription = platform.subscriptions.create_subscription(
        service_id="local-echo", application_id=present(app.id)
    )
    assert subscription.application is not None and subscription.application.id == app.id
    assert subscription.service is not None
    assert subscription.service.gateway_endpoint == hub.connection.services["echo"]
    assert subscription.pricing_plan is not None and subscription.pricing_plan.type == "FREE"
    assert list_executions(hub, token).json() == []
    with HubServiceClient(
        hub.connection.services["echo"],
        present(key.access_key_id),
        present(key.secret_access_key),
        token_endpoint=hub.connection.token_endpoint,
    ) as client:
        result = client.run(request={"values": [1, 2]}).result(timeout=60)
    assert result.data()["sum"] == 3
    assert platform.subscriptions.get_subscription(present(subscription.id)) == subscription
    assert platform.applications.get_application_subscriptions(present(app.id)) == [subscription]

    platform.subscriptions.delete_subscription(present(subscription.id))
    assert list_executions(hub, token).status_code == 403
    with pytest.raises(NotFoundError):
        platform.subscriptions.get_subscription(present(subscription.id))
    platform.applications.delete_application(present(app.id))


def test_deleting_an_application_ends_its_key_tokens_and_subscriptions(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """After delete: the key is refused, an issued token is 401 at the gateway, its
    subscriptions are gone with it, and the application is 404."""
    app = platform.applications.create_application(name="short-lived")
    (key,) = platform.applications.get_application_access_keys(present(app.id))
    assert key.access_key_id and key.secret_access_key
    token = gateway_token(hub, key.access_key_id, key.secret_access_key).json()["access_token"]
    subscription = platform.subscriptions.create_subscription(
        service_id="local-echo", application_id=present(app.id)
    )
    assert list_executions(hub, token).status_code == 200

    platform.applications.delete_application(present(app.id))
    assert gateway_token(hub, key.access_key_id, key.secret_access_key).status_code == 401
    assert list_executions(hub, token).status_code == 401
    assert app.id not in [a.id for a in platform.applications.get_applications()]
    for call in (
        lambda: platform.applications.get_application(present(app.id)),
        lambda: platform.applications.get_application_access_keys(present(app.id)),
        lambda: platform.subscriptions.get_subscription(present(subscription.id)),
        lambda: platform.applications.delete_application(present(app.id)),
    ):
        with pytest.raises(NotFoundError):
            call()
    assert subscription.id not in [
        s.id for s in platform.services.get_service_subscriptions("local-echo")
    ]


def test_list_get_and_refusals(hub: LocalHub, platform: HubPlatformClient) -> None:
    """Applications list oldest first; duplicate names and subscriptions are 409 (nothing
    written); the default application can't be deleted; unknown ids are 404."""
    assert hub.connection is not None
    first = platform.applications.create_application(name="one")
    with pytest.raises(ConflictError) as duplicate:
        platform.applications.create_application(name="one")
    assert "one" in duplicate.value.body["message"]
    listed = platform.applications.get_applications()
    assert listed[0].name == "default"
    assert [a.name for a in listed].count("one") == 1
    assert platform.applications.get_application(present(first.id)) == first

    platform.subscriptions.create_subscription(
        service_id="local-echo", application_id=present(first.id)
    )
    with pytest.raises(ConflictError):
        platform.subscriptions.create_subscription(
            service_id="local-echo", application_id=present(first.id)
        )
    assert len(platform.applications.get_application_subscriptions(present(first.id))) == 1

    with pytest.raises(ConflictError):
        platform.applications.delete_application(hub.connection.application["id"])
    with pytest.raises(NotFoundError) as unknown_service:
        platform.subscriptions.create_subscription(
            service_id="local-nope", application_id=present(first.id)
        )
    assert "local-nope" in unknown_service.value.body["message"]
    with pytest.raises(NotFoundError):
        platform.subscriptions.create_subscription(service_id="local-echo", application_id="nope")
    with pytest.raises(NotFoundError):
        platform.applications.get_application_subscriptions("nope")
    with pytest.raises(NotFoundError):
        platform.subscriptions.delete_subscription("nope")
    with pytest.raises(NotFoundError):
        platform.subscriptions.get_service_executions_by_subscription("nope")
    platform.applications.delete_application(present(first.id))


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/applications", {}, "name"),
        ("/applications", {"name": ""}, "name"),
        ("/applications", {"name": 7}, "name"),
        ("/applications", {"name": "x", "colour": "red"}, "colour"),
        ("/subscriptions", {"applicationId": "a"}, "serviceId"),
        ("/subscriptions", {"serviceId": "s", "applicationId": None}, "applicationId"),
    ],
)
def test_malformed_bodies_are_422_naming_the_field(
    hub: LocalHub, path: str, body: dict[str, object], field: str
) -> None:
    """A body that doesn't fit the operation is 422, and the message names the field."""
    assert hub.connection is not None
    response = httpx.post(
        hub.connection.platform_url + path,
        json=body,
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert response.status_code == 422, response.text
    assert field in response.json()["message"]


def test_an_extra_field_or_a_non_object_body_is_422(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """Our client's typed 422 for a field the operation doesn't have; a JSON array body is
    422 too."""
    assert hub.connection is not None
    with pytest.raises(UnprocessableEntityError) as caught:
        platform.applications.create_application(
            name="x", request_options={"additional_body_parameters": {"extra": 1}}
        )
    assert "extra" in caught.value.body["message"]
    response = httpx.post(
        hub.connection.platform_url + "/applications",
        json=[{"name": "x"}],
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert response.status_code == 422
    assert "x" not in [a.name for a in platform.applications.get_applications()]


def test_applications_survive_a_restart(tmp_path_factory: pytest.TempPathFactory) -> None:
    """An application, its key and its subscription are in the database: after a restart
    the key still works at the token endpoint and the gateway still admits it; the default
    application keeps its secret even when connection.json is lost (the Hub keeps it
    sealed)."""
    data_dir = tmp_path_factory.mktemp("restart")
    workspace = make_workspace(tmp_path_factory.mktemp("ws"), "echo")
    with LocalHub(data_dir, services={"echo": workspace}, example=False) as first:
        assert first.connection is not None
        with HubPlatformClient(
            api_key=first.connection.personal_access_token, base_url=first.connection.platform_url
        ) as platform:
            app = platform.applications.create_application(name="kept")
            (key,) = platform.applications.get_application_access_keys(present(app.id))
            platform.subscriptions.create_subscription(
                service_id="local-echo", application_id=present(app.id)
            )
        default_key = first.connection.application
    (data_dir / "connection.json").unlink()
    with LocalHub(data_dir, services={"echo": workspace}, example=False) as second:
        assert second.connection is not None
        assert second.connection.application == default_key
        with HubPlatformClient(
            api_key=second.connection.personal_access_token,
            base_url=second.connection.platform_url,
        ) as platform:
            assert platform.applications.get_application_access_keys(present(app.id)) == [key]
            assert len(platform.applications.get_application_subscriptions(present(app.id))) == 1
        assert key.access_key_id and key.secret_access_key
        issued = gateway_token(second, key.access_key_id, key.secret_access_key)
        assert list_executions(second, issued.json()["access_token"]).status_code == 200


async def test_async_applications_round_trip(hub: LocalHub) -> None:
    """The async client creates, lists, subscribes and deletes like the sync one."""
    assert hub.connection is not None
    async with AsyncHubPlatformClient(
        api_key=hub.connection.personal_access_token,
        organization_id=hub.connection.organization_id,
        base_url=hub.connection.platform_url,
    ) as platform:
        app = await platform.applications.create_application(name="async-app")
        assert app.id in [a.id for a in await platform.applications.get_applications()]
        sub = await platform.subscriptions.create_subscription(
            service_id="local-echo", application_id=present(app.id)
        )
        assert (await platform.subscriptions.get_subscription(present(sub.id))) == sub
        await platform.applications.delete_application(present(app.id))
        with pytest.raises(NotFoundError):
            await platform.applications.get_application(present(app.id))
