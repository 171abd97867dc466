"""What the sync and async pipelines share: everything that does no I/O.

:class:`PipelineBase` is built from one part per concern: :class:`.RequestBuilding`
(requests, credentials, timeouts), :class:`.AttemptDecisions` (retries and the deadline),
:class:`.RedirectRules` and :class:`.ResponseReading`. The twins derive from it and differ
only where they send, sleep and enforce the deadline.
"""

from __future__ import annotations

import logging
import time

import httpx

from .attempts import AttemptDecisions
from .calls import ClientSettings
from .redirects import RedirectRules
from .request_building import RequestBuilding
from .responses import ResponseReading
from .retry import RetryPolicy

__all__ = ["PipelineBase"]


class PipelineBase(RequestBuilding, AttemptDecisions, RedirectRules, ResponseReading):
    """Everything that does no I/O: building requests, deciding retries, reading responses."""

    def __init__(self, settings: ClientSettings, retry: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()

    def _log_response(
        self, request: httpx.Request, response: httpx.Response, started: float
    ) -> None:
        logger = self.settings.logger
        if logger.enabled_for_debug:
            logger.log(
                logging.DEBUG,
                "%s %s -> %d (%.1f ms)",
                request.method,
                request.url.copy_with(query=None),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
