"""Results that come with a job's final poll, kept for the ``get_job_result`` that follows.

``jobs.wait`` sends its held polls with the ``include-result`` preference as well (our
extension, in the spec: ``Prefer: wait=N, include-result``). A Hub that honours it (the
local Hub) answers the poll that finds the job final with its result in a ``result`` member
and says ``include-result`` in ``Preference-Applied``; the result is taken out before the
rest is read as the :class:`Job`, and kept here. The next ``get_job_result`` of that job, on
the same client and without request options, is then answered from it without a request:
once, since a later call may want to see the job deleted meanwhile. A final job's result
never changes, so nothing else can make the kept one stale. Only the last
:data:`KEPT_RESULTS` are kept (the local Hub includes results up to 64 KiB of JSON).

A Hub that ignores the preference (the Kipu Hub) answers as ever, and ``get_job_result``
asks it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import ValidationError

from ..._core.calls import ApiRequest
from ..._core.options import RequestOptions
from ..._core.request_building import wait_preference
from ..._core.response_errors import ParsingError
from ..._core.waiter import applied_preferences
from .._generated import jobs as _generated
from .._generated import models as _m

if TYPE_CHECKING:
    from .._generated.models import Job

__all__ = ["FinalResults", "PolledJob", "final_poll"]

#: The preference asking the Hub to include a final job's result.
INCLUDE_RESULT = "include-result"
#: How many results one client keeps for the calls that follow their waits.
KEPT_RESULTS = 16


@dataclass(frozen=True)
class PolledJob:
    """A held poll's answer: the job, the response headers, and the result it carried."""

    data: Job
    headers: Mapping[str, str]
    result: tuple[Any] | None = None


class FinalResults:
    """The results final polls carried, each handed once to a ``get_job_result``: the
    ``jobs`` namespace's ``_send`` asks :meth:`answer` before sending a request."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, job_id: str, result: Any) -> None:
        """Keep a job's result for its next ``get_job_result`` (forgetting the oldest)."""
        path = _generated.get_job_result(job_id).path  # what that call will ask for
        with self._lock:
            self._kept[path] = result
            self._kept.move_to_end(path)
            while len(self._kept) > KEPT_RESULTS:
                self._kept.popitem(last=False)

    def answer(self, call: ApiRequest[Any]) -> tuple[Any] | None:
        """The kept result a call asks for, as a 1-tuple (a result may be ``None``), now
        forgotten; None when the call is no plain ``get_job_result`` of a kept job."""
        if call.method != "GET" or call.options is not None or not self._kept:
            return None
        with self._lock:
            if call.path not in self._kept:
                return None
            return (self._kept.pop(call.path),)


def final_poll(job_id: str, options: RequestOptions) -> ApiRequest[PolledJob]:
    """``GET /jobs/{id}`` as a held poll asking for the result too (``options`` carry the
    long poll); answered as a :class:`PolledJob`."""
    prefer = f"{wait_preference(options.get('long_poll', 1))}, {INCLUDE_RESULT}"
    call = _generated.get_job(
        job_id, request_options={**options, "additional_headers": {"Prefer": prefer}}
    )
    return ApiRequest(call.method, call.path, parse=_polled_job, options=call.options)


def _polled_job(response: httpx.Response) -> PolledJob:
    """The job, and the result the Hub included if it says it did."""
    try:
        if INCLUDE_RESULT not in applied_preferences(response.headers):
            return PolledJob(_m.Job.model_validate_json(response.content), response.headers)
        body = json.loads(response.content)
        result = body.pop("result")
        return PolledJob(_m.Job.model_validate(body), response.headers, (result,))
    except (ValueError, KeyError, AttributeError, ValidationError) as exc:
        raise ParsingError(response.status_code, response.headers, response.text, exc) from exc
