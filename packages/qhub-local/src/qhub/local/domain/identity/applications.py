"""Applications, their access keys and subscriptions: the credentials the gateway's token
endpoint takes, and which services they may call.

An access key is an id and a secret; the secret is stored hashed (to check it) and sealed
(to show it again in the application's access keys). A valid key is exchanged for a
short-lived signed access token, which the gateway then accepts as a bearer token while the
application exists. Every application belongs to one organization; another organization
sees none of it.
"""

from __future__ import annotations

import functools
import sqlite3
import uuid
from collections.abc import Callable

from ..clock import utc_now
from ..errors import Conflict, NotFound, Unauthorized, Unprocessable
from .access import require_role
from .app_store import ApplicationStore
from .records import AccessKey, Application, Caller, Subscription
from .secrets import (
    ACCESS_TOKEN_KIND,
    SecretBox,
    TokenSigner,
    hash_secret,
    new_secret,
    secrets_match,
)

__all__ = ["ANONYMOUS_APPLICATION", "MAX_NAME_LENGTH", "Applications"]

#: The application every gateway caller acts as when the Hub runs ``anonymous``.
ANONYMOUS_APPLICATION = "anonymous"
MAX_NAME_LENGTH = 255


class Applications:
    """Applications, their access keys and subscriptions, and the gateway's access tokens.

    Args:
        store: the applications and subscriptions tables.
        signer: signs and verifies access tokens.
        box: seals secrets so they can be shown again.
        token_ttl: lifetime of access tokens, seconds.
        anonymous: accept any bearer token (as :data:`ANONYMOUS_APPLICATION`).
        home_organization: the Hub's default organization, where the default and the
            anonymous application belong.
    """

    def __init__(
        self,
        store: ApplicationStore,
        signer: TokenSigner,
        box: SecretBox,
        *,
        token_ttl: float,
        anonymous: bool,
        home_organization: str,
    ) -> None:
        self._store = store
        self._signer = signer
        self._box = box
        self.token_ttl = token_ttl
        self.anonymous = anonymous
        self.home_organization = home_organization

    # -- applications ----------------------------------------------------------------------

    def create(self, caller: Caller, name: str) -> tuple[Application, str]:
        """A new application of the caller's organization and its plain secret.

        Raises:
            Forbidden: the caller is not a maintainer or owner.
            Unprocessable: an empty or overlong name.
            Conflict: the organization has an application of that name.
        """
        require_role(caller, "MAINTAINER", "create applications")
        name = name.strip()
        if not name or len(name) > MAX_NAME_LENGTH:
            raise Unprocessable(f"name must be 1 to {MAX_NAME_LENGTH} characters")
        app = Application(
            str(uuid.uuid4()), name, new_secret("AK", 12), caller.organization_id, utc_now()
        )
        secret = new_secret("SK")
        if not self._store.add_application(app, hash_secret(secret), self._box.seal(secret)):
            raise Conflict(f"the organization already has an application named {name!r}")
        return app, secret

    def ensure_default(self, known_secret: str) -> tuple[Application, str]:
        """The Hub's first application and its secret: ``known_secret`` while it still
        matches the stored hash, else the sealed copy, else a new one (keys made before
        secrets were kept sealed can't be given back)."""
        app = self._store.first_application()
        if app is None:
            return self.create(Caller(self.home_organization, role="OWNER"), "default")
        stored = self._store.key(app_id=app.id)
        assert stored is not None
        secret = known_secret
        if not secrets_match(secret, stored.secret_hash):
            secret = self._open(stored.sealed_secret) or new_secret("SK")
        if secret != known_secret or stored.sealed_secret is None or not app.organization_id:
            self._store.set_application_secret(
                app.id, hash_secret(secret), self._box.seal(secret), self.home_organization
            )
        return self._store.application(app.id) or app, secret

    def _open(self, sealed: str | None) -> str | None:
        """A sealed secret, or None when there is none or it won't open (another key)."""
        if sealed is None:
            return None
        try:
            return self._box.open(sealed)
        except ValueError:
            return None

    def subscribed_to_everything(self) -> list[str]:
        """The applications the Hub subscribes to every registered service when it starts:
        the default one, and those made before subscriptions existed (they could call every
        service then)."""
        default = self._store.first_application()
        legacy = self._store.applications_before_subscriptions()
        ids = ([default.id] if default else []) + legacy
        return [app_id for app_id in dict.fromkeys(ids) if self._store.application(app_id)]

    def is_default(self, application_id: str) -> bool:
        """Whether this is the Hub's default application (its keys are in connection.json)."""
        first = self._store.first_application()
        return first is not None and first.id == application_id

    def of(self, caller: Caller) -> list[Application]:
        """The caller's organization's applications, oldest first."""
        return self._store.applications(caller.organization_id)

    def get(self, caller: Caller, application_id: str) -> Application:
        """An application of the caller's organization.

        Raises:
            NotFound: unknown, or another organization's.
        """
        app = self._store.application(application_id)
        if app is None or app.organization_id != caller.organization_id:
            raise NotFound(f"no application {application_id!r}")
        return app

    def delete(self, caller: Caller, application_id: str) -> None:
        """Delete an application with its subscriptions: its access key and the access tokens
        issued for it stop working at once.

        Raises:
            NotFound: unknown, or another organization's.
            Forbidden: the caller is not a maintainer or owner.
            Conflict: the Hub's default application (its keys are in connection.json).
        """
        app = self.get(caller, application_id)
        require_role(caller, "MAINTAINER", "delete applications")
        if self.is_default(app.id):
            raise Conflict("the Hub's default application can't be deleted")
        self._store.delete_application(app.id)

    def access_keys(self, caller: Caller, application_id: str) -> list[AccessKey]:
        """The application's access keys (one), with the secret when the Hub has it sealed.

        Raises:
            NotFound: unknown, or another organization's.
        """
        app = self.get(caller, application_id)
        stored = self._store.key(app_id=app.id)
        if stored is None:
            raise NotFound(f"no application {application_id!r}")
        return [AccessKey(app.id, app.access_key_id, self._open(stored.sealed_secret))]

    def exists(self, application_id: str) -> bool:
        """Whether the application exists (the anonymous one always does)."""
        return (
            application_id == ANONYMOUS_APPLICATION
            or self._store.application(application_id) is not None
        )

    def organization_of(self, application_id: str) -> str | None:
        """The organization an application belongs to (None when it does not exist)."""
        if application_id == ANONYMOUS_APPLICATION:
            return self.home_organization
        app = self._store.application(application_id)
        return app.organization_id if app else None

    # -- gateway credentials ---------------------------------------------------------------

    def issue_access_token(self, access_key_id: str, secret_access_key: str) -> str:
        """A gateway access token for a valid access key.

        Raises:
            Unauthorized: unknown key or wrong secret.
        """
        found = self._store.key(access_key_id=access_key_id)
        if found is None or not secrets_match(secret_access_key, found.secret_hash):
            raise Unauthorized("unknown access key id or wrong secret access key")
        claims = {"kind": ACCESS_TOKEN_KIND, "sub": found.application.id}
        return self._signer.issue(claims, self.token_ttl)

    def application_for_bearer(self, token: str | None) -> str:
        """The application id a gateway bearer token belongs to.

        Raises:
            Unauthorized: no token, an invalid or expired one, or one whose application has
                been deleted (unless anonymous).
        """
        if self.anonymous:
            return ANONYMOUS_APPLICATION
        if not token:
            raise Unauthorized("a bearer token is required (Authorization: Bearer <token>)")
        application_id = str(self._signer.verify(token, kind=ACCESS_TOKEN_KIND)["sub"])
        if self._store.application(application_id) is None:
            raise Unauthorized("the application of this access token has been deleted")
        return application_id

    # -- subscriptions (which services exist is the catalog's business) --------------------

    def subscribe(self, caller: Caller, application_id: str, service_id: str) -> Subscription:
        """Subscribe an application of the caller's organization to a service.

        Raises:
            NotFound: unknown application, or another organization's.
            Forbidden: the caller is not a maintainer or owner.
            Conflict: the application is already subscribed to the service.
        """
        app = self.get(caller, application_id)
        require_role(caller, "MAINTAINER", "subscribe applications to services")
        subscription = Subscription(
            str(uuid.uuid4()), app.organization_id, app.id, service_id, utc_now()
        )
        if not self._store.add_subscription(subscription):
            raise Conflict(f"application {app.name!r} is already subscribed to {service_id!r}")
        return subscription

    def ensure_subscribed(self, application_id: str, service_id: str) -> None:
        """Subscribe an application of any organization to a service unless it is already
        (the Hub's own wiring: the default application to every registered service)."""
        organization = self.organization_of(application_id)
        if organization is not None and not self.is_subscribed(application_id, service_id):
            subscription = Subscription(
                str(uuid.uuid4()), organization, application_id, service_id, utc_now()
            )
            self._store.add_subscription(subscription)

    def subscription(self, caller: Caller, subscription_id: str) -> Subscription:
        """A subscription of the caller's organization.

        Raises:
            NotFound: unknown, or another organization's.
        """
        found = self._store.subscription(subscription_id)
        if found is None or found.organization_id != caller.organization_id:
            raise NotFound(f"no subscription {subscription_id!r}")
        return found

    def unsubscribe(self, caller: Caller, subscription_id: str) -> None:
        """Delete a subscription: the application's next gateway call to the service is 403.

        Raises:
            NotFound: unknown, or another organization's.
            Forbidden: the caller is not a maintainer or owner.
        """
        found = self.subscription(caller, subscription_id)
        require_role(caller, "MAINTAINER", "delete subscriptions")
        self._store.delete_subscription(found.id)

    def subscriptions(
        self,
        caller: Caller,
        *,
        application_id: str | None = None,
        service_id: str | None = None,
    ) -> list[Subscription]:
        """The caller's organization's subscriptions, oldest first, of one application and/or
        to one service when given."""
        return [
            s
            for s in self._store.subscriptions(caller.organization_id)
            if application_id in (None, s.application_id) and service_id in (None, s.service_id)
        ]

    def subscriptions_remover(self, service_id: str) -> Callable[[sqlite3.Connection], None]:
        """A step that deletes every subscription to a service, for the transaction that
        deletes the service."""
        return functools.partial(ApplicationStore.delete_subscriptions_to, service_id=service_id)

    def is_subscribed(self, application_id: str, service_id: str) -> bool:
        """Whether an application may call a service (the anonymous one may call any)."""
        return (
            application_id == ANONYMOUS_APPLICATION
            or self._store.find_subscription(application_id, service_id) is not None
        )
