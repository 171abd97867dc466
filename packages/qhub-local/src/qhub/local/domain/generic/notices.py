"""Notifications the Hub writes itself: one for the organization when a service execution
ends, listed by ``user_notifications`` (``GET /my/notifications``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from ...runner import RunOutcome, RunSpec
from ..executions import Execution, ExecutionRunner
from .resources import GenericResources

__all__ = ["NOTIFICATIONS", "NotifyingRunner"]

#: The collection ``GET /my/notifications`` lists.
NOTIFICATIONS = "my/notifications"

_log = logging.getLogger(__name__)


class NotifyingRunner:
    """An :class:`ExecutionRunner` that notifies an execution's organization when it ends.

    The notification is stored before the execution's final status, so whoever sees the
    status final finds the notification too; while the store is unavailable both wait, in
    that order, until it accepts them (``defer``).

    Args:
        runner: the runner that does the work.
        execution_of: the execution record of an id (its organization and service).
        resources: where the notification is stored.
        defer: applies a state change now or as soon as the store accepts it
            (:meth:`~qhub.local.domain.store.Database.eventually`).
    """

    def __init__(
        self,
        runner: ExecutionRunner,
        execution_of: Callable[[str], Execution | None],
        resources: GenericResources,
        defer: Callable[[str, Callable[[], object]], None],
    ) -> None:
        self._runner = runner
        self._execution_of = execution_of
        self._resources = resources
        self._defer = defer

    def submit(
        self,
        spec: RunSpec,
        *,
        on_start: Callable[[str, dt.datetime], None],
        on_exit: Callable[[RunOutcome], None],
    ) -> None:
        """Queue a run; its end is notified, then reported to ``on_exit``."""

        def notify_then_exit(outcome: RunOutcome) -> None:
            try:
                self._defer(
                    f"notification of the end of execution {outcome.execution_id}",
                    lambda: self._notify(outcome),
                )
            except Exception:  # a lost notification must not lose the execution's status
                _log.exception("could not notify the end of execution %s", outcome.execution_id)
            on_exit(outcome)

        self._runner.submit(spec, on_start=on_start, on_exit=notify_then_exit)

    def cancel(self, execution_id: str) -> bool:
        """Stop a queued or running execution; False if it is unknown or already over."""
        return self._runner.cancel(execution_id)

    def close(self) -> None:
        """Stop everything still running."""
        self._runner.close()

    def _notify(self, outcome: RunOutcome) -> None:
        execution = self._execution_of(outcome.execution_id)
        if execution is None or not execution.organization_id:
            return
        service = execution.address
        self._resources.add(
            execution.organization_id,
            NOTIFICATIONS,
            {
                "type": "USER",
                "category": "SYSTEM",
                "message": (
                    f"The execution {execution.id} of {service.name} {service.version} "
                    f"ended {outcome.status}."
                ),
                "referenceId": service.id,
                "referenceType": "SERVICE",
                "read": False,
            },
        )
