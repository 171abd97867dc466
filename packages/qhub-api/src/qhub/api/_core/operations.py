"""Operations: one typed description per API call, sent four ways.

The generated layer (``qhub.api.<api>._generated``) describes each operation once, as a
*builder*: a plain function whose signature is the method's signature and which returns an
:class:`~.pipeline.ApiRequest`. Wrapping it in :class:`Operation` (or
:class:`StreamOperation`) and putting it on a namespace class makes it a method of every
flavour of that namespace:

========================  =====================================================
namespace base            what calling the method returns
========================  =====================================================
``SyncApiResource``       the parsed result
``AsyncApiResource``      an awaitable of the parsed result
``RawSyncApiResource``    :class:`HttpResponse` (status, headers, parsed ``data``)
``RawAsyncApiResource``   an awaitable of :class:`HttpResponse`
========================  =====================================================

So sync and async are one design, not two copies: the four namespace classes share one body
of operations and differ only in their base. Arguments are checked against the builder's
annotations before anything is sent (a wrong type raises ``TypeError`` naming it).

Older documented spellings (:func:`alias`) stay callable but are left out of ``dir()`` of
the namespaces and their classes, so tab completion offers only the current names; the
class docstring lists them, and each alias's own ``help()`` names what it stands for.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import re
import sys
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast, overload

import httpx
from pydantic import BaseModel

from .arguments import one_of
from .encoding import file_part, path_segment, require_id
from .options import NOT_GIVEN, NotGiven, RequestOptions
from .pipeline import ApiRequest, AsyncPipeline, SyncPipeline
from .streams import AsyncByteStream, ByteStream

if typing.TYPE_CHECKING:
    from typing_extensions import ParamSpec

    P = ParamSpec("P")
else:  # ParamSpec only matters to type checkers; at run time any TypeVar-like will do.
    P = TypeVar("P")

T = TypeVar("T")

__all__ = [
    "AsyncApiResource",
    "HttpResponse",
    "Operation",
    "OperationsBase",
    "RawAsyncApiResource",
    "RawSyncApiResource",
    "Stream",
    "StreamOperation",
    "SyncApiResource",
    "alias",
    "aliases",
    "json_body",
    "multipart",
    "one_of",
    "path_segments",
    "query",
    "response_headers",
    "url_or_bytes",
]


class HttpResponse(Generic[T]):
    """What a ``with_raw_response`` call returns: the status, the headers and the result.

    Attributes:
        status_code: the HTTP status.
        headers: the response headers (case-insensitive).
        data: the result, parsed as the plain call would return it.
        response: the underlying ``httpx.Response``.
    """

    def __init__(self, response: httpx.Response, data: T) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.data = data

    def close(self) -> None:
        """Release the connection of a streamed result (a no-op otherwise)."""
        self.response.close()

    def __repr__(self) -> str:
        return f"HttpResponse(status_code={self.status_code}, data={self.data!r})"


class Stream:
    """Marks a builder whose result is a byte stream (``ByteStream`` / ``AsyncByteStream``)."""


# ---------------------------------------------------------------------------------------
# Operations as descriptors
# ---------------------------------------------------------------------------------------


class Operation(Generic[P, T]):
    """An API operation: its builder, bound to a namespace as a method of that flavour.

    Attributes:
        build: returns the request for the caller's arguments (its signature is the method's).
        alias_of: for an older spelling, the name of the operation it stands for.
    """

    streamed = False

    def __init__(self, build: Callable[P, ApiRequest[T]], *, alias_of: str | None = None) -> None:
        self.build = build
        self.alias_of = alias_of
        self.name = build.__name__
        self.__doc__ = build.__doc__
        if alias_of is not None:
            self.__doc__ = f"Alias of ``{alias_of}`` (an older documented spelling).\n\n" + (
                build.__doc__ or ""
            )

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> Operation[P, T]: ...
    @overload
    def __get__(
        self, obj: RawAsyncApiResource, owner: type
    ) -> Callable[P, Awaitable[HttpResponse[T]]]: ...
    @overload
    def __get__(self, obj: RawSyncApiResource, owner: type) -> Callable[P, HttpResponse[T]]: ...
    @overload
    def __get__(self, obj: AsyncApiResource, owner: type) -> Callable[P, Awaitable[T]]: ...
    @overload
    def __get__(self, obj: SyncApiResource, owner: type) -> Callable[P, T]: ...

    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return self
        bound = self._bind(obj)
        # Cache on the instance: the next look-up finds it before this (non-data) descriptor.
        obj.__dict__[self.name] = bound
        return bound

    def _bind(self, resource: SyncApiResource | AsyncApiResource) -> Callable[..., Any]:
        build, check = self.build, self.check_arguments
        send = resource._send_stream if self.streamed else resource._send

        def call(*args: Any, **kwargs: Any) -> Any:
            check(args, kwargs)
            return send(build(*args, **kwargs))

        functools.update_wrapper(call, build)
        call.__name__ = call.__qualname__ = self.name
        call.__doc__ = self.__doc__
        return call

    def check_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Raise ``TypeError`` naming the first argument whose type does not fit."""
        positional, checks = self._checks
        for name, value in zip(positional, args, strict=False):  # extra args: the call raises
            _check(name, value, checks.get(name))
        for name, value in kwargs.items():
            if name in checks:
                _check(name, value, checks[name])

    @functools.cached_property
    def _checks(self) -> tuple[list[str], dict[str, tuple[type, ...] | None]]:
        """The positional parameter names and, per parameter, the types it accepts (once)."""
        positional = [
            p.name
            for p in inspect.signature(self.build).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return positional, _checks_for(self.build)

    def __repr__(self) -> str:
        return (
            f"<operation {self.name}{' (alias of ' + self.alias_of + ')' if self.alias_of else ''}>"
        )


class StreamOperation(Operation[P, T]):
    """An operation whose result is streamed: ``ByteStream`` (sync), ``AsyncByteStream`` (async).

    The request is sent when the method is called (errors raise then), not on first iteration.
    """

    streamed = True

    @overload  # type: ignore[override]
    def __get__(self, obj: None, owner: type) -> StreamOperation[P, T]: ...
    @overload
    def __get__(
        self, obj: RawAsyncApiResource, owner: type
    ) -> Callable[P, Awaitable[HttpResponse[AsyncByteStream]]]: ...
    @overload
    def __get__(
        self, obj: RawSyncApiResource, owner: type
    ) -> Callable[P, HttpResponse[ByteStream]]: ...
    @overload
    def __get__(self, obj: AsyncApiResource, owner: type) -> Callable[P, AsyncByteStream]: ...
    @overload
    def __get__(self, obj: SyncApiResource, owner: type) -> Callable[P, ByteStream]: ...

    def __get__(self, obj: Any, owner: type) -> Any:
        return super().__get__(obj, owner)


OperationT = TypeVar("OperationT", bound=Operation[Any, Any])


def alias(operation: OperationT, target: str) -> OperationT:
    """The same operation under an older documented name; ``help()`` says what it aliases."""
    return type(operation)(operation.build, alias_of=target)


# ---------------------------------------------------------------------------------------
# The namespace bases: how each flavour sends a built request
# ---------------------------------------------------------------------------------------


def _alias_target(cls: type, name: str) -> str | None:
    """What ``name`` stands for if it is an alias on ``cls`` (the first definition in the MRO)."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            member = klass.__dict__[name]
            return member.alias_of if isinstance(member, Operation) else None
    return None


def aliases(cls: type) -> dict[str, str]:
    """The older documented spellings on a namespace class: alias name → what it stands for."""
    found: dict[str, str] = {}
    for name in sorted({name for klass in cls.__mro__ for name in vars(klass)}):
        target = _alias_target(cls, name)
        if target is not None:
            found[name] = target
    return found


_ALIASES_HEADING = "Older documented spellings"


class _NamespaceType(type):
    """Metaclass of namespace classes: ``dir()`` of the class leaves aliases out."""

    def __dir__(cls) -> Iterable[str]:
        return [name for name in super().__dir__() if _alias_target(cls, name) is None]


class OperationsBase(metaclass=_NamespaceType):
    """Base of every namespace class and operations mixin.

    Aliases are kept out of ``dir()`` of its instances and classes (tab completion offers the
    current names only) and listed at the end of the class docstring (``help()``).
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = aliases(cls)
        if not found:
            return
        # A class without its own docstring shows its parent's, which may carry the list.
        doc = (inspect.getdoc(cls) or "").split(_ALIASES_HEADING)[0].rstrip()
        listing = "\n".join(f"    {name} -> {target}" for name, target in found.items())
        cls.__doc__ = (
            f"{doc}\n\n{_ALIASES_HEADING} (still callable, left out of ``dir()``):\n\n{listing}"
        )

    def __dir__(self) -> Iterable[str]:
        return [name for name in super().__dir__() if _alias_target(type(self), name) is None]


class SyncApiResource(OperationsBase):
    """Base of a synchronous namespace: holds the client's pipeline."""

    def __init__(self, pipeline: SyncPipeline) -> None:
        self._pipeline = pipeline

    def _send(self, call: ApiRequest[Any]) -> Any:
        return self._pipeline.request(call, call.options)

    def _send_stream(self, call: ApiRequest[Any]) -> Any:
        return self._pipeline.stream(call, call.options)


class AsyncApiResource(OperationsBase):
    """Base of an async namespace: holds the client's pipeline."""

    def __init__(self, pipeline: AsyncPipeline) -> None:
        self._pipeline = pipeline

    def _send(self, call: ApiRequest[Any]) -> Any:
        return self._pipeline.request(call, call.options)

    def _send_stream(self, call: ApiRequest[Any]) -> Any:
        return self._pipeline.stream(call, call.options)


class RawSyncApiResource(SyncApiResource):
    """Base of ``namespace.with_raw_response``: every call returns an :class:`HttpResponse`."""

    def _send(self, call: ApiRequest[Any]) -> Any:
        return self._pipeline.request_raw(call, call.options, HttpResponse)

    def _send_stream(self, call: ApiRequest[Any]) -> Any:
        stream = self._pipeline.stream(call, call.options)
        return HttpResponse(stream.response, stream)


class RawAsyncApiResource(AsyncApiResource):
    """The async twin of :class:`RawSyncApiResource`."""

    def _send(self, call: ApiRequest[Any]) -> Any:
        return self._pipeline.request_raw(call, call.options, HttpResponse)

    async def _send_stream(self, call: ApiRequest[Any]) -> Any:
        stream = await self._pipeline.stream(call, call.options)
        return HttpResponse(stream.response, stream)


# ---------------------------------------------------------------------------------------
# Argument checks (cheap, from the builder's annotations)
# ---------------------------------------------------------------------------------------


class _ModuleNames(Mapping[str, Any]):
    """A module's names as the annotations of its functions see them, its lazy ones too: a
    hand-written module may name a model it imports only on first use (PEP 562)."""

    def __init__(self, module: str) -> None:
        self._module = sys.modules[module]

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise KeyError(name) from None

    def __iter__(self) -> typing.Iterator[str]:
        return iter(vars(self._module))

    def __len__(self) -> int:
        return len(vars(self._module))


def _checks_for(build: Callable[..., Any]) -> dict[str, tuple[type, ...] | None]:
    hints = typing.get_type_hints(build, localns=_ModuleNames(build.__module__))
    hints.pop("return", None)
    hints.pop("request_options", None)
    return {name: _accepted(hint) for name, hint in hints.items()}


def _accepted(hint: Any) -> tuple[type, ...] | None:
    """The runtime types a value may have, or ``None`` when the check is left to encoding."""
    members = (
        typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, _UnionType) else (hint,)
    )
    accepted: list[type] = []
    for member in members:
        origin = typing.get_origin(member) or member
        if member is type(None):
            accepted.append(type(None))
        elif member is NotGiven:
            accepted.append(NotGiven)
        elif member is float:
            accepted.extend((int, float))
        elif member in (str, int, bool, bytes):
            accepted.append(member)
        elif member is dt.datetime:
            accepted.append(dt.datetime)
        elif origin in (list, Sequence, tuple):
            accepted.extend((list, tuple))
        elif origin in (dict, Mapping):
            accepted.append(Mapping)
        elif isinstance(member, type) and issubclass(member, BaseModel):
            accepted.extend((member, Mapping))
        else:
            return None  # Any, unions of models, enums, files: the encoder checks these
    return tuple(accepted)


