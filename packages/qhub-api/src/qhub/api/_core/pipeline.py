"""The one request pipeline shared by all four API clients, sync and async.

A resource method describes its call as an :class:`ApiRequest` (method, encoded path, query,
body, the type to parse into) and hands it to :meth:`SyncPipeline.request` /
:meth:`AsyncPipeline.request`. Everything else happens here, once: URL building, headers,
credentials (an ``httpx.Auth`` per attempt), the call's deadline, retries, redirects, error
mapping and response parsing. The two pipelines share every decision through
:class:`.PipelineBase` and differ only where they send, sleep and enforce the deadline.

Deadline: the ``timeout`` (client setting, or ``request_options["timeout"]`` for one call)
is the total budget of a call, in seconds: every attempt, every retry wait and reading the
response body must fit in it (see :mod:`.deadline`). When it runs out the call raises
:class:`ApiTimeoutError` with ``deadline`` set. A retry whose wait (backoff or
``Retry-After``) would end past it is not made: the last response's error (or the last
connection error) is raised at once. The async pipeline cancels the attempt when the
deadline passes. The sync one cannot interrupt a blocked socket read, so it gives each
network operation no more than the time left and checks the deadline between body chunks:
a trickling body ends at the first chunk after the deadline. Its limits: httpcore fixes
the read timeout when it starts reading the headers or the body, so a silence within the
body is bounded by the time that was left when the body began, and headers trickled a byte
at a time are only cut once they are complete. For a download (:class:`ByteStream`) the deadline covers
getting the response (status and headers, or the whole error body); the body is then read
at the caller's pace, each read bounded by ``timeout`` but not the whole download. An
injected ``httpx_client`` without ``timeout`` keeps its own per-operation timeouts and the
call has no total deadline.

Retries follow :mod:`.retry`; a POST or PATCH without an idempotency key is never resent
after it may have been carried out (see :mod:`.attempts`). Redirects: GET and HEAD follow
any, other methods only a 307 or 308 to the same origin, and credentials never go to
another origin (see :mod:`.redirects`).

Every name is imported from here; the code lives in one module per concern:

* :mod:`.calls`: :class:`ApiRequest`, :class:`ClientSettings`, the defaults;
* :mod:`.request_building`: URL, headers, credentials, body and per-attempt timeouts;
* :mod:`.attempts`: retry or raise after a failed attempt, within the deadline;
* :mod:`.redirects`: which redirects are followed, credentials kept to their origin;
* :mod:`.responses`: parsing a 2xx body, mapping any other status to its error;
* :mod:`.pipeline_base`: :class:`.PipelineBase`, all of the above for both twins;
* :mod:`.sync_pipeline` and :mod:`.async_pipeline`: :class:`SyncPipeline` and
  :class:`AsyncPipeline`, which send, sleep and enforce the deadline, with the httpx client
  the caller gave or one of :mod:`.cookies` (its transport built on first use:
  :mod:`.transports`, reading wide: :mod:`.wide_reads`).
"""

from __future__ import annotations

from .async_pipeline import ASYNC_POOL_LIMITS as ASYNC_POOL_LIMITS
from .async_pipeline import MAX_CONCURRENT_SENDS as MAX_CONCURRENT_SENDS
from .async_pipeline import AsyncPipeline
from .attempts import DEADLINE_SLACK as DEADLINE_SLACK
from .calls import DEFAULT_MAX_RETRIES as DEFAULT_MAX_RETRIES
from .calls import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from .calls import ApiRequest, ClientSettings, user_agent
from .redirects import KEEPS_METHOD_REDIRECTS as KEEPS_METHOD_REDIRECTS
from .redirects import MAX_REDIRECTS as MAX_REDIRECTS
from .redirects import SAFE_METHODS as SAFE_METHODS
from .responses import MAX_ERROR_BODY_BYTES as MAX_ERROR_BODY_BYTES
from .sync_pipeline import SyncPipeline

__all__ = ["ApiRequest", "AsyncPipeline", "ClientSettings", "SyncPipeline", "user_agent"]
