"""The subset of JSON Schema our specs use, compiled into checks that name each problem's
JSON pointer: ``type`` (one or a list), ``properties``, ``required``,
``additionalProperties`` (a boolean or a schema), ``items``, ``enum``, ``anyOf``, ``oneOf``
(with a ``discriminator`` mapping, the variant it names), local ``$ref`` (recursion
allowed) and ``format: date-time`` (RFC 3339). Other keywords are ignored.

>>> checker = SchemaChecker({"components": {"schemas": {}}})
>>> checker.problems({"type": "object", "required": ["id"]}, {"id": 1, "tags": [2]})
[]
>>> checker.problems({"properties": {"tags": {"items": {"type": "string"}}}}, {"tags": [2]})
[('/tags/0', 'expected string, got integer')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Check", "Problem", "SchemaChecker"]

#: A problem found in a JSON document: its JSON pointer and what is wrong there.
Problem = tuple[str, str]

#: A compiled schema: checks a value at a pointer, appending what it finds to a list.
Check = Callable[[Any, str, list[Problem]], None]

JSON_TYPES: Mapping[str, Callable[[Any], bool]] = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


#: The message of a value of the wrong JSON type (built in ``_build``).
TYPE_MISMATCH = re.compile(r"^expected (?P<expected>.+), got \w+$")


def _pointer(parent: str, key: str | int) -> str:
    token = str(key).replace("~", "~0").replace("/", "~1")
    return f"{parent}/{token}"


def _type_name(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if JSON_TYPES[name](value):
            return name
    return type(value).__name__


def _summary(schema: Mapping[str, Any]) -> str:
    """A short name for a schema in messages: its reference or its type."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return f"enum {schema['enum']}"
    return str(schema.get("type", "any"))


