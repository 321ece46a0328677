"""Shared request dependencies, as `Annotated` aliases the routers use directly.

All are `async def`: FastAPI runs plain `def` dependencies in a thread pool, and a thread hop
per dependency per request costs more than the dependency itself.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from video_rooms.api.errors import ApiError, unauthorized
from video_rooms.ids import ROOM_ID_PATTERN
from video_rooms.rooms.service import RoomService
from video_rooms.settings import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_room_service(request: Request) -> RoomService:
    service: RoomService = request.app.state.room_service
    return service


# Declares the scheme in the OpenAPI description; the header itself is read below, so that a
# malformed one is a 401 that says what is wrong rather than a missing token.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="RoomOrAdminToken",
    description="A room token from create/join, or the operator's ADMIN_TOKEN for GET /api/rooms.",
)


async def bearer_token(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> str | None:
    authorization = request.headers.get("authorization")
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Use 'Authorization: Bearer <token>'.")
    return token.strip()


async def require_admin(
    token: Annotated[str | None, Depends(bearer_token)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> None:
    if token is None:
        raise unauthorized("This endpoint needs the operator token (ADMIN_TOKEN).")
    if not secrets.compare_digest(token.encode(), settings.admin_token.encode()):
        raise ApiError(403, "forbidden", "Wrong operator token.")


SettingsDep = Annotated[Settings, Depends(get_settings)]
RoomServiceDep = Annotated[RoomService, Depends(get_room_service)]
# A path parameter, not a dependency: validated by FastAPI itself, and errors on it are
# answered as 400 invalid_room_id by `errors.py`.
RoomIdDep = Annotated[str, Path(pattern=ROOM_ID_PATTERN.pattern)]
ParticipantIdDep = Annotated[str, Path(min_length=1, max_length=32)]
BearerDep = Annotated[str | None, Depends(bearer_token)]
AdminOnly = Depends(require_admin)
