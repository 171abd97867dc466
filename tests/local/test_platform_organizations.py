"""Organizations, members and isolation through our strict HubPlatformClient: another
organization sees none of this one's applications, subscriptions, services or executions
(404), acts for it only once it is a member, and bad credentials or input are refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from qhub.api.platform import (
    AsyncHubPlatformClient,
    HubPlatformClient,
    PersonalAccessTokenPrincipal,
    ServiceExecutionTokenPrincipal,
)
from qhub.api.platform.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from qhub.api.user import HubUserClient
from qhub.local.server import LocalHub, LocalUser
from qhub.service.client import HubServiceClient

from ..workspaces import make_workspace


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the echo workspace and one finished execution of it."""
    workspace = make_workspace(tmp_path_factory.mktemp("ws"), "echo")
    with LocalHub(
        tmp_path_factory.mktemp("hub"), services={"echo": workspace}, example=False
    ) as local:
        assert local.connection is not None
        app = local.connection.application
        with HubServiceClient(
            local.connection.services["echo"],
            app["access_key_id"],
            app["secret_access_key"],
            token_endpoint=local.connection.token_endpoint,
        ) as client:
            client.run(request={"values": [1]}, tags=["mine"]).result(timeout=60)
        yield local


Platform = Callable[..., HubPlatformClient]


