"""The request body → the program's keyword arguments, with the standard library only.

This runs inside the execution's process, in whatever interpreter the workspace uses, so it
imports nothing outside the standard library; pydantic models are recognised by their
``model_validate`` method, and pydantic itself is used only for annotations nothing here
understands, and only when the workspace's interpreter has it.

The converters follow the order the Hub's runtime documents (service-workspaces.md §2.3):
Optional/Union, tuple, set/frozenset, dict, list, Enum, datetime/date/time, UUID, Decimal,
Path, Any, str/int/float/bool, models, plain list/dict. Unlike the vendor's runtime they
convert the JSON *value*, not the text it wrote to a file: ``"bob"`` gives ``'bob'`` (not
``'"bob"'``), ``false`` gives ``False``, ``4.0`` fits an ``int``, and a value that doesn't
fit an ``Optional`` fails the run instead of silently becoming ``None``.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import decimal
import enum
import importlib
import inspect
import os
import pathlib
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["BindError", "ConversionError", "bind", "convert", "secret_env_name"]

TRUE_WORDS = frozenset({"true", "1", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "n", "f"})


class BindError(Exception):
    """The request does not fit the function's parameters."""


class ConversionError(ValueError):
    """A value does not fit an annotation; the message says where and why."""

    def __init__(self, reason: str, where: str = "") -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.where = where

    def inside(self, step: str) -> ConversionError:
        """The same error, one level further out (``[2]``, ``.scale``, ``[key]``)."""
        return ConversionError(self.reason, step + self.where)


