"""Request and response bodies of the rooms API (names follow `XCreate` / `XPublic`)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

NAME_MAX_LENGTH = 64
# Control, format (zero-width, bidi overrides) and line/paragraph separator characters make a
# name that renders differently from what it is; none belongs in a display name.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


class ParticipantCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    participant_name: str

    @field_validator("participant_name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        name = value.strip()
        if not name:
            raise ValueError("must not be empty")
        if len(name) > NAME_MAX_LENGTH:
            raise ValueError(f"must be at most {NAME_MAX_LENGTH} characters")
        if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in name):
            raise ValueError("must not contain control characters")
        return name


class SfuPublic(BaseModel):
    provider: str
    url: str


class RoomJoinPublic(BaseModel):
    participant_id: str
    token: str
    livekit_url: str
    sfu: SfuPublic


class RoomCreatePublic(RoomJoinPublic):
    room_id: str


class ParticipantPublic(BaseModel):
    id: str
    name: str
    joined_at: datetime | None


class RoomPublic(BaseModel):
    id: str
    created_at: datetime
    participant_count: int
    participants: list[ParticipantPublic]
    # Where the participant list came from: the SFU itself, or (when it is down) the last
    # state its webhooks reported.
    participants_source: Literal["sfu", "webhooks"]


class RoomDetailPublic(BaseModel):
    room: RoomPublic


class RoomSummaryPublic(BaseModel):
    id: str
    created_at: datetime
    participant_count: int


class RoomListPublic(BaseModel):
    rooms: list[RoomSummaryPublic]
    count: int
