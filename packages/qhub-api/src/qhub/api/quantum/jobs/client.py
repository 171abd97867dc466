"""The ``jobs`` namespace: submit jobs, follow them, fetch inputs and results; sync and async.

Each operation is described once in :class:`_Calls`; the two classes only send (and wait).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..._core.client import AsyncApiResource, SyncApiResource
from ..._core.encoding import path_segment, require_id
from ..._core.options import NOT_GIVEN, NotGiven, RequestOptions
from ..._core.pagination import AsyncPager, Page, SyncPager
from ..._core.pipeline import ApiRequest
from ..._core.streams import AsyncByteStream, ByteStream
from ..._core.waiter import AsyncWaiter, Waiter
from ..types import (
    Job,
    JobStatusResponse,
    QasmCircuit,
    Session,
    SessionStatusResponse,
    WorkloadResponse,
)
from .inputs import CreateJobRequestInput, input_to_wire

__all__ = ["AsyncJobsClient", "JobsClient"]

#: Seconds between polls while waiting, at most (the waiter starts faster).
DEFAULT_POLL_INTERVAL = 2.0
#: The first pauses: simulator jobs often finish within milliseconds. The pause then grows
#: with the time waited (POLL_GROWTH of it, so a job's end is noticed at most 15 % late)
#: up to the caller's interval: some 55 polls in the first 13 s (fewer when each takes a
#: round trip to a distant Hub), then one per interval.
FIRST_POLL_INTERVAL = 0.002
POLL_GROWTH = 0.15


class _Calls:
    """The Quantum API's job operations as requests."""

    @staticmethod
    def create_job(
        *,
        backend_id: str,
        shots: int,
        input: CreateJobRequestInput | Mapping[str, Any],
        name: str | NotGiven | None,
        input_format: str | NotGiven | None,
        input_params: Mapping[str, Any] | NotGiven | None,
        qasm: QasmCircuit | Mapping[str, Any] | NotGiven | None,
        tags: Sequence[str] | NotGiven | None,
        session_id: str | NotGiven | None,
        sdk_provider: str | NotGiven | None,
    ) -> ApiRequest[Job]:
        require_id(backend_id, "backend_id")
        if not isinstance(shots, int) or isinstance(shots, bool):
            raise TypeError(f"shots must be an int, not {type(shots).__name__}")
        candidates: dict[str, Any] = {
            "name": name,
            "backend_id": backend_id,
            "shots": shots,
            "input": input_to_wire(input),
            "input_format": input_format,
            "input_params": dict(input_params)
            if isinstance(input_params, Mapping)
            else input_params,
            "qasm": qasm.model_dump(exclude_none=True)
            if isinstance(qasm, QasmCircuit)
            else dict(qasm)
            if isinstance(qasm, Mapping)
            else qasm,
            "tags": list(tags)
            if isinstance(tags, Sequence) and not isinstance(tags, str)
            else tags,
            "session_id": session_id,
            "sdk_provider": sdk_provider,
        }
        body = {k: v for k, v in candidates.items() if v is not NOT_GIVEN}
        return ApiRequest("POST", "jobs", Job, body=body)

    @staticmethod
    def search_jobs(
        page: int | None,
        size: int | None,
        sort: Sequence[str] | None,
        service_execution_id: str | None,
    ) -> ApiRequest[Page[Job]]:
        query = {
            "page": page,
            "size": size,
            "sort": sort,
            "serviceExecutionId": service_execution_id,
        }
        return ApiRequest("GET", "jobs", Page[Job], query=query)

    @staticmethod
    def get_job(id: str) -> ApiRequest[Job]:
        return ApiRequest("GET", f"jobs/{path_segment(id, 'id')}", Job)

    @staticmethod
    def get_job_status(id: str) -> ApiRequest[JobStatusResponse]:
        return ApiRequest("GET", f"jobs/{path_segment(id, 'id')}/status", JobStatusResponse)

    @staticmethod
    def get_job_result(id: str) -> ApiRequest[Any]:
        return ApiRequest("GET", f"jobs/{path_segment(id, 'id')}/result", Any, optional=True)

    @staticmethod
    def get_normalized_job_result(id: str) -> ApiRequest[dict[str, Any] | None]:
        return ApiRequest(
            "GET", f"jobs/{path_segment(id, 'id')}/result/normalized", dict[str, Any], optional=True
        )

    @staticmethod
    def get_normalized_job_memory(id: str) -> ApiRequest[dict[str, Any] | None]:
        path = f"jobs/{path_segment(id, 'id')}/result/normalized/memory"
        return ApiRequest("GET", path, dict[str, Any], optional=True)

    @staticmethod
    def get_normalized_job_input(id: str) -> ApiRequest[dict[str, Any]]:
        return ApiRequest("GET", f"jobs/{path_segment(id, 'id')}/input/normalized", dict[str, Any])

    @staticmethod
    def get_job_result_stream(id: str) -> ApiRequest[None]:
        return ApiRequest("GET", f"jobs/{path_segment(id, 'id')}/result-stream")

    @staticmethod
    def get_job_input(id: str) -> ApiRequest[dict[str, Any]]:
        return ApiRequest("GET", f"jobs/{path_segment(id, 'id')}/input", dict[str, Any])

    @staticmethod
    def cancel_job(id: str) -> ApiRequest[None]:
        return ApiRequest("DELETE", f"jobs/{path_segment(id, 'id')}")

    @staticmethod
    def _session(service_execution_id: str, session_id: str) -> str:
        execution = path_segment(service_execution_id, "service_execution_id")
        return f"service-executions/{execution}/sessions/{path_segment(session_id, 'session_id')}"

    @staticmethod
    def get_service_execution_session(
        service_execution_id: str, session_id: str
    ) -> ApiRequest[Session]:
        return ApiRequest("GET", _Calls._session(service_execution_id, session_id), Session)

    @staticmethod
    def close_service_execution_session(
        service_execution_id: str, session_id: str
    ) -> ApiRequest[None]:
        return ApiRequest("DELETE", _Calls._session(service_execution_id, session_id))

    @staticmethod
    def update_service_execution_session_state(
        service_execution_id: str, session_id: str, accept_jobs: bool
    ) -> ApiRequest[Session]:
        if not isinstance(accept_jobs, bool):
            raise TypeError(f"accept_jobs must be a bool, not {type(accept_jobs).__name__}")
        path = _Calls._session(service_execution_id, session_id)
        return ApiRequest("PATCH", path, Session, body={"accept_jobs": accept_jobs})

    @staticmethod
    def get_service_execution_session_status(
        service_execution_id: str, session_id: str
    ) -> ApiRequest[SessionStatusResponse]:
        path = _Calls._session(service_execution_id, session_id) + "/status"
        return ApiRequest("GET", path, SessionStatusResponse)

    @staticmethod
    def get_service_execution_session_jobs(
        service_execution_id: str, session_id: str
    ) -> ApiRequest[list[Job]]:
        return ApiRequest(
            "GET", _Calls._session(service_execution_id, session_id) + "/jobs", list[Job]
        )

    @staticmethod
    def get_service_execution_workloads(
        service_execution_id: str, page: int | None, size: int | None, sort: Sequence[str] | None
    ) -> ApiRequest[Page[WorkloadResponse]]:
        path = f"service-executions/{path_segment(service_execution_id, 'service_execution_id')}/workloads"
        return ApiRequest(
            "GET", path, Page[WorkloadResponse], query={"page": page, "size": size, "sort": sort}
        )

    @staticmethod
    def get_job_calibration(id: str) -> ApiRequest[dict[str, Any] | None]:
        return ApiRequest(
            "GET", f"jobs/{path_segment(id, 'id')}/calibration", dict[str, Any], optional=True
        )

    @staticmethod
    def get_service_execution_normalized_job_result(
        service_execution_id: str, job_id: str
    ) -> ApiRequest[dict[str, Any] | None]:
        path = _Calls._scoped(service_execution_id, job_id) + "/result/normalized"
        return ApiRequest("GET", path, dict[str, Any], optional=True)

    @staticmethod
    def get_service_execution_normalized_job_input(
        service_execution_id: str, job_id: str
    ) -> ApiRequest[dict[str, Any]]:
        return ApiRequest(
            "GET",
            _Calls._scoped(service_execution_id, job_id) + "/input/normalized",
            dict[str, Any],
        )

    @staticmethod
    def get_service_execution_job_result_stream(
        service_execution_id: str, job_id: str
    ) -> ApiRequest[None]:
        return ApiRequest("GET", _Calls._scoped(service_execution_id, job_id) + "/result-stream")

    @staticmethod
    def get_service_execution_job_calibration(
        service_execution_id: str, job_id: str
    ) -> ApiRequest[dict[str, Any] | None]:
        path = _Calls._scoped(service_execution_id, job_id) + "/calibration"
        return ApiRequest("GET", path, dict[str, Any], optional=True)

    @staticmethod
    def _scoped(service_execution_id: str, job_id: str) -> str:
        execution = path_segment(service_execution_id, "service_execution_id")
        return f"service-executions/{execution}/jobs/{path_segment(job_id, 'job_id')}"

    @staticmethod
    def get_service_execution_job(service_execution_id: str, job_id: str) -> ApiRequest[Job]:
        return ApiRequest("GET", _Calls._scoped(service_execution_id, job_id), Job)

    @staticmethod
    def get_service_execution_job_status(
        service_execution_id: str, job_id: str
    ) -> ApiRequest[JobStatusResponse]:
        return ApiRequest(
            "GET", _Calls._scoped(service_execution_id, job_id) + "/status", JobStatusResponse
        )

    @staticmethod
    def get_service_execution_job_input(
        service_execution_id: str, job_id: str
    ) -> ApiRequest[dict[str, Any]]:
        return ApiRequest(
            "GET", _Calls._scoped(service_execution_id, job_id) + "/input", dict[str, Any]
        )

    @staticmethod
    def cancel_service_execution_job(service_execution_id: str, job_id: str) -> ApiRequest[None]:
        return ApiRequest("DELETE", _Calls._scoped(service_execution_id, job_id))


