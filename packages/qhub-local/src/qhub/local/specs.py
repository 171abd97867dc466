"""Where the local Hub finds our OpenAPI documents (``spec/``), and reading them.

The directory named by ``QHUB_LOCAL_SPEC_DIR``; else ``qhub/local/spec`` (an installed wheel
carries the documents there); else the repository's ``spec/`` above an editable install.
Read once per process; the HTTP edge (serving, validating) and the generic Platform resources
share them.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["APIS", "SPEC_DIR_ENV", "SpecUnavailable", "load_spec", "spec_available", "spec_dir"]

#: Names a directory holding ``quantum.json``, ``platform.json``, ``service.json``, ``user.json``.
SPEC_DIR_ENV = "QHUB_LOCAL_SPEC_DIR"

#: The four APIs, in the order the merged document lists them.
APIS = ("quantum", "platform", "service", "user")


class SpecUnavailable(RuntimeError):
    """The spec documents are not where the Hub looks for them (see the module docstring)."""


def _candidate_dirs() -> Iterable[Path]:
    configured = os.environ.get(SPEC_DIR_ENV)
    if configured:
        yield Path(configured)
        return
    # An installed wheel: qhub/local/spec beside this module; an editable install: the
    # repository's spec/ further up.
    for parent in Path(__file__).resolve().parents:
        yield parent / "spec"


@functools.cache
def spec_dir() -> Path:
    """The directory the spec documents are read from.

    Raises:
        SpecUnavailable: no directory holds all four documents.
    """
    for candidate in _candidate_dirs():
        if all((candidate / f"{api}.json").is_file() for api in APIS):
            return candidate
    where = os.environ.get(SPEC_DIR_ENV) or "the repository's spec/"
    raise SpecUnavailable(f"the OpenAPI specs are not in {where} (set {SPEC_DIR_ENV})")


def spec_available() -> bool:
    """Whether the spec documents can be found (:func:`spec_dir`)."""
    try:
        spec_dir()
    except SpecUnavailable:
        return False
    return True


@functools.cache
def load_spec(api: str) -> Mapping[str, Any]:
    """One API's spec document, read once per process (callers must not change it).

    Raises:
        SpecUnavailable: the documents cannot be found.
    """
    text = (spec_dir() / f"{api}.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document
