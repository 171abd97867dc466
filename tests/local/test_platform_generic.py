"""The Platform namespaces without hand-written behaviour, stored as the spec describes them,
through our strict HubPlatformClient (sync and async) over loopback HTTP: what is created
can be read, listed, updated and deleted; unknown ids are 404; another organization sees
nothing; a malformed body is 422 naming the field; operations without a local meaning are
501 naming the operation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from qhub.api.platform import AsyncHubPlatformClient, GitHubInstallationDto, HubPlatformClient
from qhub.api.platform.errors import (
    ForbiddenError,
    NotFoundError,
    UnprocessableEntityError,
)
from qhub.local.server import LocalHub, LocalUser


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub without services."""
    with LocalHub(tmp_path_factory.mktemp("hub"), example=False) as local:
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
    """The default user's Platform client (an owner of the default organization)."""
    with _client(hub) as client:
        yield client


@pytest.fixture
def other(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The Platform client of a user in another organization."""
    user: LocalUser = hub.add_user()
    with _client(hub, user.personal_access_token) as client:
        yield client


def _raw(hub: LocalHub, method: str, path: str, **kwargs: Any) -> httpx.Response:
    assert hub.connection is not None
    headers = {"X-Auth-Token": hub.connection.personal_access_token}
    return httpx.request(method, hub.connection.platform_url + path, headers=headers, **kwargs)


@dataclass(frozen=True)
class Crud:
    """One namespace's create → get → list → update → delete, by method names."""

    namespace: str
    create: str
    created: dict[str, Any]
    get: str
    listing: str
    update: str
    changes: dict[str, Any]
    delete: str
    shown: tuple[str, Any]
    id_field: str = "id"
    kept: dict[str, Any] = field(default_factory=dict)


CASES = [
    Crud(
        "algorithms",
        "create_algorithm",
        {"name": "Grover", "computation_model": "QUANTUM", "intent": "search"},
        "get_algorithm",
        "get_algorithms",
        "update_algorithm",
        {"name": "Grover search", "computation_model": "HYBRID"},
        "delete_algorithm",
        ("computation_model", "HYBRID"),
        kept={"intent": "search"},
    ),
    Crud(
        "use_cases",
        "create_use_case",
        {"title": "Routing"},
        "get_use_case",
        "get_use_cases",
        "update_use_case",
        {"title": "Routing", "short_description": "delivery vans"},
        "delete_use_case",
        ("short_description", "delivery vans"),
    ),
    Crud(
        "implementations",
        "create_implementation",
        {"name": "qaoa", "display_name": "QAOA", "summary": "first"},
        "get_implementation",
        "get_implementations",
        "update_implementation_summary",
        {"summary": "second"},
        "delete_implementation",
        ("summary", "second"),
        kept={"display_name": "QAOA", "name": "qaoa"},
    ),
    Crud(
        "git_integrations",
        "create_git_lab_integration",
        {"name": "lab", "personal_access_token": "glpat-1", "gitlab_url": "https://gitlab.test"},
        "get_git_integration",
        "get_git_integrations",
        "update_git_lab_integration",
        {"name": "lab (renamed)", "personal_access_token": "glpat-2"},
        "delete_git_integration",
        ("name", "lab (renamed)"),
        id_field="name",
        kept={"gitlab_url": "https://gitlab.test", "type": "GITLAB"},
    ),
]


def _items(listing: Any) -> list[Any]:
    return list(listing.content if hasattr(listing, "content") else listing)


def _check_crud(case: Crud, call: Callable[..., Any]) -> None:
    created = call(case.create, **case.created)
    item_id = getattr(created, case.id_field)
    assert item_id
    assert call(case.get, item_id) == created
    assert item_id in [getattr(i, case.id_field) for i in _items(call(case.listing))]
    call(case.update, item_id, **case.changes)
    updated = call(case.get, item_id)
    name, value = case.shown
    assert getattr(updated, name) == value
    for name, value in case.kept.items():
        assert getattr(updated, name) == value
    call(case.delete, item_id)
    with pytest.raises(NotFoundError):
        call(case.get, item_id)
    with pytest.raises(NotFoundError):
        call(case.delete, item_id)
    assert item_id not in [getattr(i, case.id_field) for i in _items(call(case.listing))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.namespace)
def test_create_get_list_update_delete(case: Crud, platform: HubPlatformClient) -> None:
    """What is created reads back equal, is listed, takes updates (keeping what the update
    left alone), and after delete is 404 to read and to delete again."""

    def call(method: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(getattr(platform, case.namespace), method)(*args, **kwargs)

    _check_crud(case, call)


async def _check_crud_async(case: Crud, call: Callable[..., Awaitable[Any]]) -> None:
    created = await call(case.create, **case.created)
    item_id = getattr(created, case.id_field)
    assert await call(case.get, item_id) == created
    assert item_id in [getattr(i, case.id_field) for i in _items(await call(case.listing))]
    await call(case.update, item_id, **case.changes)
    name, value = case.shown
    assert getattr(await call(case.get, item_id), name) == value
    await call(case.delete, item_id)
    with pytest.raises(NotFoundError):
        await call(case.get, item_id)
    assert item_id not in [getattr(i, case.id_field) for i in _items(await call(case.listing))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.namespace)
def test_create_get_list_update_delete_async(case: Crud, hub: LocalHub) -> None:
    """The same through the async client."""
    assert hub.connection is not None
    connection = hub.connection

    async def scenario() -> None:
        async with AsyncHubPlatformClient(
            api_key=connection.personal_access_token, base_url=connection.platform_url
        ) as client:

            async def call(method: str, *args: Any, **kwargs: Any) -> Any:
                return await getattr(getattr(client, case.namespace), method)(*args, **kwargs)

            await _check_crud_async(case, call)

    asyncio.run(scenario())


def test_budget_is_a_singleton(platform: HubPlatformClient) -> None:
    """``/budget``: 404 until set, read back as set, replaced by the next PUT, 404 after
    delete; its usage is a valid (empty) answer throughout."""
    with pytest.raises(NotFoundError):
        platform.billing.get_budget()
    budget = platform.billing.update_budget(
        amount={"amount": "100.00", "currency": "EUR"},
        window_mode="FIXED",
        period="MONTHLY",
        anchor="2026-01-01",
        enforcement="HARD",
        warn_threshold_percent=80,
    )
    assert budget.amount is not None and budget.amount.amount == "100.00"
    assert platform.billing.get_budget() == budget
    assert platform.billing.get_budget_usage() is not None
    replaced = platform.billing.update_budget(
        amount={"amount": "5", "currency": "EUR"},
        window_mode="ROLLING",
        rolling_days=7,
        anchor="2026-01-01",
        enforcement="SOFT",
    )
    assert replaced.window_mode == "ROLLING" and replaced.period is None
    platform.billing.delete_budget()
    with pytest.raises(NotFoundError):
        platform.billing.get_budget()


def test_budget_async(hub: LocalHub) -> None:
    """The budget through the async client."""
    assert hub.connection is not None
    connection = hub.connection

    async def scenario() -> None:
        async with AsyncHubPlatformClient(
            api_key=connection.personal_access_token, base_url=connection.platform_url
        ) as client:
            set_budget = await client.billing.update_budget(
                amount={"amount": "1", "currency": "EUR"},
                window_mode="FIXED",
                anchor="2026-01-01",
                enforcement="HARD",
            )
            assert await client.billing.get_budget() == set_budget
            await client.billing.delete_budget()
            with pytest.raises(NotFoundError):
                await client.billing.get_budget()

    asyncio.run(scenario())


def test_sub_resources_belong_to_their_parent(platform: HubPlatformClient) -> None:
    """Sketches live under their algorithm (404 under an unknown one, gone with it), their
    image as uploaded; a use case lists the algorithms linked to it as they are now;
    setting visibility shows."""
    algorithm = platform.algorithms.create_algorithm(name="QPE", computation_model="QUANTUM")
    assert algorithm.id
    sketch = platform.algorithms.create_algorithm_sketch(algorithm.id, description="circuit")
    assert sketch.id
    assert platform.algorithms.get_algorithm_sketch(algorithm.id, sketch.id) == sketch
    with pytest.raises(NotFoundError):
        b"".join(platform.algorithms.get_algorithm_sketch_image(algorithm.id, sketch.id))
    image = ("sketch.png", b"\x89PNG...", "image/png")
    platform.algorithms.upload_algorithm_sketch_image(algorithm.id, sketch.id, file=image)
    stream = platform.algorithms.get_algorithm_sketch_image(algorithm.id, sketch.id)
    assert stream.headers["content-type"] == "image/png" and b"".join(stream) == b"\x89PNG..."
    with pytest.raises(NotFoundError):
        platform.algorithms.create_algorithm_sketch("no-such-algorithm", description="x")
    platform.algorithms.set_algorithm_visibility(algorithm.id, type="PUBLIC")
    assert platform.algorithms.get_algorithm(algorithm.id).visibility == "PUBLIC"

    use_case = platform.use_cases.create_use_case(title="Chemistry")
    assert use_case.id
    platform.use_cases.link_algorithm_to_use_case(use_case.id, algorithm.id)
    (linked,) = platform.use_cases.get_linked_algorithms_by_use_case(use_case.id)
    assert linked.id == algorithm.id and linked.name == "QPE"
    with pytest.raises(NotFoundError):
        platform.use_cases.link_algorithm_to_use_case(use_case.id, "no-such-algorithm")

    platform.algorithms.delete_algorithm(algorithm.id)
    with pytest.raises(NotFoundError):
        platform.algorithms.get_algorithm_sketch(algorithm.id, sketch.id)
    assert platform.use_cases.get_linked_algorithms_by_use_case(use_case.id) == []
    platform.use_cases.delete_use_case(use_case.id)


def test_github_integrations_are_named_by_installation(platform: HubPlatformClient) -> None:
    """A GitHub integration's answer has no id: its installation id names it."""
    created = platform.git_integrations.create_git_hub_integration(installation_id=4242)
    assert isinstance(created, GitHubInstallationDto)
    assert created.installation_id == "4242" and created.type == "GITHUB"
    assert platform.git_integrations.get_git_integration("4242") == created
    assert platform.git_integrations.sync_git_integration_repositories("4242") == created
    platform.git_integrations.delete_git_integration("4242")
    with pytest.raises(NotFoundError):
        platform.git_integrations.get_git_integration("4242")


def test_another_organization_sees_nothing(
    platform: HubPlatformClient, other: HubPlatformClient
) -> None:
    """Another organization's list is empty, and reading, changing or deleting this one's
    resources is 404 for it; this one's are untouched."""
    algorithm = platform.algorithms.create_algorithm(name="Shor", computation_model="QUANTUM")
    assert algorithm.id
    platform.billing.update_budget(
        amount={"amount": "9", "currency": "EUR"},
        window_mode="FIXED",
        anchor="2026-01-01",
        enforcement="HARD",
    )
    assert other.algorithms.get_algorithms().content == []
    with pytest.raises(NotFoundError):
        other.algorithms.get_algorithm(algorithm.id)
    with pytest.raises(NotFoundError):
        other.algorithms.update_algorithm(algorithm.id, name="mine", computation_model="CLASSIC")
    with pytest.raises(NotFoundError):
        other.algorithms.create_algorithm_sketch(algorithm.id, description="x")
    with pytest.raises(NotFoundError):
        other.algorithms.delete_algorithm(algorithm.id)
    with pytest.raises(NotFoundError):
        other.billing.get_budget()
    assert platform.algorithms.get_algorithm(algorithm.id).name == "Shor"
    platform.algorithms.delete_algorithm(algorithm.id)
    platform.billing.delete_budget()


def test_an_organizations_billing_needs_membership(
    hub: LocalHub, platform: HubPlatformClient, other: HubPlatformClient
) -> None:
    """``/organizations/{id}/…`` acts for that organization: 404 for a non-member; views
    name the organization they are about."""
    assert hub.connection is not None
    organization = hub.connection.organization_id
    set_allowance = platform.billing.update_organization_allowance_configuration(
        organization, allowance={"amount": "3", "currency": "EUR"}
    )
    read_back = platform.billing.get_organization_allowance_configuration(organization)
    assert read_back == set_allowance
    with pytest.raises(NotFoundError):
        other.billing.get_organization_allowance_configuration(organization)
    with pytest.raises(NotFoundError):
        other.billing.delete_organization_allowance_configuration(organization)
    platform.billing.delete_organization_allowance_configuration(organization)
    assert platform.billing.get_organization_balance(organization).tenant_id == organization
    assert platform.billing.get_billing_account1().tenant_id == organization


def test_a_malformed_body_is_422_naming_the_field(
    hub: LocalHub, platform: HubPlatformClient
) -> None:
    """A wrong enum value, a missing required field or a wrong type: 422 naming the field,
    and nothing is stored."""
    with pytest.raises(UnprocessableEntityError, match="computationModel: must be one of"):
        platform.algorithms.create_algorithm(name="x", computation_model="ANALOG")
    missing = _raw(hub, "POST", "/algorithms", json={"computationModel": "QUANTUM"})
    assert missing.status_code == 422
    assert "name: field required" in missing.json()["message"]
    wrong = _raw(hub, "PUT", "/budget", json={"amount": 5, "windowMode": "FIXED"})
    assert wrong.status_code == 422
    message = wrong.json()["message"]
    assert "amount: must be an object" in message and "anchor: field required" in message
    not_json = _raw(hub, "POST", "/use-cases", content=b"{")
    assert not_json.status_code == 422 and "not valid JSON" in not_json.json()["message"]
    assert platform.algorithms.get_algorithms(q="ANALOG").content == []


def test_what_is_not_there_is_404_with_the_standard_body(hub: LocalHub) -> None:
    """Every operation has a local meaning now; what isn't there answers 404 with the
    standard error body naming it (an invitation: members are added at once)."""
    answer = _raw(hub, "POST", "/my/invitations/i-1/accept")
    assert answer.status_code == 404
    body = answer.json()
    assert body["status"] == 404 and body["error"] == "Not Found"
    assert "i-1" in body["message"]


def test_writes_need_a_user_with_a_writing_role(hub: LocalHub) -> None:
    """Without a token: 401; with a service execution's token (a viewer): 403."""
    assert hub.connection is not None
    anonymous = httpx.post(hub.connection.platform_url + "/use-cases", json={"title": "x"})
    assert anonymous.status_code == 401
    token = hub.hub.organizations.issue_execution_token(hub.connection.application["id"], "exec-1")
    with _client(hub, token) as execution:
        with pytest.raises(ForbiddenError):
            execution.use_cases.create_use_case(title="from an execution")
        assert execution.use_cases.get_use_cases().content is not None
