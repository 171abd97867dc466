"""Our decisions on top of the facts gathered from the vendor package (see spec/README.md).

Each change is made where the seeds (the newer page wins) or a known vendor defect call for it,
and is marked on the operation or schema with ``x-decision`` (what we decided, and why).
Descriptions added here are our own words.
"""

from __future__ import annotations

import copy
import re
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
    "user": [400, 401, 403, 404, 413, 500],
    "service": [400, 401, 403, 404, 413, 415, 500],
}

#: Operations that create a resource and answer 201 Created (the client accepts any 2XX, so
#: the recorded requests could not show it; the gateway's runtime answers 201 with Location,
#: service-workspaces.md and wire-contract 3.3).
CREATED = {
    "quantum": ["jobs.create_job", "sessions.create_session"],
    "service": ["service_api.start_execution"],
    "user": ["user_settings_personal_access_tokens.create_personal_access_token"],
    "platform": [],
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
    _created(api, spec)
    _named_enums(spec)
    _pages(spec)
    _idempotency_keys(api, spec)
    _held_reads(api, spec)
    _results_with_final_polls(api, spec)


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", name) if part)


def _named_enums(spec: dict[str, Any]) -> None:
    """Point inline enums at the named enum schema with the same values.

    The vendor's models inline their enums, so a field like ``Job.status`` would be a plain
    ``str`` although the schema ``JobStatus`` exists. The name is ``<Schema><Property>`` (the
    vendor's convention) or, failing that, the only enum schema with exactly those values;
    single-value discriminators match none and stay inline.
    """
    schemas = spec["components"]["schemas"]
    by_values: dict[frozenset[Any], list[str]] = {}
    for name, schema in schemas.items():
        if "enum" in schema:
            by_values.setdefault(frozenset(schema["enum"]), []).append(name)

    def named(owner: str, field: str, schema: dict[str, Any]) -> dict[str, Any]:
        if "enum" not in schema or "$ref" in schema:
            return schema
        candidates = by_values.get(frozenset(schema["enum"]), [])
        preferred = owner + _pascal(field)
        if preferred not in candidates:
            if len(candidates) != 1:
                return schema
            preferred = candidates[0]
        kept = {k: v for k, v in schema.items() if k not in ("enum", "type")}
        return {"$ref": f"#/components/schemas/{preferred}", **kept}

    for owner, schema in schemas.items():
        for field, prop in schema.get("properties", {}).items():
            if "anyOf" in prop:
                prop["anyOf"] = [named(owner, field, member) for member in prop["anyOf"]]
            elif "enum" in prop:
                schema["properties"][field] = named(owner, field, prop)
            if isinstance(prop.get("items"), dict):
                prop["items"] = named(owner, field, prop["items"])


def _pages(spec: dict[str, Any]) -> None:
    """Mark page schemas, which the generator derives from the hand-written generic ``Page``
    (``has_next``, the pagers, both the Quantum and the Platform field spellings)."""
    for schema in spec["components"]["schemas"].values():
        content = schema.get("properties", {}).get("content", {})
        items = next(
            (m.get("items", {}) for m in [content, *content.get("anyOf", [])] if "items" in m), {}
        )
        if "$ref" in items and {"page", "size"} <= set(schema["properties"]):
            schema["x-python-page"] = items["$ref"].rsplit("/", 1)[-1]


#: Operations that create billed work and take our ``Idempotency-Key`` extension header (not
#: the vendor's: the Kipu Hub ignores it; the local Hub honours it). A data pool grant is left
#: out: it is a signed token the Hub keeps no record of, so issuing a second one costs nothing.
IDEMPOTENT_CREATES = {
    "quantum": ["jobs.create_job", "sessions.create_session"],
    "service": ["service_api.start_execution"],
    "user": [],
    "platform": [],
}

#: The header parameter, as the operations above declare it.
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "x-python-name": "idempotency_key",
    "x-request-option": "idempotency_key",
    "x-qhub-extension": True,
    "description": (
        "Our extension (draft-ietf-httpapi-idempotency-key-header): the same key from the same "
        "caller within 24 hours returns the resource the first request created, with the same "
        "status, and starts nothing new; the same key with a different request is refused "
        "(422). A Hub that does not honour it ignores it (the Kipu Hub does)."
    ),
}


