"""What the SDK shows people: bar charts of measurement counts and download progress.

Both are optional. Charts need matplotlib (``pip install 'qhub-api[plot]'``); without it,
``plot()`` raises an :class:`ImportError` saying how to get it. Progress uses tqdm when it is
installed (``pip install 'qhub-api[progress]'``: a bar in a terminal, a widget in a notebook)
and plain lines on stderr otherwise, so it reads the same in a CI log. Nothing here is
imported until it is used.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from types import ModuleType, TracebackType
from typing import Any, TextIO

__all__ = ["ByteProgress", "plot_counts", "require_optional"]

#: Without tqdm, a line is written each time this share of a known total has arrived.
LINE_STEP = 0.1
#: … or, when the total is unknown, each time this many more bytes have arrived.
UNKNOWN_TOTAL_STEP = 64 * 1024 * 1024


def require_optional(module: str, extra: str, feature: str) -> ModuleType:
    """Import an optional dependency, or raise an ImportError naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{feature} needs {module.split('.')[0]}, an optional dependency: "
            f"pip install 'qhub-api[{extra}]'"
        ) from error


def plot_counts(counts: Mapping[str, int], *, ax: Any = None, title: str | None = None) -> Any:
    """A bar chart of measurement counts, outcomes in order; returns the matplotlib Axes.

    Args:
        counts: outcome (a bit string such as ``"011"``) → how often it was measured.
        ax: the Axes to draw on; a new figure's when None.
        title: the chart's title.

    Raises:
        ValueError: there are no counts, or a count is not a non-negative integer.
        ImportError: matplotlib is not installed.
    """
    if not counts:
        raise ValueError("there are no counts to plot")
    for outcome, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"the count of {outcome!r} is {count!r}, not a non-negative integer")
    if ax is None:
        pyplot = require_optional("matplotlib.pyplot", "plot", "plot()")
        _, ax = pyplot.subplots()
    else:
        require_optional("matplotlib", "plot", "plot()")
    outcomes = sorted(counts)
    ax.bar(outcomes, [counts[o] for o in outcomes])
    ax.set_xlabel("outcome")
    ax.set_ylabel("count")
    if len(outcomes) > 8:
        ax.tick_params(axis="x", labelrotation=90)
    if title is not None:
        ax.set_title(title)
    return ax


class ByteProgress:
    """Progress of a transfer of ``total`` bytes (None: unknown), shown while it runs.

    Use it as a context manager and call :meth:`advance` with each chunk's size.
    ``enabled=False`` shows nothing, so callers need no branch of their own.
    """

    def __init__(
        self, label: str, total: int | None, *, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self._enabled = enabled
        self._stream = stream
        self._bar: Any = None
        self._next_line = 0

    def __enter__(self) -> ByteProgress:
        if not self._enabled:
            return self
        try:
            tqdm = importlib.import_module("tqdm.auto").tqdm
        except ImportError:
            self._line("started")
        else:
            self._bar = tqdm(
                total=self.total,
                desc=self.label,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=self._stream,
            )
        self._next_line = self._step()
        return self

    def advance(self, size: int) -> None:
        """Count ``size`` more bytes."""
        self.done += size
        if not self._enabled:
            return
        if self._bar is not None:
            self._bar.update(size)
        elif self.done >= self._next_line:
            self._line("")
            self._next_line = self.done + self._step()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._enabled:
            return
        if self._bar is not None:
            self._bar.close()
        else:
            self._line("failed" if kind is not None else "done")

    def _step(self) -> int:
        return max(1, int(self.total * LINE_STEP)) if self.total else UNKNOWN_TOTAL_STEP

    def _line(self, state: str) -> None:
        stream = self._stream or sys.stderr
        amount = _size(self.done)
        if self.total:
            amount += f" of {_size(self.total)} ({100 * self.done // self.total}%)"
        stream.write(f"{self.label}: {amount}{' ' + state if state else ''}\n")
        stream.flush()


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    value = count / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
