"""What a host may do to a room and the people in it: roles, remove, mute, lock, and the
handover that keeps a room from being without a host. Every action is checked here (the REST
routes and the room channel both come through) and logged as one structured audit line."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from video_rooms.rooms.errors import (
    MediaServerUnavailable,
    NotHost,
    ParticipantNotFound,
    RoleNotChangeable,
    RoomClosed,
    RoomNotFound,
    TrackNotFound,
)
from video_rooms.rooms.repository import HOST_ROLES, ParticipantRow, RoomRepository, RoomRow
from video_rooms.sfu.health_gate import SfuHealthGate
from video_rooms.sfu.provider import MutableSource, SfuParticipant, SfuProvider, SfuUnavailable

logger = logging.getLogger(__name__)

# What a host may give or take back; "participant" is no role at all.
GivenRole = Literal["cohost", "participant"]


@dataclass(frozen=True)
class Handover:
    """The room's new host, after the last one left."""

    participant_id: str
    name: str


class HostControls:
    def __init__(
        self,
        repository: RoomRepository,
        sfu: SfuProvider,
        health: SfuHealthGate,
        forget_room: Callable[[str], None],
    ) -> None:
        self._repo = repository
        self._sfu = sfu
        self._health = health
        self._forget_room = forget_room

    async def require_host(
        self, room_id: str, actor_id: str, message: str = "Only a host can do this."
    ) -> RoomRow:
        """The open room, if `actor_id` is one of its hosts (the creator or a co-host)."""
        room = await self._repo.get_room(room_id)
        if room is None:
            raise RoomNotFound()
        if room.closed_at is not None:
            raise RoomClosed()
        actor = await self._repo.get_participant(actor_id)
        if (
            actor is None
            or actor.room_id != room_id
            or actor.removed_at is not None
            or actor.role not in HOST_ROLES
        ):
            raise NotHost(message)
        return room

    async def remove(self, room_id: str, actor_id: str, target_id: str) -> str:
        """A host removes someone: final (their tokens are refused from now on, by us and by
        the SFU) and their media ends at once. Returns the removed participant's name."""
        await self.require_host(room_id, actor_id)
        target = await self._target(room_id, target_id)
        if target.role == "host":
            raise RoleNotChangeable("The host cannot be removed.")
        await self._repo.mark_removed(room_id, target_id)
        self._forget_room(room_id)
        try:
            await self._sfu.remove_participant(room_id, target_id)
        except SfuUnavailable as exc:
            self._health.mark_down(str(exc))
            logger.warning("could not remove participant from the SFU", extra={"error": str(exc)})
        self.audit("remove", actor_id, target_id)
        return target.name

    async def mute(
        self, room_id: str, actor_id: str, target_id: str | None, source: MutableSource
    ) -> list[str]:
        """A host mutes one participant's source, or everyone else's (`target_id` None).
        Returns whom it muted (those connected and publishing that source)."""
        await self.require_host(room_id, actor_id)
        if target_id is not None:
            await self._target(room_id, target_id)
            targets = [target_id]
        else:
            targets = [p.identity for p in await self._connected(room_id) if p.identity != actor_id]
        muted: list[str] = []
        for identity in targets:
            try:
                if await self._sfu.mute_track(room_id, identity, source):
                    muted.append(identity)
            except SfuUnavailable as exc:
                self._health.mark_down(str(exc))
                raise MediaServerUnavailable(str(exc)) from exc
        if target_id is not None and not muted:
            raise TrackNotFound(source)
        self.audit("mute" if target_id else "mute_all", actor_id, target_id, source=source)
        return muted

    async def set_role(self, room_id: str, actor_id: str, target_id: str, role: GivenRole) -> str:
        """A host makes someone a co-host, or takes it back. Returns the target's name."""
        await self.require_host(room_id, actor_id)
        target = await self._target(room_id, target_id)
        if target.role == "host":
            raise RoleNotChangeable()
        await self._repo.set_role(room_id, target_id, "cohost" if role == "cohost" else None)
        self.audit("make_cohost" if role == "cohost" else "unmake_cohost", actor_id, target_id)
        return target.name

    async def lock(self, room_id: str, actor_id: str, locked: bool) -> None:
        """A host keeps new joins out (`room_locked`), or lets them in again."""
        await self.require_host(room_id, actor_id)
        await self._repo.set_locked(room_id, locked)
        self._forget_room(room_id)
        self.audit("lock" if locked else "unlock", actor_id, None)

    async def roles(self, room_id: str) -> dict[str, str]:
        return await self._repo.roles(room_id)

    async def hand_over(self, room_id: str) -> Handover | None:
        """After someone left: if no host is there any more, the longest present becomes host
        (not in an ended room: nobody is left to lead it)."""
        room = await self._repo.get_room(room_id)
        if room is None or room.closed_at is not None:
            return None
        row = await self._repo.hand_over(room_id)
        if row is None:
            return None
        logger.info(
            "host handed over",
            extra={"audit": True, "action": "handover", "actor": None, "target": row.id},
        )
        return Handover(row.id, row.name)

    async def enforce_removal(self, room_id: str, participant_id: str) -> None:
        """After the SFU reported a participant the room would not mark connected: a removed
        one is put out again (a LiveKit token cannot be revoked, so their old token may
        reconnect)."""
        participant = await self._repo.get_participant(participant_id)
        if participant is None or participant.room_id != room_id or participant.removed_at is None:
            return
        with contextlib.suppress(SfuUnavailable):
            await self._sfu.remove_participant(room_id, participant_id)
        logger.warning("removed participant reconnected; put out again")

    async def _target(self, room_id: str, target_id: str) -> ParticipantRow:
        target = await self._repo.get_participant(target_id)
        if target is None or target.room_id != room_id or target.removed_at is not None:
            raise ParticipantNotFound()
        return target

    async def _connected(self, room_id: str) -> list[SfuParticipant]:
        try:
            return await self._sfu.list_participants(room_id)
        except SfuUnavailable as exc:
            self._health.mark_down(str(exc))
            raise MediaServerUnavailable(str(exc)) from exc

    @staticmethod
    def audit(action: str, actor_id: str, target_id: str | None, **detail: str) -> None:
        # One structured line per host action; room_id comes from the logging context.
        logger.info(
            "host action %s",
            action,
            extra={
                "audit": True,
                "action": action,
                "actor": actor_id,
                "target": target_id,
                **detail,
            },
        )
