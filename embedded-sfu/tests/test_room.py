"""Room bookkeeping that needs no media: creation on demand and forgetting empty rooms."""

from __future__ import annotations

import time

from embedded_sfu.room import RoomOptions, Rooms


async def test_rooms_appear_on_demand_and_keep_explicit_options() -> None:
    rooms = Rooms(RoomOptions(max_participants=16, empty_timeout_seconds=300))
    lazy = rooms.get_or_create("lazy")
    assert lazy.options.max_participants == 16
    explicit = rooms.get_or_create("explicit", RoomOptions(4, 60))
    assert rooms.get_or_create("explicit") is explicit
    assert explicit.options == RoomOptions(4, 60)


async def test_only_rooms_empty_for_longer_than_their_timeout_are_forgotten() -> None:
    rooms = Rooms(RoomOptions(max_participants=16, empty_timeout_seconds=300))
    stale = rooms.get_or_create("stale", RoomOptions(16, 10))
    fresh = rooms.get_or_create("fresh", RoomOptions(16, 10))
    stale.empty_since = time.monotonic() - 11
    fresh.empty_since = time.monotonic() - 5
    await rooms.sweep()
    assert set(rooms.rooms) == {"fresh"}
    assert await rooms.delete("fresh")
    assert not await rooms.delete("fresh")
