"""Spec-driven persisted resources for the Platform namespaces without hand-written behaviour.

Each operation's :class:`~.plan.Plan` says what it does; :class:`GenericResources` carries it
out on the ``generic_resources`` table, for the organization the request acts for (paths
under ``/organizations/{id}`` act for that organization, if the caller is a member). Another
organization's resources answer 404; writes need a maintainer (``/my/...`` ones any user);
each write is one transaction, and a refused one writes nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..clock import utc_now
from ..errors import BadRequest, Forbidden, NotFound, Unprocessable
from ..identity import Caller, Role, require_role
from ..listing import PageRequest, page_of
from .plan import Kind, Plan, Target
from .records import (
    FILE_KEY,
    Answer,
    Blob,
    Count,
    Defaults,
    Document,
    Fields,
    GenericRequest,
    Many,
    Nothing,
    One,
)
from .schemas import Schemas
from .spec import Schema, load_spec
from .store import Documents, GenericStore

__all__ = ["GenericResources"]

#: The key of a singleton (the document stored at its path).
SINGLETON = ""

#: Query parameters that steer a listing rather than describe a resource.
_LISTING = frozenset({"page", "size", "sort", "q"})

RoleOf = Callable[[Caller, str], Role | None]


class GenericResources:
    """Stored resources driven by the spec.

    Args:
        store: the ``generic_resources`` table.
        role_in: the caller's role in a named organization (NotFound when it is no member).
        schemas: the spec's component schemas (request checks, page detection); the
            Platform spec's unless given.
    """

    def __init__(
        self, store: GenericStore, role_in: RoleOf, schemas: Schemas | None = None
    ) -> None:
        self._store = store
        self._role_in = role_in
        self._schemas = schemas or Schemas(load_spec()["components"]["schemas"])

    # -- the one entry point -----------------------------------------------------------------

    def perform(self, plan: Plan, caller: Caller, request: GenericRequest) -> Answer:
        """Carry out an operation for a caller.

        Raises:
            NotEmulated: the operation has no local meaning (501).
            Unprocessable: the body or a query parameter does not fit the spec, named.
            NotFound: the resource, or one above it, does not exist for this organization.
            Forbidden: the caller may not write.
            BadRequest: bad paging or sorting.
        """
        if plan.kind is Kind.UNSUPPORTED:
            raise plan.refusal()
        scope = self._scope(plan, caller, request)
        fields = self._fields(plan, request)
        if not plan.writes:
            with self._store.reading() as docs:
                self._check_parents(docs, scope, plan, request)
                if plan.kind is Kind.ECHO:  # a computation: answered, nothing stored
                    return Fields({**fields, **plan.answer, "id": str(uuid.uuid4())})
                return self._read(docs, scope, plan, request)
        with self._store.writing() as docs:
            self._check_parents(docs, scope, plan, request)
            return self._write(docs, scope, plan, request, fields)

    def add(self, organization_id: str, collection: str, body: Mapping[str, Any]) -> Document:
        """Store a new resource the Hub itself makes (a notification), in one transaction."""
        with self._store.writing() as docs:
            return docs.put(organization_id, collection, str(uuid.uuid4()), body, utc_now())

    # -- who and what --------------------------------------------------------------------------

    def _scope(self, plan: Plan, caller: Caller, request: GenericRequest) -> str:
        organization, role = caller.organization_id, caller.role
        if plan.organization_param is not None:
            organization = request.path[plan.organization_param]
            role = self._role_in(caller, organization)
        if plan.writes:
            if plan.personal:
                if caller.user_id is None:
                    raise Forbidden(
                        "a service execution's token can't change a user's own settings"
                    )
            else:
                action = f"change {plan.operation.namespace.replace('_', ' ')}"
                require_role(Caller(organization, caller.user_id, role), "MAINTAINER", action)
        return organization

    def _fields(self, plan: Plan, request: GenericRequest) -> dict[str, Any]:
        """The request's properties: its JSON body, or its query parameters (typed) for an
        operation that has none; an upload's file under :data:`FILE_KEY`."""
        operation = plan.operation
        query = {
            name: _typed(name, values, operation.query[name], self._schemas)
            for name, values in request.query.items()
            if name in operation.query
        }
        if operation.body is not None and operation.body.file_field is None:
            body = {k: v for k, v in (request.body or {}).items() if k != FILE_KEY}
            problems = self._schemas.problems(body, operation.body.schema)
            if problems:
                raise Unprocessable(f"invalid request: {'; '.join(problems)}")
            return body
        fields = {k: v for k, v in query.items() if k not in _LISTING and v is not None}
        if request.file is not None:
            encoded = base64.b64encode(request.file.data).decode("ascii")
            fields[FILE_KEY] = {"contentType": request.file.content_type, "data": encoded}
        return fields

    def _check_parents(
        self, docs: Documents, scope: str, plan: Plan, request: GenericRequest
    ) -> None:
        for parent in plan.parents:
            collection = parent.collection.key(request.path)
            assert parent.item is not None
            if docs.get(scope, collection, request.path[parent.item]) is None:
                raise NotFound(f"no {_noun(collection)} {request.path[parent.item]!r}")

    # -- reads ---------------------------------------------------------------------------------

    def _read(self, docs: Documents, scope: str, plan: Plan, request: GenericRequest) -> Answer:
        if plan.kind is Kind.VIEW:
            return self._empty(scope, plan, request)
        if plan.kind is Kind.LIST:
            return self._list(docs, scope, plan, request)
        assert plan.target is not None
        collection = plan.target.collection.key(request.path)
        if plan.kind is Kind.COUNT:
            unset = [
                d for d in docs.all(scope, collection) if d.body.get(str(plan.field)) is not True
            ]
            return Count(len(unset))
        document = self._resolve(docs, scope, plan, self._target(docs, scope, plan.target, request))
        if plan.kind is Kind.EXISTS:
            return Nothing()
        if plan.operation.response == "bytes":
            return _blob(document)
        return One(document)

    def _list(self, docs: Documents, scope: str, plan: Plan, request: GenericRequest) -> Answer:
        assert plan.target is not None
        found = docs.all(scope, plan.target.collection.key(request.path))
        if plan.link_target is not None:
            linked = (self._linked(docs, scope, plan, d) for d in found)
            found = [d for d in linked if d is not None]
        text = _one(request.query, "q")
        if text:
            found = [d for d in found if _mentions(d, text.casefold())]
        found = _sorted(found, request.query.get("sort", ()))
        schema = plan.operation.response_schema or {}
        if self._schemas.page_item(self._schemas.non_null(schema)) is None:
            return Many(found)
        return Many(found, page_of(found, _paging(request)))

    def _empty(self, scope: str, plan: Plan, request: GenericRequest) -> Answer:
        """A view: an empty page or list, or the schema's defaults."""
        schema = self._schemas.non_null(plan.operation.response_schema or {})
        if self._schemas.page_item(schema) is not None:
            return Many([], page_of([], _paging(request)))
        return Many([]) if schema.get("type") == "array" else Defaults(scope)

    def _target(
        self, docs: Documents, scope: str, target: Target, request: GenericRequest
    ) -> Document:
        collection = target.collection.key(request.path)
        item = SINGLETON if target.item is None else request.path[target.item]
        document = docs.get(scope, collection, item)
        if document is None:
            raise NotFound(f"no {_noun(collection)}" + (f" {item!r}" if item else ""))
        return document

    def _resolve(self, docs: Documents, scope: str, plan: Plan, document: Document) -> Document:
        linked = self._linked(docs, scope, plan, document)
        if linked is None:
            raise NotFound(f"no {_noun(document.collection)} {document.id!r}")
        return linked

    def _linked(self, docs: Documents, scope: str, plan: Plan, link: Document) -> Document | None:
        """What a link names: the resource of the linked collection (None once deleted)."""
        if plan.link_target is None:
            return link
        found = docs.get(scope, plan.link_target.key(()), link.id)
        return (
            None
            if found is None
            else dataclasses.replace(link, body=found.body, updated_at=found.updated_at)
        )

    # -- writes --------------------------------------------------------------------------------

    def _write(
        self,
        docs: Documents,
        scope: str,
        plan: Plan,
        request: GenericRequest,
        fields: dict[str, Any],
    ) -> Answer:
        now = utc_now()
        if plan.kind is Kind.ACCEPT:
            if plan.target is not None:
                self._target(docs, scope, plan.target, request)
            return Nothing()
        assert plan.target is not None
        collection = plan.target.collection.key(request.path)
        if plan.kind is Kind.CREATE:
            item = _natural_id(plan.natural_keys, fields) or str(uuid.uuid4())
            existing = docs.get(scope, collection, item)
            body = {**(existing.body if existing else {}), **fields}
            return One(docs.put(scope, collection, item, body, now))
        if plan.kind is Kind.FLAG_ALL:
            for document in docs.all(scope, collection):
                docs.put(
                    scope, collection, document.id, {**document.body, str(plan.field): True}, now
                )
            return Nothing()
        item = SINGLETON if plan.target.item is None else request.path[plan.target.item]
        existing = docs.get(scope, collection, item)
        if plan.kind in (Kind.UPSERT, Kind.LINK, Kind.WRITE):
            linked = plan.link_target.key(()) if plan.link_target else None
            if linked is not None and docs.get(scope, linked, item) is None:
                raise NotFound(f"no {_noun(linked)} {item!r}")
            kept = existing.body if existing and plan.kind is not Kind.WRITE else {}
            stored = docs.put(scope, collection, item, {**kept, **fields}, now)
            return One(self._resolve(docs, scope, plan, stored))
        if existing is None:
            raise NotFound(f"no {_noun(collection)}" + (f" {item!r}" if item else ""))
        if plan.kind in (Kind.DELETE, Kind.ERASE):
            docs.delete(scope, collection, item)
            return Nothing()
        return One(docs.put(scope, collection, item, _changed(plan, existing, fields), now))


