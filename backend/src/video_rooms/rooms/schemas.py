"""Request and response bodies of the rooms API (names follow `XCreate` / `XPublic`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from video_rooms.rooms.name_rule import NAME_MAX_LENGTH, name_pattern, name_problem


def _name_schema(schema: dict[str, Any]) -> None:
    schema["pattern"] = name_pattern()


class ParticipantCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    participant_name: str = Field(
        description=(
            f"Trimmed, then 1 to {NAME_MAX_LENGTH} characters with no control, format or "
            "line/paragraph separator character (the pattern says the same)."
        ),
        json_schema_extra=_name_schema,
    )

    @field_validator("participant_name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        name = value.strip()
        problem = name_problem(name)
        if problem is not None:
            raise ValueError(problem)
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


class MuteCreate(BaseModel):
    source: Literal["microphone", "camera"]


class MutedPublic(BaseModel):
    """Who was muted: those connected and publishing that source."""

    muted: list[str]


class RoleCreate(BaseModel):
    """`cohost` gives a host's powers; `participant` takes them back."""

    role: Literal["cohost", "participant"]


class LockCreate(BaseModel):
    locked: bool