def _is_final(job: Job) -> bool:
    return job.status is not None and job.status.is_final


def _status_reporter(
    on_status: Callable[[JobStatusResponse], None] | None,
) -> Callable[[Job], None] | None:
    """``wait`` polls the job itself (its final state is then at hand, no extra request) and
    reports each poll as the status view."""
    if on_status is None:
        return None
    return lambda job: on_status(JobStatusResponse(status=job.status))


class JobsClient(SyncApiResource):
    """Quantum jobs (``client.jobs``)."""

    def create_job(
        self,
        *,
        backend_id: str,
        shots: int,
        input: CreateJobRequestInput | Mapping[str, Any],
        name: str | NotGiven | None = NOT_GIVEN,
        input_format: str | NotGiven | None = NOT_GIVEN,
        input_params: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        qasm: QasmCircuit | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
        session_id: str | NotGiven | None = NOT_GIVEN,
        sdk_provider: str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> Job:
        """Submit a job; it starts PENDING. Never resent after it may have reached the Hub.

        Args:
            backend_id: where to run (``client.backends.get_backends()`` lists them).
            shots: how many times to run the circuit.
            input: a ``CreateJobRequestInput_*`` model or a dict with a ``backendId`` key.
            qasm: the circuit as OpenQASM too (a :class:`QasmCircuit` or a dict), which the
                Hub shows as the job's normalized input.
            name / input_format / input_params / tags / session_id / sdk_provider: optional;
                omitted from the request unless given (``None`` sends ``null``).

        Raises:
            TypeError / ValueError: a bad argument, before anything is sent.
            UnprocessableEntityError: the Hub refused the input (the message says why).
            NotFoundError: unknown backend.
        """
        call = _Calls.create_job(
            backend_id=backend_id,
            shots=shots,
            input=input,
            name=name,
            input_format=input_format,
            input_params=input_params,
            qasm=qasm,
            tags=tags,
            session_id=session_id,
            sdk_provider=sdk_provider,
        )
        return self._pipeline.request(call, request_options)

    def search_jobs(
        self,
        *,
        page: int | None = None,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        service_execution_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> Page[Job]:
        """One page of jobs (``page`` is zero-based), newest first."""
        call = _Calls.search_jobs(page, size, sort, service_execution_id)
        return self._pipeline.request(call, request_options)

    def iter_jobs(
        self,
        *,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        service_execution_id: str | None = None,
    ) -> SyncPager[Job]:
        """Every job, page after page, fetched as you iterate (the first one now)."""

        def fetch(number: int) -> Page[Job]:
            return self.search_jobs(
                page=number, size=size, sort=sort, service_execution_id=service_execution_id
            )

        return SyncPager(fetch(0), fetch)

    def get_job(self, id: str, *, request_options: RequestOptions | None = None) -> Job:
        """A job by id."""
        return self._pipeline.request(_Calls.get_job(id), request_options)

    def get_job_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> JobStatusResponse:
        """A job's current status."""
        return self._pipeline.request(_Calls.get_job_status(id), request_options)

    def get_job_result(self, id: str, *, request_options: RequestOptions | None = None) -> Any:
        """A finished job's result (the Hub answers 404 until the job is final)."""
        return self._pipeline.request(_Calls.get_job_result(id), request_options)

    def get_job_input(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any]:
        """The input a job was submitted with."""
        return self._pipeline.request(_Calls.get_job_input(id), request_options)

    def get_normalized_job_result(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any] | None:
        """The result in the normalized ``{"pubs": [...]}`` shape."""
        return self._pipeline.request(_Calls.get_normalized_job_result(id), request_options)

    def get_normalized_job_memory(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any] | None:
        """Per-shot outcomes (``memory`` as hex, ``qubits``, ``shots``); None when not recorded."""
        return self._pipeline.request(_Calls.get_normalized_job_memory(id), request_options)

    def get_normalized_job_input(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any]:
        """The job's input as OpenQASM 3 pubs (``{"format", "pubs"}``)."""
        return self._pipeline.request(_Calls.get_normalized_job_input(id), request_options)

    def get_job_result_stream(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> ByteStream:
        """The raw result bytes, streamed; the request is sent now, so errors raise here."""
        return self._pipeline.stream(_Calls.get_job_result_stream(id), request_options)

    def cancel_job(self, id: str, *, request_options: RequestOptions | None = None) -> None:
        """Cancel a pending or running job (a finished one is left as it is)."""
        self._pipeline.request(_Calls.cancel_job(id), request_options)

    def get_service_execution_job(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> Job:
        """A job created by a service execution (with that execution's token)."""
        return self._pipeline.request(
            _Calls.get_service_execution_job(service_execution_id, job_id), request_options
        )

    def get_service_execution_job_status(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> JobStatusResponse:
        """The status of a job created by a service execution."""
        call = _Calls.get_service_execution_job_status(service_execution_id, job_id)
        return self._pipeline.request(call, request_options)

    def get_service_execution_job_input(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any]:
        """The input of a job created by a service execution."""
        call = _Calls.get_service_execution_job_input(service_execution_id, job_id)
        return self._pipeline.request(call, request_options)

    def cancel_service_execution_job(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> None:
        """Cancel a job created by a service execution."""
        self._pipeline.request(
            _Calls.cancel_service_execution_job(service_execution_id, job_id), request_options
        )

    def get_service_execution_session(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> Session:
        """A session opened by a service execution."""
        call = _Calls.get_service_execution_session(service_execution_id, session_id)
        return self._pipeline.request(call, request_options)

    def close_service_execution_session(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> None:
        """Close a session opened by a service execution (queued jobs still run)."""
        call = _Calls.close_service_execution_session(service_execution_id, session_id)
        self._pipeline.request(call, request_options)

    def update_service_execution_session_state(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        accept_jobs: bool,
        request_options: RequestOptions | None = None,
    ) -> Session:
        """Stop or resume accepting jobs in a session opened by a service execution."""
        call = _Calls.update_service_execution_session_state(
            service_execution_id, session_id, accept_jobs
        )
        return self._pipeline.request(call, request_options)

    def get_service_execution_session_status(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> SessionStatusResponse:
        """The status of a session opened by a service execution."""
        call = _Calls.get_service_execution_session_status(service_execution_id, session_id)
        return self._pipeline.request(call, request_options)

    def get_service_execution_session_jobs(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> list[Job]:
        """The jobs of a session opened by a service execution (a list)."""
        call = _Calls.get_service_execution_session_jobs(service_execution_id, session_id)
        return self._pipeline.request(call, request_options)

    def get_service_execution_workloads(
        self,
        service_execution_id: str,
        *,
        page: int | None = None,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        request_options: RequestOptions | None = None,
    ) -> Page[WorkloadResponse]:
        """The jobs and sessions a service execution created, one zero-based page."""
        call = _Calls.get_service_execution_workloads(service_execution_id, page, size, sort)
        return self._pipeline.request(call, request_options)

    def get_job_calibration(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any] | None:
        """The calibration of the backend when the job ran (None when unknown)."""
        return self._pipeline.request(_Calls.get_job_calibration(id), request_options)

    def get_service_execution_normalized_job_result(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any] | None:
        """The normalized result of a job created by a service execution."""
        call = _Calls.get_service_execution_normalized_job_result(service_execution_id, job_id)
        return self._pipeline.request(call, request_options)

    def get_service_execution_normalized_job_input(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any]:
        """The normalized input of a job created by a service execution."""
        call = _Calls.get_service_execution_normalized_job_input(service_execution_id, job_id)
        return self._pipeline.request(call, request_options)

    def get_service_execution_job_result_stream(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> ByteStream:
        """The raw result bytes of a job created by a service execution."""
        call = _Calls.get_service_execution_job_result_stream(service_execution_id, job_id)
        return self._pipeline.stream(call, request_options)

    def get_service_execution_job_calibration(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any] | None:
        """The calibration for a job created by a service execution."""
        call = _Calls.get_service_execution_job_calibration(service_execution_id, job_id)
        return self._pipeline.request(call, request_options)

    # Seed 004 names the service-execution-scoped family with a service_exec_ prefix...
    service_exec_get_job = get_service_execution_job
    service_exec_get_job_status = get_service_execution_job_status
    service_exec_get_job_input = get_service_execution_job_input
    service_exec_cancel_job = cancel_service_execution_job
    service_exec_get_session = get_service_execution_session
    service_exec_close_session = close_service_execution_session
    service_exec_update_session_state = update_service_execution_session_state
    service_exec_get_session_status = get_service_execution_session_status
    service_exec_get_session_jobs = get_service_execution_session_jobs
    service_exec_get_workloads = get_service_execution_workloads
    service_exec_get_normalized_job_result = get_service_execution_normalized_job_result
    service_exec_get_normalized_job_input = get_service_execution_normalized_job_input
    service_exec_get_job_result_stream = get_service_execution_job_result_stream
    service_exec_get_job_calibration = get_service_execution_job_calibration
    # Seed 004's examples shorten the middle instead (jobs.get_service_exec_job(...)).
    get_service_exec_job = get_service_execution_job
    get_service_exec_job_status = get_service_execution_job_status
    get_service_exec_job_input = get_service_execution_job_input
    cancel_service_exec_job = cancel_service_execution_job
    get_service_exec_session = get_service_execution_session
    close_service_exec_session = close_service_execution_session
    update_service_exec_session_state = update_service_execution_session_state
    get_service_exec_session_status = get_service_execution_session_status
    get_service_exec_session_jobs = get_service_execution_session_jobs
    get_service_exec_workloads = get_service_execution_workloads
    get_service_exec_normalized_job_result = get_service_execution_normalized_job_result
    get_service_exec_normalized_job_input = get_service_execution_normalized_job_input
    get_service_exec_job_result_stream = get_service_execution_job_result_stream
    get_service_exec_job_calibration = get_service_execution_job_calibration

    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        interval: float = DEFAULT_POLL_INTERVAL,
        on_status: Callable[[JobStatusResponse], None] | None = None,
    ) -> Job:
        """Poll until the job is final and return it; unknown statuses and blips are polled through.

        Raises:
            WaitTimeoutError: (a ``TimeoutError``) not final after ``timeout`` seconds; the
                job is not cancelled.
        """
        require_id(job_id, "job_id")
        return Waiter(
            resource="job",
            resource_id=job_id,
            poll=lambda: self.get_job(job_id),
            is_final=_is_final,
            status_of=lambda job: job.status,
            on_poll=_status_reporter(on_status),
            min_interval=FIRST_POLL_INTERVAL,
            growth=POLL_GROWTH,
        ).wait(timeout=timeout, interval=interval)


class AsyncJobsClient(AsyncApiResource):
    """Quantum jobs, async (``client.jobs``)."""

    async def create_job(
        self,
        *,
        backend_id: str,
        shots: int,
        input: CreateJobRequestInput | Mapping[str, Any],
        name: str | NotGiven | None = NOT_GIVEN,
        input_format: str | NotGiven | None = NOT_GIVEN,
        input_params: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        qasm: QasmCircuit | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        tags: Sequence[str] | NotGiven | None = NOT_GIVEN,
        session_id: str | NotGiven | None = NOT_GIVEN,
        sdk_provider: str | NotGiven | None = NOT_GIVEN,
        request_options: RequestOptions | None = None,
    ) -> Job:
        """Submit a job; see :meth:`JobsClient.create_job`."""
        call = _Calls.create_job(
            backend_id=backend_id,
            shots=shots,
            input=input,
            name=name,
            input_format=input_format,
            input_params=input_params,
            qasm=qasm,
            tags=tags,
            session_id=session_id,
            sdk_provider=sdk_provider,
        )
        return await self._pipeline.request(call, request_options)

    async def search_jobs(
        self,
        *,
        page: int | None = None,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        service_execution_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> Page[Job]:
        """One page of jobs (``page`` is zero-based), newest first."""
        call = _Calls.search_jobs(page, size, sort, service_execution_id)
        return await self._pipeline.request(call, request_options)

    def iter_jobs(
        self,
        *,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        service_execution_id: str | None = None,
    ) -> AsyncPager[Job]:
        """Every job, page after page: ``async for job in client.jobs.iter_jobs()``."""

        async def fetch(number: int) -> Page[Job]:
            return await self.search_jobs(
                page=number, size=size, sort=sort, service_execution_id=service_execution_id
            )

        return AsyncPager(fetch)

    async def get_job(self, id: str, *, request_options: RequestOptions | None = None) -> Job:
        """A job by id."""
        return await self._pipeline.request(_Calls.get_job(id), request_options)

    async def get_job_status(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> JobStatusResponse:
        """A job's current status."""
        return await self._pipeline.request(_Calls.get_job_status(id), request_options)

    async def get_job_result(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> Any:
        """A finished job's result."""
        return await self._pipeline.request(_Calls.get_job_result(id), request_options)

    async def get_job_input(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any]:
        """The input a job was submitted with."""
        return await self._pipeline.request(_Calls.get_job_input(id), request_options)

    async def get_normalized_job_result(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any] | None:
        """The result in the normalized ``{"pubs": [...]}`` shape."""
        return await self._pipeline.request(_Calls.get_normalized_job_result(id), request_options)

    async def get_normalized_job_memory(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any] | None:
        """Per-shot outcomes (``memory`` as hex, ``qubits``, ``shots``); None when not recorded."""
        return await self._pipeline.request(_Calls.get_normalized_job_memory(id), request_options)

    async def get_normalized_job_input(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any]:
        """The job's input as OpenQASM 3 pubs (``{"format", "pubs"}``)."""
        return await self._pipeline.request(_Calls.get_normalized_job_input(id), request_options)

    def get_job_result_stream(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> AsyncByteStream:
        """The raw result bytes: ``await`` it to send the request, or ``async for`` directly."""
        return self._pipeline.stream(_Calls.get_job_result_stream(id), request_options)

    async def cancel_job(self, id: str, *, request_options: RequestOptions | None = None) -> None:
        """Cancel a pending or running job."""
        await self._pipeline.request(_Calls.cancel_job(id), request_options)

    async def get_service_execution_job(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> Job:
        """A job created by a service execution."""
        call = _Calls.get_service_execution_job(service_execution_id, job_id)
        return await self._pipeline.request(call, request_options)

    async def get_service_execution_job_status(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> JobStatusResponse:
        """The status of a job created by a service execution."""
        call = _Calls.get_service_execution_job_status(service_execution_id, job_id)
        return await self._pipeline.request(call, request_options)

    async def get_service_execution_job_input(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any]:
        """The input of a job created by a service execution."""
        call = _Calls.get_service_execution_job_input(service_execution_id, job_id)
        return await self._pipeline.request(call, request_options)

    async def cancel_service_execution_job(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> None:
        """Cancel a job created by a service execution."""
        call = _Calls.cancel_service_execution_job(service_execution_id, job_id)
        await self._pipeline.request(call, request_options)

    async def get_service_execution_session(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> Session:
        """A session opened by a service execution."""
        call = _Calls.get_service_execution_session(service_execution_id, session_id)
        return await self._pipeline.request(call, request_options)

    async def close_service_execution_session(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> None:
        """Close a session opened by a service execution (queued jobs still run)."""
        call = _Calls.close_service_execution_session(service_execution_id, session_id)
        await self._pipeline.request(call, request_options)

    async def update_service_execution_session_state(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        accept_jobs: bool,
        request_options: RequestOptions | None = None,
    ) -> Session:
        """Stop or resume accepting jobs in a session opened by a service execution."""
        call = _Calls.update_service_execution_session_state(
            service_execution_id, session_id, accept_jobs
        )
        return await self._pipeline.request(call, request_options)

    async def get_service_execution_session_status(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> SessionStatusResponse:
        """The status of a session opened by a service execution."""
        call = _Calls.get_service_execution_session_status(service_execution_id, session_id)
        return await self._pipeline.request(call, request_options)

    async def get_service_execution_session_jobs(
        self,
        service_execution_id: str,
        session_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> list[Job]:
        """The jobs of a session opened by a service execution (a list)."""
        call = _Calls.get_service_execution_session_jobs(service_execution_id, session_id)
        return await self._pipeline.request(call, request_options)

    async def get_service_execution_workloads(
        self,
        service_execution_id: str,
        *,
        page: int | None = None,
        size: int | None = None,
        sort: Sequence[str] | None = None,
        request_options: RequestOptions | None = None,
    ) -> Page[WorkloadResponse]:
        """The jobs and sessions a service execution created, one zero-based page."""
        call = _Calls.get_service_execution_workloads(service_execution_id, page, size, sort)
        return await self._pipeline.request(call, request_options)

    async def get_job_calibration(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> dict[str, Any] | None:
        """The calibration of the backend when the job ran (None when unknown)."""
        return await self._pipeline.request(_Calls.get_job_calibration(id), request_options)

    async def get_service_execution_normalized_job_result(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any] | None:
        """The normalized result of a job created by a service execution."""
        call = _Calls.get_service_execution_normalized_job_result(service_execution_id, job_id)
        return await self._pipeline.request(call, request_options)

    async def get_service_execution_normalized_job_input(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any]:
        """The normalized input of a job created by a service execution."""
        call = _Calls.get_service_execution_normalized_job_input(service_execution_id, job_id)
        return await self._pipeline.request(call, request_options)

    def get_service_execution_job_result_stream(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> AsyncByteStream:
        """The raw result bytes of a job created by a service execution."""
        call = _Calls.get_service_execution_job_result_stream(service_execution_id, job_id)
        return self._pipeline.stream(call, request_options)

    async def get_service_execution_job_calibration(
        self,
        service_execution_id: str,
        job_id: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any] | None:
        """The calibration for a job created by a service execution."""
        call = _Calls.get_service_execution_job_calibration(service_execution_id, job_id)
        return await self._pipeline.request(call, request_options)

    service_exec_get_job = get_service_execution_job
    service_exec_get_job_status = get_service_execution_job_status
    service_exec_get_job_input = get_service_execution_job_input
    service_exec_cancel_job = cancel_service_execution_job
    service_exec_get_session = get_service_execution_session
    service_exec_close_session = close_service_execution_session
    service_exec_update_session_state = update_service_execution_session_state
    service_exec_get_session_status = get_service_execution_session_status
    service_exec_get_session_jobs = get_service_execution_session_jobs
    service_exec_get_workloads = get_service_execution_workloads
    service_exec_get_normalized_job_result = get_service_execution_normalized_job_result
    service_exec_get_normalized_job_input = get_service_execution_normalized_job_input
    service_exec_get_job_result_stream = get_service_execution_job_result_stream
    service_exec_get_job_calibration = get_service_execution_job_calibration
    # Seed 004's examples shorten the middle instead (jobs.get_service_exec_job(...)).
    get_service_exec_job = get_service_execution_job
    get_service_exec_job_status = get_service_execution_job_status
    get_service_exec_job_input = get_service_execution_job_input
    cancel_service_exec_job = cancel_service_execution_job
    get_service_exec_session = get_service_execution_session
    close_service_exec_session = close_service_execution_session
    update_service_exec_session_state = update_service_execution_session_state
    get_service_exec_session_status = get_service_execution_session_status
    get_service_exec_session_jobs = get_service_execution_session_jobs
    get_service_exec_workloads = get_service_execution_workloads
    get_service_exec_normalized_job_result = get_service_execution_normalized_job_result
    get_service_exec_normalized_job_input = get_service_execution_normalized_job_input
    get_service_exec_job_result_stream = get_service_execution_job_result_stream
    get_service_exec_job_calibration = get_service_execution_job_calibration

    async def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        interval: float = DEFAULT_POLL_INTERVAL,
        on_status: Callable[[JobStatusResponse], None] | None = None,
    ) -> Job:
        """Poll until the job is final and return it; see :meth:`JobsClient.wait`."""
        require_id(job_id, "job_id")
        return await AsyncWaiter(
            resource="job",
            resource_id=job_id,
            poll=lambda: self.get_job(job_id),
            is_final=_is_final,
            status_of=lambda job: job.status,
            on_poll=_status_reporter(on_status),
            min_interval=FIRST_POLL_INTERVAL,
            growth=POLL_GROWTH,
        ).wait(timeout=timeout, interval=interval)
