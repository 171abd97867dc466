"""Every public name of the vendor's public modules is importable from the same path of ours."""

from __future__ import annotations

import importlib

import pytest

from tests.contract.spec_server import load_spec

#: Names of the vendor's that are its own plumbing, not part of the API's surface.
PLUMBING = {"DefaultAioHttpClient", "DefaultAsyncHttpxClient", "Any", "Dict", "Optional", "enum"}


def _cases() -> list[tuple[str, str]]:
    cases = []
    for api in ("quantum", "platform", "service", "user"):
        exports = load_spec(api)["info"]["x-vendor-exports"]
        for module, names in exports.items():
            # The package, .types, .errors, .core.api_error, .environment and .jobs: the public
            # paths (the namespaces' own submodules are the vendor's internal layout).
            tail = module.split(".", 3)[-1] if module.count(".") > 2 else ""
            if tail not in ("", "types", "errors", "core.api_error", "environment", "jobs"):
                continue
            cases += [(module, name) for name in names if name not in PLUMBING]
    return cases


@pytest.mark.parametrize(("module", "name"), _cases())
def test_vendor_name_is_importable(module: str, name: str) -> None:
    """``from <module> import <name>`` works as it does with the vendor's package."""
    assert getattr(importlib.import_module(module), name) is not None
