"""``qhub-local``: run and look after a local Kipu Quantum Hub.

Every misuse ends in one line naming the problem and exit status 2, never a traceback. The
server's modules load only when ``serve`` runs, so ``--help`` stays instant.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import signal
import socket
import sys
import time
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NoReturn

import click

from .datadir import (
    DataDirError,
    DataDirLock,
    check_data_dir,
    check_database,
    reset_data_dir,
)
from .logs import LOG_FORMATS, LOG_LEVELS, configure_logging

__all__ = ["main"]

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


def _fail(message: str) -> NoReturn:
    raise Misuse(message)


def _version() -> str:
    try:
        return version("qhub-local")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without metadata
        return "unknown"


def _service(text: str) -> tuple[str, Path]:
    name, sep, path = text.partition("=")
    workspace = Path(path if sep else name)
    if not workspace.is_dir():
        _fail(f"--service {text}: {workspace} is not a directory (a service workspace)")
    return (name if sep else workspace.resolve().name), workspace


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="where the Hub keeps its state",
)


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


@cli.command()
@click.option("--host", default="127.0.0.1", help="address to listen on")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, help="port to listen on; 0 picks one"
)
@data_dir_option
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="[NAME=]WORKSPACE",
    help="serve a service workspace (repeatable); NAME defaults to the directory name",
)
@click.option("--no-example", is_flag=True, help="don't serve the bundled quickstart service")
@click.option("--anonymous", is_flag=True, help="accept any bearer token at the gateway")
@click.option(
    "--token-ttl",
    type=click.FloatRange(min=1.0),
    default=3600.0,
    help="lifetime of gateway tokens, seconds",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS),
    default="info",
    help="info: a line per request and per execution or job state change",
)
@click.option(
    "--log-format", type=click.Choice(LOG_FORMATS), default="text", help="json: for machines"
)
def serve(
    host: str,
    port: int,
    data_dir: Path,
    services: Sequence[str],
    no_example: bool,
    anonymous: bool,
    token_ttl: float,
    log_level: str,
    log_format: str,
) -> None:
    """Serve a Hub until interrupted (Ctrl-C). The log goes to stderr."""
    configure_logging(log_level, log_format)
    workspaces = dict(_service(text) for text in services)
    _check_listen_address(host, port)
    try:
        directory = check_data_dir(data_dir)
        lock = DataDirLock(directory)
        lock.acquire()
        try:
            check_database(directory)
        except DataDirError:
            lock.release()
            raise
    except DataDirError as error:
        _fail(str(error))
    try:
        _serve(lock, directory, host, port, workspaces, not no_example, anonymous, token_ttl)
    finally:
        lock.release()


def _check_listen_address(host: str, port: int) -> None:
    """Refuse an address the Hub could not listen on, before touching the data directory."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        _fail(f"cannot resolve host {host!r} (try --host 127.0.0.1)")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                _fail(f"port {port} is in use (try --port 0)")
            if error.errno == errno.EACCES:
                _fail(f"no permission to listen on port {port} (try a port above 1023)")
            _fail(f"cannot listen on {host}:{port}: {error.strerror or error}")


def _serve(
    lock: DataDirLock,
    directory: Path,
    host: str,
    port: int,
    workspaces: dict[str, Path],
    example: bool,
    anonymous: bool,
    token_ttl: float,
) -> None:
    import sqlite3

    from .domain import DomainError
    from .server import LocalHub

    try:
        hub = LocalHub(
            directory,
            services={name: str(path) for name, path in workspaces.items()},
            host=host,
            port=port,
            example=example,
            anonymous=anonymous,
            token_ttl=token_ttl,
        )
    except DomainError as error:
        _fail(error.message)
    except sqlite3.DatabaseError as error:
        _fail(f"{directory / 'hub.sqlite3'} can't be read ({error}); nothing was changed")
    # A plain list, not an Event: a handler that takes a lock can deadlock when a second
    # signal (uv run forwards one, the user presses Ctrl-C again) lands while the first
    # handler, or the main thread, holds it.
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda number, _: received.append(number))
    signal.signal(signal.SIGTERM, lambda number, _: received.append(number))
    try:
        try:
            connection = hub.start()
        except OSError as error:
            _fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
        lock.announce(connection.base_url)
        hub.warm_up()
        rows = [
            ("dashboard", connection.base_url + "/"),
            ("token endpoint", connection.token_endpoint),
        ]
        rows += [(f"service {name}", url) for name, url in connection.services.items()]
        rows += [
            ("Quantum API", connection.quantum_url),
            ("Platform API", connection.platform_url),
            ("User API", connection.user_url),
        ]
        width = max(len(label) for label, _ in rows)
        click.echo(f"Local Kipu Quantum Hub at {connection.base_url}")
        for label, url in rows:
            click.echo(f"  {label:<{width}}  {url}")
        click.echo(f"credentials and URLs: {directory / 'connection.json'} (keep it private)")
        click.echo("ready (Ctrl-C stops)")
        sys.stdout.flush()
        while not received:
            time.sleep(0.1)
    finally:
        hub.stop()
        (directory / "connection.json").unlink(missing_ok=True)


