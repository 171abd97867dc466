"""The Platform API's JSON shapes (camelCase, as ``spec/platform.json`` declares them): every
response body of the Platform routes is built here, and only the fields the spec's schemas
declare are sent (our strict client refuses others)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from ...domain.catalog import CatalogEntry, SubscriptionView
from ...domain.executions import Execution, LogLine, ResultView
from ...domain.identity import (
    AccessKey,
    AccessToken,
    Application,
    Member,
    Membership,
    Organization,
    OrganizationView,
    Role,
)
from ...domain.listing import Page
from ..wire import iso

__all__ = [
    "access_key_json",
    "access_permission_json",
    "access_token_json",
    "account_json",
    "application_json",
    "execution_json",
    "execution_page_json",
    "logs_json",
    "member_json",
    "organization_json",
    "pricing_plan_json",
    "profile_json",
    "result_json",
    "search_result_json",
    "service_json",
    "service_overview_json",
    "subscription_json",
]

Item = TypeVar("Item")

#: Locally every account is a standard one.
ACCOUNT_TYPE = "STANDARD"
#: Every local service is a managed one (a workspace the Hub runs).
SERVICE_TYPE = "MANAGED"


# -- organizations -------------------------------------------------------------------------


def organization_json(view: OrganizationView) -> dict[str, Any]:
    """An ``OrganizationDto``: the organization as the caller sees it."""
    return {
        "currentUserPermission": view.role,
        "id": view.organization.id,
        "name": view.organization.name,
        "displayName": view.organization.display_name,
        "accountType": ACCOUNT_TYPE,
        "imageUrl": None,
        "userLastOwner": view.last_owner,
        "isUserLastOwner": view.last_owner,
    }


def profile_json(organization: Organization) -> dict[str, Any]:
    """An ``OrganizationProfileDto``."""
    return {
        "id": organization.id,
        "name": organization.name,
        "displayName": organization.display_name,
        "imageUrl": None,
    }


def search_result_json(organization: Organization) -> dict[str, Any]:
    """An ``OrganizationSearchResultDto``."""
    return {"id": organization.id, "displayName": organization.display_name}


def account_json(view: OrganizationView) -> dict[str, Any]:
    """An ``AccountDto``: an organization the user may act for."""
    return {
        "id": view.organization.id,
        "tenantType": "ORGANIZATION",
        "displayName": view.organization.display_name,
        "role": view.role,
        "accountType": ACCOUNT_TYPE,
        "organization": True,
        "isOrganization": True,
    }


def member_json(member: Member) -> dict[str, Any]:
    """A ``MemberDto`` (every local member is a user, added at once: no pending invitation)."""
    user = member.user
    name = " ".join(part for part in (user.firstname, user.lastname) if part) or user.username
    return {
        "id": user.id,
        "displayName": name,
        "accessPermissionRole": member.membership.role,
        "principal": True,
        "invitationPending": False,
        "sid": user.id,
        "isPrinciple": True,
    }


def access_permission_json(membership: Membership) -> dict[str, Any]:
    """An ``AccessPermissionDto``: a member's role."""
    return {
        "sid": membership.user_id,
        "accessPermissionRole": membership.role,
        "principal": True,
        "isPrinciple": True,
    }


def access_token_json(token: AccessToken) -> dict[str, Any]:
    """An ``AccessToken`` (the personal access token's metadata, never its value)."""
    return {
        "id": token.id,
        "name": token.name,
        "createdAt": iso(token.created_at),
        "usedAt": iso(token.used_at),
        "expiresAt": iso(token.expires_at),
    }


# -- applications and subscriptions --------------------------------------------------------


def application_json(application: Application, role: Role | None) -> dict[str, Any]:
    """An ``ApplicationDto``."""
    return {
        "currentUserPermission": role,
        "id": application.id,
        "name": application.name,
        "createdAt": iso(application.created_at),
    }


def access_key_json(key: AccessKey) -> dict[str, Any]:
    """An ``AccessKey``: the id and secret the gateway's token endpoint takes."""
    return {
        "type": "SERVICE_GATEWAY",
        "accessKeyId": key.access_key_id,
        "secretAccessKey": key.secret_access_key,
    }


def pricing_plan_json(entry: CatalogEntry) -> dict[str, Any]:
    """A ``PricingPlanDto``: the one a managed service was given, else free."""
    managed = entry.managed_service
    plan = managed.configuration.get("pricingPlan") if managed is not None else None
    if isinstance(plan, dict):
        return {
            "id": f"{entry.service.definition_id}-{str(plan.get('type', 'FREE')).lower()}",
            "type": plan.get("type"),
            "profitPercentage": plan.get("profitPercentage"),
        }
    return {"id": f"{entry.service.definition_id}-free", "type": "FREE", "profitPercentage": 0}


