"""The lobby's actions, shared by the REST routes and the room channel so both forms give the
same result: the lobby decides and records, then the room's hosts (or everyone) are told."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from video_rooms.logging_setup import room_id_var
from video_rooms.rooms.lobby_schemas import LobbyKnockPublic, LobbyPublic
from video_rooms.rooms.schemas import RoomJoinPublic

if TYPE_CHECKING:
    from video_rooms.realtime.runtime import Realtime

# Sent to hosts only (the room channel skips them for the others): who waits, and who was let
# in or turned away (so every host's notification goes away at once).
LOBBY_REQUEST = "lobby:request"
LOBBY_RESOLVED = "lobby:resolved"
HOSTS_ONLY = frozenset({LOBBY_REQUEST, LOBBY_RESOLVED})
# Sent to everyone: the lobby was turned on or off.
LOBBY_CHANGED = "lobby:changed"


async def join(
    rt: Realtime, room_id: str, name: str, previous_token: str | None
) -> RoomJoinPublic | LobbyKnockPublic:
    joined = await rt.lobby.join(room_id, name, previous_token)
    if isinstance(joined, LobbyKnockPublic):
        await rt.host_action(
            room_id,
            LOBBY_REQUEST,
            {"id": joined.request_id, "name": name, "expires_at": joined.expires_at.isoformat()},
        )
    return joined


async def set_enabled(rt: Realtime, room_id: str, actor_id: str, enabled: bool) -> LobbyPublic:
    room_id_var.set(room_id)
    lobby = await rt.lobby.set_enabled(room_id, actor_id, enabled)
    await rt.room_changed(room_id)
    await rt.host_action(room_id, LOBBY_CHANGED, {"enabled": enabled, **await _by(rt, actor_id)})
    return lobby


async def admit(rt: Realtime, room_id: str, actor_id: str, request_id: str | None) -> list[str]:
    """Admits one request, or all that wait (`request_id` None); returns the requests' ids."""
    room_id_var.set(room_id)
    admitted = [request.id for request in await rt.lobby.admit(room_id, actor_id, request_id)]
    if admitted:
        await _resolved(rt, room_id, actor_id, admitted, "admitted")
    return admitted


async def deny(rt: Realtime, room_id: str, actor_id: str, request_id: str) -> None:
    room_id_var.set(room_id)
    await rt.lobby.deny(room_id, actor_id, request_id)
    await _resolved(rt, room_id, actor_id, [request_id], "denied")


async def _resolved(
    rt: Realtime, room_id: str, actor_id: str, request_ids: list[str], outcome: str
) -> None:
    payload = {"request_ids": request_ids, "outcome": outcome, **await _by(rt, actor_id)}
    await rt.host_action(room_id, LOBBY_RESOLVED, payload)


async def _by(rt: Realtime, actor_id: str) -> dict[str, Any]:
    return {"by": actor_id, "by_name": await rt.rooms.participant_name(actor_id)}


def request_id_of(payload: Mapping[str, object]) -> str | None:
    request_id = payload.get("request_id")
    return request_id if isinstance(request_id, str) and request_id else None
