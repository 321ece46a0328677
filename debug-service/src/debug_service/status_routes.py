"""`GET /api/health` (this service) and `GET /api/services` (every monitored service)."""

from __future__ import annotations

import sqlite3

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from debug_service.errors import error_response
from debug_service.state import get_state


async def health(request: Request) -> JSONResponse:
    try:
        await get_state(request).pipeline.check()
    except sqlite3.Error as exc:
        return error_response(503, "storage_unavailable", f"the log database cannot be read: {exc}")
    return JSONResponse({"status": "ok"})


async def services(request: Request) -> JSONResponse:
    return JSONResponse({"services": get_state(request).monitor.snapshot()})


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/services", services, methods=["GET"]),
]
