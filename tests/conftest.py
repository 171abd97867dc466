"""Suite-wide settings: our own clients parse strictly, so drift from our server fails loudly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qhub.api._core.models import strict_models


@pytest.fixture(autouse=True)
def _strict_models(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unknown fields/enum values fail in our tests, except against the vendor's runtime."""
    with strict_models(enabled=request.node.get_closest_marker("peer") is None):
        yield
