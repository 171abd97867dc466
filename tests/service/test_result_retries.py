"""result(): transient failures are retried after 1, 2, 4, 8 s; anything else raises at once."""

from __future__ import annotations

import httpx
import pytest

from qhub.api.service.errors import ForbiddenError, ServiceUnavailableError
from qhub.service.client import HubServiceClient
from qhub.service.execution import HubServiceExecution, Result

FINAL = {"id": "e1", "status": "SUCCEEDED", "createdAt": "2026-11-23T05:00:00Z"}
RESULT = {
    "_links": {"status": {"href": "/e1"}, "a.txt": {"href": "/e1/result/a.txt"}},
    "_embedded": {"status": FINAL},
    "x": 1,
}


def client_with(results: list[httpx.Response], slept: list[float]) -> HubServiceExecution:
    """An execution whose result endpoint answers ``results`` in turn; sleeps are recorded."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/result"):
            return results.pop(0)
        return httpx.Response(200, json=FINAL)

    client = HubServiceClient("http://gw.example/ctx/svc/1")
    client._client._pipeline.http = httpx.Client(transport=httpx.MockTransport(handler))
    client._client._pipeline._prepare_transport(client._client._pipeline.http)
    client._client._pipeline.settings.max_retries = 0
    execution = client.get_service_execution("e1")
    execution.sleep = slept.append
    return execution


def test_transient_failures_back_off_then_succeed() -> None:
    """Three 503s, then the result: sleeps 1, 2, 4; no sleep after success."""
    slept: list[float] = []
    execution = client_with([httpx.Response(503)] * 3 + [httpx.Response(200, json=RESULT)], slept)
    result = execution.result()
    assert slept == [1.0, 2.0, 4.0]
    assert (result.files(), result["x"], result.data()) == (["a.txt"], 1, {"x": 1})
    assert execution.result() is result  # cached once final


def test_output_is_the_services_own_keys() -> None:
    """result.output: every top-level key but _links/_embedded, as data() gives it; a key
    called "output" is just one of them."""
    result = Result.model_validate({**RESULT, "output": [1, 2], "none": None})
    assert result.output == {"x": 1, "output": [1, 2], "none": None}
    assert result.output == result.data()
    assert result["output"] == [1, 2]
    result.output["x"] = 2  # a copy: the result itself is unchanged
    assert result["x"] == 1


def test_gives_up_after_four_retries_without_a_final_sleep() -> None:
    """Five transient failures: four sleeps, then the last error raises at once."""
    slept: list[float] = []
    execution = client_with([httpx.Response(503)] * 5, slept)
    with pytest.raises(ServiceUnavailableError):
        execution.result()
    assert slept == [1.0, 2.0, 4.0, 8.0]


def test_non_transient_errors_raise_immediately() -> None:
    """A 403 is not retried at all."""
    slept: list[float] = []
    execution = client_with([httpx.Response(403, json={"message": "no"})], slept)
    with pytest.raises(ForbiddenError):
        execution.result()
    assert slept == []