@pytest.fixture
def platform_for(hub: LocalHub) -> Iterator[Platform]:
    """Platform clients for a token (the default user's unless given), optionally acting
    for an organization."""
    clients: list[HubPlatformClient] = []

    def make(token: str | None = None, organization_id: str | None = None) -> HubPlatformClient:
        assert hub.connection is not None
        client = HubPlatformClient(
            api_key=token or hub.connection.personal_access_token,
            organization_id=organization_id,
            base_url=hub.connection.platform_url,
            max_retries=0,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def other(hub: LocalHub) -> LocalUser:
    """A second user, in an organization of their own."""
    return hub.add_user()


def present(value: str | None) -> str:
    """An id the Hub must have sent."""
    assert value, "missing"
    return value


def me_of(platform: HubPlatformClient) -> PersonalAccessTokenPrincipal:
    """The caller, a user (seed 004's ``users.get_me``)."""
    me = platform.users.get_me()
    assert isinstance(me, PersonalAccessTokenPrincipal)
    return me


def user_id_of(hub: LocalHub, token: str) -> str:
    """A user's id, from the User API."""
    assert hub.connection is not None
    with HubUserClient(api_key=token, base_url=hub.connection.user_url) as users:
        me = users.user_settings.get_current_user()
    assert me.id is not None
    return me.id


def test_the_callers_organization_and_principal(hub: LocalHub, platform_for: Platform) -> None:
    """The default user owns the Hub's default organization; /authorize (and seed 004's
    users.get_me) names them, their token and their memberships."""
    assert hub.connection is not None
    platform = platform_for()
    (organization,) = platform.organizations.get_organizations()
    assert organization.id == hub.connection.organization_id
    assert (organization.name, organization.display_name) == ("local-hub", "Local Hub")
    assert organization.current_user_permission == "OWNER" and organization.is_user_last_owner
    assert platform.organizations.get_organization(present(organization.id)) == organization
    me = me_of(platform)
    assert me == platform.authentication.resolve_auth_token()
    assert me.type == "token.personal"
    assert me.id == user_id_of(hub, hub.connection.personal_access_token)
    assert me.access_token.name == "default"
    assert [(m.id, m.role) for m in me.organization_memberships] == [(organization.id, "OWNER")]
    (account,) = platform.users.get_my_accounts()
    assert (account.id, account.role, account.tenant_type) == (
        organization.id,
        "OWNER",
        "ORGANIZATION",
    )
    assert platform.users.get_my_invitations() == []
    members = platform.organizations.get_organization_members(present(organization.id))
    assert [(m.id, m.access_permission_role, m.invitation_pending) for m in members] == [
        (me.id, "OWNER", False)
    ]


def test_an_execution_token_reads_its_organization(hub: LocalHub, platform_for: Platform) -> None:
    """The token an execution runs with names its execution at /authorize, reads its
    application's organization like a viewer, and can't create there."""
    assert hub.connection is not None
    (execution,) = (
        platform_for().service_executions.get_service_executions(tags="mine").content or []
    )
    execution_id = present(execution.id)
    token = hub.hub.organizations.issue_execution_token(
        hub.connection.application["id"], execution_id, hub.connection.organization_id
    )
    as_execution = platform_for(token)
    principal = as_execution.authentication.resolve_auth_token()
    assert isinstance(principal, ServiceExecutionTokenPrincipal)
    assert principal.service_execution.id == execution_id
    assert principal.service_provider.id == hub.connection.organization_id
    assert [o.id for o in as_execution.organizations.get_organizations()] == [
        hub.connection.organization_id
    ]
    assert "default" in [a.name for a in as_execution.applications.get_applications()]
    with pytest.raises(ForbiddenError):
        as_execution.applications.create_application(name="from-an-execution")
    with pytest.raises(ForbiddenError):
        platform_for(token, "another-organization").applications.get_applications()


def test_another_organization_sees_none_of_it(
    hub: LocalHub, platform_for: Platform, other: LocalUser
) -> None:
    """The other user's organization has no applications, services, subscriptions or
    executions of ours: listings are empty and our ids are 404, never 403."""
    assert hub.connection is not None
    mine = platform_for()
    theirs = platform_for(other.personal_access_token)
    (their_org,) = theirs.organizations.get_organizations()
    assert their_org.id == other.organization_id
    assert theirs.applications.get_applications() == []
    assert theirs.services.get_services(page=0, size=20).content == []
    assert theirs.service_executions.get_service_executions().content == []

    app_id = hub.connection.application["id"]
    (subscription,) = mine.applications.get_application_subscriptions(app_id)
    subscription_id = present(subscription.id)
    (execution,) = mine.service_executions.get_service_executions(tags="mine").content or []
    execution_id = present(execution.id)
    org_id = hub.connection.organization_id
    hidden: list[Callable[[], Any]] = [
        lambda: theirs.applications.get_application(app_id),
        lambda: theirs.applications.get_application_access_keys(app_id),
        lambda: theirs.applications.get_application_subscriptions(app_id),
        lambda: theirs.applications.delete_application(app_id),
        lambda: theirs.subscriptions.get_subscription(subscription_id),
        lambda: theirs.subscriptions.delete_subscription(subscription_id),
        lambda: theirs.subscriptions.create_subscription(
            service_id="local-echo", application_id=app_id
        ),
        lambda: theirs.services.get_service("local-echo"),
        lambda: theirs.services.get_service_subscriptions("local-echo"),
        lambda: theirs.service_executions.get_service_execution(execution_id),
        lambda: theirs.service_executions.cancel_service_execution(execution_id),
        lambda: theirs.service_executions.get_service_execution_result(execution_id),
        lambda: theirs.organizations.get_organization(org_id),
        lambda: theirs.organizations.get_organization_members(org_id),
        lambda: theirs.organizations.delete_organization(org_id),
    ]
    for call in hidden:
        with pytest.raises(NotFoundError):
            call()
    assert mine.applications.get_application(app_id).id == app_id  # still there


def test_membership_lets_a_user_act_for_the_organization(
    hub: LocalHub, platform_for: Platform, other: LocalUser
) -> None:
    """X-OrganizationId of a foreign organization is 403 until the user is added; a viewer
    reads but can't create; a maintainer can; removed, they are refused again."""
    assert hub.connection is not None
    org_id = hub.connection.organization_id
    owner = platform_for()
    acting = platform_for(other.personal_access_token, org_id)
    with pytest.raises(ForbiddenError):
        acting.applications.get_applications()
    their_id = user_id_of(hub, other.personal_access_token)

    added = owner.organizations.add_organization_member(org_id, sid=their_id)
    assert (added.sid, added.access_permission_role, added.principal) == (their_id, "VIEWER", True)
    names = [a.name for a in acting.applications.get_applications()]
    assert "default" in names
    assert acting.organizations.get_organization(org_id).current_user_permission == "VIEWER"
    with pytest.raises(ForbiddenError):
        acting.applications.create_application(name="by-a-viewer")
    with pytest.raises(ForbiddenError):
        acting.organizations.add_organization_member(org_id, sid=their_id)

    changed = owner.organizations.update_organization_member_permission(
        org_id, their_id, access_permission_role="MAINTAINER"
    )
    assert changed.access_permission_role == "MAINTAINER"
    app = acting.applications.create_application(name="by-a-maintainer")
    assert app.id in [a.id for a in owner.applications.get_applications()]
    member = owner.organizations.get_organization_member(org_id, their_id)
    assert (member.id, member.access_permission_role) == (their_id, "MAINTAINER")
    with pytest.raises(ConflictError):
        owner.organizations.add_organization_member(org_id, sid=their_id)

    owner.organizations.delete_organization_member(org_id, their_id)
    with pytest.raises(ForbiddenError):
        acting.applications.get_applications()
    with pytest.raises(NotFoundError):
        owner.organizations.get_organization_member(org_id, their_id)
    owner.applications.delete_application(present(app.id))


def test_created_organizations_and_their_rules(
    hub: LocalHub, platform_for: Platform, other: LocalUser
) -> None:
    """A created organization has its creator as owner; names are unique (409, nothing
    written); the last owner stays; a user's own organization stays theirs; an organization
    with applications can't be deleted; an empty one can."""
    assert hub.connection is not None
    platform = platform_for()
    me = present(me_of(platform).id)
    lab = platform.organizations.create_organization(
        display_name="Quantum Lab", billing_email="lab@example.org"
    )
    assert (lab.name, lab.display_name, lab.current_user_permission) == (
        "quantum-lab",
        "Quantum Lab",
        "OWNER",
    )
    assert lab.id is not None
    before = platform.organizations.get_organizations()
    with pytest.raises(ConflictError):
        platform.organizations.create_organization(
            display_name="quantum lab!", billing_email="x@example.org"
        )
    assert platform.organizations.get_organizations() == before
    assert [o.display_name for o in platform.organizations.search_organizations(q="lab")] == [
        "Quantum Lab"
    ]
    assert platform.organizations.get_organization_profile(lab.id).name == "quantum-lab"

    renamed = platform.organizations.update_organization(lab.id, display_name="Q Lab")
    assert (renamed.id, renamed.name) == (lab.id, "q-lab")
    with pytest.raises(ConflictError):
        platform.organizations.update_organization(lab.id, display_name="Local Hub")
    with pytest.raises(ConflictError):
        platform.organizations.update_organization_member_permission(
            lab.id, me, access_permission_role="VIEWER"
        )
    with pytest.raises(ConflictError):
        platform.organizations.delete_organization_member(hub.connection.organization_id, me)
    with pytest.raises(ConflictError):
        platform.organizations.delete_organization(hub.connection.organization_id)

    in_lab = platform_for(organization_id=lab.id)
    app = in_lab.applications.create_application(name="default")  # names are per organization
    with pytest.raises(ConflictError):
        platform.organizations.delete_organization(lab.id)
    in_lab.applications.delete_application(present(app.id))
    platform.organizations.delete_organization(lab.id)
    with pytest.raises(NotFoundError):
        platform.organizations.get_organization(lab.id)
    with pytest.raises(ForbiddenError):
        in_lab.applications.get_applications()


@pytest.mark.parametrize("token", [None, "", "pat_wrong", "a.b.c"])
def test_missing_or_wrong_tokens_are_401(hub: LocalHub, token: str | None) -> None:
    """No X-Auth-Token, an unknown one, or a forged one: 401 on every Platform operation."""
    assert hub.connection is not None
    headers = {"X-Auth-Token": token} if token is not None else {}
    base = hub.connection.platform_url
    for method, path in (
        ("GET", "/organizations"),
        ("GET", "/applications"),
        ("POST", "/applications"),
        ("GET", "/services"),
        ("GET", "/service-executions"),
        ("POST", "/subscriptions"),
        ("POST", "/authorize"),
    ):
        response = httpx.request(method, base + path, headers=headers, json={"name": "x"})
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["status"] == 401


def test_our_client_types_401_and_422(hub: LocalHub, platform_for: Platform) -> None:
    """Our client raises UnauthorizedError for a wrong token and UnprocessableEntityError,
    naming the field, for a member without a user id."""
    assert hub.connection is not None
    with pytest.raises(UnauthorizedError):
        platform_for("pat_wrong").organizations.get_organizations()
    with pytest.raises(UnprocessableEntityError) as caught:
        platform_for().organizations.add_organization_member(
            hub.connection.organization_id, access_permission_role="VIEWER"
        )
    assert "sid" in caught.value.body["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/organizations", {"billingEmail": "a@b.c"}, "displayName"),
        ("POST", "/organizations", {"displayName": "X", "billingEmail": "nope"}, "billingEmail"),
        ("PUT", "/organizations/{org}", {"description": "no name"}, "displayName"),
        (
            "POST",
            "/organizations/{org}/members",
            {"sid": "u", "accessPermissionRole": "KING"},
            "accessPermissionRole",
        ),
        ("PUT", "/organizations/{org}/members/{me}", {"sid": "{me}"}, "accessPermissionRole"),
    ],
)
def test_malformed_organization_bodies_are_422(
    hub: LocalHub, platform_for: Platform, method: str, path: str, body: dict[str, str], field: str
) -> None:
    """Each malformed body is 422 and names the field."""
    assert hub.connection is not None
    me = present(me_of(platform_for()).id)
    values = {"org": hub.connection.organization_id, "me": me}
    response = httpx.request(
        method,
        hub.connection.platform_url + path.format(**values),
        json={k: v.format(**values) for k, v in body.items()},
        headers={"X-Auth-Token": hub.connection.personal_access_token},
    )
    assert response.status_code == 422, response.text
    assert field in response.json()["message"]


async def test_async_organizations(hub: LocalHub) -> None:
    """The async client reads the caller's organizations and members."""
    assert hub.connection is not None
    async with AsyncHubPlatformClient(
        api_key=hub.connection.personal_access_token, base_url=hub.connection.platform_url
    ) as platform:
        organizations = await platform.organizations.get_organizations()
        assert hub.connection.organization_id in [o.id for o in organizations]
        members = await platform.organizations.get_organization_members(
            hub.connection.organization_id
        )
        assert [m.access_permission_role for m in members] == ["OWNER"]
