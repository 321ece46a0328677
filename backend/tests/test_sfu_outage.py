"""LiveKit goes away and comes back: clear 503s meanwhile, and recovery without a restart."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import httpx
from video_rooms.settings import Settings
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer

ClientFor = Callable[[Settings], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


async def test_livekit_down_then_back(
    sqlite_url: str, make_settings: Callable[..., Settings], client_for: ClientFor
) -> None:
    # A LiveKit of this test's own: stopping the shared one would break other tests.
    livekit = LiveKitServer().start()
    try:
        async with client_for(make_settings(livekit, sqlite_url)) as client:
            room = await create_room(client, "John")
            room_id = room["room_id"]
            assert (await client.get("/api/status")).status_code == 200

            livekit.stop()
            await asyncio.sleep(0.3)  # let the cached health answer expire

            status = await client.get("/api/status")
            assert status.status_code == 503
            body = status.json()
            assert body["overall"] == "unhealthy"
            assert body["services"]["sfu"]["status"] == "unhealthy"
            assert "unreachable" in body["services"]["sfu"]["message"]
            assert body["services"]["backend"]["status"] == "healthy"

            created = await client.post("/api/rooms", json={"participant_name": "Ann"})
            assert created.status_code == 503
            assert created.json()["error"]["code"] == "sfu_unavailable"
            assert "media server is unavailable" in created.json()["error"]["message"]

            joined = await client.post(f"/api/rooms/{room_id}/join", json={"participant_name": "B"})
            assert joined.status_code == 503
            assert joined.json()["error"]["code"] == "sfu_unavailable"

            # Reading the room still works, from the state LiveKit's webhooks left behind.
            detail = await client.get(f"/api/rooms/{room_id}")
            assert detail.status_code == 200
            assert detail.json()["room"]["participants_source"] == "webhooks"

            # Unknown rooms stay 404 even while the SFU is down (no misleading 503).
            unknown = await client.post(
                "/api/rooms/Unknown00000/join", json={"participant_name": "B"}
            )
            assert unknown.status_code == 404

            livekit.start()  # same ports, same keys
            await asyncio.sleep(0.3)

            assert (await client.get("/api/status")).json()["overall"] == "healthy"
            again = await create_room(client, "Ann")
            assert again["room_id"] != room_id
            await join_room(client, room_id, "Bob")
    finally:
        livekit.stop()


async def test_status_reports_a_dead_debug_service_as_degraded(
    livekit: LiveKitServer,
    sqlite_url: str,
    make_settings: Callable[..., Settings],
    client_for: ClientFor,
) -> None:
    from vr_testkit.processes import free_port

    settings = make_settings(
        livekit, sqlite_url, debug_service_url=f"http://127.0.0.1:{free_port()}"
    )
    async with client_for(settings) as client:
        response = await client.get("/api/status")
    assert response.status_code == 200
    body = response.json()
    assert body["overall"] == "degraded"
    assert body["services"]["debug"]["status"] == "unhealthy"
