"""The reads every waiter polls, and job submissions, answered without FastAPI's routing.

A service execution's status (``GET /gateway/<context>/<service>/<version>/<id>``) and a
quantum job and its result (``GET /quantum/jobs/<id>``, ``…/result``) are what
``wait_for_final_state`` and ``jobs.wait`` poll, often from many threads at once. Through
the routes, FastAPI's route matching (past a few hundred Platform routes) and dependency
solving cost about half of the Hub's CPU time for them; here the request is read straight
from the ASGI scope and answered by the same domain calls and the same JSON as the routes
(:func:`.gateway.get_status`, :func:`.quantum.jobs.get_job`, ``get_job_result``).

Only a found resource is answered here, byte for byte as its route would answer it. Anything
else (another method or path, any refusal: a bad token, an unknown id, a result not ready; or
a failing store) goes on to the routes, which answer it as ever (the store's failure as their
503); the domain calls made here only read, so making them again there changes nothing.

A job submission (``POST /quantum/jobs``) is answered here in full, by the route's own code
(:func:`.quantum.jobs.job_created`) and error bodies (:func:`.errors.failure_response`): only
FastAPI's matching and dependency solving (the caller's organization, from the same domain
calls) are skipped, about a millisecond of the Hub's CPU per job.

**Held polls** (our extension, in the spec): a read of a job or of an execution's status
sent with ``Prefer: wait=N`` (RFC 7240) is held until it changes or reaches a final state, or
N seconds pass (at most :data:`MAX_HOLD_SECONDS`), and answered with
``Preference-Applied: wait=N``. The SDK's waiters send it, so an end reaches them within a
round trip and neither side spends CPU polling meanwhile; a Hub that ignores the preference
(the Kipu Hub) answers at once, and the waiter sleeps between polls instead. A job's reads
are not held while a test lifecycle counts them.

**Results with final jobs** (our extension, in the spec): a read of a job sent with the
``include-result`` preference (``Prefer: wait=20, include-result``) that finds the job final
with a result carries that result too, as ``GET …/result`` would answer it, in a ``result``
member (up to :data:`MAX_INCLUDED_RESULT_BYTES` of JSON; a larger one is left for its own
read), and ``Preference-Applied`` lists ``include-result``. ``jobs.wait`` asks for it, so the
``get_job_result`` that usually follows needs no round trip of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from ..domain import DomainError, Hub, StoreUnavailable
from ..domain.executions import FINAL_STATUSES
from ..domain.quantum import FINAL_JOB_STATUSES
from .errors import ASGIApp, Receive, Scope, Send, failure_response
from .gateway import execution_json
from .quantum.jobs import job_created
from .quantum.shapes import job_json

__all__ = ["MAX_HOLD_SECONDS", "MAX_INCLUDED_RESULT_BYTES", "fast_reads", "held_seconds"]

#: The longest a read is held, whatever its ``Prefer: wait`` asks.
MAX_HOLD_SECONDS = 60
#: The largest result (its JSON) a job's answer carries when asked to include it.
MAX_INCLUDED_RESULT_BYTES = 64 * 1024
#: The preference asking a job's answer to carry its result once final.
INCLUDE_RESULT = "include-result"
#: The job submissions' path.
JOBS = "/quantum/jobs"

log = logging.getLogger("qhub.local.http")

#: Reads a request's header (the first one of that name, as the routes read it).
HeaderOf = Callable[[bytes], "str | None"]


@dataclass(frozen=True)
class _FastRead:
    """A GET whose path matches ``path`` (its groups: the route's path parameters), and how
    to answer it: the route's JSON content, or None to leave the request to the routes.

    A read that can be held names the resource it watches (``watches``: its kind, and which
    path parameter is its id) and when its content is final (``settled``). A read whose
    answer may carry a result (``carries_result``) puts it in its content's ``result`` when
    the request prefers ``include-result``; it is sent if small enough.
    """

    path: re.Pattern[str]
    answer: Callable[[Hub, tuple[str, ...], HeaderOf], Any]
    watches: tuple[str, int] | None = None
    settled: Callable[[Any], bool] = lambda content: True
    may_hold: Callable[[Hub], bool] = lambda hub: True
    carries_result: bool = False


def _execution_status(hub: Hub, params: tuple[str, ...], header: HeaderOf) -> Any:
    context, name, version, execution_id = params
    service = hub.catalog.get(context, name, version)
    authorization = header(b"authorization")
    bearer = authorization is not None and authorization[:7].lower() == "bearer "
    token = authorization[7:] if authorization and bearer else None
    application_id = hub.applications.application_for_bearer(token)
    return execution_json(hub.executions.get(service, application_id, execution_id), service)


def _organization(hub: Hub, header: HeaderOf) -> str:
    return hub.organizations.for_api_key(header(b"x-auth-token"), header(b"x-organizationid"))


def _job(hub: Hub, params: tuple[str, ...], header: HeaderOf) -> Any:
    organization_id = _organization(hub, header)
    if not _prefers(header(b"prefer"), INCLUDE_RESULT):
        return job_json(hub.quantum.jobs.get(organization_id, params[0]))
    job = hub.quantum.jobs.get(organization_id, params[0], payload="result")
    content = job_json(job)
    if job.is_final and job.result is not None:  # as GET …/result answers it
        content["result"] = job.result
    return content


def _job_result(hub: Hub, params: tuple[str, ...], header: HeaderOf) -> Any:
    return hub.quantum.jobs.result(_organization(hub, header), params[0])


_READS = (
    _FastRead(
        re.compile(r"/gateway/([^/]+)/([^/]+)/([^/]+)/([^/]+)"),
        _execution_status,
        watches=("execution", 3),
        settled=lambda execution: execution.get("status") in FINAL_STATUSES,
    ),
    _FastRead(
        re.compile(r"/quantum/jobs/([^/]+)"),
        _job,
        watches=("job", 0),
        settled=lambda job: job.get("status") in FINAL_JOB_STATUSES,
        may_hold=lambda hub: hub.quantum.jobs.reads_may_be_held,
        carries_result=True,
    ),
    _FastRead(re.compile(r"/quantum/jobs/([^/]+)/result"), _job_result),
)


def fast_reads(app: ASGIApp, hub: Hub) -> ASGIApp:
    """Wrap ``app`` (the Hub's FastAPI app) so that the reads above are answered without
    going through its routes when they find what they read (held when asked and allowed)."""

    async def fast(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == JOBS:
            scope.setdefault("app", app)  # where the body reader finds the body size limit
            await _create_job(hub, scope, receive, send)
            return
        found = _find(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if found is None:
            await app(scope, receive, send)
            return
        read, params = found
        header = _header_reader(scope)
        prefer = header(b"prefer")
        hold = held_seconds(prefer) if read.watches is not None else None
        if hold and read.may_hold(hub):
            content = await _held_answer(hub, read, params, header, hold)
        else:
            hold, content = None, _answer(hub, read, params, header)
        if content is None:
            await app(scope, receive, send)
            return
        result = content.pop("result", None) if read.carries_result else None
        body = _encoded(content)
        applied = [f"wait={hold}"] if hold else []
        if result is not None:
            carried = _encoded(result)
            if len(carried) <= MAX_INCLUDED_RESULT_BYTES:  # spliced in after the job's members
                body = body[:-1] + b',"result":' + carried + b"}"
                applied.append(INCLUDE_RESULT)
        headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
        ]
        if applied:
            headers.append((b"preference-applied", ", ".join(applied).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return fast


async def _create_job(hub: Hub, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a job submission as its route would."""
    request = Request(scope, receive)
    header = _header_reader(scope)
    try:
        organization_id = _organization(hub, header)
        service_execution_id = hub.organizations.service_execution_of(header(b"x-auth-token"))
        response = await job_created(request, hub, organization_id, service_execution_id)
    except Exception as error:
        if not isinstance(error, (DomainError, StoreUnavailable)):
            log.exception("%s %s failed", scope["method"], scope["path"])
        response = failure_response(request, error)
    await response(scope, receive, send)


def _encoded(content: Any) -> bytes:
    """JSON as Starlette's JSONResponse encodes it."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def _preferences(prefer: str | None) -> dict[str, str]:
    """A ``Prefer`` header's preferences: name (lower case) → value (empty without one), the
    first of each name counting; their parameters are left out."""
    found: dict[str, str] = {}
    for preference in (prefer or "").split(","):
        name, _, value = preference.partition("=")
        name = name.split(";", 1)[0].strip().lower()
        if name:
            found.setdefault(name, value.split(";", 1)[0].strip().strip('"'))
    return found


def _prefers(prefer: str | None, name: str) -> bool:
    """Whether a ``Prefer`` header states the preference ``name`` (any value)."""
    return name in _preferences(prefer)


def held_seconds(prefer: str | None) -> int | None:
    """The seconds a ``Prefer`` header's ``wait`` preference asks a read to be held (at most
    :data:`MAX_HOLD_SECONDS`), or None: no such preference, or not a whole number (an
    unknown or malformed preference is ignored, as RFC 7240 requires)."""
    seconds = _preferences(prefer).get("wait")
    if seconds is None or not (seconds.isascii() and seconds.isdigit() and len(seconds) <= 6):
        return None
    return min(int(seconds), MAX_HOLD_SECONDS) or None


def _find(scope: Scope) -> tuple[_FastRead, tuple[str, ...]] | None:
    path: str = scope["path"]
    for read in _READS:
        match = read.path.fullmatch(path)
        if match is not None:
            return read, match.groups()
    return None


def _header_reader(scope: Scope) -> HeaderOf:
    def header(name: bytes) -> str | None:
        for key, value in scope["headers"]:
            if key == name:
                found: str = value.decode("latin-1")
                return found
        return None

    return header


def _answer(hub: Hub, read: _FastRead, params: tuple[str, ...], header: HeaderOf) -> Any:
    """The read's content if it finds what it reads, else None (the routes answer)."""
    try:
        return read.answer(hub, params, header)
    except Exception:  # a refusal or a failing store: the routes answer it (JSON, 4xx/503)
        return None


async def _held_answer(
    hub: Hub, read: _FastRead, params: tuple[str, ...], header: HeaderOf, hold: int
) -> Any:
    """The read's content once it differs from what it is now or is final, or after ``hold``
    seconds; None as for :func:`_answer` (a refusal is never held)."""
    assert read.watches is not None
    kind, position = read.watches
    loop = asyncio.get_running_loop()
    changed = asyncio.Event()
    # Watch before reading, so a change stored in between is heard.

    def heard() -> None:  # on the thread that stored the change
        with contextlib.suppress(RuntimeError):  # the server's loop has closed meanwhile
            loop.call_soon_threadsafe(changed.set)

    unwatch = hub.changes.watch(kind, params[position], heard)
    try:
        first = content = _answer(hub, read, params, header)
        deadline = loop.time() + hold
        while (
            content is not None
            and content == first
            and not read.settled(content)
            and not hub.changes.closed
        ):
            try:
                await asyncio.wait_for(changed.wait(), deadline - loop.time())
            except asyncio.TimeoutError:
                break
            changed.clear()
            content = _answer(hub, read, params, header)
        return content
    finally:
        unwatch()