def _idempotency_keys(api: str, spec: dict[str, Any]) -> None:
    """Declare ``Idempotency-Key`` on the operations that create work (idempotent: applying
    it to a spec that has it changes nothing)."""
    ops = _ops(spec)
    for operation_id in IDEMPOTENT_CREATES[api]:
        operation = ops[operation_id][2]
        # 422: the key came with another request; 409: a request carrying it is still
        # being carried out after a long wait.
        for status in ("409", "422"):
            operation["responses"].setdefault(
                status, {"$ref": f"#/components/responses/Error{status}"}
            )
        operation["responses"] = dict(sorted(operation["responses"].items()))
        parameters = operation.setdefault("parameters", [])
        if any(p["name"] == "Idempotency-Key" for p in parameters):
            continue
        parameters.append(copy.deepcopy(IDEMPOTENCY_KEY_PARAMETER))
        _decide(
            operation,
            "Takes an Idempotency-Key header, our extension (x-qhub-extension): with it the "
            "client may resend the request after a failure that leaves its outcome unknown. "
            "The local Hub honours it for 24 hours per caller; the Kipu Hub ignores it.",
        )


#: Reads the waiters poll, which a Hub may hold until the resource changes (our extension).
HELD_READS = {
    "quantum": ["jobs.get_job"],
    "service": ["service_api.get_status"],
    "user": [],
    "platform": [],
}

#: The header parameter, as the reads above declare it. Not a method argument: the waiters
#: send it through the ``long_poll`` request option.
PREFER_WAIT_PARAMETER: dict[str, Any] = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 1024},
    "x-request-option": "long_poll",
    "x-option-only": True,
    "x-qhub-extension": True,
    "description": (
        "Our extension (the wait preference of RFC 7240): Prefer: wait=N asks the Hub to hold "
        "the answer until the resource changes or reaches a final state, at most N seconds "
        "(the local Hub holds at most 60). A Hub that holds it answers with "
        "Preference-Applied: wait=N; one that does not (the Kipu Hub) answers at once, as "
        "RFC 7240 asks of a preference it does not know. Sent by the waiters through the "
        "long_poll request option, not a method argument."
    ),
}

PREFERENCE_APPLIED_HEADER: dict[str, Any] = {
    "description": "wait=N when the Hub held (or would have held) this read; see Prefer.",
    "schema": {"type": "string"},
    "x-qhub-extension": True,
}


def _held_reads(api: str, spec: dict[str, Any]) -> None:
    """Declare ``Prefer: wait=N`` on the reads the waiters poll (idempotent)."""
    ops = _ops(spec)
    for operation_id in HELD_READS[api]:
        operation = ops[operation_id][2]
        parameters = operation.setdefault("parameters", [])
        if any(p["name"] == "Prefer" for p in parameters):
            continue
        parameters.append(copy.deepcopy(PREFER_WAIT_PARAMETER))
        headers = operation["responses"]["200"].setdefault("headers", {})
        headers["Preference-Applied"] = copy.deepcopy(PREFERENCE_APPLIED_HEADER)
        _decide(
            operation,
            "Takes a Prefer: wait=N header, our extension (x-qhub-extension): the local Hub "
            "holds the read until the resource changes, so a waiter sees an end within a "
            "round trip without polling; the Kipu Hub ignores it and the waiter sleeps "
            "between polls.",
        )


#: Reads whose answer carries a final job's result when asked (``include-result``).
RESULTS_WITH_FINAL_POLLS = {"quantum": ["jobs.get_job"]}

INCLUDE_RESULT_TEXT = (
    " With the include-result preference as well (Prefer: wait=N, include-result; also our "
    "extension), the answer for a job that is final with a result carries that result, as "
    "GET /jobs/{id}/result answers it, in a result member beside the job's fields (the local "
    "Hub includes results of up to 64 KiB of JSON), and Preference-Applied lists "
    "include-result. jobs.wait asks for it, so the get_job_result that follows needs no "
    "request of its own; a Hub that does not include it is asked as ever."
)


