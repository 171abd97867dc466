"""Our decisions on top of the facts gathered from the vendor package (see spec/README.md).

Each change is made where the seeds (the newer page wins) or a known vendor defect call for it,
and is marked on the operation or schema with ``x-decision`` (what we decided, and why).
Descriptions added here are our own words.
"""

from __future__ import annotations

import copy
from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "message": {"type": "string"},
        "requestId": {"type": "string"},
    },
}

#: Statuses every operation of an API may answer with a typed error (wire-contract 8.3 E4:
#: we map by status uniformly instead of per endpoint, and list them all in the spec).
UNIFORM_ERRORS = {
    "quantum": [400, 401, 403, 404, 422, 500, 502],
    "platform": [400, 401, 403, 404, 409, 413, 415, 422, 500],
    "user": [400, 401, 403, 404, 500],
    "service": [400, 401, 403, 404, 500],
}


def _ops(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            found[operation["operationId"]] = (path, method, operation)
    return found


def _decide(operation: dict[str, Any], text: str) -> None:
    operation.setdefault("x-decision", [])
    operation["x-decision"].append(text)


def _move(spec: dict[str, Any], operation_id: str, new_path: str) -> dict[str, Any]:
    path, method, operation = _ops(spec)[operation_id]
    del spec["paths"][path][method]
    if not spec["paths"][path]:
        del spec["paths"][path]
    spec["paths"].setdefault(new_path, {})[method] = operation
    spec["paths"] = dict(sorted(spec["paths"].items()))
    return operation


def _json_response(operation: dict[str, Any]) -> dict[str, Any]:
    return operation["responses"]["200"]["content"]["application/json"]


def _file_path_param() -> dict[str, Any]:
    return {
        "name": "file_path",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "x-path-segments": True,
    }


def apply(api: str, spec: dict[str, Any]) -> None:
    """Apply every decision for ``api`` to its freshly extracted spec."""
    {"quantum": _quantum, "platform": _platform, "service": _service, "user": _user}[api](spec)
    _uniform_errors(api, spec)


def _uniform_errors(api: str, spec: dict[str, Any]) -> None:
    for _, _, operation in _ops(spec).values():
        documented = sorted(
            int(status)
            for status in operation["responses"]
            if status.isdigit() and int(status) >= 400
        )
        operation["x-vendor-typed-errors"] = documented
        for status in UNIFORM_ERRORS[api]:
            operation["responses"].setdefault(
                str(status), {"$ref": f"#/components/responses/Error{status}"}
            )
        operation["responses"] = dict(
            sorted(operation["responses"].items(), key=lambda item: item[0])
        )


def _quantum(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    schemas = spec["components"]["schemas"]
    for operation_id in ("sessions.get_session_jobs", "jobs.get_service_execution_session_jobs"):
        operation = ops[operation_id][2]
        _json_response(operation)["schema"] = {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Job"},
        }
        _decide(
            operation,
            "Returns a list of jobs, as seed 002 documents; the vendor declares a single Job "
            "and fails to parse the array the Hub sends (wire-contract D1).",
        )
    create_session = ops["sessions.create_session"][2]
    body = create_session["requestBody"]["content"]["application/json"]["schema"]
    body["properties"]["tags"] = {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]
    }
    body["required"] = [name for name in body["required"] if name != "provider"]
    _decide(
        create_session,
        "Takes tags, as seeds 002 and 004 document (the vendor has none); provider is optional, "
        "since the backend id names it.",
    )
    for name, schema in schemas.items():
        if name.startswith(
            ("CreateJobRequestInput_Quandela", "CreateJobRequestInputParams_Quandela")
        ) and "value" in schema.get("properties", {}):
            del schema["properties"]["value"]
            schema["required"] = [r for r in schema.get("required", []) if r != "value"]
            schema["additionalProperties"] = True
            schema["x-decision"] = (
                "The Perceval payload is sent flat beside backendId, not wrapped in a "
                "'value' object (wire-contract D2)."
            )
    job = schemas["Job"]
    job["properties"]["runtime"] = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    job["x-decision"] = (
        "runtime (ms) is documented by the seeds; clients derive it from usage_time_millis when absent."
    )
    session = schemas["Session"]
    session["properties"]["final_not_aborted"] = {"anyOf": [{"type": "boolean"}, {"type": "null"}]}
    session["x-decision"] = (
        "final_not_aborted is documented by the seeds; clients derive it when absent."
    )
    backend = schemas["Backend"]
    backend["properties"].update(
        {
            "status": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "costs": {
                "anyOf": [
                    {"type": "array", "items": {"type": "object", "additionalProperties": True}},
                    {"type": "null"},
                ]
            },
            "free_of_charge": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
        }
    )
    backend["x-decision"] = "status, costs and free_of_charge are documented by the seeds."
    sessions_jobs = ops["sessions.get_session_jobs"][2]
    sessions_jobs["x-aliases"] = ["get_jobs_by_session"]
    jobs = ops
    for operation_id, (_, _, operation) in jobs.items():
        namespace, name = operation_id.split(".")
        if namespace == "jobs" and "service_execution" in name:
            # Seed 004 calls this family "the service_exec_ prefix" and spells its examples
            # both ways: every spelling works.
            short = name.replace("service_execution_", "service_exec_")
            operation["x-aliases"] = sorted(
                {short, "service_exec_" + name.replace("service_execution_", "")} - {name}
            )


def _platform(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    get_services = ops["services.get_services"][2]
    get_services["parameters"] = [
        *get_services.get("parameters", []),
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 0},
        },
        {
            "name": "size",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1},
        },
    ]
    items = copy.deepcopy(_json_response(get_services)["schema"])
    _json_response(get_services)["schema"] = {
        "anyOf": [
            items,
            {
                "type": "object",
                "properties": {"content": items},
                "additionalProperties": True,
            },
        ]
    }
    get_services["x-python-result"] = "ListPage"
    get_services["x-aliases"] = ["list_services"]
    _decide(
        get_services,
        "Seed 002 calls get_services(page=0, size=20) and reads .content; the vendor takes "
        "neither and returns a bare list. page and size are sent as query parameters and the "
        "result is a page whose .content holds the items and which iterates over them; the Hub "
        "may answer a bare array or a page object.",
    )
    entitlements = [op for oid, (_, _, op) in ops.items() if oid.startswith("entitlements.")]
    for operation in entitlements:
        operation["x-namespace-aliases"] = ["eligibility"]
    resolve = ops["authentication.resolve_auth_token"][2]
    resolve["x-aliases-elsewhere"] = {"users": ["get_me"]}
    _decide(
        resolve,
        "Seed 004's platform.users.get_me() is this call (the caller's principal): profile data "
        "moved to the User API, and the Platform API has no other 'me'.",
    )
    for operation_id, new_path in (
        (
            "service_executions.get_service_execution_result_file",
            "/service-executions/{id}/results/{file_path}",
        ),
        ("implementations.get_implementation_file", "/implementations/{id}/files/{file_path}"),
        ("implementations.get_implementation_file_info", "/implementations/{id}/files/{file_path}"),
        ("marketplace.get_file", "/marketplace/implementations/{id}/files/{file_path}"),
        ("marketplace.get_file_info", "/marketplace/implementations/{id}/files/{file_path}"),
    ):
        operation = _move(spec, operation_id, new_path)
        operation["parameters"].append(_file_path_param())
        _decide(
            operation,
            "The vendor sends a literal '/**' and cannot name a file (wire-contract D3): the file "
            "path is a parameter, encoded segment by segment.",
        )
    image = ops["organizations.update_organization_image"][2]
    image["requestBody"] = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
    _decide(
        image,
        "Uploaded as multipart/form-data like every other image; the vendor sends the bytes "
        "base64-encoded inside JSON (wire-contract D4).",
    )
    head = ops["service_executions.head_service_execution"][2]
    _decide(
        head, "Errors are typed by status although a HEAD answer has no body (wire-contract E2)."
    )


def _service(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    logs = ops["service_api.get_logs"][2]
    logs["responses"]["200"]["x-empty-is-none"] = True
    _decide(logs, "A 204, an empty body or JSON null means no logs yet (None).")


def _user(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    search = ops["search.users"][2]
    for parameter in search["parameters"]:
        if parameter["name"] == "q":
            parameter["x-python-name"] = "query"
            parameter["x-python-aliases"] = ["q"]
    _decide(search, "Seed 002 names the search text query=; the vendor's q= is accepted too.")
    image = ops["users.get_user_profile_image"][2]
    image["responses"]["200"] = {
        "description": "The image's URL as a JSON string, or the image itself.",
        "content": {
            "application/json": {"schema": {"type": "string"}},
            "image/*": {"schema": {"type": "string", "format": "binary"}},
        },
        "x-empty-is-none": True,
    }
    image["x-python-result"] = "UrlOrBytes"
    _decide(
        image,
        "Seed 002 returns the image's URL; the vendor decodes whatever comes as a JSON string "
        "and fails on image bytes (wire-contract E5). A URL is returned as str, an image as bytes.",
    )
    for operation_id in ("users.check_user_exists",):
        _decide(
            ops[operation_id][2], "Errors are typed by status although a HEAD answer has no body."
        )
