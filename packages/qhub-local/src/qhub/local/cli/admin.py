"""The data directory's housekeeping: ``status``, ``env``, ``login`` and ``reset``."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import click

from ..datadir import DataDirError, DataDirLock, reset_data_dir
from ._common import LOCAL_CONFIG, data_dir_option, fail, running_connection

__all__ = ["env", "login", "reset", "status"]


@click.command()
@data_dir_option
def status(data_dir: Path) -> None:
    """Say whether a Hub serves the data directory, and where (exit 1 when none does)."""
    holder = DataDirLock(data_dir).holder() if data_dir.is_dir() else None
    if holder is None:
        click.echo(f"no Hub serves {data_dir}")
        raise SystemExit(1)
    where = f" at {holder.url}" if holder.url else " (starting)"
    click.echo(f"a Hub (pid {holder.pid}) serves {data_dir.resolve()}{where}")


@click.command()
@data_dir_option
def env(data_dir: Path) -> None:
    """Print shell exports that point the SDK at the Hub serving the data directory.

    Use it as ``eval "$(qhub-local env)"``: unchanged scripts and notebooks then talk to
    this Hub (an argument in the code still wins over these variables).
    """
    connection = running_connection(data_dir)
    variables = {
        "QHUB_QUANTUM_BASE_URL": connection["quantum_url"],
        "QHUB_PLATFORM_BASE_URL": connection["platform_url"],
        "QHUB_USER_BASE_URL": connection["user_url"],
        "QHUB_TOKEN_ENDPOINT": connection["token_endpoint"],
        "KQH_PERSONAL_ACCESS_TOKEN": connection["personal_access_token"],
        # The default application's access key, under the names the Service SDK's quickstart
        # reads (``os.environ["ACCESS_KEY_ID"]``).
        "ACCESS_KEY_ID": connection["application"]["access_key_id"],
        "SECRET_ACCESS_KEY": connection["application"]["secret_access_key"],
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


@click.command()
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
    connection = running_connection(data_dir)
    target = config_path if config_path is not None else data_dir.resolve() / LOCAL_CONFIG
    if target.exists() and not force:
        fail(f"{target} exists; add --force to replace it")
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
        fail(f"cannot write {target}: {error.strerror or error}")
    click.echo(f"wrote {target}")
    if config_path is None:
        click.echo("`qhub-local env` now also exports KQH_CONFIG_FILE_PATH pointing at it")


@click.command()
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
        fail(str(error))
    click.echo(f"deleted {data_dir}")
