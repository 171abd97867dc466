"""How the generic module reads spec/platform.json, without HTTP: every operation gets a route
(hand-written or generic), each generic one a plan read off the shape of its path, answers
fit the response schemas, and the table deletes a resource with everything below it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qhub.local.domain.generic import (
    Kind,
    Plan,
    Schemas,
    load_spec,
    plan_operations,
    platform_operations,
)
from qhub.local.domain.generic.store import GenericStore
from qhub.local.domain.store import Database
from qhub.local.http.platform import HAND_WRITTEN, organizations
from qhub.local.http.platform.generic import router_besides, served_routes

SCHEMAS = Schemas(load_spec()["components"]["schemas"])
PLANS = plan_operations(platform_operations(), SCHEMAS, served_routes(HAND_WRITTEN))


def _skeleton(path: str) -> tuple[str, ...]:
    return tuple("{}" if s.startswith("{") else s for s in path.strip("/").split("/"))


def test_every_operation_has_one_route() -> None:
    """The hand-written routes and the generic ones together serve each operation of the
    spec, and the generic ones only those the hand-written don't."""
    hand = {(m, _skeleton(p)) for m, p in served_routes(HAND_WRITTEN)}
    generic = {(m, _skeleton(p)) for m, p in served_routes([router_besides(HAND_WRITTEN)])}
    spec = {(o.method, o.skeleton) for o in platform_operations()}
    assert hand | generic == spec
    assert not hand & generic
    assert len(PLANS) == len(generic)


def _plan(operation_id: str) -> Plan:
    return PLANS[operation_id]


def _key(plan: Plan, *values: str) -> tuple[str, str | None]:
    assert plan.target is not None
    item = None if plan.target.item is None else values[plan.target.item]
    return plan.target.collection.key(values), item


@pytest.mark.parametrize(
    ("operation_id", "kind", "values", "where"),
    [
        ("algorithms.create_algorithm", Kind.CREATE, (), ("algorithms", None)),
        ("algorithms.get_algorithms", Kind.LIST, (), ("algorithms", None)),
        ("algorithms.get_algorithm_sketch", Kind.GET, ("A", "S"), ("algorithms/A/sketches", "S")),
        ("algorithms.set_algorithm_visibility", Kind.SET, ("A",), ("algorithms", "A")),
        ("git_integrations.create_git_hub_integration", Kind.CREATE, (), ("git-integrations", None)),
        ("git_integrations.update_git_lab_integration", Kind.UPDATE, ("G",), ("git-integrations", "G")),
        ("git_integrations.sync_git_integration_repositories", Kind.REFRESH, ("G",), ("git-integrations", "G")),
        ("user_notifications.mark_notification_as_read", Kind.FLAG, ("N",), ("my/notifications", "N")),
        ("user_notifications.mark_all_notifications_as_read", Kind.FLAG_ALL, (), ("my/notifications", None)),
        ("user_notifications.get_my_unread_notification_count", Kind.COUNT, (), ("my/notifications", None)),
        ("billing.update_budget", Kind.WRITE, (), ("budget", None)),
        ("billing.get_budget", Kind.READ, (), ("budget", None)),
        ("billing.delete_budget", Kind.ERASE, (), ("budget", None)),
        ("billing.get_organization_allowance_configuration", Kind.READ, ("O",), ("organizations/O/payg-allowance", None)),
        ("use_cases.link_algorithm_to_use_case", Kind.LINK, ("U", "A"), ("use-cases/U/algorithms", "A")),
        ("use_cases.update_use_case_demo_environment", Kind.SET, ("U",), ("use-cases/U/demo", None)),
        ("use_cases.trigger_use_case_demo_build", Kind.ACCEPT, ("U",), ("use-cases/U/demo", None)),
        ("use_cases.upload_use_case_logo", Kind.WRITE, ("U",), ("use-cases/U/logo", None)),
        ("implementations.get_permission_for_implementation", Kind.EXISTS, ("I",), ("implementations", "I")),
        ("implementations.add_implementation_access_permission", Kind.CREATE, ("I",), ("implementations/I/members", None)),
        ("marketplace.get_marketplace_algorithms", Kind.LIST, (), ("marketplace/algorithms", None)),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value else "",
)  # fmt: skip
def test_plans_follow_the_shape_of_the_path(
    operation_id: str, kind: Kind, values: tuple[str, ...], where: tuple[str, str | None]
) -> None:
    """Collections, items, aliases (``/git-integrations/github``), singletons (``/budget``),
    properties of the parent (``/visibility``), flags (``/read``), links, actions."""
    plan = _plan(operation_id)
    assert plan.kind is kind
    assert _key(plan, *values) == where


def test_plans_know_their_details() -> None:
    """Natural keys, link targets, fields, organizations, parents and fixed answers."""
    github = _plan("git_integrations.create_git_hub_integration")
    assert "installationId" in github.natural_keys
    permissions = _plan("algorithms.add_algorithm_access_permission")
    assert permissions.natural_keys[0] == "sid"
    link = _plan("use_cases.get_linked_algorithms_by_use_case")
    assert link.link_target is not None and link.link_target.key(()) == "algorithms"
    visibility = _plan("algorithms.set_algorithm_visibility")
    assert (visibility.field, visibility.whole) == ("visibility", False)
    assert _plan("implementations.update_implementation_summary").field is None  # merged
    assert _plan("billing.get_organization_balance").organization_param == 0
    image = _plan("use_cases.get_use_case_author_image")
    assert [p.collection.key(("U", "A")) for p in image.parents] == [
        "use-cases",
        "use-cases/U/authors",
    ]
    assert _plan("entitlements.check_job_eligibility").answer == {"decision": "ALLOW"}


def test_the_generic_module_refuses_nothing_the_hub_serves() -> None:
    """Every Platform operation the hand-written routes leave to the generic module has a
    meaning there: none is refused as not emulated (what it would refuse, and how, is
    shown by the next test with fewer hand-written routes)."""
    refused = sorted(op for op, plan in PLANS.items() if plan.kind is Kind.UNSUPPORTED)
    assert refused == []


def test_a_hand_written_namespace_keeps_its_writes() -> None:
    """In a namespace with hand-written routes, an operation none of them serves is not
    written generically: with only the organizations router, the users namespace's provider
    token writes are refused (501) while its reads are served."""
    plans = plan_operations(platform_operations(), SCHEMAS, served_routes([organizations.router]))
    write = plans["users.update_user_provider_token"]
    assert write.kind is Kind.UNSUPPORTED
    assert write.refusal().status == 501 and "written by hand" in write.refusal().message
    assert plans["users.get_user_provider_token"].kind is Kind.GET
    assert "users.update_user_provider_token" not in PLANS  # served by hand in the Hub


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


def test_answers_fit_their_schema() -> None:
    """Unknown properties dropped, wrong types dropped, required ones defaulted (first enum
    value, the id, a derived name, a timestamp, empty containers), a number kept as text."""
    schema = _object(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"enum": ["A", "B"], "type": "string"},
            "count": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "at": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "code": {"type": "string"},
        },
        ["id", "name", "kind", "at", "tags"],
    )
    fields = {
        "id": "abcdef123",
        "count": "many",
        "secret": "x",
        "createdAt": "2026-01-01T00:00:00Z",
        "code": 7,
    }
    assert SCHEMAS.shape(fields, schema) == {
        "id": "abcdef123",
        "name": "unnamed-abcdef12",
        "kind": "A",
        "at": "2026-01-01T00:00:00Z",
        "tags": [],
        "code": "7",
    }


