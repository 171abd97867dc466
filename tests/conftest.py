"""Suite-wide settings: our own clients parse strictly, so drift from our server fails loudly;
every local Hub checks its responses against spec/ (and the session fails on any departure);
and a Quantum API client for any test module that provides a ``hub``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qhub.api._core.models import strict_models
from qhub.api.quantum import HubQuantumClient
from qhub.local.http.contract import VALIDATE_ENV, recorder
from qhub.local.http.openapi import SPEC_DIR_ENV
from qhub.local.server import LocalHub

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec"

# Every LocalHub this session starts, in this process or as a `qhub-local serve` child (even
# from a wheel, which carries no spec), checks its responses against the spec.
os.environ.setdefault(VALIDATE_ENV, "1")
os.environ.setdefault(SPEC_DIR_ENV, str(SPEC_DIR))


@pytest.fixture(autouse=True)
def _strict_models(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unknown fields/enum values fail in our tests, except against the vendor's runtime."""
    with strict_models(enabled=request.node.get_closest_marker("peer") is None):
        yield


@pytest.fixture
def client(hub: LocalHub) -> Iterator[HubQuantumClient]:
    """A Quantum API client of the module's ``hub``, with its personal access token."""
    assert hub.connection is not None
    with HubQuantumClient(
        api_key=hub.connection.personal_access_token,
        organization_id=hub.connection.organization_id,
        base_url=hub.connection.quantum_url,
    ) as quantum:
        yield quantum


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session when a local Hub answered against the spec, even if the test that
    caused it passed (one expecting an error status takes the 500 for one)."""
    if recorder.violations and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


#: This tier's time budget in seconds (the Makefile sets it per target: ``make test-fast``,
#: ``make unit``), printed against the time taken so a slow drift shows before CI's limit.
BUDGET_ENV = "QHUB_TEST_BUDGET_SECONDS"
_STARTED = time.monotonic()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The tier's time against its budget; what response validation saw: violations,
    operations checked, routes not in the spec."""
    budget = os.environ.get(BUDGET_ENV)
    if budget:
        taken = time.monotonic() - _STARTED
        verdict = "within" if taken <= float(budget) else "OVER"
        terminalreporter.write_sep(
            "=", f"time: {taken:.0f} s, {verdict} this tier's budget of {float(budget):.0f} s"
        )
    if not (recorder.checked or recorder.unmatched):
        return
    write = terminalreporter.write_line
    terminalreporter.section("local Hub responses against spec/")
    write(
        f"{sum(recorder.checked.values())} responses of {len(recorder.checked)} operations "
        f"checked; {len(recorder.violations)} departed from the spec"
    )
    for violation in recorder.violations:
        write(violation.describe(), red=True)
    if recorder.tolerated:
        write("statuses the spec leaves out (SPEC_GAPS in qhub.local.http.contract):")
        for gap, count in sorted(recorder.tolerated.items()):
            write(f"  {gap}  x{count}")
    if recorder.unmatched:
        write("requests no spec operation matches (the Hub's own routes):")
        for route, count in sorted(recorder.unmatched.items()):
            write(f"  {route}  x{count}")
