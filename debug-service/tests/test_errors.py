import sqlite3

import httpx
from debug_service.errors import EXCEPTION_HANDLERS, ApiError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def api_error(request: Request) -> Response:
    raise ApiError(429, "rate_limited", "slow down", headers={"Retry-After": "3"}, details=["x"])


async def storage_error(request: Request) -> Response:
    raise sqlite3.OperationalError("database is locked")


async def bug(request: Request) -> Response:
    raise RuntimeError("a bug")


APP = Starlette(
    routes=[Route("/api", api_error), Route("/storage", storage_error), Route("/bug", bug)],
    exception_handlers=EXCEPTION_HANDLERS,
)


async def test_every_error_is_json() -> None:
    transport = httpx.ASGITransport(app=APP, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/api")
        assert response.status_code == 429
        assert response.headers["retry-after"] == "3"
        assert response.json() == {
            "error": {"code": "rate_limited", "message": "slow down", "details": ["x"]}
        }
        response = await client.get("/storage")
        assert (response.status_code, response.json()["error"]["code"]) == (
            503,
            "storage_unavailable",
        )
        response = await client.get("/bug")
        assert (response.status_code, response.json()["error"]["code"]) == (500, "internal_error")
        assert "a bug" not in response.text
        response = await client.post("/api")
        assert (response.status_code, response.json()["error"]["code"]) == (
            405,
            "method_not_allowed",
        )
