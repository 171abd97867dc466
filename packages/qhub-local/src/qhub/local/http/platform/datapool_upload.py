"""A ``multipart/form-data`` body read as a stream: parts' headers, then their content in
chunks, never the whole body in memory (the standard library's parser needs it all, and
the Hub has no multipart dependency).

:class:`MultipartParser` is fed the body's chunks and answers events; it holds at most one
chunk plus a delimiter's length of content, and a part's headers (at most 16 KiB).
"""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass

from ...domain import BadRequest, UnsupportedMediaType

__all__ = ["MultipartParser", "PartContent", "PartEnd", "PartStart", "boundary_of"]

MAX_HEADER_BYTES = 16 << 10


@dataclass(frozen=True)
class PartStart:
    """A part begins: its form field name, file name and content type (when given)."""

    name: str | None
    filename: str | None
    content_type: str | None


@dataclass(frozen=True)
class PartContent:
    """A piece of the current part's content."""

    data: bytes


@dataclass(frozen=True)
class PartEnd:
    """The current part is complete."""


Event = PartStart | PartContent | PartEnd


def boundary_of(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` content type.

    Raises:
        UnsupportedMediaType: another content type.
        BadRequest: no usable boundary.
    """
    header = email.parser.HeaderParser(policy=email.policy.HTTP).parsestr(
        f"Content-Type: {content_type}\r\n\r\n"
    )
    if header.get_content_type() != "multipart/form-data":
        raise UnsupportedMediaType("the body must be multipart/form-data with a 'file' part")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not 0 < len(boundary) <= 200:
        raise BadRequest("the multipart/form-data content type has no boundary")
    return boundary.encode("latin-1")


class MultipartParser:
    """Turns a multipart body, fed in chunks, into :class:`PartStart`, :class:`PartContent`
    and :class:`PartEnd` events.

    Raises (from :meth:`feed` and :meth:`close`):
        BadRequest: the body is not well-formed multipart.
    """

    def __init__(self, boundary: bytes) -> None:
        self._delimiter = b"\r\n--" + boundary
        # The first delimiter needs no line break before it: pretend there was one.
        self._buffer = bytearray(b"\r\n")
        self._state = "preamble"

    @property
    def done(self) -> bool:
        """Whether the closing delimiter was read."""
        return self._state == "done"

    def feed(self, chunk: bytes) -> Iterator[Event]:
        """The events ``chunk`` completes."""
        if self._state == "done":
            return  # the epilogue is ignored
        self._buffer += chunk
        while True:
            if self._state == "preamble":
                at = self._buffer.find(self._delimiter)
                if at < 0:
                    del self._buffer[: max(0, len(self._buffer) - len(self._delimiter))]
                    return
                del self._buffer[: at + len(self._delimiter)]
                self._state = "after-delimiter"
            elif self._state == "after-delimiter":
                if len(self._buffer) < 2:
                    return
                if self._buffer[:2] == b"--":
                    self._state = "done"
                    self._buffer.clear()
                    return
                end = self._buffer.find(b"\r\n")
                if end < 0:
                    if len(self._buffer) > 256:
                        raise BadRequest("malformed multipart body: no line break after a boundary")
                    return
                if self._buffer[:end].strip(b" \t"):
                    raise BadRequest("malformed multipart body: text after a boundary")
                del self._buffer[: end + 2]
                self._state = "headers"
            elif self._state == "headers":
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self._buffer) > MAX_HEADER_BYTES:
                        raise BadRequest("malformed multipart body: a part's headers are too long")
                    return
                start = _part_start(bytes(self._buffer[:end]))
                del self._buffer[: end + 4]
                self._state = "content"
                yield start
            else:  # content
                at = self._buffer.find(self._delimiter)
                if at < 0:
                    keep = len(self._delimiter) - 1  # may be the start of a delimiter
                    if len(self._buffer) > keep:
                        data = bytes(self._buffer[: len(self._buffer) - keep])
                        del self._buffer[: len(self._buffer) - keep]
                        yield PartContent(data)
                    return
                if at:
                    yield PartContent(bytes(self._buffer[:at]))
                del self._buffer[: at + len(self._delimiter)]
                self._state = "after-delimiter"
                yield PartEnd()

    def close(self) -> None:
        """The body ended.

        Raises:
            BadRequest: before the closing delimiter.
        """
        if self._state != "done":
            raise BadRequest("malformed multipart body: it ends before its closing boundary")


def _part_start(raw: bytes) -> PartStart:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("malformed multipart body: a part's headers are not UTF-8") from None
    headers = email.parser.BytesHeaderParser(policy=email.policy.HTTP).parsebytes(raw + b"\r\n\r\n")
    if headers.get_content_disposition() != "form-data":
        raise BadRequest("malformed multipart body: a part is not form-data")
    name = headers.get_param("name", header="content-disposition")
    filename = headers.get_filename()
    if filename is not None and not _is_text(filename):
        raise BadRequest("malformed multipart body: the file name is not valid UTF-8")
    content_type = headers.get_content_type() if headers.get("content-type") else None
    return PartStart(name if isinstance(name, str) else None, filename, content_type)


def _is_text(name: str) -> bool:
    """Whether a decoded header value is text: no replacement or lone surrogate characters
    (what undecodable bytes, or a ``filename*`` of them, turn into)."""
    if "\ufffd" in name:
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
