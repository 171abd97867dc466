"""An organization's execution count, kept by SQLite triggers for every page's
``totalElements``: right after inserts and deletes, per organization, and rebuilt from the
rows the first time a data directory from before the counts is opened."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from qhub.local.domain.executions import Execution, ExecutionStore
from qhub.local.domain.store import Database


def _add(store: ExecutionStore, organization: str, tmp_path: Path, number: int) -> str:
    execution = Execution(
        id=str(uuid.uuid4()),
        service="/gateway/local/x/1",
        application_id="app",
        status="PENDING",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=number),
        workdir=tmp_path / str(number),
        tags=[],
        organization_id=organization,
    )
    store.add(execution)
    return execution.id


def _total(store: ExecutionStore, organization: str) -> int:
    return store.organization_page(organization, offset=0, limit=1)[1]


def test_counts_follow_inserts_and_deletes_per_organization(tmp_path: Path) -> None:
    """Totals per organization after inserts and a delete; an unknown one has none."""
    database = Database(tmp_path / "hub.sqlite3")
    store = ExecutionStore(database)
    ids = [_add(store, "org-a", tmp_path, n) for n in range(5)]
    _add(store, "org-b", tmp_path, 10)
    assert (_total(store, "org-a"), _total(store, "org-b"), _total(store, "nobody")) == (5, 1, 0)
    with database.transaction() as db:  # as a purge would
        db.execute("DELETE FROM executions WHERE id = ?", (ids[0],))
    assert _total(store, "org-a") == 4
    page, total = store.organization_page("org-a", offset=0, limit=10)
    assert total == len(page) == 4


def test_a_data_dir_from_before_the_counts_gets_them_from_its_rows(tmp_path: Path) -> None:
    """Opening a database whose executions were stored without the counts builds them once."""
    path = tmp_path / "hub.sqlite3"
    database = Database(path)
    store = ExecutionStore(database)
    for n in range(7):
        _add(store, "org-a", tmp_path, n)
    with database.transaction() as db:  # back to the older layout
        for trigger in ("executions_counted", "executions_uncounted", "executions_recounted"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DROP TABLE execution_counts")
    reopened = ExecutionStore(Database(path))
    assert _total(reopened, "org-a") == 7
    _add(reopened, "org-a", tmp_path, 99)
    assert _total(reopened, "org-a") == 8
