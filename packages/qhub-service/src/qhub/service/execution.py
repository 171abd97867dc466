"""``HubServiceExecution`` and its async twin: one execution, with waiting, results and files.

Everything that does no I/O sits in :class:`_ExecutionBase`; the twins differ only where
they call the gateway and sleep.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from qhub.api._core.arguments import exactly_one
from qhub.api._core.display import ByteProgress, plot_counts
from qhub.api._core.errors import NotFoundError
from qhub.api._core.waiter import (
    AsyncWaiter,
    Waiter,
    async_held_polls,
    async_sleep,
    held_polls,
    is_transient_error,
)
from qhub.api.service import LogEntry, ResultResponse, ServiceExecution, ServiceExecutionStatus

# The fields Result inherits name their types as strings (postponed annotations), which
# pydantic resolves in the subclass's module when it first builds Result: they must be here.
from qhub.api.service.types import (  # noqa: F401
    ResultResponseEmbedded,
    ResultResponseLinks,
)

from ._download import Download, content_length

if TYPE_CHECKING:
    from qhub.api.service import AsyncServiceApiClient, ServiceApiClient

__all__ = ["AsyncHubServiceExecution", "HubServiceExecution", "Result"]

T = TypeVar("T")

#: Link relations of a result that navigate rather than name a file.
NAVIGATION_LINKS = frozenset({"status", "self"})
#: Seconds ``result()`` waits between attempts to fetch a result after transient failures.
RESULT_RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0)
#: Seconds after ``run()`` during which a 404 means "not registered yet", not "gone": some
#: gateways (the vendor's local runtime among them) answer the POST before storing the run.
JUST_STARTED_GRACE = 10.0


class Result(ResultResponse):
    """A :class:`ResultResponse` with views of its parts.

    ``result.output`` (or ``result.data()``) is the service's own output as a dict;
    ``result["key"]`` reads one of its keys, ``result.files()`` names the result files and
    ``result.metadata()`` is the execution embedded in the result.
    """

    @property
    def output(self) -> dict[str, Any]:
        """The service's output: every top-level key except ``_links`` and ``_embedded``.

        A new dict on each access (changing it changes nothing here). An output key that is
        itself called ``output`` is ``result.output["output"]`` or ``result["output"]``.
        """
        return dict(self.model_extra or {})

    def data(self) -> dict[str, Any]:
        """The service's output, as :attr:`output`."""
        return self.output

    def metadata(self) -> ServiceExecution | None:
        """The execution embedded in the result (``_embedded.status``)."""
        return self.embedded.status if self.embedded else None

    def files(self) -> list[str]:
        """Names of the downloadable result files, in the order the gateway listed them."""
        if self.links is None:
            return []
        return [name for name in (self.links.model_extra or {}) if name not in NAVIGATION_LINKS]

    def __getitem__(self, key: str) -> Any:
        return (self.model_extra or {})[key]

    def __contains__(self, key: object) -> bool:
        return key in (self.model_extra or {})

    def plot(self, key: str = "counts", *, ax: Any = None, title: str | None = None) -> Any:
        """A bar chart of the counts in the output key ``key`` (needs matplotlib:
        ``pip install 'qhub-api[plot]'``); returns the matplotlib Axes.

        Raises:
            KeyError: the output has no such key.
            ValueError: its value is not counts (outcome → non-negative integer).
        """
        if key not in self:
            raise KeyError(f"the output has no {key!r} to plot; its keys: {sorted(self.output)}")
        counts = self[key]
        if not isinstance(counts, dict):
            raise ValueError(f"output[{key!r}] is {type(counts).__name__}, not counts (a dict)")
        return plot_counts(counts, ax=ax, title=title)


def _file_name(name: str | None, file_name: str | None) -> str:
    """The seeds' ``name`` or the vendor's ``file_name``: exactly one of them."""
    return exactly_one(name, file_name, "name", "file_name")


class _ExecutionBase:
    """State and views shared by both execution twins (no I/O)."""

    _execution: ServiceExecution
    _result: Result | None
    _started_here_at: float | None = None

    def _set(self, execution: ServiceExecution) -> None:
        self._execution = execution

    def _mark_started_here(self) -> None:
        self._started_here_at = time.monotonic()

    def _is_transient(self, error: BaseException) -> bool:
        if is_transient_error(error):
            return True
        just_started = (
            self._started_here_at is not None
            and time.monotonic() - self._started_here_at < JUST_STARTED_GRACE
        )
        return just_started and isinstance(error, NotFoundError)

    @property
    def id(self) -> str:
        """The execution's id."""
        return self._execution.id

    @property
    def status(self) -> ServiceExecutionStatus:
        """The status last seen (no request; see ``refresh()``)."""
        return self._execution.status

    @property
    def created_at(self) -> str | None:
        """When the execution was created (ISO-8601)."""
        return self._execution.created_at

    @property
    def started_at(self) -> str | None:
        """When it started running; ``None`` until then."""
        return self._execution.started_at

    @property
    def ended_at(self) -> str | None:
        """When it reached a final state; ``None`` until then."""
        return self._execution.ended_at

    @property
    def tags(self) -> list[str] | None:
        """The execution's tags."""
        return self._execution.tags

    @property
    def service_execution(self) -> ServiceExecution:
        """The last snapshot fetched from the gateway."""
        return self._execution

    @property
    def is_final(self) -> bool:
        """Whether the last seen status is final (no request)."""
        return self._execution.status.is_final

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, status={self.status.value!r})"


