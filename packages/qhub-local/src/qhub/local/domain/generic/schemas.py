"""The spec's JSON Schemas at work: checking request bodies, and building answers that
satisfy a response schema out of whatever fields a resource has.

The subset the Platform spec uses is enough: ``$ref``, ``anyOf``/``oneOf`` (with an optional
``discriminator``), ``enum``, ``const``, ``type``, ``properties``/``required``,
``additionalProperties``, ``items``, ``default`` and ``format: date-time``. An answer holds
only the properties its schema declares (our strict client rejects unknown fields), each
value of the declared type, and every required property, a default filled in when the
resource has none: the first enum value, ``""``, ``0``, ``false``, an empty list or object,
the resource's id or a name derived from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .spec import Schema

__all__ = ["MISSING", "Schemas"]


class _Missing:
    """No value that fits the schema."""

    def __repr__(self) -> str:
        return "MISSING"


#: What :meth:`Schemas.conform` answers for a value that can't be made to fit.
MISSING: Any = _Missing()

_NAME_PROPERTIES = ("name", "displayName", "title")
_EPOCH = "1970-01-01T00:00:00.000Z"


def _type_matches(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "null":
        return value is None
    return True


def _is_date_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _at(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


class Schemas:
    """The component schemas of one spec document.

    Args:
        components: ``components.schemas`` of the document (``$ref`` targets).
    """

    def __init__(self, components: Mapping[str, Schema]) -> None:
        self._components = components

    def resolve(self, schema: Schema) -> Schema:
        """``schema`` with its ``$ref`` followed (sibling keys such as ``default`` kept)."""
        while "$ref" in schema:
            target = self._components[str(schema["$ref"]).rsplit("/", 1)[-1]]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema

    def variants(self, schema: Schema) -> list[Schema]:
        """The alternatives of an ``anyOf``/``oneOf`` (resolved), or the schema alone."""
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        return [self.resolve(s) for s in options] if options else [schema]

    def non_null(self, schema: Schema) -> Schema:
        """The schema without its ``null`` alternative (``X | None`` → ``X``)."""
        options = [v for v in self.variants(schema) if v.get("type") != "null"]
        return options[0] if len(options) == 1 else self.resolve(schema)

    def page_item(self, schema: Schema) -> Schema | None:
        """The item schema when ``schema`` is a page (``content`` plus ``totalElements``)."""
        properties = self.resolve(schema).get("properties", {})
        if "content" in properties and "totalElements" in properties:
            item: Schema = self.non_null(properties["content"]).get("items", {})
            return item
        return None

    def properties(self, schema: Schema) -> Mapping[str, Schema]:
        """The declared properties of an object schema (of its first object alternative)."""
        for variant in self.variants(schema):
            if "properties" in variant:
                return dict(variant["properties"])
        return {}

    # -- checking requests -------------------------------------------------------------------

    def problems(self, value: Any, schema: Schema, where: str = "") -> list[str]:
        """What is wrong with ``value`` for ``schema``, each naming the field
        (``computationModel: must be one of CLASSIC, QUANTUM``); empty when it fits."""
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            found = [self.problems(value, option, where) for option in options]
            if any(not p for p in found):
                return []
            concrete = [
                p
                for p, o in zip(found, options, strict=True)
                if self.resolve(o).get("type") != "null"
            ]
            if len(concrete) == 1:
                return concrete[0]
            return [f"{where or 'body'}: does not match any of the allowed shapes"]
        if "const" in schema and value != schema["const"]:
            return [f"{where or 'body'}: must be {schema['const']!r}"]
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(str(v) for v in schema["enum"])
            return [f"{where or 'body'}: must be one of {allowed}, not {value!r}"]
        kind = schema.get("type")
        if isinstance(kind, str) and not _type_matches(value, kind):
            return [f"{where or 'body'}: must be a{'n' if kind[0] in 'aeiou' else ''} {kind}"]
        if (
            isinstance(value, str)
            and schema.get("format") == "date-time"
            and not _is_date_time(value)
        ):
            return [f"{where or 'body'}: must be an ISO 8601 date-time"]
        if isinstance(value, dict):
            return self._object_problems(value, schema, where)
        if isinstance(value, list) and "items" in schema:
            items: list[str] = []
            for index, item in enumerate(value):
                items += self.problems(item, schema["items"], _at(where, index))
            return items
        return []

    def _object_problems(self, value: dict[str, Any], schema: Schema, where: str) -> list[str]:
        found = [
            f"{_at(where, key)}: field required"
            for key in schema.get("required", ())
            if key not in value
        ]
        declared = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in declared:
                found += self.problems(item, declared[key], _at(where, key))
            elif isinstance(extra, dict):
                found += self.problems(item, extra, _at(where, key))
        return found

    # -- building answers --------------------------------------------------------------------

    def conform(self, value: Any, schema: Schema, context: Mapping[str, Any]) -> Any:
        """``value`` made to fit ``schema``: unknown properties dropped, missing required
        ones defaulted; :data:`MISSING` when it can't fit (a text where a number belongs)."""
        schema = self.resolve(schema)
        if schema.get("anyOf") or schema.get("oneOf"):
            if value is None and any(v.get("type") == "null" for v in self.variants(schema)):
                return None
            return self.conform(value, self._variant_for(value, schema, context), context)
        if "const" in schema:
            return schema["const"] if value == schema["const"] else MISSING
        if "enum" in schema:
            return value if value in schema["enum"] else MISSING
        kind = schema.get("type")
        if kind == "number" and _type_matches(value, "number"):
            return value
        if kind == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind == "string" and _type_matches(value, "integer") and "enum" not in schema:
            return str(value)  # a number sent where the answer has text (an installation id)
        if isinstance(kind, str) and not _type_matches(value, kind):
            return MISSING
        if isinstance(value, str) and schema.get("format") == "date-time":
            return value if _is_date_time(value) else MISSING
        if isinstance(value, list):
            items = [self.conform(v, schema.get("items", {}), context) for v in value]
            return [item for item in items if item is not MISSING]
        if isinstance(value, dict):
            return self._conform_object(value, schema, context)
        return value

    def _conform_object(
        self, value: Mapping[str, Any], schema: Schema, context: Mapping[str, Any]
    ) -> Any:
        declared = schema.get("properties")
        extra = schema.get("additionalProperties")
        if declared is None:
            if isinstance(extra, dict):
                items = {k: self.conform(v, extra, context) for k, v in value.items()}
                return {k: v for k, v in items.items() if v is not MISSING}
            return dict(value) if extra is not False else {}
        shaped: dict[str, Any] = {}
        required = set(schema.get("required", ()))
        for key, property_schema in declared.items():
            fitted = MISSING
            if key in value:
                fitted = self.conform(value[key], property_schema, context)
            if fitted is MISSING and key in required:
                fitted = self.default(property_schema, key, {**context, **value})
            if fitted is not MISSING:
                shaped[key] = fitted
        return shaped

    def shape(self, fields: Mapping[str, Any], schema: Schema) -> Any:
        """An answer for ``schema`` from a resource's ``fields`` (see the module's text)."""
        fitted = self.conform(dict(fields), schema, fields)
        return self.default(schema, "", fields) if fitted is MISSING else fitted

    def _variant_for(self, value: Any, schema: Schema, context: Mapping[str, Any]) -> Schema:
        options = [v for v in self.variants(schema) if v.get("type") != "null"]
        discriminator = schema.get("discriminator")
        if discriminator and isinstance(value, dict):
            mapping = discriminator.get("mapping", {})
            tag = value.get(discriminator.get("propertyName", ""), context.get("id"))
            if tag in mapping:
                return self.resolve({"$ref": mapping[tag]})
        if not isinstance(value, dict):
            fitting = [o for o in options if not self.problems(value, o)]
            return (fitting or options)[0]
        return max(options, key=lambda option: self._fit(value, option))

    def _fit(self, value: Mapping[str, Any], option: Schema) -> int:
        """How well an object alternative suits ``value``: its required properties ``value``
        has, less those it lacks; one whose fixed tag ``value`` contradicts scores lowest."""
        declared = option.get("properties", {})
        score = 0
        for key, property_schema in declared.items():
            fixed = self.resolve(property_schema).get("enum")
            if key in value and fixed and len(fixed) == 1 and value[key] != fixed[0]:
                return -1000
        for key in option.get("required", ()):
            score += 1 if key in value else -1
        return score

    def default(self, schema: Schema, name: str, context: Mapping[str, Any]) -> Any:
        """A value for a required property the resource lacks (see the module's text)."""
        schema = self.resolve(schema)
        variants = self.variants(schema)
        if schema.get("anyOf") or schema.get("oneOf"):
            if any(v.get("type") == "null" for v in variants):
                return None
            return self.default(self._variant_for({}, schema, context), name, context)
        if schema.get("default") is not None:
            return schema["default"]
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "string":
            return self._default_text(schema, name, context)
        return {"integer": 0, "number": 0, "boolean": False, "array": []}.get(
            str(kind), self._conform_object({}, schema, context) if kind == "object" else None
        )

    @staticmethod
    def _default_text(schema: Schema, name: str, context: Mapping[str, Any]) -> str:
        if schema.get("format") == "date-time":
            created = context.get("createdAt")
            return created if isinstance(created, str) else _EPOCH
        if name == "id":
            return str(context.get("id", ""))
        if name in _NAME_PROPERTIES:
            for key in _NAME_PROPERTIES:
                if isinstance(context.get(key), str):
                    return str(context[key])
            return f"unnamed-{str(context.get('id', ''))[:8]}"
        return ""
