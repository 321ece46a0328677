"""A host mutes a participant's microphone (or everyone's), over REST or the room channel with
the same results; LiveKit mutes the published track (MutePublishedTrack) and tells its owner."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from livekit import api, rtc
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .phx import PhxClient


async def _publishing(livekit: LiveKitServer, token: str) -> rtc.Room:
    room = rtc.Room()
    await room.connect(livekit.ws_url, token, rtc.RoomOptions(auto_subscribe=False))
    source = rtc.AudioSource(48000, 1)
    track = rtc.LocalAudioTrack.create_audio_track("mic", source)
    options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    await room.local_participant.publish_track(track, options)
    return room


async def _mic_muted(livekit: LiveKitServer, room_id: str, identity: str) -> bool:
    async with api.LiveKitAPI(livekit.http_url, livekit.api_key, livekit.api_secret) as lk:
        info = await lk.room.get_participant(
            api.RoomParticipantIdentity(room=room_id, identity=identity)
        )
    return all(t.muted for t in info.tracks if t.source == api.TrackSource.MICROPHONE)


class Forms:
    """One control's REST and channel forms, each answering (ok, error code, muted ids)."""

    def __init__(self, server: LiveServer, http: httpx.AsyncClient) -> None:
        self.server, self.http = server, http
        self.clients: list[PhxClient] = []

    async def rest(self, actor: dict[str, Any], room_id: str, target: str | None) -> Any:
        path = f"/api/rooms/{room_id}/" + (f"participants/{target}/mute" if target else "mute")
        response = await self.http.post(
            path,
            json={"source": "microphone"},
            headers={"authorization": f"Bearer {actor['token']}"},
        )
        if response.status_code == 200:
            return True, None, response.json()["muted"]
        return False, response.json()["error"]["code"], None

    async def channel(self, actor: dict[str, Any], room_id: str, target: str | None) -> Any:
        client = await PhxClient.open(self.server.url)
        self.clients.append(client)
        topic = f"room:{actor['room_id']}"
        ref, joined = await client.join(topic, {"token": actor["token"]})
        assert joined["status"] == "ok"
        event = "mute_participant" if target else "mute_all"
        payload = {"source": "microphone", **({"participant_id": target} if target else {})}
        reply = await client.push(ref, topic, event, payload)
        if reply["status"] == "ok":
            return True, None, reply["response"]["muted"]
        return False, reply["response"]["reason"], None


@pytest.mark.parametrize("form", ["rest", "channel"])
async def test_a_host_mutes_a_guest_and_the_forms_agree(
    server: LiveServer, livekit: LiveKitServer, form: str
) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        room_id = host["room_id"]
        guest = await join_room(http, room_id, "Grace")
        third = await join_room(http, room_id, "Hal")
        other = await create_room(http, "Eve")
        for person in (guest, third, other):
            person.setdefault("room_id", room_id)
        forms = Forms(server, http)
        control = forms.rest if form == "rest" else forms.channel
        grace_media = await _publishing(livekit, guest["token"])
        muted_event = asyncio.Event()
        grace_media.on("track_muted", lambda *_: muted_event.set())
        watcher = await PhxClient.open(server.url)
        await watcher.join(f"room:{room_id}", {"token": third["token"]})
        try:
            gid = guest["participant_id"]
            assert (await control(third, room_id, gid))[:2] == (False, "not_host")
            across = await control(other, room_id if form == "rest" else other["room_id"], gid)
            assert across[:2] in ((False, "unauthorized"), (False, "participant_not_found"))
            assert (await control(host, room_id, third["participant_id"]))[:2] == (
                False,
                "track_not_found",  # Hal has no microphone on the SFU
            )
            assert await control(host, room_id, gid) == (True, None, [gid])
            async with asyncio.timeout(5):
                await muted_event.wait()
            assert await _mic_muted(livekit, room_id, gid)
            told = await watcher.event(f"room:{room_id}", "participant:muted")
            assert told["participant_ids"] == [gid] and told["by_name"] == "Ada"
            everyone = await control(host, room_id, None)
            assert everyone == (True, None, [gid])

            ended = await http.post(
                f"/api/rooms/{room_id}/end", headers={"authorization": f"Bearer {host['token']}"}
            )
            assert ended.status_code == 204
            assert (await forms.rest(host, room_id, gid))[:2] == (False, "room_closed")
        finally:
            await grace_media.disconnect()
            await watcher.close()
            for client in forms.clients:
                await client.close()
