"""A host mutes a participant's microphone (or everyone's), over REST or the room channel with
the same results; LiveKit mutes the published track (MutePublishedTrack) and tells its owner."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from livekit import api, rtc
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .host_forms import HostForms, People
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


@pytest.mark.parametrize("form", ["rest", "channel"])
async def test_a_host_mutes_a_guest_and_the_forms_agree(
    server: LiveServer, livekit: LiveKitServer, host_room: tuple[People, HostForms], form: str
) -> None:
    people, forms = host_room
    room_id, host, guest, third, other = (
        people.room_id,
        people.host,
        people.guest,
        people.third,
        people.other,
    )

    async def control(actor: dict[str, Any], target: str | None, in_room: str = room_id) -> Any:
        path = f"participants/{target}/mute" if target else "mute"
        event = "mute_participant" if target else "mute_all"
        payload = {"source": "microphone", **({"participant_id": target} if target else {})}
        ok, code, body = await forms.control(form, actor, path, event, payload, in_room)
        return ok, code, body["muted"] if body else None

    grace_media = await _publishing(livekit, guest["token"])
    muted_event = asyncio.Event()
    grace_media.on("track_muted", lambda *_: muted_event.set())
    watcher = await PhxClient.open(server.url)
    forms.clients.append(watcher)
    await watcher.join(f"room:{room_id}", {"token": third["token"]})
    try:
        gid = guest["participant_id"]
        assert (await control(third, gid))[:2] == (False, "not_host")
        assert (await control(other, gid))[:2] == (False, "unauthorized")
        assert (await control(host, third["participant_id"]))[:2] == (
            False,
            "track_not_found",  # Hal has no microphone on the SFU
        )
        assert await control(host, gid) == (True, None, [gid])
        async with asyncio.timeout(5):
            await muted_event.wait()
        assert await _mic_muted(livekit, room_id, gid)
        told = await watcher.event(f"room:{room_id}", "participant:muted")
        assert told["participant_ids"] == [gid] and told["by_name"] == "Ada"
        assert await control(host, None) == (True, None, [gid])

        assert (await forms.rest(host, f"/api/rooms/{room_id}/end"))[0]
        assert (await control(host, gid))[:2] == (False, "room_closed")
    finally:
        await grace_media.disconnect()
