"""The dashboard's first paint with 10 000 executions in the store (goal: ≤ 300 ms).

A Hub whose SQLite holds 10 000 final executions of its default application; a headless
Chromium (``make chromium``) opens the signed-in dashboard on the executions list, and the
page's own mark ``qhub-dashboard-painted`` (set when the first page of rows is on screen)
is read, with the browser's first contentful paint beside it. Printed: every load's figures
and the median of the warm loads (the first load also compiles the page's script).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.local.dashboard_chromium import Chromium

from qhub.local.domain.executions import Execution, ExecutionStore
from qhub.local.server import LocalHub

EXECUTIONS = 10_000
LOADS = 6


def _fill(hub: LocalHub) -> None:
    assert hub.connection is not None
    store = ExecutionStore(hub.hub.database)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for number in range(EXECUTIONS):
        execution = Execution(
            id=str(uuid.uuid4()),
            service="/gateway/local/quickstart/1.0.0",
            application_id=hub.connection.application["id"],
            status="PENDING",
            created_at=start + dt.timedelta(seconds=number),
            workdir=hub.data_dir / "executions" / f"seeded-{number}",
            tags=[f"run-{number}"],
            organization_id=hub.connection.organization_id,
        )
        store.add(execution)
        store.mark_final(execution.id, "SUCCEEDED", execution.created_at)


def main() -> None:
    """Print the first-paint figures."""
    with tempfile.TemporaryDirectory() as tmp, LocalHub(Path(tmp) / "hub") as hub:
        _fill(hub)
        assert hub.connection is not None
        token = hub.connection.personal_access_token
        with Chromium(Path(tmp) / "profile") as browser:
            page = browser.new_page()
            painted = []
            for _ in range(LOADS):
                page.navigate("about:blank")
                page.wait_for("location.href === 'about:blank'")
                page.navigate(f"{hub.connection.base_url}/#token={token}")
                page.wait_for("document.body && document.body.dataset.ready === 'true'")
                page.wait_for("performance.getEntriesByName('qhub-dashboard-painted').length")
                figures = page.evaluate(
                    "({painted: performance.getEntriesByName('qhub-dashboard-painted')[0]"
                    ".startTime, fcp: (performance.getEntriesByName('first-contentful-paint')"
                    "[0] || {}).startTime})"
                )
                painted.append(figures["painted"])
                # Chromium sometimes records no first-contentful-paint entry (the key is
                # then absent: undefined doesn't survive JSON).
                fcp = figures.get("fcp")
                print(
                    f"  load: first page of rows painted at {figures['painted']:.0f} ms "
                    + (f"(first contentful paint {fcp:.0f} ms)" if fcp else "(no FCP recorded)")
                )
                time.sleep(0.1)
            page.close()
    warm = painted[1:]
    print(
        f"dashboard, {EXECUTIONS} executions stored: first page painted, median of warm "
        f"loads {statistics.median(warm):.0f} ms (best {min(warm):.0f} ms; goal ≤ 300 ms)"
    )


if __name__ == "__main__":
    main()
