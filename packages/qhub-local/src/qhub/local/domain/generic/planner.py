"""What each Platform operation means for the generic resources, read off the spec's paths.

Paths group into resources by their shape (parameter names don't matter):

- a **collection** ends in a literal segment and is listed (its GET answers an array or a
  page) or has items (``/algorithms`` → ``/algorithms/{id}``); POST creates in it, GET lists
  it. A POST-only literal below a collection is another way to create in that collection
  (``/git-integrations/github`` creates in ``/git-integrations``);
- an **item** is a collection followed by a parameter: GET reads it, PUT/PATCH updates it,
  DELETE deletes it (and everything below it), HEAD tells whether it exists, POST links that
  id into the collection (``POST /use-cases/{id}/algorithms/{algorithm_id}``);
- any other literal path is a **singleton** (``/budget``, ``/use-cases/{id}/demo``, an
  image): written by PUT/POST, read by GET (404 until written), deleted by DELETE. Without
  a GET, a body-carrying PUT sets one property of the parent resource
  (``/algorithms/{id}/visibility``), a bodiless PUT turns the parent's boolean property of
  that name on (``/my/notifications/{id}/read``; on a collection, every item's), a POST
  answering the parent's own schema answers the parent (``/git-integrations/{id}/repository-sync``),
  a POST answering another schema is a computation answered from its body, nothing stored
  (``/job-eligibility``); a bodiless action is accepted once its parent exists;
- a GET nothing writes is a **view**: an empty list or page, or the schema's defaults.

Collections some hand-written route serves are left to it: the generic module answers 501
for the rest of their operations, and for property changes of their items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .paths import PathShapes, Skeleton, camel
from .plan import KeyTemplate, Kind, Plan, Target
from .schemas import Schemas
from .spec import Operation, Schema, is_param

__all__ = ["plan_operations"]

#: Kinds that only read.
_READS = frozenset({Kind.LIST, Kind.GET, Kind.EXISTS, Kind.READ, Kind.VIEW, Kind.COUNT})

#: Behaviour beyond the path's shape, by operation id: (kind, property).
_BEHAVIOURS: Mapping[str, tuple[Kind, str]] = {
    "user_notifications.get_my_unread_notification_count": (Kind.COUNT, "read"),
}

#: Fixed answers of computations, by operation id (every local job is eligible).
_ANSWERS: Mapping[str, Mapping[str, Any]] = {
    "entitlements.check_job_eligibility": {"decision": "ALLOW"},
}


def _parents(paths: PathShapes, operation: Operation, upto: int) -> tuple[Target, ...]:
    """The stored items above position ``upto`` of the path, which must exist."""
    found = []
    index = 0
    for i, segment in enumerate(operation.skeleton[:upto]):
        if segment != "{}":
            continue
        if paths.creatable(operation.skeleton[:i]):
            found.append(Target(paths.template(operation, i), index))
        index += 1
    return tuple(found)


def _item(paths: PathShapes, operation: Operation, base: dict[str, Any]) -> Plan:
    collection = operation.skeleton[:-1]
    if paths.hand_written(collection):
        return Plan(operation, Kind.UNSUPPORTED, reason="its collection is served by hand")
    target = Target(paths.template(operation, len(collection)), len(operation.path_params) - 1)
    if operation.response == "headers":
        return Plan(operation, Kind.EXISTS, target, **base)
    kind = {"GET": Kind.GET, "DELETE": Kind.DELETE, "POST": Kind.LINK}.get(operation.method)
    if kind is None:
        kind = Kind.UPDATE if paths.created_by_post(collection) else Kind.UPSERT
    link = _link_target(paths, collection) if kind in (Kind.GET, Kind.LINK) else None
    return Plan(operation, kind, target, link_target=link, **base)


def _link_target(paths: PathShapes, collection: Skeleton) -> KeyTemplate | None:
    """The top-level collection a collection of links names, when it is stored here
    (``/use-cases/{id}/algorithms/{algorithm_id}`` links ``/algorithms``' items)."""
    linked = paths.get((*collection, "{}"), "POST") is not None
    if linked and len(collection) > 1 and paths.creatable(collection[-1:]):
        return KeyTemplate(collection[-1:])
    return None


def _natural_keys(paths: PathShapes, collection: Skeleton, response: Schema | None) -> list[str]:
    """Body properties whose value becomes a new item's id: the item path's parameter
    (``sid`` of ``/access-permissions/{sid}``), ``id``, and, for an answer without an id,
    its required text properties (a GitHub integration is named by its ``installationId``)."""
    keys = [
        camel(o.path_params[-1])
        for skeleton, ops in paths.at.items()
        if paths.canonical(skeleton) == (*collection, "{}")
        for o in ops
    ]
    keys.append("id")
    variants = paths.schemas.variants(response) if response is not None else []
    if variants and not any("id" in v.get("properties", {}) for v in variants):
        for variant in variants:
            declared = variant.get("properties", {})
            keys += [
                k
                for k in variant.get("required", ())
                if _plain_text(paths.schemas.resolve(declared.get(k, {})))
            ]
    return list(dict.fromkeys(keys))


def _plain_text(schema: Schema) -> bool:
    return schema.get("type") == "string" and "enum" not in schema and "format" not in schema


def _collection(paths: PathShapes, operation: Operation, base: dict[str, Any]) -> Plan:
    collection = paths.canonical(operation.skeleton)
    if paths.hand_written(collection):
        return Plan(operation, Kind.UNSUPPORTED, reason="its collection is served by hand")
    target = Target(paths.template(operation, len(operation.skeleton)))
    if operation.method == "GET":
        schema = paths.item_schema(collection)
        link = _link_target(paths, collection)
        return Plan(operation, Kind.LIST, target, item_schema=schema, link_target=link, **base)
    if operation.method != "POST":
        return Plan(operation, Kind.UNSUPPORTED, reason="no meaning for a whole collection")
    keys = _natural_keys(paths, collection, operation.response_schema)
    return Plan(operation, Kind.CREATE, target, natural_keys=tuple(keys), **base)


def _property_change(
    paths: PathShapes, operation: Operation, parent: Schema | None
) -> dict[str, Any]:
    """How a PUT of ``…/{segment}`` changes its parent: the body merged into it when the body
    carries the property itself (``{"summary": …}``), else the property set to the body's
    one value (``/visibility`` with ``{"type": …}``) or to the whole body."""
    name = camel(operation.skeleton[-1])
    sent = paths.schemas.properties(operation.body.schema) if operation.body else {}
    declared = paths.schemas.properties(parent) if parent is not None else {}
    if name in sent or name not in declared:
        return {"item_schema": parent}
    return {"item_schema": parent, "field": name, "whole": len(sent) != 1}


def _singleton(paths: PathShapes, operation: Operation, base: dict[str, Any]) -> Plan:
    skeleton, parent = operation.skeleton, operation.skeleton[:-1]
    here = Target(paths.template(operation, len(skeleton)))
    if operation.id in _BEHAVIOURS:
        kind, name = _BEHAVIOURS[operation.id]
        return Plan(operation, kind, Target(paths.template(operation, len(parent))), field=name)
    has_get = paths.get(skeleton) is not None
    if operation.method == "GET":
        writable = any(o.method != "GET" for o in paths.at[skeleton])
        return Plan(operation, Kind.READ if writable else Kind.VIEW, here, **base)
    if operation.method == "DELETE":
        others = [_singleton(paths, o, base) for o in paths.at[skeleton] if o.method != "DELETE"]
        if has_get or any(p.kind is Kind.WRITE for p in others):
            return Plan(operation, Kind.ERASE, here, **base)
        return Plan(operation, Kind.UNSUPPORTED, reason="it changes a hand-written resource")
    body = operation.body
    uploads = body is not None and body.file_field is not None
    if (
        uploads
        and not has_get
        and paths.get(parent) is not None
        and not paths.is_collection(parent)
    ):
        # an upload beside the resource it writes (``/source/file`` of ``/source``)
        return Plan(operation, Kind.WRITE, Target(paths.template(operation, len(parent))), **base)
    if has_get or uploads:
        return Plan(operation, Kind.WRITE, here, **base)
    # The parent: an item (…/{id}/segment), a singleton with a GET, a collection, or nothing.
    parent_target: Target | None = None
    parent_schema: Schema | None = None
    if parent[-1:] == ("{}",):
        if paths.hand_written(parent[:-1]):
            return Plan(operation, Kind.UNSUPPORTED, reason="it changes a hand-written resource")
        index = len(operation.path_params) - 1
        parent_target = Target(paths.template(operation, len(parent) - 1), index)
        parent_schema = paths.item_schema(parent[:-1])
    elif parent and not paths.is_collection(parent) and paths.get(parent) is not None:
        parent_target = Target(paths.template(operation, len(parent)))
        parent_schema = paths.get(parent).response_schema  # type: ignore[union-attr]
    name = camel(skeleton[-1])
    answers_parent = parent_schema is not None and parent_schema == operation.response_schema
    if (
        body is not None
        and parent_target is not None
        and (answers_parent or operation.response == "empty")
    ):
        change = _property_change(paths, operation, parent_schema)
        return Plan(operation, Kind.SET, parent_target, **change, **base)
    if answers_parent:
        return Plan(operation, Kind.REFRESH, parent_target, **base)
    if operation.response == "json":
        if operation.method == "POST":
            return Plan(operation, Kind.ECHO, answer=_ANSWERS.get(operation.id, {}), **base)
        return Plan(operation, Kind.WRITE, here, **base)
    if body is not None:
        return Plan(operation, Kind.WRITE, here, **base)
    if parent_target is not None and _boolean(paths.schemas, parent_schema, name):
        return Plan(operation, Kind.FLAG, parent_target, field=name, **base)
    if paths.is_collection(parent) and _boolean(paths.schemas, paths.item_schema(parent), name):
        whole = Target(paths.template(operation, len(parent)))
        return Plan(operation, Kind.FLAG_ALL, whole, field=name, **base)
    return Plan(operation, Kind.ACCEPT, parent_target, **base)


def _boolean(schemas: Schemas, schema: Schema | None, name: str) -> bool:
    if schema is None:
        return False
    declared = schemas.properties(schema).get(name)
    return declared is not None and schemas.non_null(declared).get("type") == "boolean"


def plan_operations(
    operations: Iterable[Operation], schemas: Schemas, served: Iterable[tuple[str, str]]
) -> dict[str, Plan]:
    """A plan for every operation no hand-written route serves, by operation id.

    Args:
        operations: the spec's operations.
        schemas: the spec's component schemas.
        served: ``(METHOD, path)`` of the hand-written routes (paths as the routes write
            them, parameter names free).
    """
    operations = list(operations)
    routes = {(m, tuple("{}" if is_param(s) else s for s in p.split("/") if s)) for m, p in served}
    paths = PathShapes(operations, schemas, {s for _, s in routes})
    hand_made = {o.namespace for o in operations if (o.method, o.skeleton) in routes}
    plans = {}
    for operation in operations:
        if (operation.method, operation.skeleton) in routes:
            continue
        skeleton = operation.skeleton
        base: dict[str, Any] = {
            "parents": _parents(paths, operation, len(skeleton) - 1),
            "organization_param": 0 if skeleton[:2] == ("organizations", "{}") else None,
        }
        if skeleton[-1] == "{}":
            plan = _item(paths, operation, base)
        elif paths.is_collection(skeleton) or paths.is_alias(skeleton):
            plan = _collection(paths, operation, base)
        else:
            plan = _singleton(paths, operation, base)
        if operation.namespace in hand_made and plan.kind not in _READS:
            reason = f"the {operation.namespace} namespace's behaviour is written by hand"
            plan = Plan(operation, Kind.UNSUPPORTED, reason=plan.reason or reason)
        plans[operation.id] = plan
    return plans
