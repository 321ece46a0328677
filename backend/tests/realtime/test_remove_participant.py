"""A host removes a participant, over REST or the room channel (one result for both forms):
enforced on the server, announced to everyone, the removed one's channel and LiveKit media
end, and their token is refused from then on (channel join, renew_token)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from livekit import rtc
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .phx import PhxClient

# One control in its two forms: (actor's token, target id) -> (status/ok, error code or None).
Control = Callable[[dict[str, Any], str], Awaitable[tuple[bool, str | None]]]


def _rest(http: httpx.AsyncClient, room_id: str) -> Control:
    async def remove(actor: dict[str, Any], target: str) -> tuple[bool, str | None]:
        response = await http.post(
            f"/api/rooms/{room_id}/participants/{target}/remove",
            headers={"authorization": f"Bearer {actor['token']}"},
        )
        if response.status_code == 204:
            return True, None
        return False, response.json()["error"]["code"]

    return remove


async def _channel(server: LiveServer, room_id: str) -> tuple[Control, list[PhxClient]]:
    opened: list[PhxClient] = []

    async def remove(actor: dict[str, Any], target: str) -> tuple[bool, str | None]:
        client = await PhxClient.open(server.url)
        opened.append(client)
        topic = f"room:{actor.get('room_id', room_id)}"
        ref, joined = await client.join(topic, {"token": actor["token"]})
        if joined["status"] != "ok":
            return False, joined["response"]["reason"]
        reply = await client.push(ref, topic, "remove_participant", {"participant_id": target})
        if reply["status"] == "ok":
            return True, None
        return False, reply["response"]["reason"]

    return remove, opened


@pytest.mark.parametrize("form", ["rest", "channel"])
async def test_only_a_host_of_this_open_room_removes(
    server: LiveServer, livekit: LiveKitServer, form: str
) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        room_id = host["room_id"]
        guest = await join_room(http, room_id, "Grace")
        other_guest = await join_room(http, room_id, "Hal")
        other = await create_room(http, "Eve")
        opened: list[PhxClient] = []
        if form == "rest":
            remove = _rest(http, room_id)
        else:
            remove, opened = await _channel(server, room_id)
        try:
            assert await remove(guest, other_guest["participant_id"]) == (False, "not_host")
            # The other room's host reaches nobody here, whichever form.
            refused = await remove(other, guest["participant_id"])
            assert refused[1] in ("unauthorized", "participant_not_found") and not refused[0]
            assert await remove(host, "p_nobody") == (False, "participant_not_found")
            assert await remove(host, guest["participant_id"]) == (True, None)
            assert await remove(host, guest["participant_id"]) == (False, "participant_not_found")
            # The removed guest can do nothing with their token any more.
            assert await remove(guest, host["participant_id"]) in (
                (False, "participant_removed"),  # channel: the join itself is refused
                (False, "not_host"),  # REST: the token is valid, the guest is no host
            )
            ended = await http.post(
                f"/api/rooms/{room_id}/end", headers={"authorization": f"Bearer {host['token']}"}
            )
            assert ended.status_code == 204
            assert await remove(host, other_guest["participant_id"]) == (False, "room_closed")
        finally:
            for client in opened:
                await client.close()


async def test_the_removed_guest_is_put_out_and_everyone_is_told(
    server: LiveServer, livekit: LiveKitServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="video_rooms.rooms.service")
    async with server.http() as http:
        host = await create_room(http, "Ada")
        room_id, topic = host["room_id"], f"room:{host['room_id']}"
        guest = await join_room(http, room_id, "Grace")
        ada, grace = await PhxClient.open(server.url), await PhxClient.open(server.url)
        ada_ref, _ = await ada.join(topic, {"token": host["token"]})
        grace_ref, _ = await grace.join(topic, {"token": guest["token"]})
        media = rtc.Room()
        await media.connect(livekit.ws_url, guest["token"], rtc.RoomOptions(auto_subscribe=False))
        disconnected = asyncio.Event()
        media.on("disconnected", lambda *_: disconnected.set())
        try:
            started = asyncio.get_running_loop().time()
            reply = await ada.push(
                ada_ref, topic, "remove_participant", {"participant_id": guest["participant_id"]}
            )
            assert reply["status"] == "ok"
            for client in (ada, grace):
                told = await client.event(topic, "participant:removed")
                assert told == {
                    "participant_id": guest["participant_id"],
                    "name": "Grace",
                    "by": host["participant_id"],
                    "by_name": "Ada",
                }
            close = await grace.wait_for(lambda f: f[3] == "phx_close", within=2.0)
            assert close[0] == grace_ref
            async with asyncio.timeout(2.0):
                await disconnected.wait()
            assert asyncio.get_running_loop().time() - started < 2.0
            audit = [r for r in caplog.records if getattr(r, "audit", False)]
            assert [(r.action, r.actor, r.target) for r in audit] == [  # type: ignore[attr-defined]
                ("remove", host["participant_id"], guest["participant_id"])
            ]

            _, again = await grace.join(topic, {"token": guest["token"]})
            assert again["response"]["reason"] == "participant_removed"
            rooms = server.app.state.room_service
            with pytest.raises(Exception, match="removed") as refused:
                await rooms.renew_token(room_id, guest["participant_id"], "Grace")
            assert getattr(refused.value, "code", None) == "participant_removed"
        finally:
            await media.disconnect()
            await ada.close()
            await grace.close()
