"""Every discriminated union of ``spec/`` parses by its tag, derived from the spec itself.

For each ``oneOf`` with a ``discriminator`` (named, or inline in a model's field), an object
of each tag value, its required fields filled from the variant's schema, lands in the class
the mapping names, not the first variant that accepts its fields. An unknown tag lands in
the union's ``<Union>_Unknown`` class with every field kept (strict mode rejects it). A new
discriminated union in a spec is covered without touching this file.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from qhub.api._core.models import strict_models
from qhub.api._core.unions import UnknownVariant
from tests.contract.spec_server import load_spec

APIS = ("quantum", "platform", "service", "user")


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _unions(api: str) -> dict[str, dict[str, Any]]:
    """The API's named discriminated unions."""
    schemas = load_spec(api)["components"]["schemas"]
    return {n: s for n, s in schemas.items() if "discriminator" in s and "oneOf" in s}


def sample(schema: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """A small value the schema accepts: required properties only, the first enum value."""
    if "$ref" in schema:
        return sample(schemas[_name(schema["$ref"])], schemas)
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return sample(options[0], schemas) if options else None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "string":
        return {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01"}.get(
            schema.get("format", ""), "text"
        )
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            k: sample(v, schemas) for k, v in schema.get("properties", {}).items() if k in required
        }
    return None


def variant_payload(api: str, union: dict[str, Any], tag_value: str) -> dict[str, Any]:
    """An object of the variant that ``tag_value`` maps to, the tag first."""
    schemas = load_spec(api)["components"]["schemas"]
    variant = _name(union["discriminator"]["mapping"][tag_value])
    tag = union["discriminator"]["propertyName"]
    return {tag: tag_value, **sample(schemas[variant], schemas)} | {tag: tag_value}


def _models(api: str) -> Any:
    return importlib.import_module(f"qhub.api.{api}._generated.models")


@cache
def _adapter(api: str, union: str) -> TypeAdapter[Any]:
    return TypeAdapter(getattr(_models(api), union))


def _tag_cases() -> list[Any]:
    return list(_each_tag())


def _each_tag() -> Iterator[Any]:
    for api in APIS:
        for union, schema in _unions(api).items():
            for tag_value, ref in schema["discriminator"]["mapping"].items():
                yield pytest.param(api, union, tag_value, _name(ref), id=f"{union}={tag_value}")


def test_the_specs_have_discriminated_unions() -> None:
    """The parametrized tests below are not vacuous."""
    assert {"ProviderToken", "TenantId"} <= set(_unions("platform"))
    assert {"CreateJobRequestInput", "NormalizedPubResult"} <= set(_unions("quantum"))


@pytest.mark.parametrize(("api", "union", "tag_value", "variant"), _tag_cases())
def test_each_tag_lands_in_its_own_class(
    api: str, union: str, tag_value: str, variant: str
) -> None:
    """The tag picks the class the spec's mapping names, from JSON and from a dict, strictly
    (no unknown fields), and the tag reads back as sent."""
    payload = variant_payload(api, _unions(api)[union], tag_value)
    expected = getattr(_models(api), variant)
    with strict_models():
        parsed = _adapter(api, union).validate_json(json.dumps(payload))
        assert type(parsed) is expected
        assert type(_adapter(api, union).validate_python(payload)) is expected
    tag = _unions(api)[union]["discriminator"]["propertyName"]
    assert parsed.model_dump(mode="json", by_alias=True)[tag] == tag_value


