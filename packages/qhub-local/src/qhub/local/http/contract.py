"""Response validation against our spec: the local Hub checks its own answers.

:func:`response_validation_middleware` matches every request to a spec operation (the API by
its mount prefix, then method and path template) and checks the response it gets back:

- the status must be declared in the operation's ``responses`` (exactly, as ``2XX``-style
  ranges, or ``default``); a 204 is also accepted where the 200 response is marked
  ``x-empty-is-none`` (the spec's way of saying "204, an empty body or null mean None");
- a JSON body must be valid for the declared schema (:mod:`.json_schema`: the subset of
  JSON Schema the specs use); a body that is not JSON must have a declared media type, and
  is not read (streams and files pass through unbuffered).

A status the spec leaves out but the Hub sends on purpose (a creation's 201, a 413 for an
oversized body) is listed in :data:`SPEC_GAPS` with its evidence: such a response is checked
against the declaration it stands in for and counted as tolerated, not as a violation. Each
entry is a defect of spec/, to be removed once the spec declares the status.

A violation replaces the response with a 500 whose JSON body names the operation, each JSON
pointer and its problem; it is logged (logger ``qhub.local.contract``) and kept in a
:class:`ContractRecorder`, with the operations checked and the requests no operation
matched (the Hub's own routes, such as the token endpoint), so a test session can fail on
any violation and report what was and wasn't covered.

Off by default: ``LocalHub(validate_responses=True)``, ``create_app(...,
validate_responses=True)`` or the environment variable ``QHUB_LOCAL_VALIDATE_RESPONSES=1``
switch it on (the test fixtures do).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ASGIApp, Message, Receive, Scope, Send
from .json_schema import Problem, SchemaChecker
from .openapi import APIS, MOUNTS, load_spec

__all__ = [
    "SPEC_GAPS",
    "VALIDATE_ENV",
    "ContractRecorder",
    "ContractViolation",
    "OperationMatcher",
    "SpecGap",
    "SpecOperation",
    "check_body",
    "check_status",
    "default_matcher",
    "recorder",
    "response_validation_middleware",
    "validation_requested",
]

#: Set to ``1`` (or ``true``/``yes``) to validate responses of every ``LocalHub`` that does
#: not say otherwise.
VALIDATE_ENV = "QHUB_LOCAL_VALIDATE_RESPONSES"

logger = logging.getLogger("qhub.local.contract")

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def validation_requested() -> bool:
    """Whether :data:`VALIDATE_ENV` asks for response validation."""
    return os.environ.get(VALIDATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


# -- what the spec leaves out ----------------------------------------------------------------


@dataclass(frozen=True)
class SpecGap:
    """A status the Hub sends on purpose that the spec does not declare for an operation.

    The response is checked as if it had ``checked_as`` (its body against that declaration)
    and counted in :attr:`ContractRecorder.tolerated`, not as a violation. Each gap is a
    defect reported against spec/, with its evidence, until the spec declares the status.
    """

    checked_as: str
    reason: str


#: Any operation may answer 501 with the problem body of a 500: the local Hub's way of saying
#: it does not emulate that operation (the real Hub never does; counted, not a violation).
NOT_EMULATED = SpecGap("500", "the local Hub does not emulate this operation")
#: Any operation may answer 503 with the problem body of a 500 when the Hub's store fails (a
#: full disk): the spec declares no 503 although any server can send one (counted, not a
#: violation).
STORE_UNAVAILABLE = SpecGap("500", "the local Hub's store is unavailable (a full disk)")

#: ``(api, operationId, status)`` → the gap. Keep it short: each entry is a spec defect.
SPEC_GAPS: Mapping[tuple[str, str, int], SpecGap] = {}


# -- operations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """What the spec declares for one status of one operation."""

    #: The response object (``$ref`` resolved); None for a 204 allowed by ``x-empty-is-none``.
    response: Mapping[str, Any] | None
    #: A missing, empty or ``null`` body is fine.
    empty_is_none: bool


@dataclass
class SpecOperation:
    """One operation of one API's spec, ready to match requests and check responses."""

    api: str
    method: str
    path: str
    spec: Mapping[str, Any]
    checker: SchemaChecker
    pattern: re.Pattern[str] = field(init=False)
    literal_length: int = field(init=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.path))
        if any(p.get("x-path-segments") for p in self.spec.get("parameters", [])):
            # A file path (the last placeholder) may span several segments.
            pattern = pattern[: pattern.rfind("[^/]+")] + ".+"
        self.pattern = re.compile(f"^{pattern}$", re.DOTALL)
        # The more literal characters a template has, the earlier it is tried, so that
        # /backends/least-busy wins over /backends/{id}.
        self.literal_length = len(re.sub(r"\{[^}]+\}", "", self.path))

    @property
    def name(self) -> str:
        """``<api> <operationId>``, as violations name it."""
        return f"{self.api} {self.spec.get('operationId', self.method + ' ' + self.path)}"

    @property
    def operation_id(self) -> str:
        """The spec's ``operationId``."""
        return str(self.spec.get("operationId", ""))

    def gap(self, status: int) -> SpecGap | None:
        """The known spec gap for ``status`` (:data:`SPEC_GAPS`), if the spec leaves it out."""
        if self.declared(status) is not None:
            return None
        if status == 501 and self.declared(500) is not None:
            return NOT_EMULATED
        if status == 503 and self.declared(500) is not None:
            return STORE_UNAVAILABLE
        return SPEC_GAPS.get((self.api, self.operation_id, status))

    def declared(self, status: int | str) -> Declared | None:
        """The declaration covering ``status``, or None when the spec doesn't declare it."""
        responses: Mapping[str, Any] = self.spec.get("responses", {})
        if isinstance(status, str):
            return self._declaration(responses[status]) if status in responses else None
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                return self._declaration(responses[key])
        ok = responses.get("200", {})
        if status == 204 and ok.get("x-empty-is-none"):
            return Declared(None, True)
        return None

    def _declaration(self, response: Mapping[str, Any]) -> Declared:
        if "$ref" in response:
            response = self.checker.resolve(response["$ref"])
        return Declared(response, bool(response.get("x-empty-is-none")))

    def declared_statuses(self) -> list[str]:
        """The statuses the operation declares, as written in the spec."""
        return list(self.spec.get("responses", {}))


