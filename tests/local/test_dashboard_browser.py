"""The dashboard in a real headless Chromium: what a person sees of an execution and its
quantum job (status, result files, log, the counts as histogram bars), that user input is
shown as text, and how soon the first page of 10 000 executions is on screen.

Screenshots are kept in ``test-artifacts/dashboard/`` at the repository's root (git-ignored;
``QHUB_TEST_ARTIFACTS`` names another directory); each test prints where. Chromium comes from
``make chromium``; without it these tests fail saying so (they never skip).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qhub.local.domain.executions import Execution, ExecutionStore
from qhub.local.server import LocalHub
from qhub.service.client import HubServiceClient

from ..workspaces import make_workspace
from .dashboard_chromium import CHROMIUM_ENV, Chromium, Page, chromium_binary

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_TAG = "<img src=x onerror=alert(1)>"
HOSTILE_NAME = "<b>bold</b><script>window.injected = 1</script>"


def _artifacts() -> Path:
    directory = Path(os.environ.get("QHUB_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "dashboard"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub with the quickstart example service and the sleepy workspace."""
    sleepy = make_workspace(tmp_path_factory.mktemp("ws"), "sleepy")
    with LocalHub(tmp_path_factory.mktemp("hub"), services={"sleepy": sleepy}) as local:
        yield local