@pytest.mark.parametrize(("api", "union"), [(api, union) for api in APIS for union in _unions(api)])
def test_an_unknown_tag_is_kept(api: str, union: str) -> None:
    """A tag the client does not know gives ``<Union>_Unknown`` with every field as sent
    (not a known variant that happens to accept the fields); strict mode refuses it."""
    schema = _unions(api)[union]
    tag = schema["discriminator"]["propertyName"]
    first = next(iter(schema["discriminator"]["mapping"]))
    payload = variant_payload(api, schema, first) | {tag: "not-a-known-tag", "addedLater": [1]}
    with strict_models(enabled=False):
        parsed = _adapter(api, union).validate_json(json.dumps(payload))
    assert type(parsed) is getattr(_models(api), f"{union}_Unknown")
    assert isinstance(parsed, UnknownVariant)
    assert getattr(parsed, parsed.tag_field) == "not-a-known-tag"
    assert parsed.model_dump(mode="json", by_alias=True) == payload
    with pytest.raises(ValidationError, match="not-a-known-tag"):
        _adapter(api, union).validate_json(json.dumps(payload))


def _inline_cases() -> list[Any]:
    """Model fields whose schema holds a discriminated union inline (directly, nullable, or
    as the items of an array): (api, model, property, the union's schema)."""
    return list(_each_inline())


@pytest.mark.parametrize(("api", "union", "tag_value", "variant"), _tag_cases())
def test_an_untagged_object_is_a_variant_it_fits(
    api: str, union: str, tag_value: str, variant: str
) -> None:
    """Without its tag (every variant defaults it) an object is a known variant its fields
    fit, strictly (as a plain union chooses; variants of the same shape are alike)."""
    tag = _unions(api)[union]["discriminator"]["propertyName"]
    payload = variant_payload(api, _unions(api)[union], tag_value)
    del payload[tag]
    known = {_name(ref) for ref in _unions(api)[union]["discriminator"]["mapping"].values()}
    with strict_models():
        for untagged in (payload, payload | {tag: None}):
            parsed = _adapter(api, union).validate_json(json.dumps(untagged))
            assert type(parsed).__name__ in known
            assert not isinstance(parsed, UnknownVariant)


def _each_inline() -> Iterator[Any]:
    for api in APIS:
        schemas = load_spec(api)["components"]["schemas"]
        for model, schema in schemas.items():
            for prop, prop_schema in schema.get("properties", {}).items():
                for where in (
                    prop_schema,
                    prop_schema.get("items", {}),
                    *prop_schema.get("anyOf", []),
                ):
                    if "discriminator" in where:
                        yield pytest.param(api, model, prop, where, id=f"{model}.{prop}")


def test_the_specs_have_inline_unions() -> None:
    """The test below is not vacuous."""
    assert {p.id for p in _inline_cases()} >= {"NormalizedJobResult.pubs", "ShareDto.sharedWith"}


@pytest.mark.parametrize(("api", "model", "prop", "union"), _inline_cases())
def test_a_union_inside_a_model_is_resolved_by_its_tag(
    api: str, model: str, prop: str, union: dict[str, Any]
) -> None:
    """A field holding a discriminated union parses each tag into its class, and an unknown
    one into the ``_Unknown`` class, as the named union does."""
    schemas = load_spec(api)["components"]["schemas"]
    cls: type[BaseModel] = getattr(_models(api), model)
    field = next(n for n, f in cls.model_fields.items() if (f.alias or n) == prop)
    is_list = schemas[model]["properties"][prop].get("type") == "array"
    tag = union["discriminator"]["propertyName"]
    cases = {value: _name(ref) for value, ref in union["discriminator"]["mapping"].items()}
    named = next(n for n, s in _unions(api).items() if s["discriminator"] == union["discriminator"])
    cases["not-a-known-tag"] = f"{named}_Unknown"
    for tag_value, variant in cases.items():
        known = tag_value if tag_value in union["discriminator"]["mapping"] else next(iter(cases))
        value = variant_payload(api, union, known) | {tag: tag_value}
        outer = sample(schemas[model], schemas) | {prop: [value] if is_list else value}
        # Known tags parse strictly; an unknown one only leniently, as for any model.
        with strict_models(enabled=tag_value in union["discriminator"]["mapping"]):
            parsed = getattr(cls.model_validate_json(json.dumps(outer)), field)
        assert type(parsed[0] if is_list else parsed) is getattr(_models(api), variant)
