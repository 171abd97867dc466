"""Rebuild ``spec/`` from facts about the vendor's published ``qhub-api`` (maintainer tool).

Run by ``make spec-from-vendor`` with a throwaway virtual environment holding the vendor
package; CI never runs it. The vendor package is read as a black box only:

* **signatures**: every namespace method's parameters, defaults and type hints;
* **recorded requests**: each method is called against a recording server on loopback, so
  method, path, query names, body keys (and their order) and content types are what the
  client really sends; which parameter went where is found by giving each one a unique value;
* **typed errors**: each method is answered with every documented error status to see which
  ones it maps to a typed error class;
* **models**: the JSON schemas its pydantic models produce (wire names), plus their
  Python field names.

No description, title or other prose of the vendor package is kept: the facts above are
structural. Our decisions where the seeds and the vendor disagree, and our own descriptions,
are applied afterwards by :mod:`spec_decisions`, which marks each with an ``x-`` extension.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import enum
import importlib
import inspect
import json
import re
import sys
import threading
import typing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

import spec_decisions
from pydantic import BaseModel, TypeAdapter

ROOT = Path(__file__).resolve().parent.parent

APIS: dict[str, dict[str, Any]] = {
    "quantum": {
        "module": "qhub.api.quantum",
        "client": "HubQuantumClient",
        "title": "Kipu Quantum Hub Quantum API",
        "credential": {"api_key": "TOKEN"},
        "auth": "apiKey",
    },
    "platform": {
        "module": "qhub.api.platform",
        "client": "HubPlatformClient",
        "title": "Kipu Quantum Hub Platform API",
        "credential": {"api_key": "TOKEN"},
        "auth": "apiKey",
    },
    "service": {
        "module": "qhub.api.service",
        "client": "HubServiceClient",
        "title": "Kipu Quantum Hub Service API (managed-service gateway)",
        "credential": {"token": "TOKEN"},
        "auth": "bearer",
    },
    "user": {
        "module": "qhub.api.user",
        "client": "HubUserClient",
        "title": "Kipu Quantum Hub User API",
        "credential": {"api_key": "TOKEN"},
        "auth": "apiKey",
    },
}

#: The vendor's public module paths whose names must be importable from ours.
PUBLIC_SUBMODULES = ["", ".types", ".errors", ".core.api_error", ".environment"]
ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 415, 422, 500, 502]
SAMPLE_MARK = "S4mple"


# ---------------------------------------------------------------------------------------
# The recording server
# ---------------------------------------------------------------------------------------


class Recorder:
    """What the last request was, and what the next answer should be."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.body = b"{}"
        self.lock = threading.Lock()


RECORDER = Recorder()


