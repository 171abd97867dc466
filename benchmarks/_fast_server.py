"""A minimal fast gateway stand-in for overhead measurements: GET /{id} returns one execution.

Run as ``python _fast_server.py PORT``; it serves until killed. Kept trivial so that the
measured difference between two clients is the clients' own cost.
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = (
    b'{"id":"e1","status":"RUNNING","createdAt":"2026-11-23T05:00:00.000Z",'
    b'"startedAt":"2026-11-23T05:00:01.000Z","endedAt":null,"type":"MANAGED",'
    b'"serviceId":"svc","serviceDefinitionId":"def","applicationId":"app","tags":["bench"]}'
)


async def status(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/gw/{id}", status)])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
