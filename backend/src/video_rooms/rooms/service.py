"""What a room is and does, independent of HTTP and of the realtime channel: create, join,
inspect, leave, list, end. Failures are `rooms.errors` (the API and the channel translate them)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from vr_common.tokens import RoomTokenClaims, TokenError

from video_rooms.ids import new_participant_id, new_room_id
from video_rooms.logging_setup import participant_id_var, room_id_var
from video_rooms.rooms.errors import (
    InvalidRoomToken,
    MediaServerUnavailable,
    ParticipantLeft,
    ParticipantNotFound,
    ParticipantRemoved,
    RoomClosed,
    RoomFull,
    RoomLocked,
    RoomNotFound,
    SessionTooLong,
)
from video_rooms.rooms.host_controls import Handover, HostControls
from video_rooms.rooms.repository import HOST_ROLES, RoomRepository, RoomRow, utcnow
from video_rooms.rooms.room_cache import RoomCache
from video_rooms.rooms.schemas import (
    ParticipantPublic,
    RoomCreatePublic,
    RoomJoinPublic,
    RoomPublic,
    RoomSummaryPublic,
    SfuPublic,
)
from video_rooms.sfu.health_gate import SfuHealthGate
from video_rooms.sfu.provider import (
    RoomOptions,
    SfuEvent,
    SfuProvider,
    SfuUnavailable,
)

logger = logging.getLogger(__name__)

# No SFU creates a room on demand, and LiveKit drops a room some time after its last participant
# left (20 s at the least) or when it restarts, so a join re-creates the room there first
# (creating an existing room changes nothing). Once done, it holds for this long without asking
# the SFU again on every join; any webhook about the room forgets it sooner.
SFU_ROOM_ENSURED_SECONDS = 10.0


@dataclass(frozen=True)
class Member:
    """Someone a valid token of an open room speaks for."""

    participant_id: str
    name: str
    is_host: bool


class RoomService:
    def __init__(
        self,
        repository: RoomRepository,
        sfu: SfuProvider,
        health: SfuHealthGate,
        room_options: RoomOptions,
        max_session: timedelta = timedelta(hours=12),
    ) -> None:
        self._repo = repository
        self._sfu = sfu
        self._health = health
        self._room_options = room_options
        self._max_session = max_session
        self._cache = RoomCache()
        self._ensured: dict[str, float] = {}
        self.hosts = HostControls(repository, sfu, health, self.forget_room)

    async def create(self, participant_name: str) -> RoomCreatePublic:
        room_id, participant_id = new_room_id(), new_participant_id()
        room_id_var.set(room_id)
        participant_id_var.set(participant_id)
        try:
            await self._sfu.create_room(room_id, self._room_options)
        except SfuUnavailable as exc:
            self._health.mark_down(str(exc))
            raise MediaServerUnavailable(str(exc)) from exc
        await self._repo.create_room_with_creator(
            room_id, participant_id, participant_name, self._room_options.max_participants
        )
        logger.info("room created", extra={"participant_name": participant_name})
        joined = self.credentials(room_id, participant_id, participant_name)
        return RoomCreatePublic(room_id=room_id, **joined.model_dump())

    async def join(self, room_id: str, participant_name: str) -> RoomJoinPublic:
        room_id_var.set(room_id)
        room, connected = await self.room_for_join(room_id)
        if room.locked_at is not None:
            raise RoomLocked()  # only the lobby admits into a locked room (`seat`)
        return await self.seat(room, connected, new_participant_id(), participant_name)

    async def seat(
        self, room: RoomRow, connected: int, participant_id: str, participant_name: str
    ) -> RoomJoinPublic:
        """Makes `participant_id` a participant of the open `room` (a join, or an admission
        from the lobby) and hands out its credentials."""
        health = await self._health.current()
        if not health.ok:
            raise MediaServerUnavailable(health.message or "health check failed")
        if connected >= room.max_participants:
            raise RoomFull()
        await self._ensure_sfu_room(room.id)
        participant_id_var.set(participant_id)
        await self._repo.add_participant(room.id, participant_id, participant_name)
        logger.info("participant joined", extra={"participant_name": participant_name})
        return self.credentials(room.id, participant_id, participant_name)

    async def get(self, room_id: str) -> RoomPublic:
        room_id_var.set(room_id)
        room = await self._existing_room(room_id)
        try:
            connected = await self._sfu.list_participants(room_id)
        except SfuUnavailable as exc:
            self._health.mark_down(str(exc))
            rows = await self._repo.connected_participants(room_id)
            people = [
                ParticipantPublic(id=p.id, name=p.name, joined_at=p.connected_at) for p in rows
            ]
            return self._room_public(room, people, source="webhooks")
        stored_names = await self._repo.names([p.identity for p in connected])
        people = [
            ParticipantPublic(
                id=p.identity, name=stored_names.get(p.identity, p.name), joined_at=p.joined_at
            )
            for p in connected
        ]
        return self._room_public(room, people, source="sfu")

    async def leave(self, room_id: str, bearer_token: str | None) -> Handover | None:
        room_id_var.set(room_id)
        claims = self.verify_token(room_id, bearer_token)
        participant_id_var.set(claims.participant_id)
        await self._existing_room(room_id)
        if not await self._repo.mark_left(room_id, claims.participant_id):
            raise ParticipantNotFound()
        try:
            await self._sfu.remove_participant(room_id, claims.participant_id)
        except SfuUnavailable as exc:
            # The media server is gone, so is the participant's media connection with it.
            self._health.mark_down(str(exc))
            logger.warning("could not remove participant from the SFU", extra={"error": str(exc)})
        logger.info("participant left")
        return await self.hosts.hand_over(room_id)

    def verify_token(self, room_id: str, token: str | None) -> RoomTokenClaims:
        """The claims of a valid token of `room_id`; says nothing yet of the room's state."""
        if not token:
            raise InvalidRoomToken("Send your room token as 'Authorization: Bearer <token>'.")
        try:
            return self._sfu.verify_token(token, room_id)
        except TokenError as exc:
            raise InvalidRoomToken(f"Invalid room token: {exc}.") from exc

    async def apply_sfu_event(self, event: SfuEvent) -> bool:
        """The stored room follows what happened on the media server (a verified event);
        True when someone's media left, so the room may be without a host now (the caller
        checks after a grace period: `realtime.handover`)."""
        room_id_var.set(event.room_id or None)
        participant_id_var.set(event.participant_id or None)
        departed = False
        if event.kind == "participant_joined" and event.participant_id:
            if not await self._repo.mark_connected(event.room_id, event.participant_id):
                await self.hosts.enforce_removal(event.room_id, event.participant_id)
        elif event.kind == "participant_left" and event.participant_id:
            departed = await self._repo.mark_left(event.room_id, event.participant_id)
        elif event.kind == "room_finished" and event.room_id:
            await self._repo.mark_all_left(event.room_id)
        if event.room_id:
            # The connected count changed: the next join here must see it, not the cached one
            # (a room at its limit would otherwise hand out a token the SFU then refuses).
            self.forget_room(event.room_id)
        logger.info(
            "%s webhook %s",
            self._sfu.name,
            event.kind,
            extra={"event": event.kind, "webhook_id": event.event_id},
        )
        return departed

    async def member(self, room_id: str, claims: RoomTokenClaims) -> Member:
        """Who the (verified) token speaks for in the open room `room_id`."""
        room = await self._existing_room(room_id)
        if room.closed_at is not None:
            raise RoomClosed()
        participant = await self._repo.get_participant(claims.participant_id)
        if participant is not None and participant.removed_at is not None:
            raise ParticipantRemoved()
        is_host = participant is not None and participant.role in HOST_ROLES
        return Member(claims.participant_id, claims.name, is_host)

    async def is_locked(self, room_id: str) -> bool:
        room = await self._repo.get_room(room_id)
        return room is not None and room.locked_at is not None

    async def participant_name(self, participant_id: str) -> str:
        return (await self._repo.names([participant_id])).get(participant_id, "")

    async def end(self, room_id: str, participant_id: str) -> datetime:
        """The host ends the room for everyone: closed for good, deleted on the SFU."""
        room_id_var.set(room_id)
        participant_id_var.set(participant_id)
        await self.hosts.require_host(
            room_id, participant_id, "Only a host can end the room for everyone."
        )
        closed_at = await self._repo.close_room(room_id)
        if closed_at is None:
            raise RoomClosed("This room has already been ended.")
        self.forget_room(room_id)
        try:
            await self._sfu.delete_room(room_id)
        except Exception as exc:
            # The room is closed for good in our database, which is what every join checks;
            # the SFU drops its room by itself once it is empty. Everyone must still be told.
            logger.warning("could not delete the SFU room", extra={"error": str(exc)})
        HostControls.audit("end", participant_id, None)
        return closed_at

    async def renew_token(self, room_id: str, participant_id: str, name: str) -> str:
        """A fresh token for a member still in a room that is still open, within the
        maximum session length."""
        room = await self._existing_room(room_id)
        if room.closed_at is not None:
            raise RoomClosed()
        participant = await self._repo.get_participant(participant_id)
        if participant is None or participant.room_id != room_id:
            raise ParticipantNotFound()
        if participant.removed_at is not None:
            raise ParticipantRemoved()
        if participant.left_at is not None:
            raise ParticipantLeft()
        if utcnow() - participant.joined_at > self._max_session:
            raise SessionTooLong()
        return self._sfu.generate_token(room_id, participant_id, name)

    async def list_all(self) -> list[RoomSummaryPublic]:
        return [
            RoomSummaryPublic(id=room.id, created_at=room.created_at, participant_count=count)
            for room, count in await self._repo.list_rooms()
        ]

    async def _existing_room(self, room_id: str) -> RoomRow:
        room = await self._repo.get_room(room_id)
        if room is None:
            raise RoomNotFound()
        return room

    async def room_for_join(self, room_id: str) -> tuple[RoomRow, int]:
        cached = await self._cache.get_or_load(
            room_id, lambda: self._repo.room_with_connected_count(room_id)
        )
        if cached is None:
            raise RoomNotFound()
        room, connected = cached
        if room.closed_at is not None:
            raise RoomClosed()
        return room, connected

    async def _ensure_sfu_room(self, room_id: str) -> None:
        now = time.monotonic()
        if now - self._ensured.get(room_id, -SFU_ROOM_ENSURED_SECONDS) < SFU_ROOM_ENSURED_SECONDS:
            return
        try:
            await self._sfu.create_room(room_id, self._room_options)
        except SfuUnavailable as exc:
            self._health.mark_down(str(exc))
            raise MediaServerUnavailable(str(exc)) from exc
        if len(self._ensured) > 10_000:
            self._ensured = {
                rid: at for rid, at in self._ensured.items() if now - at < SFU_ROOM_ENSURED_SECONDS
            }
        self._ensured[room_id] = now

    def forget_room(self, room_id: str) -> None:
        """Call when a room's row changed (closed), so joins here see it at once."""
        self._cache.forget(room_id)
        self._ensured.pop(room_id, None)

    def credentials(self, room_id: str, participant_id: str, name: str) -> RoomJoinPublic:
        token = self._sfu.generate_token(room_id, participant_id, name)
        url = self._sfu.public_url
        return RoomJoinPublic(
            participant_id=participant_id,
            token=token,
            livekit_url=url,
            sfu=SfuPublic(provider=self._sfu.name, url=url),
        )

    @staticmethod
    def _room_public(
        room: RoomRow, people: list[ParticipantPublic], *, source: Literal["sfu", "webhooks"]
    ) -> RoomPublic:
        return RoomPublic(
            id=room.id,
            created_at=room.created_at,
            participant_count=len(people),
            participants=people,
            participants_source=source,
        )
