"""Liveness (`/api/health`, no dependencies) and the status of every service (`/api/status`)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from vr_common.service_status import ServiceHealth as Status

router = APIRouter(prefix="/api", tags=["health"])


class ServiceStatus(BaseModel):
    status: Status
    latency_ms: float
    message: str | None = None


class StatusPublic(BaseModel):
    overall: Status
    timestamp: datetime
    services: dict[str, ServiceStatus]


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


async def _debug_service_status(request: Request) -> ServiceStatus:
    url: str | None = request.app.state.settings.debug_service_url
    if not url:
        return ServiceStatus(
            status="unconfigured", latency_ms=0, message="DEBUG_SERVICE_URL not set"
        )
    client: httpx.AsyncClient = request.app.state.http
    started = time.perf_counter()
    try:
        response = await client.get(url.rstrip("/") + "/api/health", timeout=1.0)
        ok = response.status_code == 200
        message = None if ok else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        ok, message = False, f"unreachable ({type(exc).__name__})"
    latency = round((time.perf_counter() - started) * 1000, 2)
    return ServiceStatus(
        status="healthy" if ok else "unhealthy", latency_ms=latency, message=message
    )


@router.get("/status", response_model=StatusPublic, responses={503: {"model": StatusPublic}})
async def status(request: Request) -> JSONResponse:
    """200 while rooms can be created and joined (503 if the SFU is down); a dead debug
    service only degrades the answer, since calls still work without it."""
    sfu = await request.app.state.sfu_health.current(fresh=True)
    services = {
        "backend": ServiceStatus(status="healthy", latency_ms=0),
        "sfu": ServiceStatus(
            status="healthy" if sfu.ok else "unhealthy",
            latency_ms=sfu.latency_ms,
            message=sfu.message,
        ),
        "debug": await _debug_service_status(request),
    }
    if not sfu.ok:
        overall: Status = "unhealthy"
    elif services["debug"].status == "unhealthy":
        overall = "degraded"
    else:
        overall = "healthy"
    body = StatusPublic(overall=overall, timestamp=datetime.now(UTC), services=services)
    return JSONResponse(body.model_dump(mode="json"), status_code=503 if not sfu.ok else 200)
