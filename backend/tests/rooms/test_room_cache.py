"""The join path's room cache: entries expire, and a miss under load is one load, not many."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from video_rooms.rooms.repository import RoomRow
from video_rooms.rooms.room_cache import Entry, RoomCache

ROOM = RoomRow("room-a", datetime.now(UTC), "p_1", 8, None)


async def test_concurrent_misses_share_one_load() -> None:
    cache = RoomCache(ttl_seconds=60)
    loads = 0
    release = asyncio.Event()

    async def load() -> Entry | None:
        nonlocal loads
        loads += 1
        await release.wait()
        return ROOM, 3

    waiters = [asyncio.create_task(cache.get_or_load("room-a", load)) for _ in range(64)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*waiters)
    assert loads == 1
    assert results == [(ROOM, 3)] * 64
    assert cache.get("room-a") == (ROOM, 3)


async def test_entries_expire_and_unknown_rooms_are_not_cached() -> None:
    cache = RoomCache(ttl_seconds=0.05)
    calls: list[str] = []

    async def load() -> Entry | None:
        calls.append("load")
        return None

    assert await cache.get_or_load("missing", load) is None
    assert await cache.get_or_load("missing", load) is None
    assert calls == ["load", "load"]

    cache.put(ROOM, 1)
    assert cache.get("room-a") == (ROOM, 1)
    await asyncio.sleep(0.06)
    assert cache.get("room-a") is None


async def test_a_failed_load_reaches_every_waiter_and_is_not_remembered() -> None:
    cache = RoomCache()

    async def broken() -> Entry | None:
        await asyncio.sleep(0)
        raise RuntimeError("database gone")

    results = await asyncio.gather(
        *(cache.get_or_load("room-a", broken) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)

    async def working() -> Entry | None:
        return ROOM, 0

    assert await cache.get_or_load("room-a", working) == (ROOM, 0)


async def test_a_cancelled_caller_does_not_cancel_the_others_load() -> None:
    cache = RoomCache()
    release = asyncio.Event()

    async def load() -> Entry | None:
        await release.wait()
        return ROOM, 2

    first = asyncio.create_task(cache.get_or_load("room-a", load))
    second = asyncio.create_task(cache.get_or_load("room-a", load))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == (ROOM, 2)
