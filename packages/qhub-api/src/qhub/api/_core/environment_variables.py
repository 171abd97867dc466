"""Environment variables naming the Hub's endpoints, for clients constructed without one.

=============================  ==================================================================
variable                       what it sets
=============================  ==================================================================
``QHUB_QUANTUM_BASE_URL``      base URL of ``qhub.api.quantum``'s clients
``QHUB_PLATFORM_BASE_URL``     base URL of ``qhub.api.platform``'s clients, and the
                               ``platform_endpoint`` of ``qhub.service.client.HubPlatformClient``
``QHUB_USER_BASE_URL``         base URL of ``qhub.api.user``'s clients
``QHUB_SERVICE_BASE_URL``      base URL (gateway URL) of ``qhub.api.service``'s clients
``QHUB_TOKEN_ENDPOINT``        ``token_endpoint`` of ``qhub.service.client.HubServiceClient``
=============================  ==================================================================

They are read when a client is constructed. An argument always wins: ``base_url=`` (or the
endpoint argument) and an explicit ``environment=`` are used as given; a variable that is
unset or empty counts as absent. The tokens' variables (``KQH_PERSONAL_ACCESS_TOKEN``, …) are
those of ``qhub.api.credentials``, unchanged.
"""

from __future__ import annotations

import os

__all__ = [
    "PLATFORM_BASE_URL",
    "QUANTUM_BASE_URL",
    "SERVICE_BASE_URL",
    "TOKEN_ENDPOINT",
    "USER_BASE_URL",
    "DefaultEndpoint",
    "endpoint_from_environment",
    "resolve_endpoint",
]

QUANTUM_BASE_URL = "QHUB_QUANTUM_BASE_URL"
PLATFORM_BASE_URL = "QHUB_PLATFORM_BASE_URL"
USER_BASE_URL = "QHUB_USER_BASE_URL"
SERVICE_BASE_URL = "QHUB_SERVICE_BASE_URL"
TOKEN_ENDPOINT = "QHUB_TOKEN_ENDPOINT"  # noqa: S105 - a variable name


def endpoint_from_environment(variable: str) -> str | None:
    """The URL in ``variable``, or ``None`` when it is unset or blank."""
    value = os.environ.get(variable, "").strip()
    return value or None


class DefaultEndpoint(str):
    """An endpoint's documented default URL, used as a parameter's default value.

    ``help()`` shows the documented URL as the default, and only such an object (the module's
    ``DEFAULT_…`` constant) means "not given": a URL the caller writes out, even the same
    text, is never replaced by a variable.
    """

    __slots__ = ()


def resolve_endpoint(given: str, variable: str) -> str:
    """``given``, unless it is the parameter's :class:`DefaultEndpoint` and ``variable`` is set."""
    if isinstance(given, DefaultEndpoint):
        return endpoint_from_environment(variable) or str(given)
    return given
