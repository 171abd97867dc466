"""Base classes for response and request models: lenient by default, strict on demand.

The real Hub adds fields and enum values over time, so response models keep unknown fields
(``model.model_extra``) and unknown enum values (a pseudo-member whose ``value`` is the text
received) instead of failing. Our own tests switch to strict parsing with
:func:`strict_models` (or ``QHUB_STRICT_MODELS=1``) so that drift between our server and our
client models fails loudly.

``repr()`` of a model shows only the fields (and unknown keys) whose value is not ``None``:
``HalLink(href='…')``, not ``HalLink(href='…', templated=None, type=None, …)``.
"""

# No ``from __future__ import annotations`` here: pydantic re-reads a base class's string
# annotations for every subclass (``strict_rejects_extra`` cost ~230 compiles per API).
import contextlib
import enum
import os
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel

__all__ = ["CamelModel", "HubEnum", "HubModel", "strict_models", "strict_models_enabled"]

_STRICT: ContextVar[bool] = ContextVar(
    "qhub_strict_models", default=os.environ.get("QHUB_STRICT_MODELS", "") == "1"
)


def strict_models_enabled() -> bool:
    """Whether unknown fields and enum values are currently rejected."""
    return _STRICT.get()


@contextlib.contextmanager
def strict_models(enabled: bool = True) -> Iterator[None]:
    """Reject unknown fields and enum values inside the ``with`` block (for tests)."""
    token = _STRICT.set(enabled)
    try:
        yield
    finally:
        _STRICT.reset(token)


class HubEnum(str, enum.Enum):
    """A string enum that tolerates values it does not know.

    ``HubEnum("NEW_VALUE")`` gives a pseudo-member (not listed in the class) whose ``value``
    and ``name`` are ``"NEW_VALUE"``; comparisons with plain strings work as for members.
    ``str()`` and f-strings give the value.
    """

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str) or strict_models_enabled():
            return None
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        return pseudo


class HubModel(BaseModel):
    """Base of every wire model: unknown fields are kept, names or aliases accepted."""

    # defer_build: validators are built on first use, which keeps ``import`` fast.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)

    #: Models whose extra keys are part of the contract (a result's service output) say False.
    strict_rejects_extra: ClassVar[bool] = True

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """The repr's fields, leaving out those that are ``None`` (unset or sent as null)."""
        return ((name, value) for name, value in super().__repr_args__() if value is not None)

    @model_validator(mode="after")
    def _reject_unknown_fields_when_strict(self) -> "HubModel":
        if self.__pydantic_extra__ and self.strict_rejects_extra and strict_models_enabled():
            unknown = ", ".join(sorted(self.__pydantic_extra__))
            raise ValueError(f"{type(self).__name__} got unknown fields: {unknown}")
        return self


class CamelModel(HubModel):
    """A wire model whose fields are camelCase on the wire and snake_case in Python."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, alias_generator=to_camel, defer_build=True
    )
