"""A host's controls, shared by the REST routes and the room channel so both forms of each
give the same result: the rooms service enforces and records, then the room is told."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from video_rooms.logging_setup import room_id_var
from video_rooms.sfu.provider import MutableSource

if TYPE_CHECKING:
    from video_rooms.realtime.runtime import Realtime

PARTICIPANT_REMOVED = "participant:removed"
PARTICIPANT_MUTED = "participant:muted"


async def remove_participant(rt: Realtime, room_id: str, actor_id: str, target_id: str) -> None:
    room_id_var.set(room_id)
    name = await rt.rooms.remove(room_id, actor_id, target_id)
    actor = await rt.rooms.participant_name(actor_id)
    await rt.host_action(
        room_id,
        PARTICIPANT_REMOVED,
        {"participant_id": target_id, "name": name, "by": actor_id, "by_name": actor},
    )


async def mute(
    rt: Realtime, room_id: str, actor_id: str, target_id: str | None, source: MutableSource
) -> list[str]:
    """Mute one participant's source, or everyone else's (`target_id` None)."""
    room_id_var.set(room_id)
    muted = await rt.rooms.mute(room_id, actor_id, target_id, source)
    actor = await rt.rooms.participant_name(actor_id)
    await rt.host_action(
        room_id,
        PARTICIPANT_MUTED,
        {
            "participant_ids": muted,
            "everyone": target_id is None,
            "source": source,
            "by": actor_id,
            "by_name": actor,
        },
    )
    return muted


def mute_source(payload: Mapping[str, object]) -> MutableSource | None:
    source = payload.get("source")
    if source == "microphone" or source == "camera":
        return source
    return None
