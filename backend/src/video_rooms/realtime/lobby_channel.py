"""The room channel's lobby events, each a host action in its channel form (the REST routes in
`api/lobby.py` are the other form; `lobby_actions` is the one code path of both)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from video_rooms.realtime import lobby_actions
from video_rooms.realtime.channel import Reply, error, ok
from video_rooms.realtime.protocol import Payload
from video_rooms.rooms.errors import RoomError

if TYPE_CHECKING:
    from video_rooms.realtime.runtime import Realtime

EVENTS = frozenset({"lobby_get", "lobby_set", "lobby_admit", "lobby_deny", "lobby_admit_all"})


async def handle(rt: Realtime, room_id: str, actor_id: str, event: str, payload: Payload) -> Reply:
    try:
        match event:
            case "lobby_get":
                return ok((await rt.lobby.view(room_id, actor_id)).model_dump(mode="json"))
            case "lobby_set":
                enabled = payload.get("enabled")
                if not isinstance(enabled, bool):
                    return error("invalid_request", "Send {enabled: true | false}.")
                lobby = await lobby_actions.set_enabled(rt, room_id, actor_id, enabled)
                return ok(lobby.model_dump(mode="json"))
            case "lobby_admit_all":
                return ok({"admitted": await lobby_actions.admit(rt, room_id, actor_id, None)})
        request_id = lobby_actions.request_id_of(payload)
        if request_id is None:
            return error("invalid_request", "Send {request_id: <the lobby request>}.")
        if event == "lobby_deny":
            await lobby_actions.deny(rt, room_id, actor_id, request_id)
            return ok()
        return ok({"admitted": await lobby_actions.admit(rt, room_id, actor_id, request_id)})
    except RoomError as exc:
        return error(exc.code, exc.message)
