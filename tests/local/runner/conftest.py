"""A runner per test, closed after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qhub.local.runner import WorkspaceRunner


@pytest.fixture
def runner() -> Iterator[WorkspaceRunner]:
    """A runner with two slots, in the strongest isolation the machine allows."""
    runner = WorkspaceRunner(max_parallel=2)
    yield runner
    runner.close()