def _results_with_final_polls(api: str, spec: dict[str, Any]) -> None:
    """Declare the include-result preference on the job read ``jobs.wait`` polls (idempotent)."""
    ops = _ops(spec)
    for operation_id in RESULTS_WITH_FINAL_POLLS.get(api, []):
        operation = ops[operation_id][2]
        prefer = next(p for p in operation["parameters"] if p["name"] == "Prefer")
        if INCLUDE_RESULT_TEXT in prefer["description"]:
            continue
        prefer["description"] += INCLUDE_RESULT_TEXT
        applied = operation["responses"]["200"]["headers"]["Preference-Applied"]
        applied["description"] = (
            "wait=N when the Hub held (or would have held) this read, include-result when "
            "the answer carries the job's result; see Prefer."
        )
        _decide(
            operation,
            "Takes the include-result preference too, our extension (x-qhub-extension): the "
            "answer for a final job carries its result, so jobs.wait followed by "
            "get_job_result costs one round trip less on a Hub that honours it.",
        )


def _created(api: str, spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    for operation_id in CREATED[api]:
        responses = ops[operation_id][2]["responses"]
        responses["201"] = copy.deepcopy(responses["200"])
        responses["201"]["description"] = "Created."
        ops[operation_id][2]["responses"] = dict(sorted(responses.items()))


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


#: What each Quantum operation does, in our words (the method docstrings).
QUANTUM_DESCRIPTIONS = {
    "jobs.create_job": (
        "Submit a job; it starts PENDING. Never resent once it may have reached the Hub, "
        "unless idempotency_key is given (a Hub that honours it then creates one job only).\n\n"
        "input is a CreateJobRequestInput_* model or a dict with a backendId key; qasm is the "
        "circuit as OpenQASM too, which the Hub shows as the job's normalized input. Optional "
        "arguments are left out of the request unless given (None sends null)."
    ),
    "jobs.search_jobs": "One zero-based page of the organization's jobs, newest first.",
    "jobs.get_job": "A job by id.",
    "jobs.get_job_status": "A job's current status.",
    "jobs.get_job_result": "A finished job's result (the Hub answers 404 until it is final).",
    "jobs.get_job_input": "The input a job was submitted with.",
    "jobs.get_normalized_job_result": "The result in the normalized pubs shape.",
    "jobs.get_normalized_job_memory": (
        "Per-shot outcomes (memory as hex, qubits, shots); None when not recorded."
    ),
    "jobs.get_normalized_job_input": "The job's input as OpenQASM 3 pubs.",
    "jobs.get_job_result_stream": (
        "The raw result bytes, streamed; the request is sent at the call, so errors raise there."
    ),
    "jobs.cancel_job": "Cancel a pending or running job; a finished one is left as it is.",
    "jobs.get_job_calibration": "The calibration a job ran with; None when there is none.",
    "sessions.create_session": (
        "Open a session (mode is batch or dedicated; ttl in seconds). "
        "client.sessions.open(...) does the same for a with block and closes it on exit."
    ),
    "sessions.get_session": "A session's full record.",
    "sessions.close_session": (
        "Close the session: new submissions are refused, queued jobs still run. Idempotent."
    ),
    "sessions.update_session_state": "Stop (False) or resume (True) accepting jobs.",
    "sessions.get_session_status": "A session's status.",
    "sessions.get_session_jobs": "The jobs of a session.",
    "backends.get_backends": (
        "Every backend; anonymous callers get the public view, a token adds configuration "
        "and status."
    ),
    "backends.get_backend": "One backend with its full configuration.",
    "backends.get_backend_status": "A backend's operational state and queue.",
    "backends.get_backend_config": "A backend's raw, provider-specific configuration.",
    "backends.get_backend_calibration": (
        "The latest calibration, or the one in effect at effective_at; None when none exists "
        "at or before it."
    ),
    "backends.get_backend_calibration_history": (
        "Calibration snapshots between from_ and to, one page at a time, newest first."
    ),
    "backends.get_least_busy_backend": "A provider's backend with the shortest queue.",
    "workloads.get_workloads": (
        "One zero-based page of jobs and sessions; each filter takes one value or several."
    ),
    "runtime_minutes.get_runtime_minutes": "The organization's runtime allowances per provider.",
}

#: The namespaces, in our words (the namespace classes' docstrings).
NAMESPACE_DESCRIPTIONS = {
    "quantum": {
        "backends": "simulators and QPUs: their configuration, status and calibration.",
        "jobs": "submit quantum jobs, follow them, fetch inputs and results.",
        "sessions": "group jobs on one backend.",
        "workloads": "jobs and sessions in one listing.",
        "runtime_minutes": "runtime allowances.",
    },
    "service": {"service_api": "executions of one managed service."},
    "platform": {
        "algorithms": "algorithms in the catalog, their members and relations.",
        "announcements": "the Hub's announcements.",
        "applications": "applications, their access keys and subscriptions.",
        "authentication": "who a token acts for.",
        "billing": "budgets, cost reports, revenue and billing history.",
        "data_pool_grants": "short-lived grants that let an application use a data pool.",
        "data_pool_shares": "data pools shared with other organizations or users.",
        "data_pools": "data pools and their files.",
        "entitlements": "what an account may run (eligibility).",
        "external_services": "services hosted elsewhere and published through the Hub.",
        "git_integrations": "GitHub and GitLab connections.",
        "implementations": "implementations of algorithms, their files and members.",
        "managed_services": "services the Hub builds and runs from source.",
        "marketplace": "what is published for everyone.",
        "organizations": "organizations, their members and invitations.",
        "products": "the Hub's products and prices.",
        "quantum_workloads": "quantum jobs and sessions seen from the Platform.",
        "service_executions": "the executions of services, with logs and results.",
        "service_jobs": "quantum jobs run by service executions.",
        "service_shares": "services shared with other organizations or users.",
        "services": "the service catalog: services, versions, lifecycle.",
        "subscriptions": "which application may call which service.",
        "use_cases": "use cases and their demos.",
        "user_notifications": "notifications for the signed-in user.",
        "users": "the signed-in user, as the Platform sees them.",
        "workflow_services": "services composed as workflows.",
        "workflow_user_tasks": "tasks a workflow waits on a person for.",
    },
    "user": {
        "authentication": "who a personal access token acts for.",
        "search": "the user directory.",
        "user_registration_status": "registration status by e-mail address.",
        "user_settings": "the signed-in user's profile and profile image.",
        "user_settings_personal_access_tokens": "the signed-in user's personal access tokens.",
        "users": "other users by id.",
    },
}

#: What each gateway operation does, in our words.
SERVICE_DESCRIPTIONS = {
    "service_api.get_service_executions": (
        "The executions started through this gateway by the calling application."
    ),
    "service_api.start_execution": (
        "Start an execution with request as the JSON body; it starts non-final. Not resent "
        "after it may have reached the gateway (that could start a second, billed execution) "
        "unless idempotency_key is given."
    ),
    "service_api.get_status": "The execution's current state.",
    "service_api.get_result": (
        "The execution's HAL result: _links to its files, _embedded.status, and the "
        "service's own output keys."
    ),
    "service_api.get_result_file": (
        "One result file, streamed: the request is sent at the call (errors raise there); the "
        "chunks never hold the whole file, and the connection is released when they are "
        "exhausted or closed (use a with block when you may stop early)."
    ),
    "service_api.get_logs": "The execution's log entries, oldest first; None when none yet.",
    "service_api.cancel_execution": "Ask the gateway to cancel a pending or running execution.",
}


def _describe(api: str, spec: dict[str, Any]) -> None:
    for operation_id, (_, _, operation) in _ops(spec).items():
        text = {"quantum": QUANTUM_DESCRIPTIONS, "service": SERVICE_DESCRIPTIONS}.get(api, {}).get(
            operation_id
        )
        if text:
            operation["description"] = text
        elif operation_id.startswith("jobs.") and "service_execution" in operation_id:
            operation["description"] = (
                "The same as the call without service_execution, for jobs and sessions a "
                "service execution created (with that execution's token)."
            )
    names = NAMESPACE_DESCRIPTIONS.get(api, {})
    if names:
        spec["tags"] = [{"name": name, "description": text} for name, text in names.items()]


def _quantum(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    schemas = spec["components"]["schemas"]
    _describe("quantum", spec)
    schemas["AzureIonqJobInputCircuitItem"]["properties"]["rotation"] = {
        "anyOf": [{"type": "number"}, {"type": "null"}]
    }
    schemas["AzureIonqJobInputCircuitItem"]["x-decision"] = (
        "rotation (radians) for rx, ry and rz gates, as IonQ's circuit format has it."
    )
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
                    {"type": "array", "items": {"additionalProperties": True, "type": "object"}},
                    {"type": "null"},
                ]
            },
            "free_of_charge": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
        }
    )
    backend["x-decision"] = "status, costs and free_of_charge are documented by the seeds."
    for name in ("Job", "Session", "Backend", "WorkloadResponse"):
        schemas[name]["properties"]["id"] = {"type": "string"}
        schemas[name]["required"] = ["id", *schemas[name].get("required", [])]
        schemas[name].setdefault("x-decision", "")
        schemas[name]["x-decision"] = (
            schemas[name]["x-decision"] + " id is always present (the vendor has it optional)."
        ).strip()
    # Hand-written rules (qhub/api/quantum/_rules.py) the generated classes derive from.
    schemas["JobStatus"]["x-python-base"] = "JobStatusRules"
    schemas["Job"]["x-python-base"] = "JobRules"
    schemas["Session"]["x-python-base"] = "SessionRules"
    schemas["NormalizedJobResult"]["x-python-base"] = "NormalizedJobResultRules"
    job_input_rules(spec)
    ibm_runtime_formats(spec)
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


