"""What the managed-service tests share: a small workspace, zipping it, creating a service,
building it through the Platform API and waiting for the build, its gateway URL."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Mapping
from typing import Any

from qhub.api.platform import HubPlatformClient

#: A workspace that adds its input up (and says which version of it ran).
ADDER = {
    "src/__init__.py": "",
    "src/program.py": (
        "def run(values: list[float], label: str = 'sum') -> dict:\n"
        "    return {'total': sum(values), 'version': VERSION}\n"
        "VERSION = 'one'\n"
    ),
}


def zipped(files: Mapping[str, str | bytes], prefix: str = "") -> bytes:
    """A zip archive of ``files`` (path → content), each path under ``prefix``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(prefix + name, content)
    return buffer.getvalue()


_names = iter(range(1_000_000))


def new_service(platform: HubPlatformClient, stem: str = "svc") -> str:
    """A new managed service's id."""
    created = platform.managed_services.create_managed_service(
        name=f"{stem}-{next(_names)}", source={"type": "file"}, summary="made by a test"
    )
    assert created.id is not None
    return created.id


def wait_for_build(platform: HubPlatformClient, service_id: str, timeout: float = 180) -> Any:
    """The build's final status (polled)."""
    deadline = time.monotonic() + timeout
    while True:
        status = platform.managed_services.get_managed_service_build_status(service_id)
        if status.status != "WORKING":
            return status
        assert time.monotonic() < deadline, "the build did not end"
        time.sleep(0.1)


def build(platform: HubPlatformClient, service_id: str, files: Mapping[str, str | bytes]) -> Any:
    """Upload ``files`` zipped as the service's source, build it, wait for the end."""
    platform.managed_services.upload_managed_service_source(service_id, file=zipped(files))
    platform.managed_services.build_managed_service(service_id)
    return wait_for_build(platform, service_id)


def gateway_of(platform: HubPlatformClient, service_id: str) -> str:
    """The gateway URL of the service's one version."""
    (definition,) = platform.services.get_service(service_id).service_definitions or []
    assert definition.gateway_endpoint is not None
    return definition.gateway_endpoint