class _Handler(BaseHTTPRequestHandler):
    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        RECORDER.requests.append(
            {
                "method": self.command,
                "path": parts.path,
                "query": parse_qsl(parts.query, keep_blank_values=True),
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        payload = RECORDER.body if self.command != "HEAD" else b""
        self.send_response(RECORDER.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(RECORDER.body)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

    def log_message(self, *args: Any) -> None:
        pass


# ---------------------------------------------------------------------------------------
# Sample values: unique per parameter, so a recorded request shows where each one went
# ---------------------------------------------------------------------------------------


class Sampler:
    def __init__(self) -> None:
        self.counter = 0

    def unique(self) -> int:
        self.counter += 1
        return self.counter

    def value(self, hint: Any, name: str, depth: int = 0) -> Any:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Annotated:
            return self.value(args[0], name, depth)
        if origin is typing.Union:
            members = [a for a in args if a is not type(None) and a is not Any]
            return self.value(members[0], name, depth)
        if origin is typing.Literal:
            return args[0]
        if hint is str:
            return f"{SAMPLE_MARK}{self.unique()}"
        if hint is bool:
            return True
        if hint is int:
            return 7000 + self.unique()
        if hint is float:
            return 0.5 + self.unique()
        if hint is dt.datetime:
            return dt.datetime(2026, 1, 2, 3, 4, self.unique() % 60, tzinfo=dt.timezone.utc)
        if hint is dt.date:
            return dt.date(2026, 1, 1 + self.unique() % 28)
        if hint is Any or hint is object:
            return {"k": f"{SAMPLE_MARK}{self.unique()}"}
        if origin in (list, tuple, collections.abc.Sequence):
            return [self.value(args[0] if args else str, name, depth + 1)]
        if origin in (dict, collections.abc.Mapping):
            return {"k": self.value(args[1] if len(args) > 1 else str, name, depth + 1)}
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            fields = {}
            for field_name, field in hint.model_fields.items():
                if field.is_required() or depth < 1:
                    fields[field_name] = self.value(field.annotation, field_name, depth + 1)
            return hint(**fields)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return next(iter(hint))
        if "IO" in str(hint) or hint is bytes:
            return b"sample-bytes"
        return f"{SAMPLE_MARK}{self.unique()}"


def _is_file_hint(hint: Any) -> bool:
    return "IO[bytes]" in str(hint)


# ---------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------

_PROSE_KEYS = {"title", "description", "examples", "example"}


def _clean(node: Any) -> Any:
    """Drop the vendor's prose; fold Fern's open enums (``Union[Literal[...], Any]``)."""
    if isinstance(node, list):
        return [_clean(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _clean(v) for k, v in node.items() if k not in _PROSE_KEYS}
    if "anyOf" in out:
        members = [m for m in out["anyOf"] if m != {}]
        had_any = len(members) != len(out["anyOf"])
        if had_any and any("enum" in m or "const" in m for m in members):
            out["anyOf"] = members
        if len(out["anyOf"]) == 1:
            single = out.pop("anyOf")[0]
            out = {**single, **out}
    if "const" in out and "enum" not in out:
        out["enum"] = [out.pop("const")]
    return out


def _python_names(model: type[BaseModel]) -> dict[str, str]:
    """Wire name → Python name for the fields whose names differ."""
    names = {}
    for python_name, field in model.model_fields.items():
        alias = field.alias
        for meta in field.metadata:
            alias = getattr(meta, "alias", None) or alias
        if alias and alias != python_name:
            names[alias] = python_name
    return names


class SchemaBook:
    """Every schema component of one API, keyed by the vendor's type name."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}
        self.models: dict[str, type[BaseModel]] = {}

    def schema_of(self, hint: Any) -> dict[str, Any]:
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            # A model at the root is a component of its own, referenced like nested ones.
            self.schema_of(list[hint])  # type: ignore[valid-type]
            return {"$ref": f"#/components/schemas/{hint.__name__}"}
        adapter = TypeAdapter(hint)
        raw = adapter.json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
        for name, definition in raw.pop("$defs", {}).items():
            self._add(name, definition)
        self._collect_models(hint)
        return _clean(raw)

    def add_named(self, name: str, hint: Any) -> None:
        if name in self.schemas:
            return
        schema = self.schema_of(hint)
        if isinstance(hint, type) and issubclass(hint, BaseModel) and hint.__name__ == name:
            return  # the model itself was added under its own name
        self._add(name, schema)

    def _add(self, name: str, definition: dict[str, Any]) -> None:
        if name not in self.schemas:
            self.schemas[name] = _clean(definition)

    def _collect_models(self, hint: Any) -> None:
        seen: set[int] = set()

        def walk(h: Any) -> None:
            if id(h) in seen:
                return
            seen.add(id(h))
            for arg in typing.get_args(h):
                walk(arg)
            if isinstance(h, type) and issubclass(h, BaseModel):
                self.models.setdefault(h.__name__, h)
                for field in h.model_fields.values():
                    walk(field.annotation)

        walk(hint)

    def finish(self) -> dict[str, Any]:
        for name, model in self.models.items():
            schema = self.schemas.get(name)
            if not schema:
                continue
            for wire, python in _python_names(model).items():
                prop = schema.get("properties", {}).get(wire)
                if prop is not None:
                    prop["x-python-name"] = python
        return dict(sorted(self.schemas.items()))


# ---------------------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------------------


def _namespaces(client: Any) -> list[str]:
    names = []
    for name in dir(type(client)):
        if name.startswith("_"):
            continue
        if isinstance(getattr(type(client), name), property):
            names.append(name)
    return sorted(names)


def _methods(resource: Any) -> list[str]:
    return sorted(
        n
        for n in dir(resource)
        if not n.startswith("_") and n != "with_raw_response" and callable(getattr(resource, n))
    )


def _call(method: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    result = method(*args, **kwargs, request_options={"max_retries": 0})
    if inspect.isgenerator(result) or hasattr(result, "__next__"):
        for _ in result:
            pass
    return result


def _record(method: Any, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    RECORDER.requests.clear()
    RECORDER.status, RECORDER.body = 200, b"{}"
    with contextlib.suppress(Exception):
        _call(method, args, kwargs)
    assert len(RECORDER.requests) == 1, (method, RECORDER.requests)
    return RECORDER.requests[0]


def _typed_statuses(method: Any, args: list[Any], kwargs: dict[str, Any]) -> list[int]:
    typed = []
    for status in ERROR_STATUSES:
        RECORDER.status, RECORDER.body = status, b'{"message":"probe"}'
        try:
            _call(method, args, kwargs)
        except Exception as exc:  # the class the vendor maps this status to
            if (
                type(exc).__name__ not in ("ApiError", "ParsingError")
                and "Error" in type(exc).__name__
            ) and getattr(exc, "status_code", None) == status:
                typed.append(status)
    RECORDER.status, RECORDER.body = 200, b"{}"
    return typed


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return json.loads(value.model_dump_json(by_alias=True, exclude_none=True))
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _return_info(hint: Any, book: SchemaBook, http_method: str) -> dict[str, Any]:
    text = str(hint)
    if hint is type(None) or hint is None:
        return {"2XX": {"description": "Done; any body is ignored."}}
    if "Iterator[bytes]" in text:
        return {
            "200": {
                "description": "The content, streamed.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
                "x-stream": True,
            }
        }
    if http_method == "HEAD":
        return {"200": {"description": "Headers only.", "x-response-headers": True}}
    optional = typing.get_origin(hint) is typing.Union and type(None) in typing.get_args(hint)
    inner = hint
    if optional:
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = members[0] if len(members) == 1 else typing.Union[tuple(members)]  # noqa: UP007 - built at run time
    schema = book.schema_of(inner)
    response: dict[str, Any] = {
        "description": "The result.",
        "content": {"application/json": {"schema": schema}},
    }
    if optional:
        response["x-empty-is-none"] = True
    return {"200": response}


def extract_operations(api: str, book: SchemaBook, base_url: str) -> list[dict[str, Any]]:
    config = APIS[api]
    module = importlib.import_module(config["module"])
    client = getattr(module, config["client"])(base_url=base_url, **config["credential"])
    operations = []
    for namespace in _namespaces(client):
        resource = getattr(client, namespace)
        for name in _methods(resource):
            method = getattr(resource, name)
            operations.append(_operation(api, namespace, name, method, book))
    return operations


def _operation(
    api: str, namespace: str, name: str, method: Any, book: SchemaBook
) -> dict[str, Any]:
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method, include_extras=True)
    sampler = Sampler()
    params = [p for p in signature.parameters.values() if p.name != "request_options"]
    samples = {p.name: sampler.value(hints.get(p.name, str), p.name) for p in params}
    path_params = [p for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    args = [samples[p.name] for p in path_params]
    kwargs = {p.name: samples[p.name] for p in params if p not in path_params}
    full = _record(method, args, kwargs)
    # The same call with only the required keyword arguments shows which keys are optional.
    required_kwargs = {
        p.name: samples[p.name]
        for p in params
        if p not in path_params and p.default is inspect.Parameter.empty
    }
    minimal = _record(method, args, required_kwargs)

    # Path: each segment that carries a path parameter's sample becomes a placeholder.
    segments = full["path"].split("/")
    for p in path_params:
        marker = str(samples[p.name])
        segments = ["{" + p.name + "}" if s == marker else s for s in segments]
    path = "/".join(segments)
    base_path = urlsplit(BASE_URLS[api]).path.rstrip("/")
    if path.startswith(base_path):
        path = path[len(base_path) :] or "/"
    if not path.startswith("/"):
        path = "/" + path

    def encoded(value: Any) -> list[str]:
        values = value if isinstance(value, list) else [value]
        out = []
        for v in values:
            v = _jsonable(v)
            out.append("true" if v is True else "false" if v is False else str(v))
        return out

    parameters: list[dict[str, Any]] = []
    for p in path_params:
        parameters.append(
            {
                "name": p.name,
                "in": "path",
                "required": True,
                "schema": book.schema_of(hints.get(p.name, str)),
            }
        )
    query_names = [k for k, _ in full["query"]]
    used: set[str] = set()
    for p in params:
        if p in path_params:
            continue
        wanted = encoded(samples[p.name])
        for key in dict.fromkeys(query_names):
            got = [v for k, v in full["query"] if k == key]
            if key not in used and got == wanted:
                used.add(key)
                hint = hints.get(p.name, str)
                entry: dict[str, Any] = {
                    "name": key,
                    "in": "query",
                    "required": p.default is inspect.Parameter.empty,
                    "schema": book.schema_of(hint),
                }
                if key != p.name:
                    entry["x-python-name"] = p.name
                if isinstance(samples[p.name], list) or "Sequence" in str(hint):
                    entry["style"], entry["explode"] = "form", True
                parameters.append(entry)
                break

    query_params = {(q.get("x-python-name") or q["name"]) for q in parameters if q["in"] == "query"}
    body_params = [p for p in params if p not in path_params and p.name not in query_params]
    request_body = _request_body(full, minimal, body_params, samples, hints, book)

    return_hint = hints.get("return", type(None))
    responses = _return_info(return_hint, book, full["method"])
    typed = _typed_statuses(method, args, kwargs)
    for status in typed:
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    operation: dict[str, Any] = {
        "operationId": f"{namespace}.{name}",
        "tags": [namespace],
        "x-python-name": name,
        "summary": _summary(name),
    }
    if parameters:
        operation["parameters"] = parameters
    if request_body is not None:
        operation["requestBody"] = request_body
    operation["responses"] = responses
    return {"method": full["method"].lower(), "path": path, "operation": operation}


def _request_body(
    full: dict[str, Any],
    minimal: dict[str, Any],
    body_params: list[inspect.Parameter],
    samples: dict[str, Any],
    hints: dict[str, Any],
    book: SchemaBook,
) -> dict[str, Any] | None:
    if not body_params:
        return None
    content_type = full["headers"].get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        properties: dict[str, Any] = {}
        required = []
        for p in body_params:
            if _is_file_hint(hints.get(p.name)):
                properties[p.name] = {"type": "string", "format": "binary"}
            else:
                properties[p.name] = book.schema_of(hints.get(p.name, str))
            if p.default is inspect.Parameter.empty:
                required.append(p.name)
        schema = {"type": "object", "properties": properties, "required": required}
        return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    body = json.loads(full["body"]) if full["body"] else None
    if len(body_params) == 1 and body_params[0].name == "request":
        p = body_params[0]
        return {
            "required": True,
            "x-python-name": p.name,
            "content": {"application/json": {"schema": book.schema_of(hints.get(p.name))}},
        }
    if not isinstance(body, dict):
        # A single parameter sent as the whole body under another name.
        p = body_params[0]
        if _is_file_hint(hints.get(p.name)):
            return {
                "required": True,
                "x-python-name": p.name,
                "x-encoding": "base64-json",
                "content": {"application/json": {"schema": {"type": "string"}}},
            }
        return {
            "required": True,
            "x-python-name": p.name,
            "content": {"application/json": {"schema": book.schema_of(hints.get(p.name))}},
        }
    properties = {}
    required = []
    minimal_body = json.loads(minimal["body"]) if minimal["body"] else {}
    unmatched = list(body_params)
    for key, value in body.items():
        # By name first (samples of two booleans look alike), then by the unique sample value.
        p = next((q for q in unmatched if _camel(q.name) == key or q.name == key), None)
        if p is None:
            encoded = json.dumps(value, sort_keys=True, default=str)
            p = next(
                (
                    q
                    for q in unmatched
                    if json.dumps(_jsonable(samples[q.name]), sort_keys=True, default=str)
                    == encoded
                ),
                None,
            )
        if p is None:
            raise SystemExit(f"cannot tell which parameter became body key {key!r}")
        unmatched.remove(p)
        hint = hints.get(p.name, str)
        if _is_file_hint(hint):
            schema: dict[str, Any] = {"type": "string", "contentEncoding": "base64"}
        else:
            schema = book.schema_of(hint)
        if key != p.name:
            schema["x-python-name"] = p.name
        properties[key] = schema
        if p.default is inspect.Parameter.empty and key in minimal_body:
            required.append(key)
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _summary(name: str) -> str:
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:] + "."


BASE_URLS: dict[str, str] = {}


def vendor_exports(api: str) -> dict[str, list[str]]:
    exports = {}
    base = APIS[api]["module"]
    for suffix in PUBLIC_SUBMODULES:
        try:
            module = importlib.import_module(base + suffix)
        except ImportError:
            continue
        names = getattr(module, "__all__", None)
        if names is None:
            names = [
                n
                for n in dir(module)
                if not n.startswith("_")
                and getattr(getattr(module, n), "__module__", "").startswith(base)
            ]
        exports[base + suffix] = sorted(names)
    client = getattr(importlib.import_module(base), APIS[api]["client"])
    for namespace in _namespaces(client(base_url="http://x", **APIS[api]["credential"])):
        for suffix in (f".{namespace}", f".{namespace}.types"):
            try:
                module = importlib.import_module(base + suffix)
            except ImportError:
                continue
            names = getattr(module, "__all__", [])
            if names:
                exports[base + suffix] = sorted(names)
    return exports


def public_types(api: str, book: SchemaBook) -> None:
    """Add a schema for every public type name the vendor exports (models, enums, unions)."""
    base = APIS[api]["module"]
    for module_name, names in vendor_exports(api).items():
        module = importlib.import_module(module_name)
        for name in names:
            obj = getattr(module, name, None)
            if obj is None or inspect.ismodule(obj) or name in book.schemas:
                continue
            if name.endswith("ClientEnvironment"):
                continue  # a deployment, not a wire type (ours is in <api>.environment)
            if (
                obj is not Any
                and isinstance(obj, type)
                and (issubclass(obj, BaseException) or not issubclass(obj, (BaseModel, enum.Enum)))
            ):
                continue
            if not isinstance(obj, type) and typing.get_origin(obj) is None and obj is not Any:
                continue
            if obj is not Any and isinstance(obj, type) and not obj.__module__.startswith(base):
                continue
            try:
                book.add_named(name, obj)
            except Exception as exc:
                print(f"  skipped {module_name}.{name}: {type(exc).__name__}", file=sys.stderr)


def build(api: str, port: int) -> dict[str, Any]:
    config = APIS[api]
    module = importlib.import_module(config["module"])
    environment = getattr(module, config["client"] + "Environment").DEFAULT.value
    # Requests go to loopback, under the same path prefix as the real base URL.
    prefix = urlsplit(environment).path if "<" not in environment else "/svc"
    base_url = f"http://127.0.0.1:{port}{prefix}"
    BASE_URLS[api] = base_url
    book = SchemaBook()
    operations = extract_operations(api, book, base_url)
    public_types(api, book)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op["path"], {})[op["method"]] = op["operation"]
    security_scheme = (
        {"type": "apiKey", "in": "header", "name": "X-Auth-Token"}
        if config["auth"] == "apiKey"
        else {"type": "http", "scheme": "bearer"}
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": config["title"],
            "version": "1.0.0",
            "x-python-module": config["module"],
            "x-python-client": config["client"],
            "x-vendor-exports": vendor_exports(api),
        },
        "servers": [{"url": environment}],
        "security": [{config["auth"]: []}],
        "tags": [{"name": t} for t in sorted({op["operation"]["tags"][0] for op in operations})],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {config["auth"]: security_scheme},
            "responses": {
                f"Error{status}": {
                    "description": f"HTTP {status}.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                }
                for status in ERROR_STATUSES
            },
            "schemas": {**book.finish(), "Problem": spec_decisions.PROBLEM_SCHEMA},
        },
    }


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    out = ROOT / "spec"
    out.mkdir(exist_ok=True)
    for api in APIS:
        print(f"{api}: extracting", file=sys.stderr)
        spec = build(api, port)
        spec_decisions.apply(api, spec)
        _unify_placeholders(spec)
        text = json.dumps(spec, indent=1, ensure_ascii=False) + "\n"
        (out / f"{api}.json").write_text(text, encoding="utf-8")
        count = sum(len(v) for v in spec["paths"].values())
        print(
            f"{api}: {count} operations, {len(spec['components']['schemas'])} schemas",
            file=sys.stderr,
        )
    server.shutdown()


def _unify_placeholders(spec: dict[str, Any]) -> None:
    """OpenAPI forbids two templates differing only in placeholder names: keep the first."""
    seen: dict[str, str] = {}
    for path in list(spec["paths"]):
        shape = re.sub(r"\{[^}]+\}", "{}", path)
        if shape not in seen:
            seen[shape] = path
            continue
        canonical = seen[shape]
        names = re.findall(r"\{([^}]+)\}", canonical)
        own = re.findall(r"\{([^}]+)\}", path)
        for method, operation in spec["paths"].pop(path).items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in own:
                    python = parameter.get("x-python-name", parameter["name"])
                    parameter["name"] = names[own.index(parameter["name"])]
                    if python != parameter["name"]:
                        parameter["x-python-name"] = python
            spec["paths"][canonical][method] = operation


if __name__ == "__main__":
    main()
