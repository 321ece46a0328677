"""Request and response bodies of the lobby API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from video_rooms.rooms.schemas import RoomJoinPublic

LobbyStatus = Literal["pending", "admitted", "denied", "expired"]


class LobbyUpdate(BaseModel):
    enabled: bool


class LobbyRequestPublic(BaseModel):
    id: str
    name: str
    created_at: datetime
    expires_at: datetime


class LobbyPublic(BaseModel):
    """The room's lobby as its hosts see it."""

    enabled: bool
    requests: list[LobbyRequestPublic]


class LobbyKnockPublic(BaseModel):
    """A join that waits in the lobby (202): the guest asks for its outcome at
    `GET /api/rooms/{room_id}/lobby/{request_id}` with `Authorization: Bearer <secret>`."""

    request_id: str
    secret: str
    expires_at: datetime


class LobbyStatusPublic(BaseModel):
    """How a request stands; once admitted, with the credentials a join gives."""

    status: LobbyStatus
    credentials: RoomJoinPublic | None = None


class LobbyAdmittedPublic(BaseModel):
    admitted: list[str]
