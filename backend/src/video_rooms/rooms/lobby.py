"""The lobby: with it on (a per-room setting hosts toggle), or for someone a host removed, a
join is a request that waits until a host admits or denies it, or until it expires. Only an
admission makes a participant and gives a token; a locked room is entered only this way."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from video_rooms.ids import new_participant_id
from video_rooms.logging_setup import participant_id_var, room_id_var
from video_rooms.rooms.errors import InvalidRoomToken, LobbyRequestNotFound, RoomError
from video_rooms.rooms.host_controls import HostControls
from video_rooms.rooms.lobby_repository import LobbyRepository, LobbyRequestRow
from video_rooms.rooms.lobby_schemas import (
    LobbyKnockPublic,
    LobbyPublic,
    LobbyRequestPublic,
    LobbyStatusPublic,
)
from video_rooms.rooms.repository import RoomRepository, utcnow
from video_rooms.rooms.schemas import RoomJoinPublic
from video_rooms.rooms.service import RoomService

logger = logging.getLogger(__name__)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def public(request: LobbyRequestRow) -> LobbyRequestPublic:
    return LobbyRequestPublic(
        id=request.id,
        name=request.name,
        created_at=request.created_at,
        expires_at=request.expires_at,
    )


class Lobby:
    def __init__(
        self,
        requests: LobbyRepository,
        room_rows: RoomRepository,
        rooms: RoomService,
        request_ttl: timedelta,
    ) -> None:
        self._requests = requests
        self._room_rows = room_rows
        self._rooms = rooms
        self._ttl = request_ttl

    async def join(
        self, room_id: str, name: str, previous_token: str | None
    ) -> RoomJoinPublic | LobbyKnockPublic:
        """A join: straight in, or (lobby on, or removed before) a request that waits."""
        room_id_var.set(room_id)
        room, _ = await self._rooms.room_for_join(room_id)
        if room.lobby_enabled or await self._was_removed(room_id, previous_token):
            return await self._knock(room_id, name)
        return await self._rooms.join(room_id, name)

    async def status(self, room_id: str, request_id: str, secret: str | None) -> LobbyStatusPublic:
        """How the guest's own request stands (it proves it is the guest with its secret)."""
        request = await self._own_request(room_id, request_id, secret)
        if request.status == "admitted" and request.participant_id:
            await self._rooms.room_for_join(room_id)  # an ended room admits no one any more
            credentials = self._rooms.credentials(room_id, request.participant_id, request.name)
            return LobbyStatusPublic(status="admitted", credentials=credentials)
        if request.status == "denied":
            return LobbyStatusPublic(status="denied")
        if request.expires_at <= utcnow():
            return LobbyStatusPublic(status="expired")
        return LobbyStatusPublic(status="pending")

    async def view(self, room_id: str, actor_id: str) -> LobbyPublic:
        room = await self._rooms.hosts.require_host(room_id, actor_id)
        pending = await self._requests.pending(room_id)
        return LobbyPublic(enabled=room.lobby_enabled, requests=[public(r) for r in pending])

    async def set_enabled(self, room_id: str, actor_id: str, enabled: bool) -> LobbyPublic:
        await self._rooms.hosts.require_host(room_id, actor_id)
        await self._room_rows.set_lobby_enabled(room_id, enabled)
        self._rooms.forget_room(room_id)
        HostControls.audit("lobby_on" if enabled else "lobby_off", actor_id, None)
        return await self.view(room_id, actor_id)

    async def admit(
        self, room_id: str, actor_id: str, request_id: str | None
    ) -> list[LobbyRequestRow]:
        """Admits one request, or every pending one (`request_id` None); returns those admitted."""
        await self._rooms.hosts.require_host(room_id, actor_id)
        if request_id is not None:
            waiting = [await self._pending_request(room_id, request_id)]
        else:
            waiting = await self._requests.pending(room_id)
        admitted: list[LobbyRequestRow] = []
        for request in waiting:
            room, connected = await self._rooms.room_for_join(room_id)
            participant_id = new_participant_id()
            if not await self._requests.decide(request.id, "admitted", participant_id):
                continue  # another host decided it first
            await self._rooms.seat(room, connected, participant_id, request.name)
            self._rooms.forget_room(room_id)
            participant_id_var.set(None)
            HostControls.audit("lobby_admit", actor_id, participant_id, request=request.id)
            admitted.append(request)
        if request_id is not None and not admitted:
            raise LobbyRequestNotFound()
        return admitted

    async def deny(self, room_id: str, actor_id: str, request_id: str) -> LobbyRequestRow:
        await self._rooms.hosts.require_host(room_id, actor_id)
        request = await self._pending_request(room_id, request_id)
        if not await self._requests.decide(request.id, "denied"):
            raise LobbyRequestNotFound()
        HostControls.audit("lobby_deny", actor_id, None, request=request.id)
        return request

    async def _knock(self, room_id: str, name: str) -> LobbyKnockPublic:
        secret = secrets.token_urlsafe(24)
        now = utcnow()
        request = LobbyRequestRow(
            id="lr_" + secrets.token_urlsafe(12),
            room_id=room_id,
            name=name,
            secret_hash=_hash(secret),
            status="pending",
            created_at=now,
            expires_at=now + self._ttl,
            participant_id=None,
        )
        await self._requests.add(request)
        logger.info("lobby request", extra={"request_id": request.id, "participant_name": name})
        return LobbyKnockPublic(request_id=request.id, secret=secret, expires_at=request.expires_at)

    async def _was_removed(self, room_id: str, token: str | None) -> bool:
        if not token:
            return False
        try:
            claims = self._rooms.verify_token(room_id, token)
        except RoomError:
            return False
        participant = await self._room_rows.get_participant(claims.participant_id)
        return (
            participant is not None
            and participant.room_id == room_id
            and participant.removed_at is not None
        )

    async def _own_request(
        self, room_id: str, request_id: str, secret: str | None
    ) -> LobbyRequestRow:
        request = await self._requests.get(request_id)
        if request is None or request.room_id != room_id:
            raise LobbyRequestNotFound()
        if not secret or not secrets.compare_digest(_hash(secret), request.secret_hash):
            raise InvalidRoomToken("Send the lobby secret of your request as a bearer token.")
        return request

    async def _pending_request(self, room_id: str, request_id: str) -> LobbyRequestRow:
        request = await self._requests.get(request_id)
        if (
            request is None
            or request.room_id != room_id
            or request.status != "pending"
            or request.expires_at <= utcnow()
        ):
            raise LobbyRequestNotFound()
        return request
