"""``HubUserClient`` / ``AsyncHubUserClient``: the User API (user-service).

The namespaces and their operations are generated from ``spec/user.json`` (``_generated/``).
"""

from __future__ import annotations

from .._core import environment_variables
from ._generated.client import AsyncHubUserClientNamespaces, HubUserClientNamespaces
from .environment import HubUserClientEnvironment

__all__ = ["AsyncHubUserClient", "HubUserClient"]


class HubUserClient(HubUserClientNamespaces):
    """Client of the User API: the signed-in user's profile and tokens, other users.

    Args:
        api_key: a personal access token, sent as ``X-Auth-Token``.
        base_url / environment / headers / timeout / max_retries / follow_redirects /
            httpx_client / logging: as for every client (see ``qhub.api.service``).

    Every namespace has a ``with_raw_response`` twin returning status, headers and data.
    """

    DEFAULT_ENVIRONMENT = HubUserClientEnvironment.DEFAULT
    BASE_URL_VARIABLE = environment_variables.USER_BASE_URL


class AsyncHubUserClient(AsyncHubUserClientNamespaces):
    """The async twin of :class:`HubUserClient`."""

    DEFAULT_ENVIRONMENT = HubUserClientEnvironment.DEFAULT
    BASE_URL_VARIABLE = environment_variables.USER_BASE_URL