def _changed(plan: Plan, existing: Document, fields: dict[str, Any]) -> dict[str, Any]:
    """The body after an UPDATE, SET, FLAG or REFRESH."""
    body = dict(existing.body)
    if plan.kind is Kind.FLAG:
        body[str(plan.field)] = True
    elif plan.kind is Kind.SET and plan.field is not None:
        values = list(fields.values())
        body[plan.field] = fields if plan.whole or len(values) != 1 else values[0]
    elif plan.kind in (Kind.UPDATE, Kind.SET):
        body.update(fields)
    return body


def _natural_id(keys: Sequence[str], fields: Mapping[str, Any]) -> str | None:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value and "/" not in value:
            return value
    return None


def _blob(document: Document) -> Blob:
    """A document's file, or its JSON body when it was written as JSON."""
    stored = document.body.get(FILE_KEY)
    if isinstance(stored, dict):
        return Blob(str(stored["contentType"]), base64.b64decode(stored["data"]))
    return Blob("application/json", json.dumps(dict(document.body)).encode())


def _noun(collection: str) -> str:
    """``algorithms/<id>/sketches`` → ``sketches`` (for error messages)."""
    return collection.rsplit("/", 1)[-1] or "resource"


def _one(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _paging(request: GenericRequest) -> PageRequest:
    return PageRequest(
        _integer("page", _one(request.query, "page"), 0),
        _integer("size", _one(request.query, "size"), 20),
    )


def _integer(name: str, text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise Unprocessable(f"invalid request: {name}: must be an integer, not {text!r}") from None


def _typed(name: str, values: Sequence[str], schema: Schema, schemas: Schemas) -> Any:
    """A query parameter's text as the value its schema types (422 naming it otherwise)."""
    declared = schemas.non_null(schema)
    kind = declared.get("type")
    if kind == "array":
        return [_typed(name, [v], declared.get("items", {}), schemas) for v in values]
    text = values[-1]
    if kind == "integer":
        return _integer(name, text, 0)
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise Unprocessable(f"invalid request: {name}: must be a number") from None
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise Unprocessable(f"invalid request: {name}: must be true or false")
        return text.lower() == "true"
    if declared.get("enum") and text not in declared["enum"]:
        allowed = ", ".join(str(v) for v in declared["enum"])
        raise Unprocessable(f"invalid request: {name}: must be one of {allowed}, not {text!r}")
    return text


def _mentions(document: Document, text: str) -> bool:
    return any(isinstance(v, str) and text in v.casefold() for v in document.body.values())


def _sorted(documents: list[Document], sort: Sequence[str]) -> list[Document]:
    """Spring-style ``property,asc|desc`` (repeatable, the first leading); without a value
    last either way."""
    ordered = list(documents)
    for spec in reversed([s for s in sort if s]):
        name, _, direction = spec.partition(",")
        direction = direction.strip().lower() or "asc"
        if direction not in ("asc", "desc"):
            raise BadRequest(f"sort direction must be asc or desc, not {direction!r}")
        key = name.strip()

        def value(document: Document, key: str = key) -> Any:
            if key == "id":
                return document.id
            if key in ("createdAt", "updatedAt"):
                return document.created_at if key == "createdAt" else document.updated_at
            return document.body.get(key)

        present = [d for d in ordered if value(d) is not None]
        absent = [d for d in ordered if value(d) is None]
        present.sort(key=lambda d: _sort_key(value(d)), reverse=direction == "desc")
        ordered = present + absent
    return ordered


def _sort_key(value: Any) -> tuple[str, Any]:
    """Values of one type compare as themselves; others as their JSON text."""
    if isinstance(value, (str, int, float)) or hasattr(value, "isoformat"):
        return (type(value).__name__, value)
    return (type(value).__name__, json.dumps(value, sort_keys=True, default=str))
