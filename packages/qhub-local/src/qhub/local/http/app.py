"""The local Hub's ASGI application: every API on one port."""

from __future__ import annotations

import fastapi.routing
from fastapi import FastAPI

from ..dashboard import router as dashboard_router
from ..domain import Hub
from .addresses import address_check_middleware
from .contract import ContractRecorder, response_validation_middleware
from .errors import ASGIApp, install_error_handlers, request_id_middleware
from .fast_paths import fast_reads
from .gateway import router as gateway_router
from .openapi import router as openapi_router
from .platform import PREFIX as PLATFORM_PREFIX
from .platform import router as platform_router
from .quantum import PREFIX as QUANTUM_PREFIX
from .quantum import router as quantum_router
from .token import router as token_router
from .user import router as user_router

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app"]

DEFAULT_MAX_BODY_BYTES = 16 << 20


def create_app(
    hub: Hub,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    validate_responses: bool = False,
    contract_recorder: ContractRecorder | None = None,
    fast_paths: bool = True,
) -> ASGIApp:
    """The ASGI app serving ``hub``: token endpoint, gateway, Platform, Quantum and User routes,
    our specs (``/openapi.json`` and each API's, see :mod:`.openapi`), and the dashboard at
    ``/`` (:mod:`qhub.local.dashboard`).

    Args:
        hub: the Hub to serve.
        max_body_bytes: the largest request body the gateway accepts.
        validate_responses: check every response a spec operation matches against the spec
            (:mod:`.contract`); a departure becomes a 500 naming it.
        contract_recorder: where validation records what it sees (default: the process-wide
            ``contract.recorder``).
        fast_paths: answer the reads waiters poll without FastAPI's routing when they find
            what they read (:mod:`.fast_paths`); False sends every request through the routes.

    Raises:
        SpecUnavailable: ``validate_responses`` without the spec documents.
    """
    # FastAPI's own document would describe our routers, not the contract: spec/ is served.
    app = FastAPI(title="qhub-local", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.hub = hub
    app.state.max_body_bytes = max_body_bytes
    install_error_handlers(app)
    app.include_router(dashboard_router)
    app.include_router(openapi_router)
    app.include_router(token_router)
    app.include_router(gateway_router)
    # Before the Platform's few hundred routes, which every request for a later router is
    # matched against first (the prefixes are disjoint, so the order changes nothing else).
    # These two routers made of routers get their prefix here: FastAPI prepares every route
    # of such a router included without a prefix, to check its paths, then throws that away.
    app.include_router(quantum_router, prefix=QUANTUM_PREFIX)
    app.include_router(platform_router, prefix=PLATFORM_PREFIX)
    app.include_router(user_router)
    _prepare_routes(app)
    served: ASGIApp = fast_reads(app, hub) if fast_paths else app
    if validate_responses:
        served = response_validation_middleware(served, contract_recorder=contract_recorder)
    # Outside the validation: refusing an address that is not text is the edge's, not a route's.
    return request_id_middleware(address_check_middleware(served))


def _prepare_routes(app: FastAPI) -> None:
    """Prepare every route now (their parameters, bodies and responses analysed): FastAPI
    otherwise prepares an included router's routes when a request first passes through it,
    and the first request to the Quantum API waited ~0.3 s for the Platform's."""
    # Private in FastAPI; versions without it prepared each route as it was added.
    walk = getattr(fastapi.routing, "_iter_routes_with_context", None)
    if walk is not None:
        for _ in walk(app.router.routes):
            pass