def job_input_rules(spec: dict[str, Any]) -> None:
    """Each variant of the ``CreateJobRequestInput`` union derives from a hand-written rules
    class (``qhub/api/quantum/_rules.py``): the wire rules the spec cannot state (sent
    ``backendId`` first, without null fields). A variant with no field but its tag (Quandela,
    whose Perceval payload is sent flat) is its extra fields, kept in strict mode too.
    Idempotent: also applied to the stored ``quantum.json`` as it is."""
    schemas = spec["components"]["schemas"]
    mapping = schemas["CreateJobRequestInput"]["discriminator"]["mapping"]
    for backend_id, ref in mapping.items():
        schema = schemas[ref.rsplit("/", 1)[-1]]
        free_form = not set(schema.get("properties", {})) - {"backendId"}
        schema["x-python-base"] = "FreeFormJobInputRules" if free_form else "JobInputRules"
        what = next(
            text for prefix, text in JOB_INPUT_KINDS.items() if backend_id.startswith(prefix)
        )
        schema["description"] = f"{what} for ``{backend_id}``."


#: What each backend's input is, by backend id prefix (the input classes' docstrings).
JOB_INPUT_KINDS = {
    "azure.ionq.": 'An IonQ circuit (``gateset="qis"``, ``qubits``, gates in ``circuit``)',
    "aws.quera.": "An analog Hamiltonian simulation program (Braket's AHS schema)",
    "aws.": "An OpenQASM 3 program, or several (Amazon Braket),",
    "ibm.": "Qiskit Runtime PUBs and options (every field optional)",
    "iqm.": "IQM circuits and their settings",
    "kipu.": "An OpenQASM program",
    "qudora.": "An OpenQASM program, or several,",
    "quandela.": "A Perceval payload, its fields sent flat beside ``backendId``,",
    "aqt.": "An AQT job (its ``payload`` of circuits)",
}


