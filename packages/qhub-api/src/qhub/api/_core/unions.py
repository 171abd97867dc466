"""Discriminated unions of the generated models: the tag picks the variant.

A spec ``oneOf`` with a ``discriminator`` (``ProviderToken`` on ``type``, the Quantum API's
job inputs on ``backendId``, a result's ``pubs`` on ``type``) is generated as
``tagged_union(...)`` at runtime and as the plain union of its classes for type checkers. The
value of the tag decides which class parses the object, so ``{"type": "IBM", ...}`` is a
``ProviderToken_Ibm``, never the first variant that happens to accept the fields.

Lenient like every model: a tag this client does not know (a variant the Hub added later) or
one that is not a string gives the union's ``<Union>_Unknown`` model, which keeps every field
(the tag as a typed field, its JSON text if it was not a string; the rest in
``model_extra``) instead of failing. Strict mode (:func:`qhub.api._core.models.strict_models`,
our tests) rejects it. An object without its tag (or with ``null``: the spec gives every
variant's tag a default, so it may be left out) is the variant its fields fit best, as a
plain union would choose (its tag then the default), and the ``_Unknown`` model when none
fits.
"""

# No ``from __future__ import annotations``: see ``models.py`` (pydantic re-reads a base
# class's string annotations for every subclass).
import enum
import json
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from .models import HubModel, strict_models_enabled

__all__ = ["UnknownVariant", "tagged_union"]

#: The discriminator's answer for an object without its tag (no class has this name).
_UNTAGGED = "<untagged>"


class UnknownVariant(HubModel):
    """A variant of a discriminated union whose tag this client does not know.

    Each union has its own subclass (``ProviderToken_Unknown``) declaring the tag field;
    every other field the Hub sent is kept in ``model_extra`` and dumped back unchanged.
    """

    #: Its other fields are unknown by definition; strict mode rejects the tag instead.
    strict_rejects_extra: ClassVar[bool] = False
    #: The Python name of the tag field (set by each subclass).
    tag_field: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _tag_as_text(cls, data: Any) -> Any:
        """A tag that is not text (never seen from the Hub) is kept as its JSON text."""
        if isinstance(data, Mapping):
            for key in (cls.model_fields[cls.tag_field].alias, cls.tag_field):
                value = data.get(key) if key else None
                if value is not None and not isinstance(value, str):
                    return {**data, key: json.dumps(value, default=str)}
        return data

    @model_validator(mode="after")
    def _reject_unknown_tag_when_strict(self) -> "UnknownVariant":
        if strict_models_enabled():
            tag = getattr(self, self.tag_field, None)
            raise ValueError(f"{type(self).__name__}: unknown {self.tag_field} {tag!r}")
        return self


def _tag_text(value: object) -> str | None:
    """A tag as the text the mapping is keyed by (an enum member by its value)."""
    if isinstance(value, enum.Enum):
        value = value.value
    return value if isinstance(value, str) else None


def tagged_union(
    tag: str,
    field: str,
    variants: Mapping[str, type[HubModel]],
    unknown: type[UnknownVariant],
) -> Any:
    """The runtime type of a discriminated union (generated code calls it).

    Args:
        tag: the tag's wire name (``"backendId"``), looked up in a ``dict`` first.
        field: its Python name (``"backend_id"``), for a ``dict`` keyed so or an object.
        variants: the class of each tag value (several values may share a class).
        unknown: the class of any other tag, or of an object without one.

    An instance of one of the classes stays what it is, whatever its tag says.
    """
    known = list(dict.fromkeys(variants.values()))
    classes = [*known, unknown]
    class_of = {value: cls.__name__ for value, cls in variants.items()}

    def discriminate(value: Any) -> str:
        if isinstance(value, Mapping):
            found = value.get(tag, value.get(field))
        elif type(value) in classes:
            return type(value).__name__
        else:
            found = getattr(value, field, None)
        if found is None:
            return _UNTAGGED
        text = _tag_text(found)
        return class_of.get(text, unknown.__name__) if text is not None else unknown.__name__

    def without_null_tag(value: Any) -> Any:
        if isinstance(value, Mapping) and (tag in value or field in value):
            return {k: v for k, v in value.items() if k not in (tag, field)}
        return value

    # Untagged: the best fit among the variants (pydantic's smart union; a null tag becomes
    # the variant's default), else the unknown. Annotated keeps the inner union from being
    # flattened into the outer one. (Types built at runtime: values to a type checker.)
    best_fit: Any = Annotated[
        Union[tuple(known)],  # noqa: UP007
        Field(union_mode="smart"),
        BeforeValidator(without_null_tag),
    ]
    untagged: Any = Annotated[
        Union[best_fit, unknown],  # noqa: UP007
        Field(union_mode="left_to_right"),
    ]
    members = (
        *(Annotated[cls, Tag(cls.__name__)] for cls in classes),
        Annotated[untagged, Tag(_UNTAGGED)],
    )
    return Annotated[Union[members], Discriminator(discriminate)]  # noqa: UP007
