"""The Quantum API's request bodies and query values, read into the domain's typed inputs.

Each check names the field it refuses. Checks that need the domain (does the backend
exist?) are asked of it in the order the fields are read, so a request is refused for the
first problem in that order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...domain import BadRequest, Unprocessable
from ...domain.clock import parse_utc
from ...domain.quantum import (
    DEFAULT_SESSION_TTL,
    MAX_SESSION_TTL,
    Backends,
    JobSubmission,
    QasmProgram,
    QasmPrograms,
    SessionRequest,
)

__all__ = ["accept_jobs", "instant", "job_submission", "session_request"]

QASM_FORMATS = ("openqasm.v2", "openqasm.v3")
SESSION_MODES = ("batch", "dedicated")


def _strings(value: Any) -> list[str]:
    """The strings of a list (anything else: none)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _backend_id(body: dict[str, Any], backends: Backends) -> str:
    backend_id = body.get("backend_id")
    if not isinstance(backend_id, str) or not backend_id:
        raise BadRequest("backend_id is required")
    backends.get(backend_id)  # an unknown backend is the first thing to report (404)
    return backend_id


def job_submission(body: dict[str, Any], backends: Backends) -> JobSubmission:
    """A ``create_job`` body.

    Raises:
        BadRequest: no ``backend_id``.
        NotFound: unknown backend.
        Unprocessable: shots not a positive integer, input not an object, a non-string
            ``session_id``, or a malformed ``qasm`` field.
    """
    backend_id = _backend_id(body, backends)
    shots = body.get("shots")
    if not isinstance(shots, int) or isinstance(shots, bool) or shots <= 0:
        raise Unprocessable(f"shots must be a positive integer, not {shots!r}")
    data = body.get("input")
    if not isinstance(data, dict):
        raise Unprocessable("input must be an object")
    session_id = body.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        raise Unprocessable("session_id must be a string")
    input_format = body.get("input_format")
    name, input_params = body.get("name"), body.get("input_params")
    return JobSubmission(
        backend_id=backend_id,
        shots=shots,
        input=data,
        input_format=str(input_format) if input_format else None,
        name=name if isinstance(name, str) else None,
        input_params=input_params if isinstance(input_params, dict) else None,
        tags=_strings(body.get("tags") or []),
        session_id=session_id,
        qasm=_qasm_programs(body.get("qasm")),
    )


def _qasm_programs(value: Any) -> QasmPrograms | None:
    """A job's optional ``qasm`` field: ``{"format", "programs": [{"qasm", "name"?}]}``.

    Raises:
        Unprocessable: any other shape, named.
    """
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("format") not in QASM_FORMATS:
        raise Unprocessable("qasm.format must be 'openqasm.v2' or 'openqasm.v3'")
    programs = value.get("programs")
    if not isinstance(programs, list) or not programs:
        raise Unprocessable("qasm.programs must be a non-empty list")
    for index, program in enumerate(programs):
        if not isinstance(program, dict) or not isinstance(program.get("qasm"), str):
            raise Unprocessable(f"qasm.programs[{index}].qasm must be an OpenQASM string")
        if program.get("name") is not None and not isinstance(program["name"], str):
            raise Unprocessable(f"qasm.programs[{index}].name must be a string")
    return QasmPrograms(
        value["format"], tuple(QasmProgram(p["qasm"], p.get("name")) for p in programs)
    )


def session_request(body: dict[str, Any], backends: Backends) -> SessionRequest:
    """A ``create_session`` body.

    Raises:
        BadRequest: no ``backend_id``.
        NotFound: unknown backend.
        Unprocessable: an unknown mode, or a TTL that is not an integer.
    """
    backend_id = _backend_id(body, backends)
    mode = body.get("mode")
    if mode not in SESSION_MODES:
        raise Unprocessable(f"mode must be 'batch' or 'dedicated', not {mode!r}")
    ttl = body.get("ttl")
    if ttl is None:
        ttl = DEFAULT_SESSION_TTL
    if not isinstance(ttl, int) or isinstance(ttl, bool):
        raise Unprocessable(f"ttl must be between 1 and {MAX_SESSION_TTL} seconds, not {ttl!r}")
    provider, metadata, sdk_provider = (
        body.get("provider"),
        body.get("metadata"),
        body.get("sdk_provider"),
    )
    return SessionRequest(
        backend_id=backend_id,
        mode=str(mode),
        ttl=ttl,
        provider=None if provider is None else str(provider),
        tags=_strings(body.get("tags") or []),
        metadata=metadata if isinstance(metadata, dict) else None,
        sdk_provider=sdk_provider if isinstance(sdk_provider, str) else None,
    )


def accept_jobs(body: dict[str, Any]) -> bool:
    """An ``update_session_state`` body's ``accept_jobs``.

    Raises:
        Unprocessable: not a boolean.
    """
    value = body.get("accept_jobs")
    if not isinstance(value, bool):
        raise Unprocessable(f"accept_jobs must be true or false, not {value!r}")
    return value


def instant(value: str | None, name: str) -> datetime | None:
    """An ISO-8601 instant from a query parameter (naive ones are UTC).

    Raises:
        BadRequest: not an ISO-8601 date-time; the message names the parameter.
    """
    if value is None:
        return None
    try:
        return parse_utc(value.strip())
    except ValueError:
        raise BadRequest(f"{name} must be an ISO-8601 date-time, not {value!r}") from None
