"""Namespaces as users explore them: older spellings callable but out of tab completion."""

from __future__ import annotations

import pydoc
import rlcompleter

import httpx
import pytest

from qhub.api._core.operations import aliases
from qhub.api.platform import AsyncHubPlatformClient, HubPlatformClient
from qhub.api.quantum import AsyncHubQuantumClient, HubQuantumClient

BASE = "https://hub.example/quantum"
JOB = {"id": "j1", "status": "RUNNING"}


def quantum_client(seen: list[str]) -> HubQuantumClient:
    """A Quantum client over a MockTransport that records the paths asked for."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=JOB)

    return HubQuantumClient(
        api_key="k",
        base_url=BASE,
        httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def test_aliases_are_left_out_of_dir_of_the_namespace_and_its_class() -> None:
    """dir() of client.jobs (instance and class, every flavour) lists no older spelling."""
    client = HubQuantumClient(api_key="k", base_url=BASE)
    async_client = AsyncHubQuantumClient(api_key="k", base_url=BASE)
    for namespace in (
        client.jobs,
        client.jobs.with_raw_response,
        async_client.jobs,
        async_client.jobs.with_raw_response,
    ):
        hidden = aliases(type(namespace))
        assert "service_exec_get_job" in hidden
        for listing in (dir(namespace), dir(type(namespace))):
            assert not set(hidden) & set(listing)
            assert "get_service_execution_job" in listing
            assert "create_job" in listing
    assert "get_jobs_by_session" not in dir(client.sessions)
    assert "get_session_jobs" in dir(client.sessions)


def test_platform_aliases_are_hidden_too() -> None:
    """list_services (seed 004) is callable on both twins but not listed."""
    for client in (
        HubPlatformClient(api_key="k", base_url=BASE),
        AsyncHubPlatformClient(api_key="k", base_url=BASE),
    ):
        assert aliases(type(client.services)) == {"list_services": "services.get_services"}
        assert "list_services" not in dir(client.services)
        assert callable(client.services.list_services)


def test_tab_completion_offers_only_current_names() -> None:
    """The REPL's completer (which uses dir()) completes the long names, never the aliases."""
    completer = rlcompleter.Completer({"jobs": HubQuantumClient(api_key="k", base_url=BASE).jobs})

    def completions(text: str) -> list[str]:
        found: list[str] = []
        while (match := completer.complete(text, len(found))) is not None:
            found.append(match)
        return found

    assert completions("jobs.service_exec") == []
    assert completions("jobs.get_service_exec") == [
        f"jobs.get_service_execution_{rest}"
        for rest in (
            "job(",
            "job_calibration(",
            "job_input(",
            "job_result_stream(",
            "job_status(",
            "normalized_job_input(",
            "normalized_job_result(",
            "session(",
            "session_jobs(",
            "session_status(",
            "workloads(",
        )
    ]


def test_an_alias_is_still_callable_and_stays_hidden_after_use() -> None:
    """Calling an alias sends the same request as its long name; dir() still leaves it out."""
    seen: list[str] = []
    client = quantum_client(seen)
    assert client.jobs.service_exec_get_job("e1", "j1").id == "j1"
    assert client.jobs.get_service_exec_job("e1", "j1").id == "j1"
    assert client.jobs.get_service_execution_job("e1", "j1").id == "j1"
    assert seen == ["/quantum/service-executions/e1/jobs/j1"] * 3
    assert "service_exec_get_job" not in dir(client.jobs)


def test_help_marks_aliases() -> None:
    """help() of the namespace lists the older spellings and what each stands for; help() of
    an alias says it is one."""
    jobs = HubQuantumClient(api_key="k", base_url=BASE).jobs
    page = pydoc.plain(pydoc.render_doc(jobs))
    assert "Older documented spellings" in page
    assert "service_exec_get_job -> jobs.get_service_execution_job" in page
    assert page.count("Older documented spellings") == 1
    alias_page = pydoc.plain(pydoc.render_doc(jobs.service_exec_get_job))
    assert "Alias of ``jobs.get_service_execution_job``" in alias_page


@pytest.mark.parametrize("flavour", ["sync", "raw"])
def test_namespaces_without_aliases_keep_their_docstring(flavour: str) -> None:
    """A namespace with no older spellings gets no alias section."""
    backends = HubQuantumClient(api_key="k", base_url=BASE).backends
    namespace = backends if flavour == "sync" else backends.with_raw_response
    assert aliases(type(namespace)) == {}
    assert "Older documented spellings" not in (type(namespace).__doc__ or "")
