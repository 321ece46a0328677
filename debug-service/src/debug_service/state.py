"""What the routes share, kept on `app.state.service` for the life of the app."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection
from vr_common.log_entry import LogLimits

from debug_service.access import AccessPolicy
from debug_service.disk_guard import DiskGuard
from debug_service.errors import ApiError
from debug_service.monitor import Monitor
from debug_service.pipeline import LogPipeline
from debug_service.ratelimit import RateLimiter
from debug_service.settings import Settings


@dataclass(slots=True)
class ServiceState:
    settings: Settings
    limits: LogLimits
    pipeline: LogPipeline
    access: AccessPolicy
    limiter: RateLimiter
    monitor: Monitor
    disk: DiskGuard


def get_state(conn: HTTPConnection) -> ServiceState:
    state: ServiceState = conn.app.state.service
    return state


def require_operator(conn: HTTPConnection) -> ServiceState:
    state = get_state(conn)
    if not state.access.is_trusted(conn):
        raise ApiError(
            401,
            "unauthorized",
            "the operator token is required (Authorization: Bearer <DEBUG_TOKEN>)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return state
