"""Records of the generic resources: stored documents, requests, and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DomainError
from ..listing import Page

__all__ = [
    "FILE_KEY",
    "Answer",
    "Blob",
    "Count",
    "Defaults",
    "Document",
    "Fields",
    "GenericRequest",
    "Many",
    "NotEmulated",
    "Nothing",
    "One",
    "UploadedFile",
]

#: Where a document keeps an uploaded file: ``{"contentType": …, "data": <base64>}``.
FILE_KEY = "$file"


class NotEmulated(DomainError):
    """An operation the local Hub has no meaning for (501)."""

    status = 501


@dataclass(frozen=True)
class Document:
    """A stored resource: the organization it belongs to, its collection key
    (``algorithms/<id>/sketches``), id, JSON body (the wire properties it was given), and
    when it was created and last changed."""

    organization_id: str
    collection: str
    id: str
    body: Mapping[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def has_file(self) -> bool:
        """Whether the document holds an uploaded file."""
        return FILE_KEY in self.body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    content_type: str
    data: bytes


@dataclass(frozen=True)
class GenericRequest:
    """What a request carries for the generic resources.

    Attributes:
        path: the path parameters' values, in path order.
        query: every query parameter's values, by name.
        body: the JSON body, if the operation takes one.
        file: the uploaded file, for a multipart operation.
    """

    path: Sequence[str] = ()
    query: Mapping[str, Sequence[str]] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    file: UploadedFile | None = None


@dataclass(frozen=True)
class One:
    """One resource."""

    document: Document


@dataclass(frozen=True)
class Many:
    """Resources of a collection: all of them, or one page (``page``)."""

    documents: list[Document]
    page: Page[Document] | None = None


@dataclass(frozen=True)
class Fields:
    """An answer made of these properties (a computation: nothing is stored)."""

    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Count:
    """A number."""

    value: int


@dataclass(frozen=True)
class Blob:
    """Bytes, with their content type."""

    content_type: str
    data: bytes


@dataclass(frozen=True)
class Defaults:
    """Nothing stored: the answer the response schema's defaults make (an object with its
    required properties) for an organization."""

    organization_id: str


@dataclass(frozen=True)
class Nothing:
    """No content."""


#: What an operation answers.
Answer = One | Many | Fields | Count | Blob | Defaults | Nothing