try:
    from types import UnionType as _UnionType
except ImportError:  # pragma: no cover - Python < 3.10 is not supported anyway
    _UnionType = typing.Union  # type: ignore[assignment,misc]


def _check(name: str, value: Any, accepted: tuple[type, ...] | None) -> None:
    if accepted is None:
        return
    if isinstance(value, bool) and bool not in accepted and int in accepted:
        raise TypeError(f"{name} must be an int, not bool")
    if not isinstance(value, accepted):
        wanted = " or ".join(sorted({_type_name(t) for t in accepted if t is not NotGiven}))
        raise TypeError(f"{name} must be {wanted}, not {type(value).__name__}")
    if isinstance(value, str) and str not in accepted:
        raise TypeError(f"{name} must be a list, not str")


def _type_name(kind: type) -> str:
    names = {
        type(None): "None",
        Mapping: "a mapping",
        str: "a string",
        int: "an int",
        float: "a number",
        bool: "a bool",
        bytes: "bytes",
        list: "a list",
        tuple: "a tuple",
    }
    return names.get(kind, kind.__name__)


# ---------------------------------------------------------------------------------------
# Helpers the generated builders call
# ---------------------------------------------------------------------------------------


def query(*pairs: tuple[str, Any]) -> dict[str, Any]:
    """Query parameters by wire name; arguments not given are left out."""
    return {name: value for name, value in pairs if value is not NOT_GIVEN}


