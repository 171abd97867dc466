"""Changing what the Platform API says about a service: display name, summary, description,
contacts, links, OpenAPI document and publication; and deleting one.

Both kinds of service take every change, stored by service id (one transaction each) and
kept across restarts: a ``--service`` workspace's are overrides that apply again whenever
the Hub serves a workspace under that name. Publishing makes a service ``PUBLISHED``
(``ACCESSIBLE`` again when the publication is deleted); a managed service must be built
first (409). Deleting a managed service removes it with its source, builds and the
subscriptions to it; a ``--service`` workspace can't be deleted through the API (409: it is
served because the Hub was started with it).

The OpenAPI document is stored as uploaded (JSON or YAML text, at most
:data:`MAX_OPENAPI_BYTES`), and served as stored whatever ``format`` asks (not converted);
before an upload, a workspace's own ``openapi.json``/``.yaml``/``.yml`` is served.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import Conflict, NotFound, Unprocessable
from ..identity import Caller, require_role
from .managed import ManagedServices
from .records import CatalogEntry, ServiceDetails
from .services import ServiceCatalog
from .store import CatalogStore

__all__ = ["MAX_OPENAPI_BYTES", "ServiceEditor"]

#: The largest OpenAPI document a service may be given.
MAX_OPENAPI_BYTES = 1 << 20
MAX_TEXT = {"displayName": 255, "summary": 1000, "description": 100_000}
PUBLICATION_SCOPES = ("PUBLIC", "INTERNAL")
WORKSPACE_DOCUMENTS = ("openapi.json", "openapi.yaml", "openapi.yml")


def _text(field: str, value: str) -> str:
    """``value`` if it can be the field's text, else refused naming the field."""
    if not value.strip():
        raise Unprocessable(f"{field}: must not be blank")
    if len(value) > MAX_TEXT[field]:
        raise Unprocessable(f"{field}: at most {MAX_TEXT[field]} characters")
    return value


class ServiceEditor:
    """Changes to services of the caller's organization (maintainers)."""

    def __init__(
        self, catalog: ServiceCatalog, store: CatalogStore, managed: ManagedServices
    ) -> None:
        self._catalog = catalog
        self._store = store
        self._managed = managed

    def _change(
        self, caller: Caller, service_id: str, change: Callable[[ServiceDetails], ServiceDetails]
    ) -> CatalogEntry:
        self._catalog.entry(caller.organization_id, service_id)
        require_role(caller, "MAINTAINER", "change services")
        self._store.update_details(service_id, change)
        return self._catalog.entry(caller.organization_id, service_id)

    def set_display_name(self, caller: Caller, service_id: str, name: str) -> CatalogEntry:
        """Change the name the service is shown with.

        Raises:
            NotFound: unknown, or another organization's.
            Forbidden: the caller is not a maintainer.
            Unprocessable: blank or too long.
        """
        text = _text("displayName", name)
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, display_name=text))

    def set_summary(self, caller: Caller, service_id: str, summary: str) -> CatalogEntry:
        """Change the summary (see :meth:`set_display_name` for what is raised)."""
        text = _text("summary", summary)
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, summary=text))

    def set_description(self, caller: Caller, service_id: str, description: str) -> CatalogEntry:
        """Change the description (see :meth:`set_display_name` for what is raised)."""
        text = _text("description", description)
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, description=text))

    def set_contacts(
        self, caller: Caller, service_id: str, contacts: Sequence[dict[str, Any]]
    ) -> CatalogEntry:
        """Replace the contacts (``ServiceContact`` objects)."""
        kept = tuple(dict(c) for c in contacts)
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, contacts=kept))

    def set_links(
        self, caller: Caller, service_id: str, links: Sequence[dict[str, Any]]
    ) -> CatalogEntry:
        """Replace the links (``ServiceLink`` objects)."""
        kept = tuple(dict(link) for link in links)
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, links=kept))

    def publish(self, caller: Caller, service_id: str, scope: str) -> CatalogEntry:
        """Publish the service (``PUBLIC`` or ``INTERNAL``): its lifecycle is ``PUBLISHED``.

        Raises:
            Unprocessable: another scope.
            Conflict: a managed service that was not built yet.
        """
        if scope not in PUBLICATION_SCOPES:
            raise Unprocessable(f"scope: must be one of {', '.join(PUBLICATION_SCOPES)}")
        entry = self._catalog.entry(caller.organization_id, service_id)
        if not entry.served:
            raise Conflict(f"service {service_id!r} is not built yet: build it before publishing")
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, published=scope))

    def unpublish(self, caller: Caller, service_id: str) -> CatalogEntry:
        """End the publication (the service stays ``ACCESSIBLE``); nothing to do when it
        is not published."""
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, published=None))

    def set_openapi(self, caller: Caller, service_id: str, document: bytes) -> CatalogEntry:
        """Store the service's OpenAPI document.

        Raises:
            PayloadTooLarge is not raised here: the HTTP edge bounds the upload.
            Unprocessable: empty, not UTF-8, or JSON that is not an object.
        """
        if len(document) > MAX_OPENAPI_BYTES:
            raise Unprocessable(f"file: an OpenAPI document may have {MAX_OPENAPI_BYTES} bytes")
        try:
            text = document.decode("utf-8")
        except UnicodeDecodeError:
            raise Unprocessable("file: the OpenAPI document is not UTF-8 text") from None
        if not text.strip():
            raise Unprocessable("file: the OpenAPI document is empty")
        if text.lstrip().startswith("{"):
            try:
                parsed = json.loads(text)
            except ValueError as error:
                raise Unprocessable(f"file: the OpenAPI document is not JSON: {error}") from None
            if not isinstance(parsed, dict):
                raise Unprocessable("file: the OpenAPI document must be an object")
        return self._change(caller, service_id, lambda d: dataclasses.replace(d, openapi=text))

    def openapi(self, caller: Caller, service_id: str) -> str:
        """The service's OpenAPI document: the uploaded one, else its workspace's own.

        Raises:
            NotFound: unknown service, or it has none.
        """
        entry = self._catalog.entry(caller.organization_id, service_id)
        if entry.details.openapi is not None:
            return entry.details.openapi
        if entry.served:
            for name in WORKSPACE_DOCUMENTS:
                path = entry.service.workspace / name
                if path.is_file() and path.stat().st_size <= MAX_OPENAPI_BYTES:
                    return path.read_text("utf-8", "replace")
        raise NotFound(f"service {service_id!r} has no OpenAPI document")

    def delete(self, caller: Caller, service_id: str) -> None:
        """Delete a managed service (see :meth:`ManagedServices.delete`).

        Raises:
            NotFound: unknown, or another organization's.
            Conflict: a ``--service`` workspace, or a build of it is running.
        """
        entry = self._catalog.entry(caller.organization_id, service_id)
        if not entry.managed:
            require_role(caller, "MAINTAINER", "delete services")
            raise Conflict(
                f"service {service_id!r} is the workspace the Hub was started with"
                f" (--service {entry.service.name}=…); start the Hub without it to remove it"
            )
        self._managed.delete(caller, service_id)
