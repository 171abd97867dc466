"""URL, query and body encoding shared by every client.

Path parameters are percent-encoded with no safe characters, so an id like ``a/b`` or
``../x`` can never address another endpoint (the vendor inserts them raw). Query values
follow the Hub's conventions: ``None`` dropped, booleans ``true``/``false``, sequences as
repeated keys, datetimes as ISO-8601 (naive datetimes are taken as UTC).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

__all__ = ["encode_json", "encode_query", "file_part", "join_url", "path_segment", "require_id"]

#: What an upload accepts: bytes, a binary file, a path, or ``(name, content, content type)``.
FileInput = Any


def require_id(value: object, name: str) -> str:
    """Return ``value`` if it is a non-blank string; else raise naming the argument.

    Raises:
        TypeError: ``value`` is not a string.
        ValueError: ``value`` is empty or only whitespace.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def path_segment(value: object, name: str) -> str:
    """Validate a path parameter and percent-encode it as one URL path segment."""
    text = require_id(value, name)
    if text in (".", ".."):
        raise ValueError(f"{name} must not be {text!r}")
    return quote(text, safe="")


def join_url(base_url: str, path: str) -> str:
    """Join the base URL and a relative path; an empty path is the base URL as given."""
    if not path:
        return base_url
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def _query_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        text: str = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def encode_query(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Flatten query parameters into (name, value) pairs in the Hub's conventions."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
        if isinstance(value, Mapping):
            pairs.extend(
                (f"{key}[{sub}]", _query_scalar(v)) for sub, v in value.items() if v is not None
            )
        elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            pairs.extend((key, _query_scalar(v)) for v in value if v is not None)
        else:
            pairs.append((key, _query_scalar(value)))
    return pairs


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return _query_scalar(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON; models by wire alias without unset fields; NaN rejected.

    Raises:
        TypeError: a value cannot be represented in JSON.
        ValueError: the body contains NaN or infinity.
    """
    return json.dumps(
        body, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default
    ).encode("utf-8")


def file_part(file: FileInput, name: str = "file") -> tuple[str, bytes, str]:
    """A multipart part ``(file name, content, content type)`` from bytes, a binary file
    object, a path, or a ``(name, bytes or file, content type or None)`` tuple; the type is
    guessed from the name when not given.

    Raises:
        TypeError: none of those; the message names the argument.
    """
    import mimetypes
    import os

    filename: str | None = None
    content_type: str | None = None
    if isinstance(file, tuple) and len(file) in (2, 3):
        filename, content_type = file[0], (file[2] if len(file) == 3 else None)
        file = file[1]
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as handle:
            content = handle.read()
        filename = filename or os.path.basename(os.fspath(file))
    elif isinstance(file, (bytes, bytearray, memoryview)):
        content = bytes(file)
    elif hasattr(file, "read"):
        content = file.read()
        if not isinstance(content, bytes):
            raise TypeError(f"{name} must be opened in binary mode")
        given = getattr(file, "name", None)
        filename = filename or (os.path.basename(given) if isinstance(given, str) else None)
    else:
        raise TypeError(
            f"{name} must be bytes, a binary file, a path or a (name, content, type) tuple, "
            f"not {type(file).__name__}"
        )
    filename = filename or name
    guessed = mimetypes.guess_type(filename)[0]
    return filename, content, content_type or guessed or "application/octet-stream"
