"""Per-call options and the "not given" sentinel shared by every client method."""

from __future__ import annotations

from typing import Any, Final, Literal, TypedDict

__all__ = ["NOT_GIVEN", "NotGiven", "RequestOptions"]


class NotGiven:
    """Marks an argument the caller did not pass, so that ``None`` can mean "send null"."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class RequestOptions(TypedDict, total=False):
    """Options for one call; each overrides the client's setting of the same name.

    Keys:
        timeout: the total seconds this call may take: every attempt, retry wait and the
            response body (for a download, getting the response; each read of its body is
            bounded by it too). ``timeout_in_seconds`` is accepted as an old alias.
        max_retries: retries for this call.
        additional_headers: headers added last (they can override the client's).
        additional_query_parameters: query parameters added last.
        additional_body_parameters: keys merged into a JSON object body.
        chunk_size: bytes per chunk for streamed downloads.
        idempotency_key: sent as ``Idempotency-Key`` on every attempt; with it, a POST may be
            retried like an idempotent request.
        long_poll: whole seconds the server may hold a read until the resource changes,
            sent as ``Prefer: wait=N`` (RFC 7240); the call's timeouts grow by as much. A
            server that holds says so in ``Preference-Applied``; one that doesn't answers at
            once (the waiters use it, and fall back to sleeping between polls).
    """

    timeout: float
    timeout_in_seconds: float
    max_retries: int
    additional_headers: dict[str, Any]
    additional_query_parameters: dict[str, Any]
    additional_body_parameters: dict[str, Any]
    chunk_size: int
    idempotency_key: str
    long_poll: int
    stream_reconnection_enabled: bool
    max_stream_reconnection_attempts: int