#: A Qiskit Runtime PUB: the circuit (OpenQASM 3 text, or an encoded circuit object) or a list
#: of the circuit and what goes with it (parameter values, observables, shots, precision).
QISKIT_PUB: dict[str, Any] = {
    "anyOf": [
        {"type": "string"},
        {"type": "array"},
        {"additionalProperties": True, "type": "object"},
    ]
}

#: Fields of the IBM inputs whose Qiskit Runtime form the vendor's declared type cannot hold;
#: each keeps the vendor's type as one of its members, so nothing valid before is refused.
QISKIT_FIELDS: dict[str, dict[str, Any]] = {
    # the primitive's version (2 for the V2 primitives)
    "version": {
        "anyOf": [
            {"type": "integer"},
            {"additionalProperties": True, "type": "object"},
            {"type": "null"},
        ],
        "default": None,
    },
    # "classified", "kerneled" or "avg_kerneled"
    "meas_type": {
        "anyOf": [
            {"type": "string"},
            {"additionalProperties": True, "type": "object"},
            {"type": "null"},
        ],
        "default": None,
    },
    # pairs of physical qubits, [[0, 1], [1, 2], ...]
    "coupling_map": {
        "anyOf": [
            {
                "items": {
                    "anyOf": [
                        {"items": {"type": "integer"}, "type": "array"},
                        {"additionalProperties": True, "type": "object"},
                    ]
                },
                "type": "array",
            },
            {"type": "null"},
        ],
        "default": None,
    },
}


