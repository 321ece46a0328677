"""The host ends the room: everyone is told and their channel closed, the room is closed in the
database (no more joins, REST or channel, on any replica) and the LiveKit room is deleted."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from livekit import api, rtc
from video_rooms.rooms import service
from video_rooms.rooms.errors import RoomClosed
from video_rooms.rooms.room_cache import RoomCache
from video_rooms.rooms.service import RoomService
from video_rooms.settings import Settings
from vr_testkit.api import create_room, join_room
from vr_testkit.databases import redis_server
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .phx import PhxClient

Serve = Callable[[Settings], AbstractAsyncContextManager[LiveServer]]


async def _livekit_rooms(livekit: LiveKitServer) -> set[str]:
    async with api.LiveKitAPI(livekit.http_url, livekit.api_key, livekit.api_secret) as lk:
        listed = await lk.room.list_rooms(api.ListRoomsRequest())
    return {room.name for room in listed.rooms}


async def _assert_livekit_refuses(livekit: LiveKitServer, token: str) -> None:
    room = rtc.Room()
    with pytest.raises(rtc.ConnectError):
        await room.connect(livekit.ws_url, token, rtc.RoomOptions(auto_subscribe=False))
    await room.disconnect()


async def _rest_join_status(server: LiveServer, room_id: str) -> int:
    """The REST join's status once it reflects the closing (a replica may cache a room ~2 s)."""
    async with server.http() as http, asyncio.timeout(5):
        while True:
            response = await http.post(
                f"/api/rooms/{room_id}/join", json={"participant_name": "Bo"}
            )
            if response.status_code != 200:
                return response.status_code
            await asyncio.sleep(0.2)


async def test_host_ends_the_room_for_everyone(server: LiveServer, livekit: LiveKitServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
    room_id, topic = host["room_id"], f"room:{host['room_id']}"
    assert room_id in await _livekit_rooms(livekit)
    ada = await PhxClient.open(server.url)
    ada_ref, _ = await ada.join(topic, {"token": host["token"]})
    grace = await PhxClient.open(server.url)
    grace_ref, _ = await grace.join(topic, {"token": guest["token"]})

    refused = await grace.push(grace_ref, topic, "end_room", {})
    assert refused["status"] == "error" and refused["response"]["reason"] == "not_host"

    assert (await ada.push(ada_ref, topic, "end_room", {}))["status"] == "ok"
    for client, join_ref in ((ada, ada_ref), (grace, grace_ref)):
        closed = await client.event(topic, "room:closed")
        assert closed["by"] == host["participant_id"] and closed["closed_at"]
        close = await client.wait_for(lambda f: f[3] == "phx_close")
        assert close[0] == join_ref and close[2] == topic
    assert room_id not in await _livekit_rooms(livekit)
    assert server.realtime.pubsub.topic_count() == 0

    _, again = await grace.join(topic, {"token": guest["token"]})
    assert again["status"] == "error" and again["response"]["reason"] == "room_closed"
    assert await _rest_join_status(server, room_id) == 410
    # The rooms service (which the channel's renew_token asks) mints nothing for an ended room.
    rooms: RoomService = server.app.state.room_service
    with pytest.raises(RoomClosed):
        await rooms.renew_token(room_id, guest["participant_id"], "Grace")
    # Nor does LiveKit itself: a still-valid token does not bring the deleted room back.
    await _assert_livekit_refuses(livekit, guest["token"])
    assert room_id not in await _livekit_rooms(livekit)
    await ada.close()
    await grace.close()


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_no_replica_lets_anyone_join_a_room_its_host_ended(
    serve: Serve,
    make_settings: Callable[..., Settings],
    livekit: LiveKitServer,
    database_url: str,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two replicas (one database, one Redis). The second let Grace join, so its join cache
    holds the room as open; the host ends the room on the first, and the second refuses the
    next join at once. (Each replica used to forget only rooms closed through itself, and the
    other kept letting people in until its cache entry expired.) The cache is made to keep
    entries for a minute so that waiting for the expiry cannot pass for the fix."""
    monkeypatch.setattr(service, "RoomCache", functools.partial(RoomCache, ttl_seconds=60))
    settings = make_settings(livekit, database_url, redis_url=redis_url)
    async with serve(settings) as first, serve(settings) as second:
        async with first.http() as http:
            host = await create_room(http, "Ada")
        room_id, topic = host["room_id"], f"room:{host['room_id']}"
        async with second.http() as http:
            await join_room(http, room_id, "Grace")
        ada = await PhxClient.open(first.url)
        ada_ref, _ = await ada.join(topic, {"token": host["token"]})
        assert (await ada.push(ada_ref, topic, "end_room", {}))["status"] == "ok"
        await ada.close()
        assert await _rest_join_status(second, room_id) == 410


async def test_rest_end_gives_the_channel_results(
    server: LiveServer, livekit: LiveKitServer
) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
        room_id, topic = host["room_id"], f"room:{host['room_id']}"
        grace = await PhxClient.open(server.url)
        await grace.join(topic, {"token": guest["token"]})

        def end(token: str | None) -> Any:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return http.post(f"/api/rooms/{room_id}/end", headers=headers)

        other = await create_room(http, "Eve")
        for token, status, code in (
            (None, 401, "unauthorized"),
            (guest["token"], 403, "not_host"),
            (other["token"], 401, "unauthorized"),  # a token of another room
        ):
            refused = await end(token)
            assert refused.status_code == status and refused.json()["error"]["code"] == code
        assert (await end(host["token"])).status_code == 204
        closed = await grace.event(topic, "room:closed")
        assert closed["by"] == host["participant_id"]
        await grace.wait_for(lambda f: f[3] == "phx_close")
        assert room_id not in await _livekit_rooms(livekit)
        again = await end(host["token"])
        assert again.status_code == 410 and again.json()["error"]["code"] == "room_closed"
    await grace.close()
