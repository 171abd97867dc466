"""``qhub-local``: run and look after a local Kipu Quantum Hub.

Every misuse ends in one line naming the problem and exit status 2, never a traceback. The
server's modules load only when ``serve`` runs, so ``--help`` stays instant.

The commands live by what they do: ``serve`` in :mod:`.serve`; the data directory's
housekeeping (``status``, ``env``, ``login``, ``reset``) in :mod:`.admin`; looking at runs
(``jobs``, ``executions``, ``logs``) in :mod:`.runs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import click

from ._common import MISUSE
from .admin import env, login, reset, status
from .runs import executions, jobs, logs
from .serve import serve

__all__ = ["cli", "main"]


def _version() -> str:
    try:
        return version("qhub-local")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without metadata
        return "unknown"


@click.group(
    context_settings={
        "help_option_names": ["-h", "--help"],
        "show_default": True,
        "max_content_width": 100,
    }
)
@click.version_option(_version(), prog_name="qhub-local", message="%(prog)s %(version)s")
def cli() -> None:
    """A local Kipu Quantum Hub: token endpoint, service gateway, Quantum, Platform and User
    APIs, on your machine."""


for _command in (serve, status, env, login, reset, jobs, executions, logs):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qhub-local`` command; returns the exit status."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="qhub-local",
            standalone_mode=False,
        )
    except click.exceptions.Abort:
        click.echo("qhub-local: aborted", err=True)
        return 1
    except click.UsageError as error:
        hint = f" (see {error.ctx.command_path} --help)" if error.ctx else ""
        click.echo(f"qhub-local: {error.format_message()}{hint}", err=True)
        return MISUSE
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 0
    return 0