def secret_env_name(name: str) -> str:
    """``SECRET_<UPPER_SNAKE>`` for a parameter name (``ibmToken`` → ``SECRET_IBM_TOKEN``)."""
    snake = "".join(f"_{c}" if c.isupper() else c for c in name).lstrip("_")
    return "SECRET_" + snake.upper()


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _class_name(annotation: Any) -> str | None:
    return annotation.__name__ if isinstance(annotation, type) else None


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """``(T, True)`` for ``Optional[T]`` / ``T | None``; ``(annotation, False)`` otherwise."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return rest[0], True
    return annotation, False


# -- scalars ----------------------------------------------------------------------------------


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ConversionError(f"expected a string, got {_shown(value)}")


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ConversionError(f"expected an integer, got {_shown(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ConversionError(f"expected an integer, got {_shown(value)}")


def _to_float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ConversionError(f"expected a number, got {_shown(value)}")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ConversionError(f"expected a boolean, got {_shown(value)}")


def _iso_text(value: Any, kind: str) -> str:
    if not isinstance(value, str):
        raise ConversionError(f"expected an ISO 8601 {kind} string, got {_shown(value)}")
    # Python 3.10's fromisoformat doesn't take the "Z" suffix.
    return value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value


def _to_datetime(value: Any) -> dt.datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    try:
        return dt.datetime.fromisoformat(_iso_text(value, "date-time"))
    except ValueError:
        raise ConversionError(f"expected an ISO 8601 date-time, got {_shown(value)}") from None


def _to_date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(_iso_text(value, "date"))
    except ValueError:
        raise ConversionError(f"expected an ISO 8601 date, got {_shown(value)}") from None


def _to_time(value: Any) -> dt.time:
    try:
        return dt.time.fromisoformat(_iso_text(value, "time"))
    except ValueError:
        raise ConversionError(f"expected an ISO 8601 time, got {_shown(value)}") from None


def _to_uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(_to_str(value))
    except ValueError:
        raise ConversionError(f"expected a UUID, got {_shown(value)}") from None


def _to_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            pass
    raise ConversionError(f"expected a decimal number, got {_shown(value)}")


def _to_bytes(value: Any) -> bytes:
    return _to_str(value).encode("utf-8")


SCALARS: dict[Any, Callable[[Any], Any]] = {
    str: _to_str,
    int: _to_int,
    float: _to_float,
    bool: _to_bool,
    bytes: _to_bytes,
    dt.datetime: _to_datetime,
    dt.date: _to_date,
    dt.time: _to_time,
    uuid.UUID: _to_uuid,
    decimal.Decimal: _to_decimal,
}

# -- containers -------------------------------------------------------------------------------

LIST_ORIGINS = (
    list,
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    collections.abc.Iterable,
    collections.abc.Collection,
)
SET_ORIGINS = (set, frozenset, collections.abc.Set, collections.abc.MutableSet)
DICT_ORIGINS = (dict, collections.abc.Mapping, collections.abc.MutableMapping)


def _items(value: Any, kind: str) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ConversionError(f"expected {kind}, got {_shown(value)}")


def _each(annotation: Any, values: list[Any]) -> list[Any]:
    converted = []
    for index, item in enumerate(values):
        try:
            converted.append(convert(annotation, item))
        except ConversionError as error:
            raise error.inside(f"[{index}]") from None
    return converted


def _to_tuple(args: tuple[Any, ...], value: Any) -> tuple[Any, ...]:
    values = _items(value, "an array")
    if not args:
        return tuple(values)
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_each(args[0], values))
    if args == ((),):  # tuple[()]
        args = ()
    if len(values) != len(args):
        raise ConversionError(f"expected an array of {len(args)} items, got {len(values)}")
    converted = []
    for index, (annotation, item) in enumerate(zip(args, values, strict=True)):
        try:
            converted.append(convert(annotation, item))
        except ConversionError as error:
            raise error.inside(f"[{index}]") from None
    return tuple(converted)


def _to_dict(key_type: Any, value_type: Any, value: Any) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        raise ConversionError(f"expected an object, got {_shown(value)}")
    converted = {}
    for key, item in value.items():
        try:
            converted[convert(key_type, key)] = convert(value_type, item)
        except ConversionError as error:
            raise error.inside(f"[{key!r}]") from None
    return converted


def _to_enum(annotation: type[enum.Enum], value: Any) -> enum.Enum:
    try:
        return annotation(value)
    except ValueError:
        pass
    if isinstance(value, str) and value in annotation.__members__:
        return annotation.__members__[value]
    allowed = ", ".join(repr(member.value) for member in annotation)
    raise ConversionError(f"expected one of {allowed}, got {_shown(value)}")


def _to_literal(args: tuple[Any, ...], value: Any) -> Any:
    for allowed in args:
        if value == allowed and type(value) is type(allowed):
            return allowed
    raise ConversionError(f"expected one of {', '.join(map(repr, args))}, got {_shown(value)}")


def _to_union(args: tuple[Any, ...], value: Any) -> Any:
    if value is None and type(None) in args:
        return None
    if type(value) in args and type(value) in (str, int, float, bool):
        return value  # an exact match wins over an earlier member that would coerce it
    reasons = []
    for annotation in args:
        if annotation is type(None):
            continue
        try:
            return convert(annotation, value)
        except ConversionError as error:
            reasons.append(str(error))
    raise ConversionError(" or ".join(dict.fromkeys(reasons)))


def _to_model(annotation: Any, value: Any) -> Any:
    """A pydantic model (or anything with ``model_validate``), validated by itself."""
    try:
        return annotation.model_validate(value)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        errors = getattr(error, "errors", None)
        if callable(errors):
            first = errors()[0]
            where = "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
            raise ConversionError(str(first["msg"]), where) from None
        raise ConversionError(str(error)) from None


def _to_dataclass(annotation: Any, value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise ConversionError(f"expected an object, got {_shown(value)}")
    hints = typing.get_type_hints(annotation)
    arguments = {}
    for field in dataclasses.fields(annotation):
        if field.init and field.name in value:
            try:
                arguments[field.name] = convert(hints.get(field.name, Any), value[field.name])
            except ConversionError as error:
                raise error.inside(f".{field.name}") from None
    try:
        return annotation(**arguments)
    except TypeError as error:
        raise ConversionError(str(error)) from None


def _with_pydantic(annotation: Any, value: Any) -> Any:
    """Annotations this module doesn't know, when the interpreter has pydantic."""
    try:
        pydantic = importlib.import_module("pydantic")
    except ImportError:
        raise ConversionError(f"type {_type_name(annotation)} is not supported") from None
    try:
        adapter = pydantic.TypeAdapter(annotation)
    except Exception:
        raise ConversionError(f"type {_type_name(annotation)} is not supported") from None
    return _to_model(types.SimpleNamespace(model_validate=adapter.validate_python), value)


