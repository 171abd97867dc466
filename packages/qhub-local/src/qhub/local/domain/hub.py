"""The local Hub's domain, assembled: one object per bounded context over one database.

No HTTP here: the routers in ``qhub.local.http`` call these contexts' services and turn
:class:`~qhub.local.domain.errors.DomainError` into error responses.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..runner import WorkspaceRunner
from ..simulation import simulator_pool
from .catalog import CatalogStore, ManagedServices, ServiceCatalog, ServiceEditor, Subscriptions
from .changes import Changes
from .datapools import DataPools, DataPoolStore
from .executions import ExecutionHistory, Executions, ExecutionStore
from .generic import GenericResources, GenericStore, NotifyingRunner
from .identity import (
    Application,
    Applications,
    ApplicationStore,
    Caller,
    IdentityStore,
    Members,
    OrganizationImages,
    Organizations,
    ProviderTokens,
    SecretBox,
    TokenSigner,
    Users,
)
from .quantum import Quantum
from .store import Database

__all__ = ["Credentials", "Hub"]


@dataclass(frozen=True)
class Credentials:
    """The plain credentials of the Hub's default application and user (shown once)."""

    application_id: str
    access_key_id: str
    secret_access_key: str
    personal_access_token: str
    organization_id: str


class Hub:
    """The Hub's bounded contexts over a data directory.

    Attributes:
        users / organizations / members / applications: identity.
        provider_tokens / organization_images: organizations' and users' provider tokens
            (sealed) and organizations' images.
        catalog / subscriptions: the served services, and who may call them.
        managed_services / service_editor: services made, built and changed through the
            Platform API.
        datapools: data pools and their grants.
        executions: service executions run by the gateway.
        execution_history: the Platform's organization-wide view of them.
        runner: runs them; its ``isolation`` says how they are kept from the Hub's files.
        quantum: the Quantum API's backends, jobs, sessions and workloads.
        generic: the Platform's other namespaces, stored as the spec describes them.
        signer: signs every token the Hub issues (its ``clock`` can be swapped in tests).

    Args:
        data_dir: where the database, signing key, executions and data pools live.
        token_ttl: lifetime of gateway access tokens, seconds.
        anonymous: accept any bearer token at the gateway (as the built-in anonymous app).
        clock: wall-clock seconds, for token expiry (injectable for tests).
        max_parallel: executions running at once.
        service_python: the interpreter every service workspace runs in (None: the
            workspace's own ``.venv`` when it has one, else the Hub's).
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        token_ttl: float = 3600.0,
        anonymous: bool = False,
        clock: Callable[[], float] = time.time,
        max_parallel: int = 32,
        service_python: Path | None = None,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database = Database(self.data_dir / "hub.sqlite3")
        key = self._signing_key()
        self.signer = TokenSigner(key, clock)
        identity = IdentityStore(self.database)
        self.users = Users(identity)
        self.organizations = Organizations(self.database, identity, self.users, self.signer)
        self.members = Members(identity, self.organizations)
        box = SecretBox(key)
        self.provider_tokens = ProviderTokens(identity.provider_tokens, self.organizations, box)
        self.organization_images = OrganizationImages(
            self.data_dir / "organization-images", identity, self.organizations
        )
        self.organizations.on_deleted.append(self.organization_images.forget)
        home = self.organizations.ensure_default()
        self.applications = Applications(
            ApplicationStore(self.database),
            self.signer,
            box,
            token_ttl=token_ttl,
            anonymous=anonymous,
            home_organization=home,
        )
        catalog_store = CatalogStore(self.database)
        self.catalog = ServiceCatalog(home, catalog_store, self.data_dir / "managed-services")
        self.subscriptions = Subscriptions(self.catalog, self.applications)
        self.managed_services = ManagedServices(
            catalog_store, self.catalog, self.subscriptions, self.applications
        )
        self.service_editor = ServiceEditor(self.catalog, catalog_store, self.managed_services)
        self.datapools = DataPools(
            DataPoolStore(self.database),
            self.signer,
            self.applications,
            self.data_dir / "datapools",
            organizations=self.organizations,
            users=self.users,
        )
        self.generic = GenericResources(GenericStore(self.database), self.organizations.role_in)
        #: Told when a job or an execution changes: what held polls watch.
        self.changes = Changes()
        execution_store = ExecutionStore(self.database, self.changes)
        self.runner = WorkspaceRunner(
            max_parallel=max_parallel, python=service_python, private_paths=[self.data_dir]
        )
        self.executions = Executions(
            execution_store,
            NotifyingRunner(
                self.runner, execution_store.get, self.generic, self.database.eventually
            ),
            self.organizations,
            self.datapools,
            self.data_dir / "executions",
            applications=self.applications,
            subscriptions=self.subscriptions,
        )
        self.execution_history = ExecutionHistory(
            execution_store, self.executions, self.applications
        )
        self.quantum = Quantum(self.database, simulator_pool(), self.changes)
        self.executions.recover_interrupted()
        self.managed_services.recover_interrupted()

    def _signing_key(self) -> bytes:
        path = self.data_dir / "signing.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(secrets.token_bytes(32))
        return path.read_bytes()

    def bootstrap(self, previous: dict[str, Any] | None = None) -> Credentials:
        """Ensure the default organization, application (subscribed to every registered
        service), user, token and data pool exist, and every user's own organization.

        ``previous`` is the last ``connection.json``: its secrets are kept if they still
        match the stored hashes. Otherwise the application's secret is the sealed copy the
        Hub keeps, and the personal access token a new one (tokens are stored hashed only).
        """
        organization_id = self.organizations.ensure_default()
        old_app = (previous or {}).get("application") or {}
        app, secret = self.applications.ensure_default(old_app.get("secret_access_key") or "")
        self.users.ensure_user(organization_id, "local")
        self.organizations.ensure_homes()
        for application_id in self.applications.subscribed_to_everything():
            self.subscriptions.subscribe_to_all(application_id)
        token = (previous or {}).get("personal_access_token") or ""
        if self.users.organization_of(token) != organization_id:
            token = self.users.issue_default_token(organization_id)
        self.datapools.ensure_default(organization_id)
        return Credentials(app.id, app.access_key_id, secret, token, organization_id)

    def add_user(self, organization_id: str | None = None) -> tuple[str, str]:
        """Another user, in their own organization (a new one unless given): their default
        personal access token and organization id. Only the token's hash is stored."""
        organization = organization_id or str(uuid.uuid4())
        user = self.users.ensure_user(organization, f"user{self.users.count() + 1}")
        self.organizations.ensure_home(user)
        return self.users.issue_default_token(organization), organization

    def create_application(self, name: str) -> tuple[Application, str]:
        """A new application of the default organization, subscribed to every registered
        service like the default one, and its plain secret."""
        owner = Caller(self.applications.home_organization, role="OWNER")
        app, secret = self.applications.create(owner, name)
        self.subscriptions.subscribe_to_all(app.id)
        return app, secret

    def close(self) -> None:
        """Stop running builds, executions and jobs, and close the database."""
        self.managed_services.close()
        self.executions.close()
        self.quantum.close()
        self.database.close()
