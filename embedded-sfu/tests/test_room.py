"""Room bookkeeping without media: rooms exist once the backend creates them; empty ones go."""

from __future__ import annotations

import time

from embedded_sfu.room import RoomOptions, Rooms


async def test_rooms_exist_only_once_created_and_creating_again_updates_options() -> None:
    rooms = Rooms()
    assert rooms.get("never-created") is None
    created = rooms.create("explicit", RoomOptions(4, 60))
    assert rooms.get("explicit") is created
    assert rooms.create("explicit", RoomOptions(8, 30)) is created
    assert created.options == RoomOptions(8, 30)


async def test_only_rooms_empty_for_longer_than_their_timeout_are_forgotten() -> None:
    rooms = Rooms()
    stale = rooms.create("stale", RoomOptions(16, 10))
    fresh = rooms.create("fresh", RoomOptions(16, 10))
    stale.empty_since = time.monotonic() - 11
    fresh.empty_since = time.monotonic() - 5
    await rooms.sweep()
    assert set(rooms.rooms) == {"fresh"}
    assert await rooms.delete("fresh")
    assert not await rooms.delete("fresh")
    assert rooms.get("fresh") is None
