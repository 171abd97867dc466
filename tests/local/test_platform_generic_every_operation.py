"""Every operation of ``spec/platform.json``, hand-written or generic, called once through
our strict HubPlatformClient against a local Hub holding one resource of each kind: every
read (GET) first, then every write with the least body its schema allows. No read answers
5xx, no write 5xx other than 501 (an operation without a local meaning), and every 2xx
body parses strictly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qhub.api._core.errors import ApiError, ParsingError
from qhub.api.platform import HubPlatformClient, PersonalAccessTokenPrincipal
from qhub.local.domain.generic import Schemas
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ..workspaces import make_workspace

SPEC = json.loads((Path(__file__).parents[2] / "spec" / "platform.json").read_text())

READS = sorted(
    (operation["operationId"], path, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method == "get"
)

#: Creations first, deletions last (a deleted parent makes the writes below it 404).
_ORDER = {"post": 0, "put": 1, "patch": 1, "head": 2, "delete": 3}
WRITES = sorted(
    (
        (_ORDER[method], -path.count("/") if method == "delete" else 0, operation["operationId"]),
        path,
        operation,
    )
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method != "get" and operation["operationId"] != "authentication.resolve_auth_token"
)
SCHEMAS = Schemas(SPEC["components"]["schemas"])


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the echo workspace."""
    workspace = make_workspace(tmp_path_factory.mktemp("ws"), "echo")
    with LocalHub(
        tmp_path_factory.mktemp("hub"), services={"echo": workspace}, example=False
    ) as local:
        yield local


@pytest.fixture(scope="module")
def platform(hub: LocalHub) -> Iterator[HubPlatformClient]:
    """The default user's Platform client."""
    assert hub.connection is not None
    with HubPlatformClient(
        api_key=hub.connection.personal_access_token,
        base_url=hub.connection.platform_url,
        max_retries=0,
    ) as client:
        yield client


def _id(value: str | None) -> str:
    assert value
    return value


