"""The ``logging`` constructor option: a ``logging.Logger`` or ``{level, logger, silent}``.

By default the clients log to the ``qhub.api`` logger, which has a ``NullHandler`` and so
prints nothing unless the application configures logging. Nothing global is reconfigured.
Log lines name the method, URL and status; never a header, body or credential.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["LIBRARY_LOGGER", "LoggingOption", "RequestLogger", "resolve_logger"]

LIBRARY_LOGGER = logging.getLogger("qhub.api")
LIBRARY_LOGGER.addHandler(logging.NullHandler())

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


class _LoggerLike(Protocol):
    def debug(self, msg: str, /, *args: Any) -> Any: ...
    def info(self, msg: str, /, *args: Any) -> Any: ...
    def warning(self, msg: str, /, *args: Any) -> Any: ...
    def error(self, msg: str, /, *args: Any) -> Any: ...


LoggingOption = logging.Logger | Mapping[str, Any] | None


class RequestLogger:
    """Writes the pipeline's log lines to a logger, above a minimum level."""

    def __init__(self, logger: _LoggerLike | None, level: int = logging.DEBUG) -> None:
        self._logger = logger
        self._level = level

    def log(self, level: int, msg: str, *args: Any) -> None:
        """Log ``msg % args`` at ``level`` unless silenced or below the minimum level."""
        if self._logger is None or level < self._level:
            return
        if isinstance(self._logger, logging.Logger):
            self._logger.log(level, msg, *args)
            return
        method = {
            logging.DEBUG: self._logger.debug,
            logging.INFO: self._logger.info,
            logging.WARNING: self._logger.warning,
        }.get(level, self._logger.error)
        method(msg, *args)

    @property
    def enabled_for_debug(self) -> bool:
        """Whether debug lines would go anywhere (saves formatting on the hot path)."""
        if self._logger is None or self._level > logging.DEBUG:
            return False
        if isinstance(self._logger, logging.Logger):
            return self._logger.isEnabledFor(logging.DEBUG)
        return True


def resolve_logger(option: LoggingOption) -> RequestLogger:
    """Turn the constructor's ``logging`` argument into a :class:`RequestLogger`.

    Raises:
        TypeError: the option is neither a Logger nor a mapping.
        ValueError: the mapping names an unknown level.
    """
    if option is None:
        return RequestLogger(LIBRARY_LOGGER)
    if isinstance(option, logging.Logger):
        return RequestLogger(option)
    if not isinstance(option, Mapping):
        raise TypeError(
            f"logging must be a logging.Logger or a {{level, logger, silent}} dict, "
            f"not {type(option).__name__}"
        )
    if option.get("silent", False):
        return RequestLogger(None)
    level_name = str(option.get("level", "info")).lower()
    if level_name not in _LEVELS:
        raise ValueError(f"logging level must be one of {sorted(_LEVELS)}, not {level_name!r}")
    return RequestLogger(option.get("logger") or LIBRARY_LOGGER, _LEVELS[level_name])