def convert(annotation: Any, value: Any) -> Any:
    """``value`` (parsed JSON) as ``annotation`` describes it.

    Raises:
        ConversionError: it doesn't fit; the message names the place (``[2]``, ``.scale``).
    """
    if annotation in (Any, object, inspect.Parameter.empty) or isinstance(annotation, str):
        return value
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return convert(args[0], value)
    if annotation is type(None) or annotation is None:
        if value is None:
            return None
        raise ConversionError(f"expected null, got {_shown(value)}")
    if origin in (typing.Union, types.UnionType):
        return _to_union(args, value)
    if value is None:
        raise ConversionError("expected a value, got null")
    if origin is typing.Literal:
        return _to_literal(args, value)
    if annotation is tuple or origin is tuple:
        return _to_tuple(args, value)
    if annotation in SET_ORIGINS or origin in SET_ORIGINS:
        items = _each(args[0] if args else Any, _items(value, "an array"))
        return frozenset(items) if frozenset in (annotation, origin) else set(items)
    if annotation in DICT_ORIGINS or origin in DICT_ORIGINS:
        key_type, value_type = args if len(args) == 2 else (Any, Any)
        return _to_dict(key_type, value_type, value)
    if annotation in LIST_ORIGINS or origin in LIST_ORIGINS:
        return _each(args[0] if args else Any, _items(value, "an array"))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _to_enum(annotation, value)
    if annotation in SCALARS:
        return SCALARS[annotation](value)
    if isinstance(annotation, type) and issubclass(annotation, pathlib.PurePath):
        return annotation(_to_str(value))
    if typing.is_typeddict(annotation):
        return _to_dict(str, Any, value)
    if callable(getattr(annotation, "model_validate", None)):
        return _to_model(annotation, value)
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return _to_dataclass(annotation, value)
    if isinstance(annotation, type) and isinstance(value, annotation):
        return value
    return _with_pydantic(annotation, value)


# -- the whole signature ----------------------------------------------------------------------


def bind(
    function: Any, request: Mapping[str, Any], secrets: Mapping[str, str], datapools: Path
) -> dict[str, Any]:
    """Keyword arguments for ``function`` from the request body.

    Parameters annotated ``SecretValue`` get the request's ``$secrets`` entry of their name,
    else the ``SECRET_<NAME>`` environment variable; ``DataPool`` ones get the directory
    ``datapools/<name>``. Keys starting with ``$`` are never arguments; other keys no
    parameter takes go to ``**kwargs`` if the function has it.

    Raises:
        BindError: a required argument is missing or a value doesn't fit its annotation.
    """
    signature = inspect.signature(function)
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except Exception:  # an annotation that doesn't resolve: use the raw ones
        hints = {}
    plain = {k: v for k, v in request.items() if not k.startswith("$")}
    kwargs: dict[str, Any] = {}
    var_keyword = None
    for name, parameter in signature.parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            var_keyword = name
            continue
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        annotation = hints.get(name, parameter.annotation)
        inner, optional = _unwrap_optional(annotation)
        kind = _class_name(inner)
        if kind in ("SecretValue", "DataPool"):
            special = _special(inner, kind, name, optional, parameter, secrets, datapools)
            if special is not inspect.Parameter.empty:
                kwargs[name] = special
            plain.pop(name, None)
            continue
        if name not in plain:
            if parameter.default is not inspect.Parameter.empty:
                continue
            if optional:
                kwargs[name] = None
                continue
            raise BindError(f"missing required argument {name!r}")
        try:
            kwargs[name] = convert(annotation, plain.pop(name))
        except ConversionError as error:
            raise BindError(f"argument {name!r} is invalid: {error}") from None
    if var_keyword is not None:
        kwargs.update(plain)
    return kwargs


def _special(
    annotation: Any,
    kind: str,
    name: str,
    optional: bool,
    parameter: inspect.Parameter,
    secrets: Mapping[str, str],
    datapools: Path,
) -> Any:
    """The value of a ``SecretValue`` or ``DataPool`` parameter (``empty``: use the default)."""
    if kind == "SecretValue":
        value = secrets.get(name, os.environ.get(secret_env_name(name)))
        if value is not None:
            return annotation(str(value))
        if optional:
            return None
        if parameter.default is not inspect.Parameter.empty:
            return inspect.Parameter.empty
        raise BindError(f"missing secret {name!r} (in $secrets or {secret_env_name(name)})")
    path = datapools / name
    if path.is_dir():
        return annotation(path)
    if optional:
        return None
    raise BindError(f"no data pool mounted for {name!r}")
