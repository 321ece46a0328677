"""A host removes a participant, over REST or the room channel (one result for both forms):
enforced on the server, announced to everyone, the removed one's channel and LiveKit media
end, and their token is refused from then on (channel join, renew_token)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from livekit import rtc
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .host_forms import HostForms, People
from .phx import PhxClient


@pytest.mark.parametrize("form", ["rest", "channel"])
async def test_only_a_host_of_this_open_room_removes(
    livekit: LiveKitServer, host_room: tuple[People, HostForms], form: str
) -> None:
    people, forms = host_room
    host, guest, other_guest = people.host, people.guest, people.third

    async def remove(actor: dict[str, Any], target: str, room_id: str | None = None) -> Any:
        path = f"participants/{target}/remove"
        payload = {"participant_id": target}
        return (await forms.control(form, actor, path, "remove_participant", payload, room_id))[:2]

    assert await remove(guest, other_guest["participant_id"]) == (False, "not_host")
    # The other room's host reaches nobody here, whichever form.
    assert await remove(people.other, guest["participant_id"], people.room_id) == (
        False,
        "unauthorized",
    )
    assert await remove(host, "p_nobody") == (False, "participant_not_found")
    assert await remove(host, guest["participant_id"]) == (True, None)
    assert await remove(host, guest["participant_id"]) == (False, "participant_not_found")
    # The removed guest can do nothing with their token any more.
    assert await remove(guest, host["participant_id"]) in (
        (False, "participant_removed"),  # channel: the join itself is refused
        (False, "not_host"),  # REST: the token is valid, the guest is no host
    )
    assert (await forms.rest(host, f"/api/rooms/{people.room_id}/end"))[0]
    assert await remove(host, other_guest["participant_id"]) == (False, "room_closed")


async def test_the_removed_guest_is_put_out_and_everyone_is_told(
    server: LiveServer, livekit: LiveKitServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="video_rooms.rooms.host_controls")
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