def subscription_json(view: SubscriptionView, role: Role | None, base_url: str) -> dict[str, Any]:
    """A ``SubscriptionDto``: the application, the service it may call and its plan (a
    service no longer registered shows its id only)."""
    entry = view.entry
    service: dict[str, Any] = {"id": view.subscription.service_id}
    if entry is not None:
        service = {
            "id": entry.service.id,
            "serviceDefinitionId": entry.service.definition_id,
            "name": entry.service.name,
            "type": SERVICE_TYPE,
            "lifecycle": entry.lifecycle,
            "context": entry.service.context,
            "version": entry.service.version,
            "gatewayEndpoint": base_url + entry.service.path,
        }
    return {
        "id": view.subscription.id,
        "application": application_json(view.application, role),
        "service": service,
        "pricingPlan": pricing_plan_json(entry) if entry is not None else None,
    }


# -- services ------------------------------------------------------------------------------


def service_overview_json(entry: CatalogEntry) -> dict[str, Any]:
    """A ``ServiceOverviewDto``."""
    return {
        "id": entry.service.id,
        "serviceDefinitionId": entry.service.definition_id,
        "name": entry.service.name,
        "displayName": entry.display_name,
        "type": SERVICE_TYPE,
        "lifecycle": entry.lifecycle,
        "createdAt": iso(entry.registered_at),
    }


def service_json(entry: CatalogEntry, role: Role | None, base_url: str) -> dict[str, Any]:
    """A ``ServiceDto`` with its one version; a managed service's also with its source and
    configurations (its gateway URL is the one it is served at once built)."""
    service = entry.service
    definition: dict[str, Any] = {
        "id": service.definition_id,
        "version": service.version,
        "name": service.name,
        "context": service.context,
        "summary": entry.details.summary,
        "gatewayEndpoint": base_url + service.path,
        "type": SERVICE_TYPE,
        "pricingPlans": [pricing_plan_json(entry)],
        "lifecycle": entry.lifecycle,
        "createdAt": iso(entry.registered_at),
    }
    managed = entry.managed_service
    if managed is not None:
        definition["source"] = {"type": managed.source_type}
        definition["configurations"] = managed.configuration.get("resourceConfigurations", [])
        definition["runtimeConfiguration"] = managed.configuration.get("runtimeConfiguration")
    return {
        "currentUserPermission": role,
        "id": service.id,
        "name": service.name,
        "displayName": entry.display_name,
        "serviceDefinitions": [definition],
        "contacts": list(entry.details.contacts),
        "links": list(entry.details.links),
    }


# -- service executions --------------------------------------------------------------------


def execution_json(execution: Execution) -> dict[str, Any]:
    """A ``ServiceExecutionDto`` (the same fields, and values, as the gateway's execution)."""
    return {
        "id": execution.id,
        "createdAt": iso(execution.created_at),
        "startedAt": iso(execution.started_at),
        "endedAt": iso(execution.ended_at),
        "status": execution.status,
        "type": SERVICE_TYPE,
        "serviceId": execution.address.id,
        "serviceDefinitionId": execution.address.definition_id,
        "applicationId": execution.application_id,
        "tags": execution.tags,
    }


def _sort_json(sort: Sequence[str]) -> list[dict[str, str]]:
    orders = []
    for spec in sort:
        name, _, direction = spec.partition(",")
        orders.append({"property": name.strip(), "direction": (direction.strip() or "asc").upper()})
    return orders


def page_json(
    page: Page[Item], item_json: Callable[[Item], dict[str, Any]], sort: Sequence[str]
) -> dict[str, Any]:
    """A Spring page (``PageResponse…``): every field the spec requires."""
    return {
        "content": [item_json(item) for item in page.content],
        "page": page.page,
        "size": page.size,
        "totalElements": page.total_elements,
        "totalPages": page.total_pages,
        "first": page.page == 0,
        "last": page.page + 1 >= page.total_pages,
        "number": page.page,
        "numberOfElements": len(page.content),
        "empty": not page.content,
        "sort": _sort_json(sort),
    }


def execution_page_json(page: Page[Execution], sort: Sequence[str]) -> dict[str, Any]:
    """A ``PageResponseServiceExecutionDto``."""
    return page_json(page, execution_json, sort)


def _log_entry_json(line: LogLine) -> dict[str, Any]:
    return {"message": line.message, "severity": line.severity, "timestamp": iso(line.timestamp)}


def logs_json(first: LogLine | None, last: LogLine | None) -> dict[str, Any]:
    """A ``ServiceExecutionLogs``: as the spec declares it, the first and the last entry and
    whether there are any (the whole log is the gateway's ``/log``)."""
    return {
        "first": _log_entry_json(first) if first else None,
        "last": _log_entry_json(last) if last else None,
        "empty": first is None,
    }


def result_json(view: ResultView, execution_url: str) -> dict[str, Any]:
    """An execution's result as the gateway shows it (its JSON output, ``_links`` to its
    status and result files, the execution under ``_embedded.status``), with the links
    pointing at the Platform's ``/service-executions/{id}`` routes."""
    links: dict[str, Any] = {"status": {"href": execution_url}}
    for name in view.files:
        links[name] = {"href": f"{execution_url}/results/{quote(name, safe='')}"}
    body: dict[str, Any] = {
        k: v for k, v in (view.output or {}).items() if k not in ("_links", "_embedded")
    }
    body["_links"] = links
    body["_embedded"] = {"status": execution_json(view.execution)}
    return body