class OperationMatcher:
    """Finds the spec operation of a request: the API by mount prefix, then method and path.

    Args:
        apis: which APIs to match (default all four).
    """

    def __init__(self, apis: Iterable[str] = APIS) -> None:
        self._by_api: dict[str, list[SpecOperation]] = {}
        for api in apis:
            document = load_spec(api)
            checker = SchemaChecker(document)
            operations = [
                SpecOperation(api, method.upper(), path, operation, checker)
                for path, item in document["paths"].items()
                for method, operation in item.items()
                if method in HTTP_METHODS
            ]
            operations.sort(key=lambda op: -op.literal_length)
            self._by_api[api] = operations

    def operations(self) -> list[SpecOperation]:
        """Every operation, API by API."""
        return [op for operations in self._by_api.values() for op in operations]

    def match(self, method: str, path: str) -> SpecOperation | None:
        """The operation for ``method`` on the Hub path ``path``, if the spec has one."""
        for api, operations in self._by_api.items():
            mounted = MOUNTS[api].pattern.match(path)
            if mounted is None:
                continue
            rest = mounted.group("rest") or "/"
            for operation in operations:
                if operation.method == method and operation.pattern.match(rest):
                    return operation
        return None


@functools.lru_cache(maxsize=1)
def default_matcher() -> OperationMatcher:
    """All four specs' operations, built once per process (their checks compile on first use)."""
    return OperationMatcher()


