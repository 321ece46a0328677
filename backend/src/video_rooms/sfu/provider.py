"""The SFU abstraction: everything the app asks of a media server, and nothing more.

A provider is chosen by configuration in `registry.py`; routes and services only ever see this
Protocol, so adding a media server means adding one module and one registry line. Tokens are
minted and verified here, and the media server's events read here, so nothing outside the
provider knows their format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from vr_common.tokens import RoomTokenClaims

MutableSource = Literal["microphone", "camera"]


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
class SfuEvent:
    """Something that happened on the media server, in the words the rooms need.

    `kind` is `participant_joined`, `participant_left`, `room_finished`, or another name the
    rooms ignore; an empty `kind` is an event that says nothing.
    """

    kind: str
    room_id: str
    participant_id: str
    event_id: str


class SfuEventRejected(Exception):
    """An event not signed by our media server (or not readable as one)."""


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

    def verify_token(self, token: str, room_id: str) -> RoomTokenClaims:
        """The claims of a token this provider issued for `room_id`; raises
        `vr_common.tokens.TokenError` for any other (expired, forged, another room's)."""
        ...

    def read_event(self, body: bytes, authorization: str) -> SfuEvent:
        """One event the media server posted (a webhook); raises `SfuEventRejected` unless
        `authorization` proves our media server sent exactly `body`."""
        ...

    async def delete_room(self, room_id: str) -> None: ...

    async def list_participants(self, room_id: str) -> list[SfuParticipant]: ...

    async def remove_participant(self, room_id: str, participant_id: str) -> None: ...

    async def mute_track(self, room_id: str, participant_id: str, source: MutableSource) -> bool:
        """Stop forwarding one of a participant's tracks and tell them (they may unmute).
        False when they are not connected or do not publish that source."""
        ...

    async def health(self) -> SfuHealth: ...

    async def aclose(self) -> None: ...
