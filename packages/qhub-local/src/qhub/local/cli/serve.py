"""``qhub-local serve``: start a Hub on a data directory, after checking everything the user
typed (address, port, workspaces, interpreter, data directory) so a misuse is one line."""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from ..datadir import DataDirError, DataDirLock, check_data_dir, check_database
from ..logs import LOG_FORMATS, LOG_LEVELS, configure_logging
from ._common import data_dir_option, fail

__all__ = ["serve"]


def _service(text: str) -> tuple[str, Path]:
    name, sep, path = text.partition("=")
    workspace = Path(path if sep else name)
    if not workspace.is_dir():
        fail(f"--service {text}: {workspace} is not a directory (a service workspace)")
    # The catalog checks it too; here it is refused before the Hub starts anything.
    if not (workspace / "src" / "program.py").is_file():
        fail(f"--service {text}: {workspace} is not a service workspace: src/program.py is missing")
    return (name if sep else workspace.resolve().name), workspace


@click.command()
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
@click.option(
    "--service-python",
    type=click.Path(path_type=Path),
    default=None,
    help="the Python every service workspace runs in  "
    "[default: a workspace's own .venv/bin/python, else the Hub's]",
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
    service_python: Path | None,
    no_example: bool,
    anonymous: bool,
    token_ttl: float,
    log_level: str,
    log_format: str,
) -> None:
    """Serve a Hub until interrupted (Ctrl-C). The log goes to stderr."""
    configure_logging(log_level, log_format)
    workspaces = dict(_service(text) for text in services)
    if service_python is not None:
        service_python = _check_service_python(service_python)
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
        fail(str(error))
    try:
        _start_warming()
        _serve(
            lock,
            directory,
            host,
            port,
            workspaces,
            service_python,
            not no_example,
            anonymous,
            token_ttl,
        )
    finally:
        lock.release()


def _check_service_python(python: Path) -> Path:
    """The interpreter ``--service-python`` names, once it has shown it runs Python 3.10+."""
    import subprocess

    if not python.is_file():
        fail(f"--service-python {python}: no such file")
    if not python.stat().st_mode & 0o111 or not os.access(python, os.X_OK):
        fail(f"--service-python {python}: not executable")
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    try:
        done = subprocess.run(
            [str(python), "-I", "-c", probe], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        fail(f"--service-python {python}: cannot run it ({error})")
    major, _, minor = done.stdout.strip().partition(".")
    if done.returncode != 0 or not (major.isdigit() and minor.isdigit()):
        fail(f"--service-python {python}: not a Python interpreter")
    if (int(major), int(minor)) < (3, 10):
        fail(f"--service-python {python}: Python {major}.{minor}; services need 3.10 or newer")
    return python.absolute()


def _check_listen_address(host: str, port: int) -> None:
    """Refuse an address the Hub could not listen on, before touching the data directory."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        fail(f"cannot resolve host {host!r} (try --host 127.0.0.1)")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                fail(f"port {port} is in use (try --port 0)")
            if error.errno == errno.EACCES:
                fail(f"no permission to listen on port {port} (try a port above 1023)")
            fail(f"cannot listen on {host}:{port}: {error.strerror or error}")


def _start_warming() -> None:
    """Start what takes longest, in the background, before loading the server: the Qiskit
    worker processes (importing Qiskit is the long pole) and the probe of how executions can
    be isolated. ``LocalHub.warm_up`` then waits for them; the server's modules, the Hub's
    store and the HTTP server load meanwhile, on the other core."""
    import threading

    from ..runner import detect_isolation
    from ..simulation import simulator_pool

    simulator_pool().start_warming()
    # The Hub's runner asks the same question and gets the cached answer (or waits for it).
    threading.Thread(
        target=detect_isolation, args=("auto",), name="qhub-isolation-probe", daemon=True
    ).start()


def _serve(
    lock: DataDirLock,
    directory: Path,
    host: str,
    port: int,
    workspaces: dict[str, Path],
    service_python: Path | None,
    example: bool,
    anonymous: bool,
    token_ttl: float,
) -> None:
    import sqlite3

    from ..domain import DomainError, StoreUnavailable
    from ..server import LocalHub

    try:
        hub = LocalHub(
            directory,
            services={name: str(path) for name, path in workspaces.items()},
            host=host,
            port=port,
            example=example,
            anonymous=anonymous,
            token_ttl=token_ttl,
            service_python=service_python,
        )
    except (DomainError, StoreUnavailable) as error:
        fail(error.message)
    except sqlite3.DatabaseError as error:
        fail(f"{directory / 'hub.sqlite3'} can't be read ({error}); nothing was changed")
    # A plain list, not an Event: a handler that takes a lock can deadlock when a second
    # signal (uv run forwards one, the user presses Ctrl-C again) lands while the first
    # handler, or the main thread, holds it.
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda number, _: received.append(number))
    signal.signal(signal.SIGTERM, lambda number, _: received.append(number))
    try:
        hub.start_warming()  # the services' fork servers start while the HTTP server does
        try:
            connection = hub.start()
        except OSError as error:
            fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
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
        click.echo(f"service executions isolated by {hub.hub.runner.isolation}")
        if service_python is not None:
            click.echo(f"service workspaces run in {service_python}")
        click.echo(f"credentials and URLs: {directory / 'connection.json'} (keep it private)")
        click.echo("ready (Ctrl-C stops)")
        sys.stdout.flush()
        while not received:
            time.sleep(0.1)
    finally:
        hub.stop()
        (directory / "connection.json").unlink(missing_ok=True)
