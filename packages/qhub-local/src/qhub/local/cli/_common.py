"""What every ``qhub-local`` command shares: the one-line refusal, the ``--data-dir`` option,
and finding the Hub that serves a data directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import click

from ..datadir import DataDirLock

__all__ = [
    "DEFAULT_DATA_DIR",
    "LOCAL_CONFIG",
    "MISUSE",
    "Misuse",
    "data_dir_option",
    "fail",
    "running_connection",
]

DEFAULT_DATA_DIR = Path(".qhub-local")
#: The qhubctl-style config file ``login`` writes into the data directory by default.
LOCAL_CONFIG = "qhubctl-config.json"
#: Exit status of every misuse (as for a usage error).
MISUSE = 2


class Misuse(click.ClickException):
    """A one-line refusal, exit status 2."""

    exit_code = MISUSE

    def show(self, file: Any = None) -> None:
        click.echo(f"qhub-local: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    """Refuse with ``message`` (one line, exit status 2)."""
    raise Misuse(message)


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="where the Hub keeps its state",
)


def running_connection(data_dir: Path) -> dict[str, Any]:
    """The connection (URLs and credentials) of the Hub serving ``data_dir``."""
    if DataDirLock(data_dir).holder() is None:
        fail(f"no Hub serves {data_dir} (start one: qhub-local serve --data-dir {data_dir})")
    try:
        data: dict[str, Any] = json.loads((data_dir / "connection.json").read_text())
    except (OSError, ValueError):
        fail(f"the Hub serving {data_dir} has not written connection.json yet; try again")
    return data
