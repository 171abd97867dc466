"""The clients' public surface, derived from ``spec/`` and checked against the clients.

For every operation of the four specs: the method exists on its namespace, sync, async and
``with_raw_response`` (both flavours), with exactly the parameters the spec names (path
parameters positional-or-keyword under their documented names, everything else keyword-only,
plus ``request_options``); every alias the spec lists is there and says what it aliases;
every schema is importable by name from the API's package and its ``types`` module. In the
other direction, a namespace offers nothing the spec does not describe except the
hand-written helpers listed here.
"""

from __future__ import annotations

import importlib
import inspect
import json
import keyword
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qhub.api._core.operations import Operation

SPEC = Path(__file__).resolve().parents[2] / "spec"
APIS = ("quantum", "platform", "service", "user")

#: What the hand-written layer adds to the generated namespaces (nothing else may appear).
HAND_WRITTEN = {
    ("quantum", "jobs"): {"wait", "iter_jobs"},
    ("quantum", "sessions"): {"open"},
    ("quantum", "workloads"): {"iter_workloads"},
}


def _spec(api: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((SPEC / f"{api}.json").read_text(encoding="utf-8"))
    return spec


def _python(name: str) -> str:
    """The Python spelling of a wire name, as the spec's conventions give it (spec/README)."""
    text = re.sub(r"\W", "_", name.lstrip("_$@")) or "value"
    if text[0].isdigit():
        text = "v_" + text
    return text + "_" if keyword.iskeyword(text) else text


def _operations(api: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for methods in _spec(api)["paths"].values():
        for operation in methods.values():
            namespace, name = operation["operationId"].split(".")
            yield namespace, name, operation


def _expected_parameters(operation: dict[str, Any]) -> tuple[list[str], set[str]]:
    """The positional (path) parameters in order, and the keyword-only ones."""
    positional: list[str] = []
    keywords: set[str] = {"request_options"}
    for parameter in operation.get("parameters", []):
        if parameter.get("x-option-only"):
            continue  # sent from a request option (a waiter's long_poll), not an argument
        python = parameter.get("x-python-name") or _python(parameter["name"])
        if parameter["in"] == "path":
            positional.append(python)
        else:
            keywords.add(python)
        keywords.update(parameter.get("x-python-aliases", []))
    body = operation.get("requestBody", {})
    for media, content in body.get("content", {}).items():
        schema = content.get("schema", {})
        if "x-python-name" in body:
            keywords.add(body["x-python-name"])
        elif media in ("application/json", "multipart/form-data"):
            for wire, prop in schema.get("properties", {}).items():
                keywords.add(prop.get("x-python-name") or _python(wire))
    return positional, keywords


def _clients(api: str) -> tuple[Any, Any]:
    module = importlib.import_module(f"qhub.api.{api}")
    name = _spec(api)["info"]["x-python-client"]
    sync_cls, async_cls = getattr(module, name), getattr(module, "Async" + name)
    if api == "service":
        arguments: dict[str, Any] = {"base_url": "http://127.0.0.1:9/a/b/1", "token": "t"}
    else:
        arguments = {"api_key": "k", "base_url": "http://127.0.0.1:9"}
    return sync_cls(**arguments), async_cls(**arguments)


CASES = [
    pytest.param(api, namespace, name, operation, id=f"{api}.{namespace}.{name}")
    for api in APIS
    for namespace, name, operation in _operations(api)
]


@pytest.mark.parametrize(("api", "namespace", "name", "operation"), CASES)
def test_every_operation_has_its_method_in_every_flavour(
    api: str, namespace: str, name: str, operation: dict[str, Any]
) -> None:
    """Sync, async and both raw flavours, with the spec's parameters and nothing more."""
    positional, keywords = _expected_parameters(operation)
    sync_client, async_client = _clients(api)
    for client in (sync_client, async_client):
        resource = getattr(client, namespace)
        for flavour in (resource, resource.with_raw_response):
            method = getattr(flavour, name)
            parameters = inspect.signature(method).parameters.values()
            got_positional = [
                p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
            ]
            got_keywords = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
            assert got_positional == positional, f"{type(flavour).__name__}.{name}"
            assert got_keywords == keywords, f"{type(flavour).__name__}.{name}"
        operation_object = inspect.getattr_static(type(resource), name)
        assert isinstance(operation_object, Operation) and operation_object.alias_of is None
        for alias in operation.get("x-aliases", []):
            aliased = inspect.getattr_static(type(resource), alias)
            assert isinstance(aliased, Operation), alias
            assert aliased.alias_of == f"{namespace}.{name}", alias
            assert "Alias of" in (aliased.__doc__ or ""), alias
        for other in operation.get("x-namespace-aliases", []):
            assert type(getattr(client, other)) is type(resource), other
        for elsewhere, names in operation.get("x-aliases-elsewhere", {}).items():
            for alias in names:
                aliased = inspect.getattr_static(type(getattr(client, elsewhere)), alias)
                assert aliased.alias_of == f"{namespace}.{name}", alias


@pytest.mark.parametrize("api", APIS)
def test_namespaces_offer_only_what_the_spec_describes(api: str) -> None:
    """A namespace lists (``dir()``, tab completion) exactly the spec's operations and the
    listed hand-written helpers; the older spellings work but stay out of that list."""
    described: dict[str, set[str]] = {}
    aliases: dict[str, set[str]] = {}
    for namespace, name, operation in _operations(api):
        described.setdefault(namespace, set()).add(name)
        aliases.setdefault(namespace, set()).update(operation.get("x-aliases", []))
        for elsewhere, names in operation.get("x-aliases-elsewhere", {}).items():
            aliases.setdefault(elsewhere, set()).update(names)
    for client in _clients(api):
        for namespace, names in described.items():
            resource = getattr(client, namespace)
            expected = names | HAND_WRITTEN.get((api, namespace), set())
            for listing in (dir(type(resource)), dir(resource)):
                public = {n for n in listing if not n.startswith("_") and n != "with_raw_response"}
                assert public == expected, f"{api}.{namespace}: {sorted(public ^ expected)}"
            for alias in aliases.get(namespace, set()):
                assert callable(getattr(resource, alias)), f"{api}.{namespace}.{alias}"


@pytest.mark.parametrize("api", APIS)
def test_every_schema_is_importable_by_name(api: str) -> None:
    """From ``qhub.api.<api>`` and ``qhub.api.<api>.types``, as the vendor's package offers."""
    package = importlib.import_module(f"qhub.api.{api}")
    types = importlib.import_module(f"qhub.api.{api}.types")
    for name in _spec(api)["components"]["schemas"]:
        assert getattr(types, name) is getattr(package, name), name
