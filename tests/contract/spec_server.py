"""A loopback HTTP server that knows only the spec: it checks each request and answers with a
body valid for the operation's response schema.

Each request is matched to one operation by method and path template; the server records
the operation id and every way the request departs from the spec (unknown query names,
missing required ones, body keys not in the schema, a missing credential, a JSON body where
multipart is declared, …). Responses are built from the schema: required properties only,
the first enum value, the first member of a union.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"


def load_spec(api: str) -> dict[str, Any]:
    """The spec document of one API."""
    return dict(json.loads((SPEC_DIR / f"{api}.json").read_text(encoding="utf-8")))


@dataclass
class Seen:
    """What the server made of one request."""

    operation_id: str | None
    problems: list[str] = field(default_factory=list)
    #: The request body as it arrived.
    body: bytes = b""


class SampleMaker:
    """Schema-valid sample values (minimal: required properties only)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.schemas = spec["components"]["schemas"]

    def value(self, schema: dict[str, Any] | None, depth: int = 0) -> Any:
        if not schema or depth > 12:
            return None
        if "$ref" in schema:
            return self.value(self.schemas[schema["$ref"].rsplit("/", 1)[-1]], depth + 1)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                members = [m for m in schema[key] if m.get("type") != "null"] or schema[key]
                return self.value(members[0], depth + 1)
        if "enum" in schema:
            return schema["enum"][0]
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "string":
            return "2026-01-02T03:04:05Z" if schema.get("format") == "date-time" else "text"
        if kind == "integer":
            return 1
        if kind == "number":
            return 1.5
        if kind == "boolean":
            return True
        if kind == "array":
            return [self.value(schema.get("items"), depth + 1)] if depth < 3 else []
        if kind == "object" or "properties" in schema:
            required = schema.get("required", [])
            return {name: self.value(schema["properties"][name], depth + 1) for name in required}
        return None


class Operation:
    """One spec operation, ready for matching."""

    def __init__(self, method: str, path: str, operation: dict[str, Any]) -> None:
        self.method = method.upper()
        self.path = path
        self.spec = operation
        self.id: str = operation["operationId"]
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        if any(p.get("x-path-segments") for p in operation.get("parameters", [])):
            # A file path (always the last placeholder) may span several segments.
            pattern = pattern[: pattern.rfind("[^/]+")] + ".+"
        self.regex = re.compile("^" + pattern + "$")
        self.static = len(re.sub(r"\{[^}]+\}", "", path))


class SpecServer:
    """Serves one API's spec on loopback; ``seen`` lists what each request was."""

    def __init__(self, api: str, prefix: str = "/api") -> None:
        self.api = api
        self.spec = load_spec(api)
        self.prefix = prefix
        self.samples = SampleMaker(self.spec)
        self.operations = sorted(
            (
                Operation(method, path, operation)
                for path, methods in self.spec["paths"].items()
                for method, operation in methods.items()
            ),
            key=lambda op: -op.static,
        )
        self.seen: list[Seen] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """Where clients should send their requests."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def __enter__(self) -> SpecServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- checking ------------------------------------------------------------------------

    def match(self, method: str, path: str) -> Operation | None:
        for operation in self.operations:
            if operation.method == method and operation.regex.match(path):
                return operation
        return None

    def check(
        self,
        operation: Operation,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
    ) -> list[str]:
        problems: list[str] = []
        declared = {
            p["name"]: p for p in operation.spec.get("parameters", []) if p["in"] == "query"
        }
        names = {name for name, _ in query}
        problems += [f"query {n!r} is not in the spec" for n in sorted(names - set(declared))]
        problems += [
            f"required query {n!r} missing"
            for n, p in declared.items()
            if p.get("required") and n not in names
        ]
        # Every argument is given in these tests: a declared header must arrive (unless it is
        # sent only from a request option), and our extensions only where the spec declares
        # them.
        parameters = operation.spec.get("parameters", [])
        declared_headers = {p["name"].lower() for p in parameters if p["in"] == "header"}
        argument_headers = {
            p["name"].lower()
            for p in parameters
            if p["in"] == "header" and not p.get("x-option-only")
        }
        problems += [f"header {n!r} missing" for n in sorted(argument_headers - set(headers))]
        for extension in ("idempotency-key", "prefer"):
            if extension in headers and extension not in declared_headers:
                problems.append(f"{extension} sent to an operation that does not declare it")
        scheme = next(iter(self.spec["components"]["securitySchemes"].values()))
        header = scheme.get("name", "Authorization").lower()
        if header not in headers:
            problems.append(f"no {header} header")
        elif scheme.get("scheme") == "bearer" and not headers[header].startswith("Bearer "):
            problems.append("Authorization is not a bearer token")
        request_body = operation.spec.get("requestBody")
        content_type = headers.get("content-type", "")
        if request_body is None:
            if body:
                problems.append("a body was sent where the spec declares none")
            return problems
        declared_type, content = next(iter(request_body["content"].items()))
        if declared_type.startswith("multipart/"):
            if not content_type.startswith("multipart/form-data"):
                problems.append(f"expected multipart/form-data, got {content_type!r}")
            for part in content["schema"].get("required", []):
                if f'name="{part}"'.encode() not in body:
                    problems.append(f"multipart part {part!r} missing")
            return problems
        if not content_type.startswith("application/json"):
            problems.append(f"expected application/json, got {content_type!r}")
            return problems
        try:
            document = json.loads(body)
        except ValueError:
            return [*problems, "the body is not JSON"]
        schema = content["schema"]
        if "x-python-name" in request_body or "properties" not in schema:
            return problems
        if not isinstance(document, dict):
            return [*problems, "the body is not a JSON object"]
        properties = schema.get("properties", {})
        problems += [f"body key {k!r} is not in the spec" for k in document if k not in properties]
        problems += [
            f"required body key {k!r} missing"
            for k in schema.get("required", [])
            if k not in document
        ]
        if list(document) != [k for k in properties if k in document]:
            problems.append(f"body keys out of the documented order: {list(document)}")
        return problems

    def answer(self, operation: Operation) -> tuple[int, str, bytes]:
        responses = operation.spec["responses"]
        ok = responses.get("200") or responses.get("201")
        if ok is None:
            return 204, "application/json", b""
        if ok.get("x-stream"):
            return 200, "application/octet-stream", b"\x00streamed-bytes\xff"
        if ok.get("x-response-headers"):
            return 200, "application/json", b""
        content = ok["content"]
        schema = content["application/json"]["schema"]
        return 200, "application/json", json.dumps(self.samples.value(schema)).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                if not path.startswith(server.prefix):
                    self._send(404, "application/json", b'{"message":"outside the API"}')
                    return
                path = path[len(server.prefix) :] or "/"
                operation = server.match(self.command, path)
                if operation is None:
                    server.seen.append(Seen(None, [f"no operation for {self.command} {path}"]))
                    self._send(404, "application/json", b'{"message":"no such operation"}')
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                query = parse_qsl(parts.query, keep_blank_values=True)
                server.seen.append(
                    Seen(operation.id, server.check(operation, query, headers, body), body)
                )
                status, content_type, payload = server.answer(operation)
                self._send(status, content_type, payload)

            def _send(self, status: int, content_type: str, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