class HubServiceExecution(_ExecutionBase):
    """One service execution: refresh, wait, fetch results, files and logs, cancel."""

    #: How waits sleep; replace in tests.
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self, api: ServiceApiClient, execution: ServiceExecution) -> None:
        self._api = api
        self._execution = execution
        self._result = None

    @property
    def has_finished(self) -> bool:
        """Refresh the status from the gateway and tell whether it is final."""
        self.refresh()
        return self.is_final

    def refresh(self) -> None:
        """Fetch the current status from the gateway."""
        self._set(self._api.get_status(self.id))

    def wait_for_final_state(
        self,
        timeout: float | None = None,
        wait: float = 5,
        *,
        on_status: Callable[[ServiceExecution], None] | None = None,
        progress: bool = False,
    ) -> None:
        """Poll every ``wait`` seconds until the execution is final.

        Never sleeps past the deadline; transient gateway errors are polled through.

        Args:
            timeout: seconds to wait at most; ``None`` waits as long as it takes.
            wait: seconds between polls.
            on_status: called with every snapshot fetched (progress reporting).
            progress: write a line to stderr each time the status changes
                (``service execution <id>: RUNNING after 2.4 s``).

        Raises:
            TimeoutError: (a ``WaitTimeoutError``) the deadline passed; the execution goes on.
        """
        if self.is_final:
            return

        def observe(execution: ServiceExecution) -> None:
            self._set(execution)
            if on_status is not None:
                on_status(execution)

        Waiter(
            resource="service execution",
            resource_id=self.id,
            poll=lambda: self._api.get_status(self.id),
            poll_held=held_polls(
                lambda options: self._api.with_raw_response.get_status(
                    self.id, request_options=options
                )
            ),
            is_final=lambda execution: execution.status.is_final,
            status_of=lambda execution: execution.status,
            on_poll=observe,
            is_transient=self._is_transient,
            progress=progress,
            sleep=self.sleep,
        ).wait(timeout=timeout, interval=wait)

    def result(self, timeout: float | None = None) -> Result:
        """Wait for the final state, then fetch the result.

        Transient failures (no response, 408/429/5xx) are retried after 1, 2, 4 and 8 s; any
        other error raises at once. The result of a final execution is cached.

        Args:
            timeout: seconds to wait for the final state; ``None`` waits as long as it takes.

        Raises:
            TimeoutError: the execution did not finish in time.
            ApiError: the gateway refused the result.
        """
        if self._result is not None:
            return self._result
        self.wait_for_final_state(timeout=timeout)
        for delay in (*RESULT_RETRY_DELAYS, None):
            try:
                response = self._api.get_result(self.id)
            except Exception as exc:
                if delay is None or not is_transient_error(exc):
                    raise
                self.sleep(delay)
                continue
            self._result = Result.model_validate(response.model_dump(by_alias=True))
            return self._result
        raise AssertionError("unreachable")  # pragma: no cover

    def result_files(self) -> list[str]:
        """Names of the downloadable result files (waits for the final state)."""
        return self.result().files()

    def result_file_stream(
        self, name: str | None = None, *, file_name: str | None = None
    ) -> Iterator[bytes]:
        """An iterator over the bytes of one result file; errors raise here, not later."""
        return self._api.get_result_file(self.id, _file_name(name, file_name))

    def download_result_file(
        self,
        name: str | None = None,
        target_path: str | os.PathLike[str] | None = None,
        *,
        file_name: str | None = None,
        progress: bool = False,
    ) -> Path:
        """Stream one result file into the directory ``target_path``; return its path.

        The file appears only when complete: a failed download leaves nothing behind and
        keeps any existing file of that name. ``progress=True`` shows how much has arrived
        (a tqdm bar when tqdm is installed, else a line on stderr every tenth).

        Raises:
            ValueError: ``target_path`` is not an existing directory, or ``name`` would
                land outside it.
            ApiError: the gateway refused the file.
        """
        name = _file_name(name, file_name)
        if target_path is None:
            raise TypeError("target_path is required: the directory to download into")
        download = Download(name, target_path)
        try:
            with self._api.get_result_file(self.id, name) as stream:
                shown = ByteProgress(name, content_length(stream.headers), enabled=progress)
                with shown:
                    for chunk in stream:
                        download.write(chunk)
                        shown.advance(len(chunk))
            return download.commit()
        except BaseException:
            download.discard()
            raise

    def cancel(self) -> None:
        """Ask the gateway to cancel the execution if it is still pending or running."""
        self._api.cancel_execution(self.id)

    def logs(self) -> list[LogEntry] | None:
        """The execution's log entries, oldest first (``None`` when there are none yet)."""
        return self._api.get_logs(self.id)