def ibm_runtime_formats(spec: dict[str, Any]) -> None:
    """The IBM inputs take Qiskit Runtime's own formats: a PUB's circuit as OpenQASM 3 text
    (what the local Hub runs; the vendor declares PUBs as lists of objects), ``version`` an
    integer, ``meas_type`` a name, ``coupling_map`` pairs of qubits. Idempotent: also applied
    to the stored ``quantum.json`` as it is."""
    text = (
        "Qiskit Runtime's formats: a PUB is its circuit (OpenQASM 3 text or an encoded circuit) "
        "or a list of the circuit and its parameter values, observables, shots or precision; "
        "version is an integer, meas_type a name, coupling_map pairs of qubits. The vendor's "
        "types (PUBs as lists of objects, the others objects) are accepted too."
    )
    for name, schema in spec["components"]["schemas"].items():
        if "Ibm" not in name:
            continue
        if name.endswith("PubsItem"):
            schema.clear()
            schema.update(copy.deepcopy(QISKIT_PUB))
            schema["x-decision"] = text
            continue
        properties = schema.get("properties", {})
        found = [field for field in ("pubs", *QISKIT_FIELDS) if field in properties]
        for field in found:
            if field == "pubs":
                pubs = properties["pubs"]
                for member in [pubs, *pubs.get("anyOf", [])]:
                    if member.get("type") == "array":
                        member["items"] = copy.deepcopy(QISKIT_PUB)
            else:
                properties[field] = copy.deepcopy(QISKIT_FIELDS[field])
        if found:
            schema["x-decision"] = text


def _platform(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    _describe("platform", spec)
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
    organization_image_types(spec)


#: The image types an organization image may be (the local Hub checks the bytes' signature).
IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def organization_image_types(spec: dict[str, Any]) -> None:
    """The organization image downloads as its own image type (idempotent: also applied to
    the stored ``platform.json`` as it is)."""
    image = _ops(spec)["organizations.get_organization_image"][2]
    content = image["responses"]["200"]["content"]
    binary = {"schema": {"type": "string", "format": "binary"}}
    for media_type in IMAGE_MEDIA_TYPES:
        content.setdefault(media_type, copy.deepcopy(binary))
    text = (
        "The image is sent as what it is (image/png, image/jpeg, image/gif or image/webp); "
        "application/octet-stream stays declared for servers that send no image type."
    )
    if text not in image.get("x-decision", []):
        _decide(image, text)


def _service(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    _describe("service", spec)
    schemas = spec["components"]["schemas"]
    schemas["HalLink"]["properties"]["title"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    # Hand-written rules (qhub/api/service/_rules.py) the generated classes derive from.
    schemas["ServiceExecutionStatus"]["x-python-base"] = "ServiceExecutionStatusRules"
    schemas["ResultResponse"]["x-python-base"] = "ServiceOutputRules"
    schemas["ResultResponseLinks"]["x-python-base"] = "ServiceOutputRules"
    schemas["ResultResponseEmbedded"]["x-python-base"] = "EmbeddedStatusRules"
    logs = ops["service_api.get_logs"][2]
    logs["responses"]["200"]["x-empty-is-none"] = True
    _decide(logs, "A 204, an empty body or JSON null means no logs yet (None).")


def _user(spec: dict[str, Any]) -> None:
    ops = _ops(spec)
    _describe("user", spec)
    batch = spec["components"]["schemas"]["BatchUserResponseDto"]
    batch["properties"]["notFound"] = {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "null"},
        ],
        "x-python-name": "not_found",
    }
    batch["x-decision"] = (
        "notFound: the vendor declares a string (the local Hub sends the ids joined by commas); "
        "a list of ids is accepted too."
    )
    search = ops["search.users"][2]
    for parameter in search["parameters"]:
        if parameter["name"] == "q":
            parameter["x-python-name"] = "query"
            parameter["x-python-aliases"] = ["q"]
    _decide(search, "Seed 002 names the search text query=; the vendor's q= is accepted too.")
    create_token = ops["user_settings_personal_access_tokens.create_personal_access_token"][2]
    token_body = create_token["requestBody"]["content"]["application/json"]["schema"]
    token_body["properties"]["expiresAt"]["anyOf"] = [
        {"type": "string", "format": "date-time"},
        {"type": "null"},
    ]
    _decide(create_token, "expiresAt is an instant (a datetime or its ISO 8601 text).")
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
