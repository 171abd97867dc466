"""An execution's log: ``log.jsonl`` in its working directory (stdlib only).

Each entry is one JSON object on one line, appended with a single ``write()`` on an
``O_APPEND`` descriptor, so entries never interleave. A concurrent reader can still catch the
last line while it is being written: readers must skip a last line that has no ``\\n`` yet.
Known secret values are replaced by ``[redacted]`` in every message; messages longer than
:data:`MAX_MESSAGE_CHARS` are cut.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

LOG_FILE = "log.jsonl"
NATIVE_STDOUT = "native-stdout.log"
NATIVE_STDERR = "native-stderr.log"
MAX_MESSAGE_CHARS = 64 * 1024
MAX_NATIVE_BYTES = 1024 * 1024
MIN_SECRET_CHARS = 4
REDACTED = "[redacted]"


def utc_timestamp() -> str:
    """Now, as ISO-8601 UTC with milliseconds and a ``Z``."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def severity_of(levelno: int) -> str:
    """The log severity for a ``logging`` level (CRITICAL and above are ERROR)."""
    if levelno < logging.INFO:
        return "DEBUG"
    if levelno < logging.WARNING:
        return "INFO"
    if levelno < logging.ERROR:
        return "WARNING"
    return "ERROR"


class LogFile:
    """Appends entries to a ``log.jsonl``, one whole line per ``write()``."""

    def __init__(self, path: Path, secrets: Iterable[str] = ()) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        self._secrets: list[str] = []
        self.add_secrets(secrets)

    def add_secrets(self, values: Iterable[str]) -> None:
        """Redact these values from now on (very short values are ignored)."""
        known = set(self._secrets)
        known.update(v for v in values if len(v) >= MIN_SECRET_CHARS)
        self._secrets = sorted(known, key=len, reverse=True)  # longest first: no partial leaks

    def redact(self, text: str) -> str:
        """``text`` with every known secret value replaced by ``[redacted]``."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def write(self, severity: str, message: str) -> None:
        """Append one entry."""
        message = self.redact(message)
        if len(message) > MAX_MESSAGE_CHARS:
            cut = len(message) - MAX_MESSAGE_CHARS
            message = f"{message[:MAX_MESSAGE_CHARS]}… [{cut} more characters cut]"
        entry = {"timestamp": utc_timestamp(), "severity": severity, "message": message}
        data = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8", "replace")
        while data:
            data = data[os.write(self._fd, data) :]

    def close(self) -> None:
        """Release the descriptor."""
        os.close(self._fd)


class LineStream(io.TextIOBase):
    """A text stream (for ``sys.stdout``/``sys.stderr``) that logs each line it is given.

    Complete lines are logged as they are written; an unfinished last line waits for its
    newline or for :meth:`finish`. ``fileno()`` is the process's real descriptor (1 or 2),
    whose output is captured at the descriptor level.
    """

    def __init__(self, log: LogFile, severity: str, fd: int) -> None:
        super().__init__()
        self._log = log
        self._severity = severity
        self._fd = fd
        self._pending = ""
        self.buffer = _BinaryLines(self)

    @property
    def encoding(self) -> str:
        """Text is logged as UTF-8."""
        return "utf-8"

    @property
    def errors(self) -> str:
        """Undecodable bytes become U+FFFD."""
        return "replace"

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, text: str) -> int:
        """Log each completed line of ``text``."""
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._pending += text
        if "\n" in text:
            *lines, self._pending = self._pending.split("\n")
            for line in lines:
                self._log.write(self._severity, line.removesuffix("\r"))
        return len(text)

    def fileno(self) -> int:
        """The descriptor behind this stream (captured separately, at the end)."""
        return self._fd

    def isatty(self) -> bool:
        """Never a terminal."""
        return False

    def finish(self) -> None:
        """Log the unfinished last line, if any."""
        self.buffer.finish()
        if self._pending:
            self._log.write(self._severity, self._pending)
            self._pending = ""


class _BinaryLines(io.RawIOBase):
    """``sys.stdout.buffer``: bytes decoded as UTF-8 and passed on to the text stream."""

    def __init__(self, text: LineStream) -> None:
        super().__init__()
        self._text = text
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data)
        self._text.write(self._decoder.decode(view.tobytes()))
        return view.nbytes

    def finish(self) -> None:
        rest = self._decoder.decode(b"", final=True)
        if rest:
            self._text.write(rest)


class LogHandler(logging.Handler):
    """Sends ``logging`` records to the execution's log, at their level."""

    def __init__(self, log: LogFile) -> None:
        super().__init__(logging.DEBUG)
        self._log = log

    def emit(self, record: logging.LogRecord) -> None:
        """Log the formatted record (message plus any exception text)."""
        try:
            self._log.write(severity_of(record.levelno), self.format(record))
        except Exception:
            self.handleError(record)


def fold_native_output(workdir: Path, log: LogFile) -> None:
    """Move what was written straight to descriptors 1 and 2 into the log, then delete it.

    Each line becomes an entry (descriptor 1 → INFO, 2 → WARNING), timestamped now. At most
    :data:`MAX_NATIVE_BYTES` per descriptor are kept.
    """
    for name, label, severity in (
        (NATIVE_STDOUT, "stdout", "INFO"),
        (NATIVE_STDERR, "stderr", "WARNING"),
    ):
        path = workdir / name
        try:
            with open(path, "rb") as file:
                data = file.read(MAX_NATIVE_BYTES + 1)
        except FileNotFoundError:
            continue
        cut = len(data) > MAX_NATIVE_BYTES
        for line in data[:MAX_NATIVE_BYTES].decode("utf-8", "replace").splitlines():
            log.write(severity, line)
        if cut:
            log.write("WARNING", f"(the rest of the descriptor-level {label} output was cut)")
        path.unlink(missing_ok=True)