@pytest.fixture(scope="module")
def ran(hub: LocalHub) -> dict[str, Any]:
    """One finished quickstart execution (tagged with markup) and the quantum job it ran, with
    that job's counts; and a job whose name is markup."""
    assert hub.connection is not None
    connection = hub.connection
    app = connection.application
    with HubServiceClient(
        connection.services["quickstart"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=connection.token_endpoint,
    ) as client:
        execution = client.run(
            request={"values": [1.0, 2.2], "shots": 300}, tags=["demo", HOSTILE_TAG]
        )
        execution.wait_for_final_state(timeout=90, wait=0.2)
    headers = {"X-Auth-Token": connection.personal_access_token}
    output = httpx.get(
        f"{connection.platform_url}/service-executions/{execution.id}/results",
        headers=headers,
        timeout=10,
    ).json()
    named = httpx.post(
        f"{connection.quantum_url}/jobs",
        headers=headers,
        json={
            "backend_id": "local.aer.simulator",
            "shots": 10,
            "name": HOSTILE_NAME,
            "input": {
                "qasm": 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; bit[1] c; c = measure q;'
            },
        },
        timeout=60,
    )
    assert named.status_code == 201, named.text
    job_id = output["job_id"]
    result = httpx.get(
        f"{connection.quantum_url}/jobs/{job_id}/result", headers=headers, timeout=10
    )
    return {
        "execution": execution.id,
        "job": job_id,
        "counts": result.json()["counts"],
        "named_job": named.json()["id"],
    }


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """A headless Chromium with a fresh profile."""
    with Chromium(tmp_path_factory.mktemp("chromium") / "profile") as chromium:
        yield chromium


@pytest.fixture
def page(browser: Chromium) -> Iterator[Page]:
    """A new tab; the test fails if the page logged an error or threw."""
    tab = browser.new_page()
    yield tab
    problems = list(tab.problems)
    tab.close()
    assert not problems, f"the page reported problems: {problems}"


def _open(page: Page, hub: LocalHub, route: str = "executions") -> None:
    """Open the dashboard signed in (the token in the fragment), at ``#route``, and wait for
    its first data."""
    assert hub.connection is not None
    token = hub.connection.personal_access_token
    page.navigate(f"{hub.connection.base_url}/#token={token}")
    page.wait_for("document.body && document.body.dataset.ready === 'true'")
    page.evaluate(f"location.hash = {json.dumps('#' + route)}")


def _shoot(page: Page, name: str) -> Path:
    path = page.screenshot(_artifacts() / name)
    print(f"screenshot: {path}")
    return path


def test_a_person_sees_the_execution_its_job_and_the_histogram(
    hub: LocalHub, ran: dict[str, Any], page: Page
) -> None:
    """The list shows the execution's id and status; its detail shows output, result file,
    log and job; the job's detail shows one bar per outcome, as long as its count."""
    _open(page, hub)
    execution = ran["execution"]
    row = page.wait_for(
        f"""(() => {{
            const row = document.querySelector('#list tbody tr[data-id="{execution}"]');
            return row && row.innerText;
        }})()"""
    )
    assert execution in row and "SUCCEEDED" in row and "quickstart" in row
    assert page.evaluate("location.hash") == "#executions"  # the token left the address bar
    assert page.evaluate("location.href").find("token") == -1

    page.evaluate(f"location.hash = '#executions/{execution}'")
    detail = page.wait_for(
        "(() => { const d = document.querySelector('#detail');"
        " return d && !d.hidden && d.querySelector('.log') && d.innerText; })()"
    )
    assert execution in detail and "SUCCEEDED" in detail
    assert "histogram.csv" in detail and '"counts"' in detail
    assert "preparing 2 qubit(s)" in detail  # the program's log
    assert ran["job"] in detail
    assert page.evaluate("document.querySelector('#detail button.danger')") is None  # final
    _shoot(page, "execution.png")

    page.evaluate(f"location.hash = '#jobs/{ran['job']}'")
    bars = page.wait_for(
        """(() => {
            const bars = [...document.querySelectorAll('#detail .histogram .bar')];
            return bars.length && bars.map((bar) => ({
                outcome: bar.querySelector('.outcome').textContent,
                count: Number(bar.querySelector('.value').textContent),
                width: bar.querySelector('.fill').getBoundingClientRect().width,
            }));
        })()"""
    )
    assert {bar["outcome"]: bar["count"] for bar in bars} == ran["counts"]
    widest = max(bars, key=lambda bar: bar["width"])
    assert widest["count"] == max(ran["counts"].values())
    for bar in bars:  # each bar as long as its count, relative to the largest
        assert bar["width"] == pytest.approx(
            widest["width"] * bar["count"] / widest["count"], abs=2
        )
    heading = page.evaluate("document.querySelector('#detail h2').textContent")
    assert ran["job"] in heading
    assert "COMPLETED" in page.evaluate("document.querySelector('#detail').innerText")
    _shoot(page, "job-histogram.png")


def test_the_api_reference_shows_an_operation_and_its_types(hub: LocalHub, page: Page) -> None:
    """``/docs``: the Quantum API's operations by namespace; a search narrows them; an
    operation shows its path, Python name, parameters and responses, with a link to its
    response type, whose fields show wire and Python names, whether required, and types."""
    assert hub.connection is not None
    page.navigate(f"{hub.connection.base_url}/docs#api=quantum")
    index = page.wait_for(
        "document.querySelector('#ref-list details') && document.querySelector('#ref-list').innerText"
    )
    assert "jobs" in index and "create_job" in index and "get_backends" in index
    page.evaluate(
        "(() => { const box = document.querySelector('#ref-search'); box.value = 'calibration';"
        " box.dispatchEvent(new Event('input')); })()"
    )
    narrowed = page.wait_for(
        "(() => { const t = document.querySelector('#ref-list').innerText;"
        " return !t.includes('create_job') && t; })()"
    )
    assert "get_backend_calibration" in narrowed
    page.evaluate("location.hash = 'api=quantum&op=jobs.create_job'")
    detail = page.wait_for(
        "(() => { const d = document.querySelector('#ref-detail');"
        " return d.querySelector('h2') && d.innerText.includes('Responses') && d.innerText; })()"
    )
    assert "POST" in detail and "/jobs" in detail and "create_job" in detail
    assert "201" in detail
    page.evaluate(
        "(() => { const link = [...document.querySelectorAll('#ref-detail a')]"
        ".find((a) => a.textContent === 'Job'); link.click(); })()"
    )
    fields = page.wait_for(
        "(() => { const d = document.querySelector('#ref-detail');"
        " return d.querySelector('.ref-table') && d.querySelector('h2').textContent === 'Job'"
        " && d.innerText; })()"
    )
    rows = [line.split("\t") for line in fields.splitlines() if "\t" in line]
    by_wire = {row[0]: row for row in rows}
    assert by_wire["id"][2:4] == ["yes", "string"]  # required, a string
    assert by_wire["backend_id"][1] == "backend_id"  # the Quantum API is snake_case
    _shoot(page, "api-reference.png")


def test_signing_in_with_the_form(hub: LocalHub, page: Page) -> None:
    """Without a token the page asks for one; a wrong one is refused with the Hub's reason;
    the right one shows the board and stays for the tab's session; signing out forgets it."""
    assert hub.connection is not None
    page.navigate(f"{hub.connection.base_url}/")
    page.wait_for("document.body && !document.querySelector('#sign-in').hidden")
    assert page.evaluate("document.querySelector('#board').hidden") is True
    sign_in = (
        "(token) => { document.querySelector('#token').value = token;"
        " document.querySelector('#sign-in-form').requestSubmit(); }"
    )
    page.evaluate(f"({sign_in})('wrong')")
    refusal = page.wait_for("document.querySelector('#sign-in-error').textContent")
    assert "refused" in refusal and "not a valid token" in refusal
    assert all("401 (Unauthorized)" in problem for problem in page.problems)
    page.problems.clear()  # the browser logs the refused requests; nothing else went wrong
    _shoot(page, "sign-in.png")
    page.evaluate(f"({sign_in})({json.dumps(hub.connection.personal_access_token)})")
    page.wait_for(
        "document.body.dataset.ready === 'true' && !document.querySelector('#board').hidden"
    )
    assert page.evaluate("document.querySelector('#who').textContent").startswith("local")
    # Mark the old document first: the wait below must see the reloaded one, not this one.
    page.evaluate("document.body.dataset.ready = 'reloading'; location.reload()")
    page.wait_for("document.body && document.body.dataset.ready === 'true'")  # still signed in
    page.evaluate("document.querySelector('#sign-out').click()")
    page.wait_for("!document.querySelector('#sign-in').hidden")
    assert page.evaluate("sessionStorage.length") == 0


def test_user_input_is_shown_as_text(hub: LocalHub, ran: dict[str, Any], page: Page) -> None:
    """A tag and a job name written as markup appear as those characters; no element and no
    script comes of them."""
    _open(page, hub)
    chips = page.wait_for(
        f"""(() => {{
            const row = document.querySelector('#list tr[data-id="{ran["execution"]}"]');
            return row && [...row.querySelectorAll('.tag')].map((tag) => tag.textContent);
        }})()"""
    )
    assert HOSTILE_TAG in chips
    page.evaluate(f"location.hash = '#jobs/{ran['named_job']}'")
    name = page.wait_for(
        f"""(() => {{
            const row = document.querySelector('#list tr[data-id="{ran["named_job"]}"]');
            const detail = document.querySelector('#detail .facts');
            return row && detail && [row.cells[2].textContent, detail.innerText];
        }})()"""
    )
    assert name[0] == HOSTILE_NAME and HOSTILE_NAME in name[1]
    assert (
        page.evaluate("document.querySelectorAll('img, b, #list script, #detail script').length")
        == 0
    )
    assert page.evaluate("window.injected") is None


def test_the_page_follows_an_execution_and_cancels_it(hub: LocalHub, page: Page) -> None:
    """An execution started while the page is open appears on its own (the page polls);
    its Cancel button, a real same-origin request from the page, ends it CANCELLED."""
    assert hub.connection is not None
    connection = hub.connection
    _open(page, hub)
    app = connection.application
    with HubServiceClient(
        connection.services["sleepy"],
        app["access_key_id"],
        app["secret_access_key"],
        token_endpoint=connection.token_endpoint,
    ) as client:
        execution = client.run(request={"seconds": 60}, tags=["watched"])
    row = f"document.querySelector('#list tr[data-id=\"{execution.id}\"]')"
    page.wait_for(f"{row} && /PENDING|RUNNING/.test({row}.innerText)")
    page.evaluate(f"{row}.click()")
    page.wait_for("!!document.querySelector('#detail button.danger')")
    _shoot(page, "running.png")
    page.evaluate("document.querySelector('#detail button.danger').click()")
    page.wait_for(f"{row} && {row}.innerText.includes('CANCELLED')", timeout=30)
    page.wait_for(
        "document.querySelector('#detail .detail-head').innerText.includes('CANCELLED')"
        " && !document.querySelector('#detail button.danger')"
    )
    assert page.evaluate("document.querySelector('#notice').textContent") == ""
    recorded = httpx.get(
        f"{connection.platform_url}/service-executions/{execution.id}",
        headers={"X-Auth-Token": connection.personal_access_token},
        timeout=10,
    ).json()
    assert recorded["status"] == "CANCELLED"


@pytest.fixture(scope="module")
def crowded_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A Hub whose store holds 10 000 executions of its default application."""
    with LocalHub(tmp_path_factory.mktemp("crowded")) as local:
        assert local.connection is not None
        store = ExecutionStore(local.hub.database)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        statuses = ("SUCCEEDED", "FAILED", "CANCELLED", "SUCCEEDED")
        for number in range(10_000):
            execution = Execution(
                id=str(uuid.uuid4()),
                service="/gateway/local/quickstart/1.0.0",
                application_id=local.connection.application["id"],
                status="PENDING",
                created_at=start + dt.timedelta(seconds=number),
                workdir=local.data_dir / "executions" / f"seeded-{number}",
                tags=[f"run-{number}"],
                organization_id=local.connection.organization_id,
            )
            store.add(execution)
            ended = execution.created_at + dt.timedelta(seconds=1)
            store.mark_final(execution.id, statuses[number % len(statuses)], ended)
        yield local


def test_the_first_page_of_10000_executions_is_one_page(crowded_hub: LocalHub, page: Page) -> None:
    """With 10 000 executions stored the page draws one page of rows, newest first, says
    how many there are, and marks when it painted them (``benchmarks/dashboard_paint.py``
    reads that mark: the goal is 300 ms)."""
    hub = crowded_hub
    assert hub.connection is not None
    _open(page, hub)
    page.wait_for("performance.getEntriesByName('qhub-dashboard-painted').length")
    rows = page.evaluate("document.querySelectorAll('#list tbody tr').length")
    shown = page.evaluate("Object.assign({}, document.querySelector('.more').dataset)")
    first = page.evaluate("document.querySelector('#list tbody tr').innerText")
    _shoot(page, "10000-executions.png")
    assert rows == 50 and shown == {"shown": "50", "total": "10000"}
    assert "run-9999" in first  # the newest


def test_without_chromium_the_browser_tests_fail_saying_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No Chromium on the PATH: a failure naming ``make chromium`` (never a silent skip); a
    ``QHUB_CHROMIUM`` that doesn't exist: a failure naming it."""
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match="make chromium"):
        chromium_binary()
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(pytest.fail.Exception, match="does not exist"):
        chromium_binary()
