"""A host's controls, shared by the REST routes and the room channel so both forms of each
give the same result: the rooms service enforces and records, then the room is told."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from video_rooms.logging_setup import room_id_var
from video_rooms.rooms.host_controls import GivenRole, Handover
from video_rooms.sfu.provider import MutableSource

if TYPE_CHECKING:
    from video_rooms.realtime.runtime import Realtime

PARTICIPANT_REMOVED = "participant:removed"
PARTICIPANT_MUTED = "participant:muted"
PARTICIPANT_ROLE = "participant:role"
ROOM_LOCKED = "room:locked"


async def _by(rt: Realtime, actor_id: str) -> dict[str, str]:
    return {"by": actor_id, "by_name": await rt.rooms.participant_name(actor_id)}


async def remove_participant(rt: Realtime, room_id: str, actor_id: str, target_id: str) -> None:
    room_id_var.set(room_id)
    name = await rt.rooms.hosts.remove(room_id, actor_id, target_id)
    await rt.host_action(
        room_id,
        PARTICIPANT_REMOVED,
        {"participant_id": target_id, "name": name, **await _by(rt, actor_id)},
    )


async def mute(
    rt: Realtime, room_id: str, actor_id: str, target_id: str | None, source: MutableSource
) -> list[str]:
    """Mute one participant's source, or everyone else's (`target_id` None)."""
    room_id_var.set(room_id)
    muted = await rt.rooms.hosts.mute(room_id, actor_id, target_id, source)
    await rt.host_action(
        room_id,
        PARTICIPANT_MUTED,
        {
            "participant_ids": muted,
            "everyone": target_id is None,
            "source": source,
            **await _by(rt, actor_id),
        },
    )
    return muted


async def set_role(
    rt: Realtime, room_id: str, actor_id: str, target_id: str, role: GivenRole
) -> None:
    room_id_var.set(room_id)
    name = await rt.rooms.hosts.set_role(room_id, actor_id, target_id, role)
    await rt.host_action(
        room_id,
        PARTICIPANT_ROLE,
        {
            "participant_id": target_id,
            "name": name,
            "role": "cohost" if role == "cohost" else None,
            "reason": "given" if role == "cohost" else "taken",
            **await _by(rt, actor_id),
        },
    )


async def lock(rt: Realtime, room_id: str, actor_id: str, locked: bool) -> None:
    room_id_var.set(room_id)
    await rt.rooms.hosts.lock(room_id, actor_id, locked)
    await rt.room_changed(room_id)
    await rt.host_action(room_id, ROOM_LOCKED, {"locked": locked, **await _by(rt, actor_id)})


async def announce_handover(rt: Realtime, room_id: str, handover: Handover | None) -> None:
    """The last host left and `handover` is the room's host now: everyone is told."""
    if handover is None:
        return
    await rt.host_action(
        room_id,
        PARTICIPANT_ROLE,
        {
            "participant_id": handover.participant_id,
            "name": handover.name,
            "role": "host",
            "reason": "handover",
            "by": None,
            "by_name": None,
        },
    )


def mute_source(payload: Mapping[str, object]) -> MutableSource | None:
    source = payload.get("source")
    if source == "microphone" or source == "camera":
        return source
    return None


def given_role(payload: Mapping[str, object]) -> GivenRole | None:
    role = payload.get("role")
    if role == "cohost" or role == "participant":
        return role
    return None