@pytest.fixture(scope="module")
def ids(hub: LocalHub, platform: HubPlatformClient) -> dict[str, str]:
    """An id for each path parameter, by the literal segments before it: one resource of
    each kind, created through the client."""
    assert hub.connection is not None
    app = hub.connection.application
    with HubServiceClient(
        hub.connection.services["echo"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=hub.connection.token_endpoint,
    ) as service:
        execution = service.run(request={"values": [1]})
        execution.result(timeout=60)
    algorithm = _id(
        platform.algorithms.create_algorithm(name="Grover", computation_model="QUANTUM").id
    )
    other = _id(platform.algorithms.create_algorithm(name="QFT", computation_model="QUANTUM").id)
    relation = platform.algorithms.create_algorithm_relation(
        algorithm, source_algorithm_id=algorithm, target_algorithm_id=other, relation_type_id="t"
    )
    use_case = _id(platform.use_cases.create_use_case(title="Routing").id)
    platform.use_cases.create_use_case_demo(
        use_case,
        use_case_id=use_case,
        git_integration_id="42",
        repository_type="GITHUB",
        repository_url="https://example.test/repo",
    )
    implementation = _id(platform.implementations.create_implementation(name="qaoa").id)
    platform.implementations.add_implementation_access_permission(
        implementation, id="user-2", role="VIEWER"
    )
    platform.git_integrations.create_git_hub_integration(installation_id=42)
    managed = platform.managed_services.create_managed_service(name="svc", source={"type": "file"})
    platform.billing.update_budget(
        amount={"amount": "1", "currency": "EUR"},
        window_mode="FIXED",
        anchor="2026-01-01",
        enforcement="HARD",
    )
    (subscription,) = platform.applications.get_application_subscriptions(app["id"])
    me = platform.users.get_me()
    assert isinstance(me, PersonalAccessTokenPrincipal)
    pool = next(iter(hub.connection.datapools.values()), "default")
    (notification, *_) = platform.user_notifications.get_my_notifications().content or []
    sharer = hub.add_user()  # an organization to share with
    return {
        "algorithms": algorithm,
        "algorithms/sketches": _id(platform.algorithms.create_algorithm_sketch(algorithm).id),
        "algorithms/algorithm-relations": _id(relation.id),
        "use-cases": use_case,
        "use-cases/sketches": _id(platform.use_cases.create_use_case_sketch(use_case).id),
        "use-cases/authors": _id(
            platform.use_cases.create_use_case_author(use_case, name="Ada").id
        ),
        "implementations": implementation,
        "implementations/files": "README.md",
        "implementations/members": "user-2",
        "git-integrations": "42",
        "service-jobs": _id(platform.service_jobs.create_service_job(service_id="local-echo").id),
        "managed-services": _id(managed.id),
        "workflow-services": _id(platform.workflow_services.create_workflow_service(name="w").id),
        "organizations": hub.connection.organization_id,
        "organizations/members": _id(me.id),
        "organizations/provider-tokens": "IBM",
        "my/provider-tokens": "IBM",
        "applications": app["id"],
        "subscriptions": _id(subscription.id),
        "services": "local-echo",
        "service-executions": execution.id,
        "service-executions/results": "note.txt",
        "datapools": pool,
        "datapools/shares": _id(
            platform.data_pool_shares.share_data_pool(
                pool,
                shared_with={"value": sharer.organization_id, "tenantType": "ORGANIZATION"},
                role="VIEWER",
            ).id
        ),
        "services/shares": _id(
            platform.service_shares.share_service("local-echo", role="VIEWER").id
        ),
        "external-services": _id(
            platform.external_services.create_external_service(name="x", url="https://x.test").id
        ),
        "my/notifications": _id(notification.id),
    }


def _arguments(
    path: str, operation: dict[str, Any], ids: dict[str, str]
) -> tuple[list[str], dict[str, Any]]:
    """Positional path values and the required query arguments (by Python name)."""
    positional = []
    literals: list[str] = []
    for segment in path.strip("/").split("/"):
        if segment.startswith("{"):
            positional.append(ids.get("/".join(literals), "unknown"))
        else:
            literals.append(segment)
    keywords: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            name = parameter.get("x-python-name", parameter["name"])
            keywords[name] = "2026-01-01T00:00:00Z" if name in ("from_", "to") else "x"
    body = operation.get("requestBody")
    if body is not None:
        ((media_type, content),) = body["content"].items()
        schema = content.get("schema", {})
        if "x-python-name" in body:
            keywords[body["x-python-name"]] = SCHEMAS.default(schema, "", {"id": "x"})
        for name in schema.get("required", []):
            declared = schema["properties"][name]
            if media_type.startswith("multipart/"):
                keywords[name] = ("f.txt", b"content", "text/plain")
            else:
                value = SCHEMAS.default(declared, name, {"id": "x"})
                keywords[declared.get("x-python-name", name)] = value
    return positional, keywords


@pytest.mark.parametrize(("operation_id", "path", "operation"), READS, ids=[r[0] for r in READS])
def test_every_read_answers_and_parses(
    operation_id: str,
    path: str,
    operation: dict[str, Any],
    platform: HubPlatformClient,
    ids: dict[str, str],
) -> None:
    """No 5xx; a 2xx body parses into our strict model (a 4xx, such as 404 for a resource
    nobody made, is a valid answer)."""
    namespace, method = operation_id.split(".")
    positional, keywords = _arguments(path, operation, ids)
    call = getattr(getattr(platform, namespace), method)
    try:
        result = call(*positional, **keywords)
        if hasattr(result, "__next__"):  # a download: read it to the end
            b"".join(result)
    except ParsingError as error:
        pytest.fail(f"{operation_id}: the 2xx body does not parse strictly: {error}")
    except ApiError as error:
        assert error.status_code is not None and error.status_code < 500, error


@pytest.mark.parametrize(("order", "path", "operation"), WRITES, ids=[w[0][2] for w in WRITES])
def test_every_write_answers_and_parses(
    order: tuple[int, int, str],
    path: str,
    operation: dict[str, Any],
    platform: HubPlatformClient,
    ids: dict[str, str],
) -> None:
    """No 5xx but 501; a 2xx body parses into our strict model."""
    operation_id = order[2]
    namespace, method = operation_id.split(".")
    positional, keywords = _arguments(path, operation, ids)
    try:
        getattr(getattr(platform, namespace), method)(*positional, **keywords)
    except ParsingError as error:
        pytest.fail(f"{operation_id}: the 2xx body does not parse strictly: {error}")
    except ApiError as error:
        assert error.status_code is not None, error
        assert error.status_code < 500 or error.status_code == 501, error
