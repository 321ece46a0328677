"""The backend owns the room lifecycle on LiveKit (`room.auto_create: false`): a token never
creates a room, and a join into a room LiveKit dropped while it was empty re-creates it there."""

from __future__ import annotations

import httpx
from livekit import api, rtc
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer


async def _connects(livekit: LiveKitServer, token: str) -> bool:
    room = rtc.Room()
    try:
        await room.connect(livekit.ws_url, token, rtc.RoomOptions(auto_subscribe=False))
    except rtc.ConnectError:
        return False
    finally:
        await room.disconnect()
    return True


async def test_a_join_recreates_the_room_livekit_dropped(
    client: httpx.AsyncClient, livekit: LiveKitServer
) -> None:
    host = await create_room(client, "Ada")
    room_id = host["room_id"]
    async with api.LiveKitAPI(livekit.http_url, livekit.api_key, livekit.api_secret) as lk:
        # What LiveKit does by itself some time after the last participant left.
        await lk.room.delete_room(api.DeleteRoomRequest(room=room_id))
    assert not await _connects(livekit, host["token"])

    guest = await join_room(client, room_id, "Grace")
    assert await _connects(livekit, guest["token"])


async def test_a_token_alone_creates_no_room(
    client: httpx.AsyncClient, livekit: LiveKitServer
) -> None:
    name = "never-created"
    host = await create_room(client, "Ada")
    async with api.LiveKitAPI(livekit.http_url, livekit.api_key, livekit.api_secret) as lk:
        token = (
            api.AccessToken(livekit.api_key, livekit.api_secret)
            .with_identity("p_x")
            .with_grants(api.VideoGrants(room_join=True, room=name))
            .to_jwt()
        )
        assert not await _connects(livekit, token)
        listed = await lk.room.list_rooms(api.ListRoomsRequest())
    assert name not in {room.name for room in listed.rooms}
    assert host["room_id"] in {room.name for room in listed.rooms}