def json_body(*pairs: tuple[str, Any]) -> dict[str, Any]:
    """A JSON object body by wire name, in the documented key order; arguments not given are
    left out, an explicit ``None`` is sent as ``null``."""
    return {name: value for name, value in pairs if value is not NOT_GIVEN}


def multipart(*pairs: tuple[str, Any]) -> dict[str, tuple[str, bytes, str]]:
    """Multipart parts by field name: a file (bytes, binary file, path or tuple) each.

    Raises:
        TypeError: a part is not a file, or a file object was opened in text mode.
        FileNotFoundError: a path that does not exist.
    """
    return {name: file_part(value, name) for name, value in pairs if value is not NOT_GIVEN}


def path_segments(value: object, name: str) -> str:
    """A file path as path segments, each percent-encoded (``a/b c`` → ``a/b%20c``).

    Raises:
        ValueError: an empty path, an empty segment, or ``.``/``..`` segments.
    """
    text = require_id(value, name)
    return "/".join(path_segment(part, name) for part in text.strip("/").split("/"))


def with_option(
    options: RequestOptions | None, name: str, value: str | None
) -> RequestOptions | None:
    """``request_options`` with an argument the pipeline carries as the option of that name
    (``idempotency_key=`` → ``request_options["idempotency_key"]``, sent as a header on
    every attempt). ``None`` adds nothing.

    Raises:
        TypeError: the value is not a string.
        ValueError: it is not 1 to 255 visible ASCII characters, or ``request_options``
            holds another value for it.
    """
    if value is None:
        return options
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not _HEADER_TOKEN.fullmatch(value):
        raise ValueError(f"{name} must be 1 to 255 visible ASCII characters (no spaces)")
    given = (options or {}).get(name)
    if given is not None and given != value:
        raise ValueError(f"{name} was given twice: as an argument and in request_options")
    return cast(RequestOptions, {**(options or {}), name: value})


#: What a header value carried by :func:`with_option` may be (an idempotency key).
_HEADER_TOKEN = re.compile(r"[\x21-\x7e]{1,255}")


def response_headers(response: httpx.Response) -> dict[str, str]:
    """The result of a HEAD call: its response headers."""
    return dict(response.headers)


def url_or_bytes(response: httpx.Response) -> str | bytes | None:
    """A JSON string (a URL) as ``str``; an image itself as ``bytes``; nothing as ``None``."""
    content = response.content
    if response.status_code == 204 or content.strip() in (b"", b"null"):
        return None
    if not response.headers.get("content-type", "").startswith("application/json"):
        try:
            value = json.loads(content)
        except ValueError:
            return content
    else:
        value = json.loads(content)
    return value if isinstance(value, str) else json.dumps(value)
