"""mkdocs hooks for the documentation site (``mkdocs.yml`` names this file under ``hooks``).

Three things the Markdown sources can't say by themselves, each worked out from the code at
build time so it never goes stale:

* ``<!-- platform-namespaces -->`` becomes one mkdocstrings directive per namespace of
  ``HubPlatformClient``, in the client's order;
* ``<!-- models: qhub.api.quantum -->`` becomes a summary table of that API's generated
  wire models (a model's fields, an enum's values) instead of a page per model;
* the docstrings' Sphinx roles (``:class:`X```) are shown as plain code (``X``).

Building imports the packages (the hooks read the live classes), so the workspace must be
installed: ``make docs`` runs after ``make install``.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from functools import cached_property
from typing import Any

PLATFORM_NAMESPACES = re.compile(r"<!-- platform-namespaces -->")
MODELS = re.compile(r"<!-- models: (qhub\.api\.\w+) -->")
# ":class:" before a code span, as Markdown renders ":class:`~pkg.Name`".
SPHINX_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):(<code>)~?")


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Expand the placeholders of one page before Markdown (and mkdocstrings) see it."""
    markdown = PLATFORM_NAMESPACES.sub(lambda _: platform_namespaces(), markdown)
    return MODELS.sub(lambda match: models_table(match.group(1)), markdown)


def on_page_content(html: str, **kwargs: Any) -> str:
    """Show ``:class:`X``` and friends from the docstrings as the code ``X``."""
    return SPHINX_ROLE.sub(r"\1", html)


def platform_namespaces() -> str:
    """A mkdocstrings directive for every namespace class of the Platform client."""
    from qhub.api.platform._generated.client import HubPlatformClientNamespaces

    blocks = []
    seen = set()
    for name, member in vars(HubPlatformClientNamespaces).items():
        if not isinstance(member, cached_property):
            continue
        namespace = inspect.signature(member.func).return_annotation
        if namespace in seen:  # a second name of a namespace (eligibility: entitlements)
            continue
        seen.add(namespace)
        blocks.append(
            f"## `{name}`\n\n"
            f"::: qhub.api.platform._generated.{name}.{namespace}\n"
            "    options:\n"
            "      show_root_heading: false\n"
            "      heading_level: 3\n"
        )
    return "\n".join(blocks)


def models_table(api: str) -> str:
    """A table of the generated wire models of ``api`` (``qhub.api.quantum``, …)."""
    module = importlib.import_module(f"{api}._generated.models")
    rows = ["| name | kind | fields or values |", "|---|---|---|"]
    for name in sorted(module.__all__):  # the package loads each model on first access
        item = getattr(module, name)
        if not inspect.isclass(item):
            continue
        if issubclass(item, enum.Enum):
            kind, parts = "enum", [f"`{member.value}`" for member in item]
        elif hasattr(item, "model_fields"):
            kind, parts = "model", [f"`{field}`" for field in item.model_fields]
        else:  # an alias of a type that is no model (Any, a union)
            continue
        rows.append(f"| `{name}` | {kind} | {', '.join(parts) or '—'} |")
    return "\n".join(rows) + "\n"