# -- recording -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractViolation:
    """A response that departs from the spec.

    Attributes:
        operation: ``<api> <operationId>``.
        method / path: the request.
        status: the status the Hub answered with.
        problems: ``(JSON pointer, problem)`` pairs; the pointer is empty for the status.
    """

    operation: str
    method: str
    path: str
    status: int
    problems: tuple[Problem, ...]

    def describe(self) -> str:
        """One line per problem, headed by the operation and the request."""
        lines = [f"{self.operation} ({self.method} {self.path} -> {self.status}):"]
        lines += [f"  {pointer or '(response)'}: {problem}" for pointer, problem in self.problems]
        return "\n".join(lines)


class ContractRecorder:
    """What response validation saw: operations checked, violations, unmatched routes.

    Thread-safe: Hubs started by tests each serve from their own thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.checked: Counter[str] = Counter()
        self.unmatched: Counter[str] = Counter()
        self.tolerated: Counter[str] = Counter()
        self.violations: list[ContractViolation] = []

    def record_checked(self, operation: str) -> None:
        """Count one response of ``operation`` checked."""
        with self._lock:
            self.checked[operation] += 1

    def record_unmatched(self, route: str) -> None:
        """Count one request no spec operation matched (``METHOD /route/template``)."""
        with self._lock:
            self.unmatched[route] += 1

    def record_tolerated(self, gap: str) -> None:
        """Count one response that fell into a known spec gap (``<operation> <status>: why``)."""
        with self._lock:
            self.tolerated[gap] += 1

    def record_violation(self, violation: ContractViolation) -> None:
        """Keep one violation."""
        with self._lock:
            self.violations.append(violation)

    def clear(self) -> None:
        """Forget everything recorded."""
        with self._lock:
            self.checked.clear()
            self.unmatched.clear()
            self.tolerated.clear()
            self.violations.clear()


#: The process-wide recorder the middleware uses unless given another.
recorder = ContractRecorder()


# -- the middleware ----------------------------------------------------------------------------


def _header(message: Message, name: bytes) -> str:
    for key, value in message.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _media_type_declared(media_type: str, declared: Iterable[str]) -> bool:
    for candidate in declared:
        kind, _, sub = candidate.lower().partition("/")
        if candidate.lower() == media_type or candidate == "*/*":
            return True
        # "Arbitrary bytes": a file served with its own binary type (an uploaded image/png)
        # is that; text and JSON are not.
        binary = not media_type.startswith("text/") and not _is_json(media_type)
        if candidate.lower() == "application/octet-stream" and binary:
            return True
        if sub == "*" and media_type.startswith(kind + "/"):
            return True
    return False


def check_status(
    operation: SpecOperation, status: int, media_type: str
) -> tuple[Declared | None, list[Problem]]:
    """The declaration for a response's status and media type, and what is wrong with them
    (a status in a known spec gap is checked as the gap says)."""
    declared = operation.declared(status)
    gap = operation.gap(status) if declared is None else None
    if gap is not None:
        declared = operation.declared(gap.checked_as)
    if declared is None:
        statuses = ", ".join(operation.declared_statuses())
        return None, [("", f"status {status} is not declared (the spec declares {statuses})")]
    content = (declared.response or {}).get("content")
    if not content or not media_type or _is_json(media_type):
        return declared, []
    if _media_type_declared(media_type, content):
        return declared, []
    return declared, [
        ("", f"content type {media_type!r} is not declared (the spec declares {list(content)})")
    ]


def check_body(operation: SpecOperation, declared: Declared, body: bytes) -> list[Problem]:
    """What is wrong with a JSON response body for its declaration."""
    response = declared.response or {}
    content = response.get("content")
    if response.get("x-response-headers") or not content:
        return []
    if not body.strip():
        if declared.empty_is_none:
            return []
        return [("", f"empty body (the spec declares {list(content)})")]
    try:
        document = json.loads(body)
    except ValueError as error:
        return [("", f"the body is not JSON: {error}")]
    if document is None and declared.empty_is_none:
        return []
    schema = next(
        (
            media["schema"]
            for name, media in content.items()
            if _is_json(name) and "schema" in media
        ),
        None,
    )
    if schema is None:
        return [("", f"a JSON body, but the spec declares {list(content)}")]
    return operation.checker.problems(schema, document)


def _violation_response(violation: ContractViolation, request_id: str) -> tuple[Message, Message]:
    body = json.dumps(
        {
            "status": 500,
            "error": "Internal Server Error",
            "message": "the response departs from the spec: " + violation.describe(),
            "requestId": request_id,
            "operation": violation.operation,
            "violations": [
                {"pointer": pointer, "problem": problem} for pointer, problem in violation.problems
            ],
        }
    ).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 500,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, {"type": "http.response.body", "body": body, "more_body": False}


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path", None)
    return f"{scope['method']} {template or '(no route) ' + scope['path']}"


def response_validation_middleware(
    app: ASGIApp,
    *,
    matcher: OperationMatcher | None = None,
    contract_recorder: ContractRecorder | None = None,
) -> ASGIApp:
    """Wrap ``app`` so that each response a spec operation matches is checked against it.

    Args:
        app: the ASGI app to check.
        matcher: the operations (default: :func:`default_matcher`).
        contract_recorder: where to record (default: the module's :data:`recorder`).

    Raises:
        SpecUnavailable: the specs cannot be found.
    """
    operations = matcher or default_matcher()
    record = contract_recorder or recorder

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        operation = operations.match(method, path)
        if operation is None:
            try:
                await app(scope, receive, send)
            finally:
                record.record_unmatched(_route_of(scope))
            return
        exchange = _CheckedExchange(operation, scope, send, record)
        try:
            await app(scope, receive, exchange.send)
        finally:
            await exchange.finish()

    return middleware


class _CheckedExchange:
    """One response on its way out: JSON bodies are held until complete and checked; others
    have their status and media type checked and pass through."""

    def __init__(
        self, operation: SpecOperation, scope: Scope, send: Send, record: ContractRecorder
    ) -> None:
        self.operation = operation
        self.scope = scope
        self.downstream = send
        self.record = record
        self.start: Message | None = None
        self.declared: Declared | None = None
        self.chunks: list[bytes] = []
        self.holding = False
        self.replaced = False
        self.done = False

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.start = message
            status = int(message["status"])
            media_type = _media_type(_header(message, b"content-type"))
            self.declared, problems = check_status(self.operation, status, media_type)
            gap = self.operation.gap(status)
            if gap is not None:
                self.record.record_tolerated(f"{self.operation.name} {status}")
            if problems:
                await self._replace(status, problems)
                return
            if _is_json(media_type) or not media_type:
                self.holding = True  # sent once the body is complete and checked
                return
            self.record.record_checked(self.operation.name)
            await self.downstream(message)
            return
        if self.replaced:
            return  # the original body of a replaced response
        if kind == "http.response.body" and self.holding:
            self.chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                await self._release()
            return
        await self.downstream(message)

    async def finish(self) -> None:
        """Release a held response the app left unfinished (it raised after starting)."""
        if self.holding and not self.done and self.start is not None:
            await self._release()

    async def _release(self) -> None:
        self.done = True
        assert self.start is not None
        assert self.declared is not None
        body = b"".join(self.chunks)
        problems = check_body(self.operation, self.declared, body)
        if problems:
            await self._replace(int(self.start["status"]), problems)
            return
        self.record.record_checked(self.operation.name)
        await self.downstream(self.start)
        await self.downstream({"type": "http.response.body", "body": body, "more_body": False})

    async def _replace(self, status: int, problems: list[Problem]) -> None:
        self.replaced = True
        self.done = True
        violation = ContractViolation(
            self.operation.name, self.scope["method"], self.scope["path"], status, tuple(problems)
        )
        self.record.record_checked(self.operation.name)
        self.record.record_violation(violation)
        logger.error("response contract violation: %s", violation.describe())
        start, body = _violation_response(violation, str(self.scope.get("qhub.request_id", "")))
        await self.downstream(start)
        await self.downstream(body)
