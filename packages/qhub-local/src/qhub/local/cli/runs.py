"""Looking at what ran on the Hub serving a data directory: ``jobs``, ``executions`` and
``logs``, through the same public APIs (and SDK) a user's own code calls."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._common import data_dir_option, fail, running_connection

if TYPE_CHECKING:
    from qhub.api.platform import HubPlatformClient
    from qhub.api.service import HubServiceClient

__all__ = ["executions", "jobs", "logs"]

#: Execution states after which nothing more is logged.
FINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
#: Seconds between two looks at a followed execution.
FOLLOW_INTERVAL = 0.5

limit_option = click.option(
    "--limit", type=click.IntRange(1, 1000), default=20, help="how many, newest first"
)


def _print_rows(rows: Sequence[tuple[str, ...]], nothing: str) -> None:
    if not rows:
        click.echo(nothing)
    for row in rows:
        click.echo("  ".join(row).rstrip())


@click.command()
@data_dir_option
@limit_option
def jobs(data_dir: Path, limit: int) -> None:
    """List the newest quantum jobs: id, status, backend, created."""
    connection = running_connection(data_dir)
    from qhub.api.quantum import HubQuantumClient

    with HubQuantumClient(
        api_key=connection["personal_access_token"], base_url=connection["quantum_url"]
    ) as client:
        page = client.jobs.search_jobs(page=0, size=limit)
    rows = [
        (job.id, str(job.status or ""), job.backend_id or "", job.created_at or "")
        for job in page.content or []
    ]
    _print_rows(rows, "no jobs yet")


@contextmanager
def _platform(connection: dict[str, Any]) -> Iterator[HubPlatformClient]:
    from qhub.api.platform import HubPlatformClient

    with HubPlatformClient(
        api_key=connection["personal_access_token"], base_url=connection["platform_url"]
    ) as client:
        yield client


@click.command()
@data_dir_option
@limit_option
def executions(data_dir: Path, limit: int) -> None:
    """List the newest service executions: id, status, service, created, tags."""
    connection = running_connection(data_dir)
    with _platform(connection) as platform:
        names = {s.id: s.name or "" for s in platform.services.get_services()}
        page = platform.service_executions.get_service_executions(
            page=0, size=limit, sort="createdAt,desc"
        )
    rows = [
        (
            e.id or "",
            str(e.status or ""),
            names.get(e.service_id, e.service_id or ""),
            e.created_at or "",
            ",".join(e.tags or ()),
        )
        for e in page.content or []
    ]
    _print_rows(rows, "no executions yet")


def _gateway_token(connection: dict[str, Any]) -> str:
    """A gateway token for the Hub's default application (client credentials)."""
    import httpx

    application = connection["application"]
    answer = httpx.post(
        connection["token_endpoint"],
        data={"grant_type": "client_credentials"},
        auth=(application["access_key_id"], application["secret_access_key"]),
        timeout=30,
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


@contextmanager
def _gateway_of(connection: dict[str, Any], execution_id: str) -> Iterator[HubServiceClient]:
    """The Service API client of the gateway that ran ``execution_id``."""
    from qhub.api.platform import NotFoundError
    from qhub.api.service import HubServiceClient

    with _platform(connection) as platform:
        try:
            record = platform.service_executions.get_service_execution(execution_id)
        except NotFoundError:
            fail(f"no execution {execution_id} on this Hub (see: qhub-local executions)")
        service = platform.services.get_service(record.service_id or "")
    endpoints = [
        d.gateway_endpoint for d in service.service_definitions or [] if d.gateway_endpoint
    ]
    if not endpoints:
        fail(f"the service that ran {execution_id} has no gateway on this Hub")
    with HubServiceClient(base_url=endpoints[0], token=_gateway_token(connection)) as client:
        yield client


@click.command()
@data_dir_option
@click.argument("execution_id")
@click.option("--follow", "-f", is_flag=True, help="keep printing new lines until it ends")
def logs(data_dir: Path, execution_id: str, follow: bool) -> None:
    """Print a service execution's log: timestamp, severity, message."""
    connection = running_connection(data_dir)
    printed = 0
    with _gateway_of(connection, execution_id) as gateway:
        while True:
            status = gateway.service_api.get_status(execution_id).status
            entries = gateway.service_api.get_logs(execution_id) or []
            for entry in entries[printed:]:
                when = entry.timestamp.isoformat(timespec="milliseconds")
                click.echo(f"{when}  {entry.severity or '':<7}  {entry.message}")
            printed = max(printed, len(entries))
            if not follow or str(status) in FINAL_STATES:
                break
            time.sleep(FOLLOW_INTERVAL)
    if follow:
        click.echo(f"execution {execution_id} ended: {status}", err=True)
