"""Shared request dependencies, as `Annotated` aliases the routers use directly."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, Path, Request

from video_rooms.errors import ApiError, unauthorized
from video_rooms.ids import is_well_formed_room_id
from video_rooms.rooms.service import RoomService
from video_rooms.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_room_service(request: Request) -> RoomService:
    service: RoomService = request.app.state.room_service
    return service


def require_json(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")


def valid_room_id(room_id: Annotated[str, Path()]) -> str:
    if not is_well_formed_room_id(room_id):
        raise ApiError(400, "invalid_room_id", "A room id is 1-64 letters, digits, '-' or '_'.")
    return room_id


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Use 'Authorization: Bearer <token>'.")
    return token.strip()


def require_admin(
    token: Annotated[str | None, Depends(bearer_token)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> None:
    if token is None:
        raise unauthorized("This endpoint needs the operator token (ADMIN_TOKEN).")
    if not secrets.compare_digest(token.encode(), settings.admin_token.encode()):
        raise ApiError(403, "forbidden", "Wrong operator token.")


SettingsDep = Annotated[Settings, Depends(get_settings)]
RoomServiceDep = Annotated[RoomService, Depends(get_room_service)]
RoomIdDep = Annotated[str, Depends(valid_room_id)]
BearerDep = Annotated[str | None, Depends(bearer_token)]
JsonBody = Depends(require_json)
AdminOnly = Depends(require_admin)
