"""The ``jobs`` namespace: the generated operations, plus what is written by hand.

By hand: ``create_job`` takes the typed inputs of :mod:`.inputs` (sent without null fields,
``backendId`` first), ``wait`` polls a job to its end (and keeps the result its last poll
brought, which the namespace's ``_send`` hands to the next ``get_job_result`` of that job:
:mod:`._final_results`), ``iter_jobs`` walks every page.
Everything else is generated from ``spec/quantum.json`` (``_generated/jobs.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..._core.encoding import require_id
from ..._core.lazy import lazy_module
from ..._core.operations import Operation
from ..._core.options import NOT_GIVEN, NotGiven, RequestOptions
from ..._core.pagination import AsyncPager, SyncPager
from ..._core.pipeline import ApiRequest
from ..._core.waiter import AsyncWaiter, Waiter, async_held_polls, held_polls
from .._generated import jobs as _generated
from .._generated import models as _m
from ._final_results import FinalResults, PolledJob, final_poll

if TYPE_CHECKING:
    from .._generated.models import Job, JobStatusResponse, PageResponseJob, QasmCircuit
    from .inputs import CreateJobRequestInput

# Names the annotations use, imported on first use: the models and typed inputs cost more
# to build than everything else a first client needs.
__getattr__, __dir__ = lazy_module(
    __name__,
    {
        **dict.fromkeys(
            ["Job", "JobStatusResponse", "PageResponseJob", "QasmCircuit"], _m.__name__
        ),
        "CreateJobRequestInput": f"{__package__}.inputs",
    },
)


__all__ = ["AsyncJobsClient", "JobsClient", "RawAsyncJobsClient", "RawJobsClient"]

#: Seconds between polls while waiting, at most (the waiter starts faster).
DEFAULT_POLL_INTERVAL = 2.0
#: The first pauses: simulator jobs often finish within milliseconds. The pause then grows
#: with the time waited (POLL_GROWTH of it, so a job's end is noticed at most 8 % late, 4 %
#: on average: a one-second simulation is not stretched by a seventh) up to the caller's
#: interval: some 90 polls in the first 13 s (fewer when each takes a round trip to a
#: distant Hub), one per interval from 25 s on.
FIRST_POLL_INTERVAL = 0.002
POLL_GROWTH = 0.08


def _create_job(
    *,
    backend_id: str,
    shots: int,
    input: CreateJobRequestInput | Mapping[str, Any],
    idempotency_key: str | None = None,
    name: str | NotGiven | None = NOT_GIVEN,
    input_format: str | NotGiven | None = NOT_GIVEN,
    input_params: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    qasm: QasmCircuit | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
    tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
    session_id: str | NotGiven | None = NOT_GIVEN,
    sdk_provider: str | NotGiven | None = NOT_GIVEN,
    request_options: RequestOptions | None = None,
) -> ApiRequest[Job]:
    """Submit a job; it starts PENDING. Never resent once it may have reached the Hub,
    unless ``idempotency_key`` is given.

    Args:
        backend_id: where to run (``client.backends.get_backends()`` lists them).
        shots: how many times to run the circuit.
        input: a ``CreateJobRequestInput_*`` model or a dict with a ``backendId`` key.
        qasm: the circuit as OpenQASM too (a :class:`QasmCircuit` or a dict), which the
            Hub shows as the job's normalized input.
        idempotency_key: sent as ``Idempotency-Key`` on every attempt (our extension):
            a Hub that honours it (the local Hub does; the Kipu Hub does not yet) creates
            one job for any number of requests with the same key and input, so the call
            may be resent after a failure that leaves its outcome unknown. Use a new key
            (``str(uuid.uuid4())``) per job, and the same one when you retry it yourself.
        name / input_format / input_params / tags / session_id / sdk_provider: optional;
            left out of the request unless given (``None`` sends ``null``).

    Raises:
        TypeError / ValueError: a bad argument, before anything is sent.
        UnprocessableEntityError: the Hub refused the input (the message says why).
        NotFoundError: unknown backend.
        AmbiguousRequestError: without ``idempotency_key``, the request may or may not have
            created a job (the connection broke after it was sent, or a 5xx answer); it
            was not resent.

    ``POST /jobs``
    """
    from .inputs import input_to_wire

    require_id(backend_id, "backend_id")
    return _generated.create_job(
        backend_id=backend_id,
        shots=shots,
        input=input_to_wire(input),
        idempotency_key=idempotency_key,
        name=name,
        input_format=input_format,
        input_params=input_params,
        qasm=qasm,
        tags=tags,
        session_id=session_id,
        sdk_provider=sdk_provider,
        request_options=request_options,
    )


# Built outside the class: inside it, mypy would infer the result type from the generated
# operation it replaces and lose it.
_CREATE_JOB = Operation(_create_job)


class JobsOperations(_generated.JobsOperations):
    """The generated job operations, ``create_job`` taking the typed inputs."""

    create_job = _CREATE_JOB


def _is_final(job: Job) -> bool:
    return job.status is not None and job.status.is_final


def _status_reporter(
    on_status: Callable[[JobStatusResponse], None] | None,
) -> Callable[[Job], None] | None:
    """``wait`` polls the job itself (its final state is then at hand, no extra request) and
    reports each poll as the status view."""
    if on_status is None:
        return None
    return lambda job: on_status(_m.JobStatusResponse(status=job.status))


class JobsClient(JobsOperations, _generated.JobsClient):
    """Quantum jobs (``client.jobs``): submit, follow, wait, results, cancel.

    The first ``get_job_result`` of a job after ``wait`` saw it end, without request options,
    is answered from the result that came with that last poll, where the Hub sent it (the
    local Hub does: :mod:`._final_results`), without a request of its own.
    """

    @cached_property
    def with_raw_response(self) -> RawJobsClient:
        """The same calls, returning ``HttpResponse`` (status, headers, ``data``)."""
        return RawJobsClient(self._pipeline)

    @cached_property
    def _final_results(self) -> FinalResults:
        return FinalResults()

    def _send(self, call: ApiRequest[Any]) -> Any:
        kept = self._final_results.answer(call)
        return kept[0] if kept is not None else super()._send(call)

    def iter_jobs(
        self,
        *,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        service_execution_id: str | None = None,
    ) -> SyncPager[Job]:
        """Every job, page after page, fetched as you iterate (the first one now)."""

        def fetch(number: int) -> PageResponseJob:
            return self.search_jobs(
                page=number, size=size, sort=sort, service_execution_id=service_execution_id
            )

        return SyncPager(fetch(0), fetch)

    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        interval: float = DEFAULT_POLL_INTERVAL,
        on_status: Callable[[JobStatusResponse], None] | None = None,
        progress: bool = False,
    ) -> Job:
        """Poll until the job is final and return it; unknown statuses and blips are polled
        through.

        Args:
            job_id: the job.
            timeout: seconds to wait at most; ``None`` waits as long as it takes.
            interval: the longest pause between polls (they start faster).
            on_status: called with the status of every poll.
            progress: write a line to stderr each time the status changes
                (``job <id>: RUNNING after 2.4 s``).

        The poll that finds the job final asks for its result too: the next
        ``get_job_result`` of the job is then answered without a request (where the Hub
        sends it).

        Raises:
            WaitTimeoutError: (a ``TimeoutError``) not final after ``timeout`` seconds; the
                job is not cancelled.
        """
        require_id(job_id, "job_id")

        def held_read(options: RequestOptions) -> PolledJob:
            polled: PolledJob = self._send(final_poll(job_id, options))
            if polled.result is not None:
                self._final_results.keep(job_id, polled.result[0])
            return polled

        return Waiter(
            resource="job",
            resource_id=job_id,
            poll=lambda: self.get_job(job_id),
            poll_held=held_polls(held_read),
            is_final=_is_final,
            status_of=lambda job: job.status,
            on_poll=_status_reporter(on_status),
            min_interval=FIRST_POLL_INTERVAL,
            growth=POLL_GROWTH,
            progress=progress,
        ).wait(timeout=timeout, interval=interval)


class AsyncJobsClient(JobsOperations, _generated.AsyncJobsClient):
    """Quantum jobs, async (``client.jobs``)."""

    @cached_property
    def with_raw_response(self) -> RawAsyncJobsClient:
        """The same calls, returning ``HttpResponse`` (status, headers, ``data``)."""
        return RawAsyncJobsClient(self._pipeline)

    @cached_property
    def _final_results(self) -> FinalResults:
        return FinalResults()

    async def _send(self, call: ApiRequest[Any]) -> Any:
        kept = self._final_results.answer(call)
        return kept[0] if kept is not None else await super()._send(call)

    def iter_jobs(
        self,
        *,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        service_execution_id: str | None = None,
    ) -> AsyncPager[Job]:
        """Every job, page after page: ``async for job in client.jobs.iter_jobs()``."""

        async def fetch(number: int) -> PageResponseJob:
            return await self.search_jobs(
                page=number, size=size, sort=sort, service_execution_id=service_execution_id
            )

        return AsyncPager(fetch)

    async def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        interval: float = DEFAULT_POLL_INTERVAL,
        on_status: Callable[[JobStatusResponse], None] | None = None,
        progress: bool = False,
    ) -> Job:
        """Poll until the job is final and return it; see :meth:`JobsClient.wait`."""
        require_id(job_id, "job_id")

        async def held_read(options: RequestOptions) -> PolledJob:
            polled: PolledJob = await self._send(final_poll(job_id, options))
            if polled.result is not None:
                self._final_results.keep(job_id, polled.result[0])
            return polled

        return await AsyncWaiter(
            resource="job",
            resource_id=job_id,
            poll=lambda: self.get_job(job_id),
            poll_held=async_held_polls(held_read),
            is_final=_is_final,
            status_of=lambda job: job.status,
            on_poll=_status_reporter(on_status),
            min_interval=FIRST_POLL_INTERVAL,
            growth=POLL_GROWTH,
            progress=progress,
        ).wait(timeout=timeout, interval=interval)


class RawJobsClient(JobsOperations, _generated.RawJobsClient):
    """``client.jobs.with_raw_response``."""


class RawAsyncJobsClient(JobsOperations, _generated.RawAsyncJobsClient):
    """``client.jobs.with_raw_response``, async."""
