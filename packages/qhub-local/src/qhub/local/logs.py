"""How the local Hub writes its log: a level, and lines of text or of JSON, on stderr.

Loggers: ``qhub.local.access`` (a line per request), ``qhub.local.executions`` and
``qhub.local.jobs`` (a line per state change), ``qhub.local`` for the rest. Nothing logs
request bodies, headers, query strings, secrets or tokens.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Literal

__all__ = ["LOG_FORMATS", "LOG_LEVELS", "JsonFormatter", "configure_logging"]

LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("text", "json")
#: Extra fields a record may carry that the JSON lines include as they are.
FIELDS = ("method", "path", "status", "duration_ms", "request_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message and the known fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **{name: getattr(record, name) for name in FIELDS if hasattr(record, name)},
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(
    level: str = "info", log_format: Literal["text", "json"] | str = "text"
) -> None:
    """Send ``qhub.local``'s log to stderr at ``level`` (debug, info, warning, error)."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(name)s  %(message)s", "%H:%M:%S")
        )
    logger = logging.getLogger("qhub.local")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