@cli.command()
@data_dir_option
def status(data_dir: Path) -> None:
    """Say whether a Hub serves the data directory, and where (exit 1 when none does)."""
    holder = DataDirLock(data_dir).holder() if data_dir.is_dir() else None
    if holder is None:
        click.echo(f"no Hub serves {data_dir}")
        raise SystemExit(1)
    where = f" at {holder.url}" if holder.url else " (starting)"
    click.echo(f"a Hub (pid {holder.pid}) serves {data_dir.resolve()}{where}")


@cli.command()
@data_dir_option
@click.option("--limit", type=click.IntRange(1, 1000), default=20, help="how many, newest first")
def jobs(data_dir: Path, limit: int) -> None:
    """List the newest quantum jobs of the Hub serving the data directory."""
    connection = _running_connection(data_dir)
    from qhub.api.quantum import HubQuantumClient

    with HubQuantumClient(
        api_key=connection["personal_access_token"], base_url=connection["quantum_url"]
    ) as client:
        page = client.jobs.search_jobs(page=0, size=limit)
    rows = [
        (job.id, str(job.status or ""), job.backend_id or "", job.created_at or "")
        for job in page.content or []
    ]
    if not rows:
        click.echo("no jobs yet")
    for row in rows:
        click.echo("  ".join(row))


def _running_connection(data_dir: Path) -> dict[str, Any]:
    """The connection of the Hub serving ``data_dir``."""
    if DataDirLock(data_dir).holder() is None:
        _fail(f"no Hub serves {data_dir} (start one: qhub-local serve --data-dir {data_dir})")
    try:
        data: dict[str, Any] = json.loads((data_dir / "connection.json").read_text())
    except (OSError, ValueError):
        _fail(f"the Hub serving {data_dir} has not written connection.json yet; try again")
    return data


@cli.command()
@data_dir_option
def env(data_dir: Path) -> None:
    """Print shell exports that point the SDK at the Hub serving the data directory.

    Use it as ``eval "$(qhub-local env)"``: unchanged scripts and notebooks then talk to
    this Hub (an argument in the code still wins over these variables).
    """
    connection = _running_connection(data_dir)
    variables = {
        "QHUB_QUANTUM_BASE_URL": connection["quantum_url"],
        "QHUB_PLATFORM_BASE_URL": connection["platform_url"],
        "QHUB_USER_BASE_URL": connection["user_url"],
        "QHUB_TOKEN_ENDPOINT": connection["token_endpoint"],
        "KQH_PERSONAL_ACCESS_TOKEN": connection["personal_access_token"],
    }
    services: dict[str, str] = connection.get("services", {})
    if len(services) == 1:
        variables["QHUB_SERVICE_BASE_URL"] = next(iter(services.values()))
    config = data_dir.resolve() / LOCAL_CONFIG
    if config.exists():
        variables["KQH_CONFIG_FILE_PATH"] = str(config)
    for name, value in variables.items():
        click.echo(f"export {name}={shlex.quote(value)}")
    for name, url in services.items() if len(services) > 1 else ():
        click.echo(f"# service {name}: {url}")


@cli.command()
@data_dir_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="where to write it  [default: DATA_DIR/qhubctl-config.json, which `env` points at]",
)
@click.option("--force", is_flag=True, help="replace an existing file")
def login(data_dir: Path, config_path: Path | None, force: bool) -> None:
    """Write a qhubctl config file for the Hub serving the data directory, so
    ``DefaultCredentialsProvider()`` and friends find its token with no arguments."""
    connection = _running_connection(data_dir)
    target = config_path if config_path is not None else data_dir.resolve() / LOCAL_CONFIG
    if target.exists() and not force:
        _fail(f"{target} exists; add --force to replace it")
    document = {
        "auth": {"value": connection["personal_access_token"]},
        "context": {
            "id": connection["organization_id"],
            "displayName": "local Hub",
            "isOrganization": True,
        },
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(document, file, indent=2)
        os.replace(temporary, target)
    except OSError as error:
        _fail(f"cannot write {target}: {error.strerror or error}")
    click.echo(f"wrote {target}")
    if config_path is None:
        click.echo("`qhub-local env` now also exports KQH_CONFIG_FILE_PATH pointing at it")


@cli.command()
@data_dir_option
@click.option("--yes", is_flag=True, help="don't ask for confirmation")
def reset(data_dir: Path, yes: bool) -> None:
    """Delete the data directory: every execution, job, token and data pool in it."""
    if not data_dir.exists():
        click.echo(f"{data_dir} does not exist: nothing to reset")
        return
    if not yes:
        click.confirm(f"delete {data_dir.resolve()} and everything in it?", abort=True)
    try:
        reset_data_dir(data_dir)
    except DataDirError as error:
        _fail(str(error))
    click.echo(f"deleted {data_dir}")


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


if __name__ == "__main__":
    sys.exit(main())
