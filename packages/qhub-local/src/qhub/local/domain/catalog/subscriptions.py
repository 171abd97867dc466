"""Subscriptions: which applications may call which services through the gateway.

An application's subscriptions are stored with the application (identity), so that
deleting it removes them in the same transaction; the catalog adds the rules about services:
an application may subscribe only to a service its organization sees, and the gateway
refuses (403) an application that is not subscribed to the service it calls. The Hub's
default application is subscribed to every registered service, and to every managed
service of its organization once it is built.
"""

from __future__ import annotations

from ..errors import Forbidden
from ..identity import Applications, Caller, Subscription
from .records import Service, SubscriptionView
from .services import ServiceCatalog

__all__ = ["Subscriptions"]


class Subscriptions:
    """Subscriptions of an organization's applications to the services it sees."""

    def __init__(self, catalog: ServiceCatalog, applications: Applications) -> None:
        self._catalog = catalog
        self._applications = applications

    def subscribe(self, caller: Caller, service_id: str, application_id: str) -> SubscriptionView:
        """Subscribe an application of the caller's organization to a service it sees.

        Raises:
            NotFound: unknown service or application, or another organization's.
            Forbidden: the caller is not a maintainer or owner.
            Conflict: the application is already subscribed to the service.
        """
        self._catalog.entry(caller.organization_id, service_id)
        subscription = self._applications.subscribe(caller, application_id, service_id)
        return self._view(caller, subscription)

    def get(self, caller: Caller, subscription_id: str) -> SubscriptionView:
        """A subscription of the caller's organization.

        Raises:
            NotFound: unknown, or another organization's.
        """
        return self._view(caller, self._applications.subscription(caller, subscription_id))

    def delete(self, caller: Caller, subscription_id: str) -> None:
        """Delete a subscription.

        Raises:
            NotFound: unknown, or another organization's.
            Forbidden: the caller is not a maintainer or owner.
        """
        self._applications.unsubscribe(caller, subscription_id)

    def of_application(self, caller: Caller, application_id: str) -> list[SubscriptionView]:
        """An application's subscriptions, oldest first.

        Raises:
            NotFound: unknown application, or another organization's.
        """
        self._applications.get(caller, application_id)
        found = self._applications.subscriptions(caller, application_id=application_id)
        return [self._view(caller, s) for s in found]

    def of_service(self, caller: Caller, service_id: str) -> list[SubscriptionView]:
        """The subscriptions of the caller's organization to a service, oldest first.

        Raises:
            NotFound: unknown service, or another organization's.
        """
        self._catalog.entry(caller.organization_id, service_id)
        found = self._applications.subscriptions(caller, service_id=service_id)
        return [self._view(caller, s) for s in found]

    def require(self, application_id: str, service: Service) -> None:
        """Refuse a gateway call of an application that is not subscribed to the service.

        Raises:
            Forbidden: no subscription.
        """
        if not self._applications.is_subscribed(application_id, service.id):
            raise Forbidden(
                f"the application is not subscribed to service {service.id!r};"
                " subscribe it through the Platform API (POST /subscriptions)"
            )

    def subscribe_to_all(self, application_id: str) -> None:
        """Subscribe an application to every served service it isn't subscribed to: every
        registered one, and the managed ones of its organization."""
        organization = self._applications.organization_of(application_id)
        for entry in self._catalog.served_entries():
            if not entry.managed or entry.organization_id == organization:
                self._applications.ensure_subscribed(application_id, entry.service.id)

    def subscribe_defaults(self, service_id: str, organization_id: str) -> None:
        """Subscribe the Hub's default application (and the others it subscribes to every
        service) to a managed service of their organization that is now served."""
        for application_id in self._applications.subscribed_to_everything():
            if self._applications.organization_of(application_id) == organization_id:
                self._applications.ensure_subscribed(application_id, service_id)

    def _view(self, caller: Caller, subscription: Subscription) -> SubscriptionView:
        application = self._applications.get(caller, subscription.application_id)
        entry = self._catalog.entry_by_id(subscription.service_id)
        if entry is not None and entry.organization_id != caller.organization_id:
            entry = None
        return SubscriptionView(subscription, application, entry)