class SchemaChecker:
    """Compiles the schemas of one spec document into checks, each schema once.

    Args:
        document: the spec whose ``#/components/...`` references the schemas use.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._compiled: dict[int, tuple[Mapping[str, Any], Check]] = {}
        self._refs: dict[str, Check] = {}

    def problems(self, schema: Mapping[str, Any], value: Any) -> list[Problem]:
        """Everything wrong with ``value`` for ``schema`` (empty when it is valid)."""
        found: list[Problem] = []
        self.compile(schema)(value, "", found)
        return found

    def resolve(self, reference: str) -> Any:
        """The node a local reference (``#/a/b``) points at.

        Raises:
            KeyError: the reference leads nowhere.
        """
        node: Any = self._document
        for token in reference.removeprefix("#/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def compile(self, schema: Mapping[str, Any]) -> Check:
        """The check of one schema, compiled once per schema object."""
        key = id(schema)
        cached = self._compiled.get(key)
        if cached is None:
            # The schema is kept with its check, so that its id is never reused for another.
            cached = (schema, self._build(schema))
            self._compiled[key] = cached
        return cached[1]

    def _reference(self, reference: str) -> Check:
        # Resolved on first use, so that recursive schemas compile.
        check = self._refs.get(reference)
        if check is None:
            target: list[Check] = []

            def check(value: Any, pointer: str, out: list[Problem]) -> None:
                if not target:
                    target.append(self.compile(self.resolve(reference)))
                target[0](value, pointer, out)

            self._refs[reference] = check
        return check

    def _build(self, schema: Mapping[str, Any]) -> Check:
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self._reference(schema["$ref"]))
        if "enum" in schema:
            checks.append(self._enum(schema["enum"]))
        if "properties" in schema or "required" in schema or "additionalProperties" in schema:
            checks.append(self._object(schema))
        if "items" in schema:
            checks.append(self._items(schema["items"]))
        if "anyOf" in schema:
            checks.append(self._any_of(schema["anyOf"]))
        if "oneOf" in schema:
            checks.append(self._one_of(schema["oneOf"], schema.get("discriminator")))
        if schema.get("format") == "date-time":
            checks.append(self._date_time)
        kinds = schema.get("type")
        allowed = [kinds] if isinstance(kinds, str) else list(kinds or [])

        def check(value: Any, pointer: str, out: list[Problem]) -> None:
            if allowed and not any(JSON_TYPES[kind](value) for kind in allowed):
                out.append((pointer, f"expected {' or '.join(allowed)}, got {_type_name(value)}"))
                return
            for each in checks:
                each(value, pointer, out)

        return check

    @staticmethod
    def _enum(members: list[Any]) -> Check:
        def check(value: Any, pointer: str, out: list[Problem]) -> None:
            if not any(value == m and type(value) is type(m) for m in members):
                out.append((pointer, f"{value!r} is not one of {members}"))

        return check

    @staticmethod
    def _date_time(value: Any, pointer: str, out: list[Problem]) -> None:
        if isinstance(value, str) and not DATE_TIME.match(value):
            out.append((pointer, f"{value!r} is not an RFC 3339 date-time"))

    def _object(self, schema: Mapping[str, Any]) -> Check:
        properties = {name: self.compile(s) for name, s in schema.get("properties", {}).items()}
        required = list(schema.get("required", []))
        extra = schema.get("additionalProperties", True)
        extra_check = self.compile(extra) if isinstance(extra, dict) else None

        def check(value: Any, pointer: str, out: list[Problem]) -> None:
            if not isinstance(value, dict):
                return
            out.extend(
                (pointer, f"required property {name!r} is missing")
                for name in required
                if name not in value
            )
            for name, item in value.items():
                own = properties.get(name)
                if own is not None:
                    own(item, _pointer(pointer, name), out)
                elif extra is False:
                    out.append((_pointer(pointer, name), "property not allowed by the schema"))
                elif extra_check is not None:
                    extra_check(item, _pointer(pointer, name), out)

        return check

    def _items(self, items: Mapping[str, Any]) -> Check:
        item_check = self.compile(items)

        def check(value: Any, pointer: str, out: list[Problem]) -> None:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    item_check(item, _pointer(pointer, index), out)

        return check

    def _branches(self, members: list[Mapping[str, Any]]) -> list[tuple[str, Check]]:
        return [(_summary(member), self.compile(member)) for member in members]

    @staticmethod
    def _no_branch(
        value: Any,
        pointer: str,
        results: list[tuple[str, list[Problem]]],
        out: list[Problem],
        keyword: str,
    ) -> None:
        """Report a value no branch accepts: the problems of the one branch whose type fits
        (they lie deeper), the types expected when none fits, or else each branch's first."""
        deeper = [problems for _, problems in results if all(p != pointer for p, _ in problems)]
        if len(deeper) == 1:
            out.extend(deeper[0])
            return
        mismatches = [
            TYPE_MISMATCH.match(problems[0][1])
            if len(problems) == 1 and problems[0][0] == pointer
            else None
            for _, problems in results
        ]
        if all(mismatches):
            expected = " or ".join(m.group("expected") for m in mismatches if m)
            out.append((pointer, f"expected {expected}, got {_type_name(value)}"))
            return
        tried = "; ".join(f"{name}: {problems[0][1]}" for name, problems in results)
        out.append((pointer, f"matches none of {keyword} ({tried})"))

    def _any_of(self, members: list[Mapping[str, Any]]) -> Check:
        branches = self._branches(members)

        def check(value: Any, pointer: str, out: list[Problem]) -> None:
            results: list[tuple[str, list[Problem]]] = []
            for name, branch in branches:
                problems: list[Problem] = []
                branch(value, pointer, problems)
                if not problems:
                    return
                results.append((name, problems))
            self._no_branch(value, pointer, results, out, "anyOf")

        return check

    def _one_of(
        self, members: list[Mapping[str, Any]], discriminator: Mapping[str, Any] | None
    ) -> Check:
        if discriminator is not None and "mapping" in discriminator:
            return self._discriminated(discriminator["propertyName"], discriminator["mapping"])
        branches = self._branches(members)

        def check(value: Any, pointer: str, out: list[Problem]) -> None:
            results: list[tuple[str, list[Problem]]] = []
            matched = []
            for name, branch in branches:
                problems: list[Problem] = []
                branch(value, pointer, problems)
                (results.append((name, problems)) if problems else matched.append(name))
            if not matched:
                self._no_branch(value, pointer, results, out, "oneOf")
            elif len(matched) > 1:
                out.append((pointer, f"matches more than one of oneOf: {matched}"))

        return check

    def _discriminated(self, property_name: str, mapping: Mapping[str, str]) -> Check:
        variants = {tag: self._reference(reference) for tag, reference in mapping.items()}

        def check(value: Any, pointer: str, out: list[Problem]) -> None:
            if not isinstance(value, dict):
                out.append((pointer, f"expected object, got {_type_name(value)}"))
                return
            tag = value.get(property_name)
            variant = variants.get(tag) if isinstance(tag, str) else None
            if variant is None:
                out.append(
                    (
                        _pointer(pointer, property_name),
                        f"discriminator {tag!r} is not one of {sorted(variants)}",
                    )
                )
                return
            variant(value, pointer, out)

        return check