class AsyncHubServiceExecution(_ExecutionBase):
    """The async twin of :class:`HubServiceExecution`.

    ``has_finished`` is a coroutine method here (``await execution.has_finished()``), since
    a property cannot await.
    """

    #: How waits sleep; replace in tests.
    sleep: Callable[[float], Awaitable[None]] = staticmethod(async_sleep)

    def __init__(self, api: AsyncServiceApiClient, execution: ServiceExecution) -> None:
        self._api = api
        self._execution = execution
        self._result = None

    async def has_finished(self) -> bool:
        """Refresh the status from the gateway and tell whether it is final."""
        await self.refresh()
        return self.is_final

    async def refresh(self) -> None:
        """Fetch the current status from the gateway."""
        self._set(await self._api.get_status(self.id))

    async def wait_for_final_state(
        self,
        timeout: float | None = None,
        wait: float = 5,
        *,
        on_status: Callable[[ServiceExecution], None] | None = None,
        progress: bool = False,
    ) -> None:
        """Poll until final; see :meth:`HubServiceExecution.wait_for_final_state`."""
        if self.is_final:
            return

        def observe(execution: ServiceExecution) -> None:
            self._set(execution)
            if on_status is not None:
                on_status(execution)

        await AsyncWaiter(
            resource="service execution",
            resource_id=self.id,
            poll=lambda: self._api.get_status(self.id),
            poll_held=async_held_polls(
                lambda options: self._api.with_raw_response.get_status(
                    self.id, request_options=options
                )
            ),
            is_final=lambda execution: execution.status.is_final,
            status_of=lambda execution: execution.status,
            on_poll=observe,
            is_transient=self._is_transient,
            progress=progress,
            sleep=self.sleep,
        ).wait(timeout=timeout, interval=wait)

    async def result(self, timeout: float | None = None) -> Result:
        """Wait for the final state, then fetch the result; see :meth:`HubServiceExecution.result`."""
        if self._result is not None:
            return self._result
        await self.wait_for_final_state(timeout=timeout)
        for delay in (*RESULT_RETRY_DELAYS, None):
            try:
                response = await self._api.get_result(self.id)
            except Exception as exc:
                if delay is None or not is_transient_error(exc):
                    raise
                await self.sleep(delay)
                continue
            self._result = Result.model_validate(response.model_dump(by_alias=True))
            return self._result
        raise AssertionError("unreachable")  # pragma: no cover

    async def result_files(self) -> list[str]:
        """Names of the downloadable result files (waits for the final state)."""
        return (await self.result()).files()

    async def result_file_stream(
        self, name: str | None = None, *, file_name: str | None = None
    ) -> AsyncIterator[bytes]:
        """An async iterator over one result file's bytes; errors raise at the ``await``."""
        return await self._api.get_result_file(self.id, _file_name(name, file_name))

    async def download_result_file(
        self,
        name: str | None = None,
        target_path: str | os.PathLike[str] | None = None,
        *,
        file_name: str | None = None,
        progress: bool = False,
    ) -> Path:
        """Stream one result file into ``target_path``; see the sync twin for the contract."""
        name = _file_name(name, file_name)
        if target_path is None:
            raise TypeError("target_path is required: the directory to download into")
        download = Download(name, target_path)
        try:
            async with self._api.get_result_file(self.id, name) as stream:
                shown = ByteProgress(name, content_length(stream.headers), enabled=progress)
                with shown:
                    async for chunk in stream:
                        download.write(chunk)
                        shown.advance(len(chunk))
            return download.commit()
        except BaseException:
            download.discard()
            raise

    async def cancel(self) -> None:
        """Ask the gateway to cancel the execution if it is still pending or running."""
        await self._api.cancel_execution(self.id)

    async def logs(self) -> list[LogEntry] | None:
        """The execution's log entries, oldest first (``None`` when there are none yet)."""
        return await self._api.get_logs(self.id)
