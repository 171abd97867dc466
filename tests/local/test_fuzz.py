"""schemathesis against a local Hub, from the document the Hub serves (/openapi.json): for
each operation a bounded number of schema-valid requests, with both credentials.

Quantum, Service and User: the Hub validates its own responses (a departure, or a status
neither the spec nor SPEC_GAPS declares, is a 500) and schemathesis checks again that there
is no server error and that content types and bodies match the spec. Its checks that judge
the requests instead (schema-valid data accepted, invalid data refused) are left out: our
request schemas are looser than the Hub's input rules (an empty ``backend_id``, ``q`` or
``name``, an unknown ``provider``), which is reported, not a response drift.

Platform: the same checks plus status codes; the operations the Hub does not emulate (501)
are expected failures, strictly.

The number of examples per operation is ``QHUB_FUZZ_EXAMPLES`` (default 10).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.failures import FailureGroup

from qhub.local.domain.generic import Kind, Schemas, plan_operations, platform_operations
from qhub.local.domain.generic import load_spec as load_platform_spec
from qhub.local.http.contract import recorder
from qhub.local.http.openapi import APIS, load_spec
from qhub.local.http.platform import HAND_WRITTEN
from qhub.local.http.platform.generic import served_routes
from qhub.local.server import LocalHub

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("QHUB_FUZZ_EXAMPLES", "10"))

#: These would take the fuzzer's own credential away from every later request.
SKIPPED = {
    "user.user_settings.delete_current_user",
    "user.user_settings_personal_access_tokens.regenerate_default_personal_access_token",
}

RESPONSE_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
PLATFORM_CHECKS = [*RESPONSE_CHECKS, schemathesis.checks.status_code_conformance]


def _operation_ids(apis: tuple[str, ...]) -> list[str]:
    return [
        f"{api}.{operation['operationId']}"
        for api in apis
        for item in load_spec(api)["paths"].values()
        for operation in item.values()
        if f"{api}.{operation['operationId']}" not in SKIPPED
    ]


class Fuzzer:
    """A running Hub, its merged document loaded by schemathesis, and both credentials."""

    def __init__(self, hub: LocalHub) -> None:
        assert hub.connection is not None
        connection = hub.connection
        application = connection.application
        bearer = httpx.post(
            connection.token_endpoint,
            data={"grant_type": "client_credentials"},
            auth=(application["access_key_id"], application["secret_access_key"]),
        ).json()["access_token"]
        self.headers = {
            "X-Auth-Token": connection.personal_access_token,
            "Authorization": f"Bearer {bearer}",
        }
        self.schema = schemathesis.openapi.from_url(connection.base_url + "/openapi.json")
        self.session = requests.Session()

    def findings(self, operation_id: str, checks: list[Any]) -> list[str]:
        """What schemathesis finds with ``EXAMPLES`` schema-valid requests to one operation."""
        operation = self.schema.find_operation_by_id(operation_id)
        found: list[str] = []

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case: Any) -> None:
            try:
                case.call_and_validate(headers=self.headers, session=self.session, checks=checks)
            except FailureGroup as failures:
                found.append(str(failures))

        run()
        return found


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    """A Hub that validates its responses, with the example service."""
    with LocalHub(tmp_path_factory.mktemp("hub"), validate_responses=True) as hub:
        yield Fuzzer(hub)


@pytest.mark.parametrize("operation_id", _operation_ids(("quantum", "service", "user")))
def test_schema_valid_requests_get_answers_within_the_contract(
    fuzzer: Fuzzer, operation_id: str
) -> None:
    """No server error, and every status, content type and body the spec's (or SPEC_GAPS')."""
    violations_before = len(recorder.violations)
    findings = fuzzer.findings(operation_id, RESPONSE_CHECKS)
    assert not findings, "\n\n".join(findings[:3])
    assert len(recorder.violations) == violations_before


@pytest.fixture(scope="module")
def platform_fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    """A Hub that does not validate its responses: schemathesis alone judges the Platform's."""
    with LocalHub(tmp_path_factory.mktemp("hub"), validate_responses=False) as hub:
        yield Fuzzer(hub)


def _not_emulated() -> set[str]:
    """Platform operations the local Hub refuses with 501 (it does not emulate them)."""
    plans = plan_operations(
        platform_operations(),
        Schemas(load_platform_spec()["components"]["schemas"]),
        served_routes(HAND_WRITTEN),
    )
    return {f"platform.{op}" for op, plan in plans.items() if plan.kind is Kind.UNSUPPORTED}


NOT_EMULATED = _not_emulated()


def test_every_identity_operation_is_emulated() -> None:
    """No organizations or users operation answers 501: images, provider tokens and
    invitations are served by hand (so none of them is an expected failure below)."""
    identity = {
        op for op in NOT_EMULATED if op.startswith(("platform.organizations.", "platform.users."))
    }
    assert not identity
    assert "platform.organizations.update_organization_image" in _operation_ids(("platform",))


@pytest.mark.parametrize(
    "operation_id",
    [
        pytest.param(
            op,
            marks=pytest.mark.xfail(reason="not emulated: answers 501", strict=True)
            if op in NOT_EMULATED
            else (),
        )
        for op in _operation_ids(("platform",))
    ],
)
def test_platform_findings(platform_fuzzer: Fuzzer, operation_id: str) -> None:
    """No finding in the Platform routes, but for the operations the Hub says it does not
    emulate (a 501 is a server error to schemathesis); those must keep failing until they
    are emulated, so the list can't go stale."""
    findings = platform_fuzzer.findings(operation_id, PLATFORM_CHECKS)
    assert not findings, "\n\n".join(findings[:3])


def test_all_four_apis_are_fuzzed() -> None:
    """Every operation of the four specs is fuzzed but the two that revoke the credential."""
    fuzzed = _operation_ids(APIS)
    total = sum(len(item) for api in APIS for item in load_spec(api)["paths"].values())
    assert len(fuzzed) == total - len(SKIPPED)
