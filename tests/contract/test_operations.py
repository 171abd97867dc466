"""Every operation of the four specs, sent sync, async and raw over real HTTP to a server that
checks the request against the spec and answers with a schema-valid body, which the client
must parse into the declared type."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest

from qhub.api._core.operations import HttpResponse, Operation
from qhub.api._core.pagination import ListPage
from qhub.api._core.streams import ByteStream
from tests.contract.spec_server import SpecServer, load_spec

APIS = ["quantum", "platform", "service", "user"]


def _client_classes(api: str) -> tuple[type[Any], type[Any], dict[str, Any]]:
    module = importlib.import_module(f"qhub.api.{api}")
    name = load_spec(api)["info"]["x-python-client"]
    credential = {"token": "secret-token"} if api == "service" else {"api_key": "secret-token"}
    return getattr(module, name), getattr(module, "Async" + name), credential


def _cases() -> Iterator[Any]:
    for api in APIS:
        spec = load_spec(api)
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                yield pytest.param(api, method, path, operation, id=operation["operationId"])


def _sample(hint: Any) -> Any:
    """A value of the annotated type (the first member of a union that is not None)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        return _sample(members[0])
    if hint is str:
        return "value-1"
    if hint is bool:
        return True
    if hint is int:
        return 3
    if hint is float:
        return 1.5
    if origin in (list, typing.get_origin(typing.Sequence[str])):
        return ["value-1"] if typing.get_args(hint) == (str,) else []
    if origin in (dict, typing.get_origin(typing.Mapping[str, str])):
        return {}
    if inspect.isclass(hint) and hasattr(hint, "model_fields"):
        return {}
    import datetime as dt

    if hint is dt.datetime:
        return dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
    return b"file-content"  # FileInput and the like


def _arguments(
    operation: Operation[Any, Any], spec_operation: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """Every parameter given (each wire name is then checked), the older spellings left out."""
    hints = typing.get_type_hints(operation.build)
    other_spellings = {
        alias
        for p in spec_operation.get("parameters", [])
        for alias in p.get("x-python-aliases", [])
    }
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for parameter in inspect.signature(operation.build).parameters.values():
        if parameter.name == "request_options":
            continue
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            args.append("a b/c" if parameter.name == "file_path" else f"{parameter.name}-1")
        elif parameter.name not in other_spellings:
            kwargs[parameter.name] = _sample(hints[parameter.name])
    return args, kwargs


def _check_result(api: str, spec_operation: dict[str, Any], result: Any) -> None:
    responses = spec_operation["responses"]
    ok = responses.get("200")
    models = importlib.import_module(f"qhub.api.{api}._generated.models")
    if ok is None:
        assert result is None
    elif ok.get("x-stream"):
        assert b"".join(result) == b"\x00streamed-bytes\xff"
    elif ok.get("x-response-headers"):
        assert isinstance(result, dict)
        assert "content-type" in result
    elif spec_operation.get("x-python-result") == "ListPage":
        assert isinstance(result, ListPage)
        assert list(result) == (result.content or [])
    elif spec_operation.get("x-python-result") == "UrlOrBytes":
        assert isinstance(result, (str, bytes))
    else:
        schema = ok["content"]["application/json"]["schema"]
        if "$ref" in schema:
            expected = getattr(models, schema["$ref"].rsplit("/", 1)[-1])
            if inspect.isclass(expected):
                assert isinstance(result, expected), (type(result), expected)
        elif schema.get("type") == "array":
            assert isinstance(result, list)


def _namespace(client: Any, api: str, namespace: str) -> Any:
    """The generated namespace on the client's own pipeline (public for the Platform API)."""
    if api == "platform":
        return getattr(client, namespace)
    module = importlib.import_module(f"qhub.api.{api}._generated.{namespace}")
    flavour = "Async" if "Async" in type(client).__name__ else ""
    cls = getattr(module, f"{flavour}{''.join(p.title() for p in namespace.split('_'))}Client")
    return cls(client._pipeline)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SpecServer]]:
    """One spec server per API for the whole module."""
    started = {api: SpecServer(api).__enter__() for api in APIS}
    yield started
    for server in started.values():
        server.__exit__()


@pytest.mark.parametrize(("api", "method", "path", "spec_operation"), list(_cases()))
def test_operation_matches_the_spec(
    servers: dict[str, SpecServer], api: str, method: str, path: str, spec_operation: dict[str, Any]
) -> None:
    """The request is the spec's (path, query, body, auth), the answer parses into its type."""
    namespace, name = spec_operation["operationId"].split(".")
    sync_class, async_class, credential = _client_classes(api)
    server = servers[api]
    server.seen.clear()
    with sync_class(base_url=server.base_url, **credential) as client:
        resource = _namespace(client, api, namespace)
        operation = getattr(type(resource), name)
        args, kwargs = _arguments(operation, spec_operation)
        _check_result(api, spec_operation, getattr(resource, name)(*args, **kwargs))
        raw = getattr(resource.with_raw_response, name)(*args, **kwargs)
        assert isinstance(raw, HttpResponse)
        assert 200 <= raw.status_code < 300
        if isinstance(raw.data, ByteStream):
            raw.data.close()

    async def run_async() -> Any:
        async with async_class(base_url=server.base_url, **credential) as client:
            resource = _namespace(client, api, namespace)
            result = getattr(resource, name)(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            if spec_operation["responses"].get("200", {}).get("x-stream"):
                return b"".join([chunk async for chunk in result])
            return result

    result = asyncio.run(run_async())
    if spec_operation["responses"].get("200", {}).get("x-stream"):
        assert result == b"\x00streamed-bytes\xff"
    else:
        _check_result(api, spec_operation, result)
    assert [seen.operation_id for seen in server.seen] == [spec_operation["operationId"]] * 3
    problems = [p for seen in server.seen for p in seen.problems]
    assert not problems, problems
