"""The whole rooms flow on each database the app supports (SQLite file, real PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import httpx
from video_rooms.settings import Settings
from vr_testkit.api import ADMIN_TOKEN, create_room, join_room
from vr_testkit.livekit import LiveKitServer

ClientFor = Callable[[Settings], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


async def test_rooms_flow(
    livekit: LiveKitServer,
    database_url: str,
    make_settings: Callable[..., Settings],
    client_for: ClientFor,
) -> None:
    settings = make_settings(livekit, database_url)
    async with client_for(settings) as client:
        room = await create_room(client, "Ann")
        jane = await join_room(client, room["room_id"], "Jane")
        assert (await client.get(f"/api/rooms/{room['room_id']}")).status_code == 200
        leave = await client.delete(
            f"/api/rooms/{room['room_id']}/leave",
            headers={"Authorization": f"Bearer {jane['token']}"},
        )
        assert leave.status_code == 204
        # Leaving twice is harmless (the participant is marked left again).
        again = await client.delete(
            f"/api/rooms/{room['room_id']}/leave",
            headers={"Authorization": f"Bearer {jane['token']}"},
        )
        assert again.status_code == 204

    # A new app on the same database (a restart) still knows the room.
    async with client_for(settings) as client:
        listed = await client.get("/api/rooms", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert room["room_id"] in {r["id"] for r in listed.json()["rooms"]}
        await join_room(client, room["room_id"], "Joe")
