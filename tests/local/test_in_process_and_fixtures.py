"""The three ways to start a Hub: the pytest fixture, the threaded server, and in-process ASGI."""

from __future__ import annotations

import httpx

from qhub.api.service import AsyncHubServiceClient
from qhub.local.server import LocalHub


def test_local_hub_fixture_serves_the_quickstart(local_hub: LocalHub) -> None:
    """The plugin's fixture gives a started Hub with the example service."""
    assert local_hub.connection is not None
    assert set(local_hub.connection.services) == {"quickstart"}
    assert "quickstart" in repr(local_hub.connection.services)


async def test_in_process_asgi_app(local_hub: LocalHub) -> None:
    """The ASGI app works over httpx.ASGITransport, with no socket in between."""
    assert local_hub.connection is not None
    conn = local_hub.connection
    transport = httpx.ASGITransport(app=local_hub.asgi_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.local") as http:
        token = await http.post(
            "/gateway/token",
            data={"grant_type": "client_credentials"},
            auth=(conn.application["access_key_id"], conn.application["secret_access_key"]),
        )
        assert token.status_code == 200
        service = AsyncHubServiceClient(
            base_url="http://hub.local/gateway/local/quickstart/1.0.0",
            token=token.json()["access_token"],
            httpx_client=http,
        )
        started = await service.service_api.start_execution(request={"values": [1]})
        assert (await service.service_api.get_status(started.id)).id == started.id


def test_the_pytest_plugin_is_light_until_a_fixture_is_used() -> None:
    """pytest loads the qhub_local plugin in every session of a project with qhub-local
    installed: importing it must not load the server, FastAPI or Qiskit."""
    import subprocess
    import sys

    code = (
        "import sys, pytest\n"
        "import qhub.local.testing\n"
        "heavy = [m for m in ('fastapi', 'uvicorn', 'qiskit', 'qhub.local.server') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
