"""Calls made with the vendor's published clients against a local Hub (run by the vendor's own
interpreter, ``.tools/vendor-clients``; nothing of ours is importable there).

Usage: ``python vendor_calls.py CONNECTION_JSON``. Prints one JSON object per call:
``{"call": "quantum.jobs.get_job", "ok": true}`` or ``{"call": …, "ok": false, "error": …}``.
A call is ok when it returned without raising, which for the vendor's clients means the
answer parsed into the vendor's own types.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import httpx

RESULTS: list[dict[str, Any]] = []


def call(name: str, function: Callable[[], Any]) -> Any:
    """Run one call and record how it went."""
    try:
        value = function()
    except Exception as error:
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        RESULTS.append({"call": name, "ok": False, "error": last[:400]})
        return None
    RESULTS.append({"call": name, "ok": True})
    return value


def quantum(connection: dict[str, Any]) -> None:
    from qhub.api.quantum import HubQuantumClient
    from qhub.api.quantum.jobs import CreateJobRequestInput_AzureIonqSimulator
    from qhub.api.quantum.types import AzureIonqJobInputCircuitItem

    client = HubQuantumClient(
        api_key=connection["personal_access_token"], base_url=connection["quantum_url"]
    )
    call("quantum.backends.get_backends", lambda: client.backends.get_backends())
    call("quantum.backends.get_backend", lambda: client.backends.get_backend("aws.sim.sv1"))
    call(
        "quantum.backends.get_backend_status",
        lambda: client.backends.get_backend_status("aws.sim.sv1"),
    )
    call(
        "quantum.backends.get_backend_config",
        lambda: client.backends.get_backend_config("aws.sim.sv1"),
    )
    call(
        "quantum.backends.get_backend_calibration",
        lambda: client.backends.get_backend_calibration("aws.sim.sv1"),
    )
    call(
        "quantum.backends.get_least_busy_backend",
        lambda: client.backends.get_least_busy_backend(provider="IBM", min_qubits=2),
    )
    job = call(
        "quantum.jobs.create_job",
        lambda: client.jobs.create_job(
            backend_id="azure.ionq.simulator",
            shots=100,
            input=CreateJobRequestInput_AzureIonqSimulator(
                circuit=[
                    AzureIonqJobInputCircuitItem(type="h", targets=[0]),
                    AzureIonqJobInputCircuitItem(type="cnot", targets=[1], controls=[0]),
                ],
                gateset="qis",
                qubits=2,
            ),
        ),
    )
    if job is not None:
        for _ in range(300):
            status = client.jobs.get_job_status(job.id).status
            if status not in ("PENDING", "RUNNING"):
                break
            time.sleep(0.05)
        call("quantum.jobs.get_job", lambda: client.jobs.get_job(job.id))
        call("quantum.jobs.get_job_status", lambda: client.jobs.get_job_status(job.id))
        call("quantum.jobs.get_job_result", lambda: client.jobs.get_job_result(job.id))
        call("quantum.jobs.get_job_input", lambda: client.jobs.get_job_input(job.id))
        call(
            "quantum.jobs.get_normalized_job_result",
            lambda: client.jobs.get_normalized_job_result(job.id),
        )
        call(
            "quantum.jobs.get_normalized_job_input",
            lambda: client.jobs.get_normalized_job_input(job.id),
        )
        call("quantum.jobs.get_job_calibration", lambda: client.jobs.get_job_calibration(job.id))
    call("quantum.jobs.search_jobs", lambda: client.jobs.search_jobs(page=0, size=10))
    session = call(
        "quantum.sessions.create_session",
        lambda: client.sessions.create_session(
            backend_id="aws.sim.sv1", mode="batch", provider="AWS"
        ),
    )
    if session is not None:
        call("quantum.sessions.get_session", lambda: client.sessions.get_session(session.id))
        call(
            "quantum.sessions.get_session_status",
            lambda: client.sessions.get_session_status(session.id),
        )
        call(
            "quantum.sessions.get_session_jobs",
            lambda: client.sessions.get_session_jobs(session.id),
        )
        call("quantum.sessions.close_session", lambda: client.sessions.close_session(session.id))
    call("quantum.workloads.get_workloads", lambda: client.workloads.get_workloads())
    call(
        "quantum.runtime_minutes.get_runtime_minutes",
        lambda: client.runtime_minutes.get_runtime_minutes(),
    )


def service(connection: dict[str, Any]) -> None:
    from qhub.api.service import HubServiceClient

    application = connection["application"]
    token = httpx.post(
        connection["token_endpoint"],
        data={"grant_type": "client_credentials"},
        auth=(application["access_key_id"], application["secret_access_key"]),
    ).json()["access_token"]
    client = HubServiceClient(base_url=connection["services"]["quickstart"], token=token)
    execution = call(
        "service.service_api.start_execution",
        lambda: client.service_api.start_execution(request={"values": [1], "shots": 10}),
    )
    if execution is not None:
        for _ in range(600):
            if client.service_api.get_status(execution.id).status not in ("PENDING", "RUNNING"):
                break
            time.sleep(0.05)
        call("service.service_api.get_status", lambda: client.service_api.get_status(execution.id))
        call("service.service_api.get_result", lambda: client.service_api.get_result(execution.id))
        call("service.service_api.get_logs", lambda: client.service_api.get_logs(execution.id))
    call(
        "service.service_api.get_service_executions",
        lambda: client.service_api.get_service_executions(),
    )


def user(connection: dict[str, Any]) -> None:
    from qhub.api.user import HubUserClient

    client = HubUserClient(
        api_key=connection["personal_access_token"], base_url=connection["user_url"]
    )
    me = call(
        "user.user_settings.get_current_user", lambda: client.user_settings.get_current_user()
    )
    call(
        "user.user_settings_personal_access_tokens.get_personal_access_tokens",
        lambda: client.user_settings_personal_access_tokens.get_personal_access_tokens(),
    )
    call(
        "user.authentication.authorize_by_personal_access_token",
        lambda: client.authentication.authorize_by_personal_access_token(),
    )
    if me is not None:
        call(
            "user.users.resolve_users",
            lambda: client.users.resolve_users(ids=[me.id, "nobody"]),
        )
        call("user.users.get_user_by_id", lambda: client.users.get_user_by_id(me.id))
    call("user.search.users", lambda: client.search.users(q="local"))


def platform(connection: dict[str, Any]) -> None:
    from qhub.api.platform import HubPlatformClient

    client = HubPlatformClient(
        api_key=connection["personal_access_token"], base_url=connection["platform_url"]
    )
    call("platform.services.get_services", lambda: client.services.get_services())
    call("platform.applications.get_applications", lambda: client.applications.get_applications())
    call(
        "platform.service_executions.get_service_executions",
        lambda: client.service_executions.get_service_executions(),
    )
    call(
        "platform.organizations.get_organizations",
        lambda: client.organizations.get_organizations(),
    )
    call(
        "platform.authentication.resolve_auth_token",
        lambda: client.authentication.resolve_auth_token(),
    )
    call("platform.data_pools.get_data_pools", lambda: client.data_pools.get_data_pools())
    call("platform.users.get_my_accounts", lambda: client.users.get_my_accounts())


def main() -> None:
    """Run every group of calls and print the outcomes."""
    connection = json.loads(open(sys.argv[1]).read())  # noqa: SIM115 - a tiny script
    for group in (quantum, service, user, platform):
        try:
            group(connection)
        except Exception as error:
            RESULTS.append({"call": group.__name__, "ok": False, "error": repr(error)[:400]})
    for result in RESULTS:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
