"""A short-lived, per-process memory of rooms, so that a join does not read the room each time.

A room row changes only when the room is closed (and then this process is told directly); the
connected count changes with webhooks and is only used for the "room full" courtesy check,
LiveKit enforcing the real limit. A few seconds of staleness is therefore harmless, even with
several backend replicas.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from video_rooms.rooms.repository import RoomRow


class RoomCache:
    def __init__(self, ttl_seconds: float = 2.0, max_rooms: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_rooms
        self._entries: OrderedDict[str, tuple[float, RoomRow, int]] = OrderedDict()

    def get(self, room_id: str) -> tuple[RoomRow, int] | None:
        entry = self._entries.get(room_id)
        if entry is None:
            return None
        stored_at, room, connected = entry
        if time.monotonic() - stored_at > self._ttl:
            del self._entries[room_id]
            return None
        return room, connected

    def put(self, room: RoomRow, connected: int) -> None:
        self._entries[room.id] = (time.monotonic(), room, connected)
        self._entries.move_to_end(room.id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, room_id: str) -> None:
        self._entries.pop(room_id, None)
