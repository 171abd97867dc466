"""The local Hub's HTTP layer: module-level routers that read requests, call the services
of :class:`qhub.local.domain.Hub` and write each API's JSON shapes.

The modules FastAPI reads signatures from (routes and their dependencies, here and in
``qhub.local.dashboard``) leave out ``from __future__ import annotations``: FastAPI would
``eval`` each annotation's text for every route, twice (when it is declared and when the
app includes it), about 0.15 s of every start.
"""

from .app import create_app

__all__ = ["create_app"]
