"""Building each attempt's request: URL, headers, credentials, query, body and timeouts.

A fixed credential (an API key) is precomputed as a header once per client; any other
``httpx.Auth`` runs its flow on every attempt. Each attempt gets fresh per-operation
timeouts bounded by what is left of the call's deadline (:mod:`.deadline`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import httpx

from .auth import StaticHeaderAuth
from .calls import ApiRequest, ClientSettings
from .deadline import Deadline, OperationTimeouts
from .encoding import encode_json, encode_query, join_url
from .options import NOT_GIVEN, RequestOptions

__all__ = ["Budget", "RequestBuilding", "wait_preference"]


def wait_preference(seconds: int) -> str:
    """RFC 7240's wait preference, as the ``long_poll`` request option sends it."""
    return f"wait={max(1, int(seconds))}"


class Budget(NamedTuple):
    """The timeouts of one call: httpx's per-operation ceilings and the total deadline."""

    ceilings: Mapping[str, float | None]
    deadline: Deadline | None


class RequestBuilding:
    """The pipeline's part that builds requests (a base of :class:`.PipelineBase`)."""

    settings: ClientSettings
    _auth: httpx.Auth | None
    _base_headers: httpx.Headers
    _default_timeout: dict[str, Any]

    def _prepare_transport(self, http: httpx.Client | httpx.AsyncClient) -> None:
        """Precompute what every request shares: headers, timeout, and a static credential."""
        static = (
            self.settings.auth.static_headers()
            if isinstance(self.settings.auth, StaticHeaderAuth)
            else None
        )
        # A fixed credential is just a header: no per-request auth flow needed.
        self._auth = None if static is not None else self.settings.auth
        headers = httpx.Headers(http.headers)
        headers.update(self.settings.headers)
        headers.update(static or {})
        self._base_headers = headers
        self._default_timeout = (
            http.timeout if self.settings.timeout is None else httpx.Timeout(self.settings.timeout)
        ).as_dict()

    def _budget(self, options: RequestOptions) -> Budget:
        """The call's timeouts: ``request_options`` timeout, else the client's; a long poll
        adds the time the server may hold the response to the read timeout and the deadline."""
        seconds = options.get("timeout", options.get("timeout_in_seconds")) if options else None
        if seconds is not None:
            budget = Budget(httpx.Timeout(seconds).as_dict(), Deadline(float(seconds)))
        elif self.settings.timeout is not None:
            budget = Budget(self._default_timeout, Deadline(self.settings.timeout))
        else:
            budget = Budget(self._default_timeout, None)
        hold = options.get("long_poll") if options else None
        if not hold:
            return budget
        read = budget.ceilings.get("read")
        ceilings = {**budget.ceilings, "read": None if read is None else read + hold}
        deadline = None if budget.deadline is None else Deadline(budget.deadline.seconds + hold)
        return Budget(ceilings, deadline)

    def _build(
        self, call: ApiRequest[Any], options: RequestOptions, budget: Budget
    ) -> httpx.Request:
        headers = self._base_headers
        content: bytes | None = None
        if call.body is not NOT_GIVEN or options:
            headers = httpx.Headers(headers)
        if call.body is not NOT_GIVEN:
            body = call.body
            extra_body = options.get("additional_body_parameters")
            if extra_body and isinstance(body, Mapping):
                body = {**body, **extra_body}
            content = encode_json(body)
            headers["Content-Type"] = "application/json"
        params: list[tuple[str, Any]] = encode_query(call.query) if call.query else []
        if options:
            key = options.get("idempotency_key")
            if key:
                headers["Idempotency-Key"] = key
            hold = options.get("long_poll")
            if hold:
                headers["Prefer"] = wait_preference(hold)
            extra_headers = options.get("additional_headers")
            if extra_headers:
                headers.update({k: str(v) for k, v in extra_headers.items() if v is not None})
            extra_query = options.get("additional_query_parameters")
            if extra_query:
                params.extend(encode_query(extra_query))
        timeout: Mapping[str, float | None] = budget.ceilings
        if budget.deadline is not None:
            # A fresh one per attempt: a download releases its own when the call returns.
            timeout = OperationTimeouts(budget.ceilings, budget.deadline)
        return httpx.Request(
            call.method,
            join_url(self.settings.base_url, call.path),
            params=params or None,
            content=content,
            files=dict(call.files) if call.files else None,
            headers=headers,
            extensions={"timeout": timeout},
        )
