"""The gateway's reserved request keys (seed 001), and the arguments a service gets.

* ``input`` is the service's payload. Its keys are ``run()``'s arguments, beside the other
  top-level keys (``input``'s value wins where both have a key, with a WARNING in the log),
  unless ``run()`` has a parameter called ``input``: then it gets the payload as it is, as
  on the vendor's runtime. When the Hub can't tell from the source (:mod:`.entrypoint`), it
  passes both: ``input``'s keys and ``input`` itself.
* ``inputDataRefs`` lists data pools to mount, each an object
  ``{"name": <parameter>, "id": <pool id>, "ref": "DATAPOOL", "grant": <grant token>}``
  (``ref`` may be left out). The pool appears at ``datapool/<name>`` and binds to the
  ``DataPool`` parameter ``<name>``. ``inputDataRefs`` reaches ``run()`` itself only when it
  has a parameter of that name.
* Every other key is forwarded verbatim. A value that is a data pool reference
  (``{"id", "ref": "DATAPOOL", "grant"}``, as ``qhub.service`` puts under a grant's name)
  mounts that pool under its key, the same way; so does one among ``input``'s keys when
  those are the arguments.

Malformed reserved keys are refused (400) before anything is recorded; whether a grant is
valid is decided when the execution starts (an invalid one ends it FAILED).
"""

from __future__ import annotations

import re
from typing import Any

from ..datapools import DataPoolReference
from ..errors import BadRequest
from .entrypoint import Parameters
from .records import ExecutionRequest

__all__ = [
    "INPUT",
    "INPUT_DATA_REFS",
    "data_pool_references",
    "execution_request",
    "is_data_pool_reference",
    "names_data_pools",
    "service_arguments",
]

INPUT = "input"
INPUT_DATA_REFS = "inputDataRefs"
REFERENCE_TYPE = "DATAPOOL"
#: What names a mounted pool: a directory name that can also be a parameter name.
MOUNT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def is_data_pool_reference(value: Any) -> bool:
    """Whether a request value is a data pool reference (``{"ref": "DATAPOOL", "id", …}``)."""
    return isinstance(value, dict) and value.get("ref") == REFERENCE_TYPE


def names_data_pools(request: ExecutionRequest) -> bool:
    """Whether a request may mount data pools (a reference in ``inputDataRefs``, at the top
    level, or among ``input``'s keys)."""
    payload = request.input.get(INPUT)
    values = [*request.input.values(), *(payload.values() if isinstance(payload, dict) else ())]
    return bool(request.data_refs) or any(is_data_pool_reference(v) for v in values)


def execution_request(body: dict[str, Any]) -> ExecutionRequest:
    """What a gateway request body asks: the body as sent, its ``$tags`` (strings only) and
    its ``inputDataRefs``.

    Raises:
        BadRequest: ``inputDataRefs`` is not a list of references with distinct, valid names.
    """
    tags = body.get("$tags")
    return ExecutionRequest(
        input=body,
        tags=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        data_refs=_input_data_refs(body.get(INPUT_DATA_REFS)),
    )


def _input_data_refs(value: Any) -> dict[str, DataPoolReference]:
    if value is None:  # absent, or null
        return {}
    if not isinstance(value, list):
        raise BadRequest(f"{INPUT_DATA_REFS} must be a list of data pool references")
    refs: dict[str, DataPoolReference] = {}
    for index, entry in enumerate(value):
        where = f"{INPUT_DATA_REFS}[{index}]"
        if not isinstance(entry, dict):
            raise BadRequest(f"{where} must be an object {{name, id, ref, grant}}")
        if entry.get("ref", REFERENCE_TYPE) != REFERENCE_TYPE:
            raise BadRequest(f"{where}.ref must be {REFERENCE_TYPE!r}")
        name = entry.get("name")
        if not isinstance(name, str) or not MOUNT_NAME.fullmatch(name):
            raise BadRequest(
                f"{where}.name must name the parameter it binds to (letters, digits, _ . -)"
            )
        if name in refs:
            raise BadRequest(f"{where}: {name!r} is named twice")
        refs[name] = _reference(entry, where)
    return refs


def _reference(entry: dict[str, Any], where: str) -> DataPoolReference:
    pool_id, grant = entry.get("id"), entry.get("grant")
    if not isinstance(pool_id, str) or not pool_id:
        raise BadRequest(f"{where}.id must be a data pool's id")
    if grant is not None and not isinstance(grant, str):
        raise BadRequest(f"{where}.grant must be a grant token")
    return DataPoolReference(pool_id, grant or None)


def service_arguments(
    body: dict[str, Any], parameters: Parameters | None
) -> tuple[dict[str, Any], list[str]]:
    """The request ``run()`` is bound from, and notes for the execution's log.

    Args:
        body: the request as sent.
        parameters: ``run()``'s parameters, or None when they are not known.
    """
    declares = (lambda name: True) if parameters is None else parameters.__contains__
    arguments = {k: v for k, v in body.items() if k not in (INPUT, INPUT_DATA_REFS)}
    notes: list[str] = []
    if INPUT_DATA_REFS in body and declares(INPUT_DATA_REFS):
        arguments[INPUT_DATA_REFS] = body[INPUT_DATA_REFS]
    if INPUT not in body:
        return arguments, notes
    payload = body[INPUT]
    unpack = isinstance(payload, dict) and (parameters is None or INPUT not in parameters)
    if unpack:
        for key, value in payload.items():
            if key in arguments:
                notes.append(
                    f"request key {key!r} is both in 'input' and at the top level: "
                    "the value in 'input' is used"
                )
            arguments[key] = value
    if not unpack or parameters is None:
        arguments[INPUT] = payload
    return arguments, notes


def data_pool_references(
    arguments: dict[str, Any], data_refs: dict[str, DataPoolReference]
) -> dict[str, DataPoolReference]:
    """Every pool to mount, by its name: the references among the arguments' values, then
    ``inputDataRefs``.

    Raises:
        BadRequest: a reference under a key that can't name a mount, or a name used twice.
    """
    found: dict[str, DataPoolReference] = {}
    for key, value in arguments.items():
        if not is_data_pool_reference(value):
            continue
        if not MOUNT_NAME.fullmatch(key):
            raise BadRequest(f"data pool reference key {key!r} is not a plain name")
        found[key] = _reference(value, key)
    for name, reference in data_refs.items():
        if name in found:
            raise BadRequest(f"data pool {name!r} is named twice ({INPUT_DATA_REFS} and a key)")
        found[name] = reference
    return found
