"""pytest fixtures that start a local Hub (registered as the ``qhub_local`` pytest plugin).

``local_hub`` is a fresh Hub per test (tmp data dir, the example ``quickstart`` service);
``local_hub_factory(**options)`` starts Hubs with other services or options. All are stopped
at teardown. To pin how quantum jobs proceed, set ``local_hub.job_lifecycle`` to a
:class:`JobLifecycle` (final at once, RUNNING for N polls or T seconds, or ending ABORTED,
DETACHED or FAILED); to change what one job's input may ask of it (instructions, classical
bits, the time and memory its parse may take), set ``local_hub.job_limits`` to a
:class:`JobLimits`; ``local_hub.add_user()`` gives a second user in its own organization.

Their responses are checked against our spec when it can be found (a source checkout, or
``QHUB_LOCAL_SPEC_DIR``; see ``qhub.local.http.contract``): a departure answers 500 naming
the operation and the JSON pointer, and is kept in ``qhub.local.http.contract.recorder``.
Pass ``validate_responses=False`` to opt out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .domain.quantum import JobLifecycle, JobLimits
    from .server import LocalHub

__all__ = ["JobLifecycle", "JobLimits", "local_hub", "local_hub_factory"]


def __getattr__(name: str) -> Any:
    # Light on purpose: pytest loads this plugin in every session of a project that has
    # qhub-local installed; the server (FastAPI, Qiskit, …) loads when a fixture is used.
    if name == "JobLifecycle":
        from .domain.quantum import JobLifecycle

        return JobLifecycle
    if name == "JobLimits":
        from .domain.quantum import JobLimits

        return JobLimits
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@pytest.fixture
def local_hub_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., LocalHub]]:
    """Start local Hubs: ``local_hub_factory(services={...}, data_dir=..., **options)``,
    checking their responses against the spec (when it is available) unless
    ``validate_responses=False``."""
    from .http.openapi import spec_available
    from .server import LocalHub

    started: list[LocalHub] = []

    def start(data_dir: Path | None = None, **options: Any) -> LocalHub:
        options.setdefault("validate_responses", spec_available())
        hub = LocalHub(data_dir or tmp_path_factory.mktemp("qhub-local"), **options)
        started.append(hub)
        hub.start()
        return hub

    yield start
    for hub in reversed(started):
        hub.stop()


@pytest.fixture
def local_hub(local_hub_factory: Callable[..., LocalHub]) -> LocalHub:
    """A running local Hub with the example ``quickstart`` service."""
    return local_hub_factory()
