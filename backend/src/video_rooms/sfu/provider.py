"""The SFU abstraction: everything the app asks of a media server, and nothing more.

A provider is chosen by configuration in `registry.py`; routes and services only ever see this
Protocol, so adding a media server means adding one module and one registry line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class SfuUnavailable(Exception):
    """The media server could not be reached or did not answer in time."""


@dataclass(frozen=True)
class RoomOptions:
    empty_timeout_seconds: int
    max_participants: int


@dataclass(frozen=True)
class SfuParticipant:
    identity: str
    name: str
    joined_at: datetime | None


@dataclass(frozen=True)
class SfuHealth:
    ok: bool
    latency_ms: float
    message: str | None = None


class SfuProvider(Protocol):
    @property
    def name(self) -> str:
        """Provider id reported to browsers as `sfu.provider` (they pick their adapter by it)."""
        ...

    @property
    def public_url(self) -> str:
        """The URL browsers connect to for media signalling."""
        ...

    async def create_room(self, room_id: str, opts: RoomOptions) -> None: ...

    def generate_token(self, room_id: str, participant_id: str, participant_name: str) -> str:
        """A join token scoped to one room and one identity; pure computation, no I/O."""
        ...

    async def delete_room(self, room_id: str) -> None: ...

    async def list_participants(self, room_id: str) -> list[SfuParticipant]: ...

    async def remove_participant(self, room_id: str, participant_id: str) -> None: ...

    async def health(self) -> SfuHealth: ...

    async def aclose(self) -> None: ...