def test_a_union_answer_takes_the_alternative_that_fits() -> None:
    """Of two alternatives, the one whose required properties the resource has."""
    github = _object(
        {"installationId": {"type": "string"}, "type": {"enum": ["GITHUB"]}},
        ["installationId", "type"],
    )
    gitlab = _object({"name": {"type": "string"}, "type": {"enum": ["GITLAB"]}}, ["name", "type"])
    union = {"anyOf": [github, gitlab]}
    assert SCHEMAS.shape({"name": "lab", "id": "lab"}, union) == {"name": "lab", "type": "GITLAB"}
    assert SCHEMAS.shape({"installationId": "1"}, union) == {
        "installationId": "1",
        "type": "GITHUB",
    }


def test_request_problems_name_the_field() -> None:
    """Missing, mistyped and out-of-enum properties, nested ones with their path."""
    schema = _object(
        {
            "name": {"type": "string"},
            "mode": {"enum": ["X", "Y"], "type": "string"},
            "money": _object({"amount": {"type": "string"}}, ["amount"]),
        },
        ["name"],
    )
    problems = SCHEMAS.problems({"mode": "Z", "money": {}}, schema)
    assert problems == [
        "name: field required",
        "mode: must be one of X, Y, not 'Z'",
        "money.amount: field required",
    ]
    assert SCHEMAS.problems({"name": 1}, schema) == ["name: must be a string"]


def test_deleting_a_resource_deletes_what_is_below_it(tmp_path: Path) -> None:
    """An algorithm's sketches go with it, in the same organization only; another
    algorithm's stay."""
    database = Database(tmp_path / "hub.sqlite3")
    store = GenericStore(database)
    now = dt.datetime.now(dt.timezone.utc)
    with store.writing() as docs:
        docs.put("org", "algorithms", "A", {"name": "a"}, now)
        docs.put("org", "algorithms", "AB", {"name": "ab"}, now)
        docs.put("org", "algorithms/A/sketches", "S", {}, now)
        docs.put("org", "algorithms/AB/sketches", "S", {}, now)
        docs.put("other", "algorithms/A/sketches", "S", {}, now)
    with store.writing() as docs:
        assert docs.delete("org", "algorithms", "A")
        assert not docs.delete("org", "algorithms", "A")
    with store.reading() as docs:
        assert docs.all("org", "algorithms/A/sketches") == []
        assert [d.id for d in docs.all("org", "algorithms")] == ["AB"]
        assert docs.get("org", "algorithms/AB/sketches", "S") is not None
        assert docs.get("other", "algorithms/A/sketches", "S") is not None
    database.close()
