"""The httpx clients the SDK makes, with a cookie jar that reads only responses setting one.

httpx hands every response to the standard library's ``http.cookiejar`` to find cookies to
keep, whether the response sets any or not: about a tenth of the client's time on a small
call to a local Hub. The Hub's APIs rarely set cookies; when a response does (a load
balancer's affinity cookie, say), it is kept and sent back exactly as httpx would.

A client injected by the caller (``httpx_client=``) is left as it is.
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import Any

import httpx

__all__ = ["SdkAsyncClient", "SdkClient", "SetCookieJar"]

#: What httpx takes as cookies.
CookieTypes = httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]]


class SetCookieJar(httpx.Cookies):
    """``httpx.Cookies`` that skips a response without ``Set-Cookie`` headers."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep the cookies ``response`` sets, if it sets any."""
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class _SetCookieJarClient:
    """Gives an httpx client a :class:`SetCookieJar` (through its public ``cookies``
    property, which is how httpx reads and stores the client's cookies)."""

    _jar: SetCookieJar

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._jar = SetCookieJar(kwargs.get("cookies"))

    @property
    def cookies(self) -> httpx.Cookies:
        """The client's cookies."""
        return self._jar

    @cookies.setter
    def cookies(self, cookies: CookieTypes) -> None:
        self._jar = SetCookieJar(cookies)


class SdkClient(_SetCookieJarClient, httpx.Client):
    """``httpx.Client`` with a :class:`SetCookieJar`."""


class SdkAsyncClient(_SetCookieJarClient, httpx.AsyncClient):
    """``httpx.AsyncClient`` with a :class:`SetCookieJar`."""
