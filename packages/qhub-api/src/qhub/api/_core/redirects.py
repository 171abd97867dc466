"""Which redirects the pipeline follows, and how.

Redirects (when ``follow_redirects``): GET and HEAD follow any redirect, and credentials
never go to another origin; other methods follow only a 307 or 308 to the same origin (the
method and body are kept). A 301/302/303 answer to a POST, PUT, PATCH or DELETE, a 307/308
to another origin for them, a loop or more than ``MAX_REDIRECTS`` hops raise
:class:`RedirectError`.
"""

from __future__ import annotations

import httpx

from .auth import CREDENTIAL_HEADERS
from .calls import ClientSettings
from .errors import RedirectError

__all__ = ["KEEPS_METHOD_REDIRECTS", "MAX_REDIRECTS", "SAFE_METHODS", "RedirectRules"]

MAX_REDIRECTS = 20
#: Methods a 301/302/303 may turn into a GET without changing what the call means.
SAFE_METHODS = frozenset({"GET", "HEAD"})
#: The redirects that must repeat the method and body as they are.
KEEPS_METHOD_REDIRECTS = frozenset({307, 308})


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _plain(url: httpx.URL) -> str:
    return str(url.copy_with(query=None, fragment=None))


class RedirectRules:
    """The pipeline's part that follows redirects (a base of :class:`.PipelineBase`)."""

    settings: ClientSettings

    def _redirect(
        self,
        response: httpx.Response,
        first: httpx.Request,
        auth: httpx.Auth | None,
        visited: list[httpx.URL],
    ) -> tuple[httpx.Request, httpx.Auth | None] | None:
        """The next hop of a redirect, stripped of credentials when it leaves the origin.

        Raises:
            RedirectError: the redirect would change the method of a non-GET/HEAD request,
                send its body to another origin, loop, or exceed ``MAX_REDIRECTS`` hops.
        """
        following = response.next_request
        if following is None or not self.settings.follow_redirects:
            return None
        method = response.request.method
        status = response.status_code
        leaves_origin = _origin(following.url) != _origin(first.url)

        def refuse(reason: str) -> RedirectError:
            return RedirectError(
                reason,
                method=method,
                url=str(response.request.url),
                location=str(following.url),
                status_code=status,
                headers=response.headers,
            )

        if method not in SAFE_METHODS:
            if status not in KEEPS_METHOD_REDIRECTS:
                raise refuse(
                    f"not followed, as a {status} may turn the {method} into a GET without its "
                    f"body (a {method} follows only 307 and 308 redirects)"
                )
            if leaves_origin:
                raise refuse(
                    f"not followed, as the {method} and its body would go to another origin"
                )
        if following.url in visited:
            loop = " -> ".join(_plain(url) for url in [*visited, following.url])
            raise refuse(f"a redirect loop ({loop})")
        if len(visited) > MAX_REDIRECTS:
            raise refuse(f"more than {MAX_REDIRECTS} redirects from {_plain(first.url)}")
        if leaves_origin:
            for name in CREDENTIAL_HEADERS:
                following.headers.pop(name, None)
            auth = None
        return following, auth
