"""A real call through our API and a real livekit-server, with the official Python realtime SDK.

The backend runs as its own process (as operators run it) and LiveKit is configured to call its
webhook. Two SDK clients connect with the tokens our API handed out (one from create, one from
join): one publishes synthetic video, the other must decode at least 30 frames of it. In the
same stack: a removed guest whose old token LiveKit lets in again is put out again, and every
host action is one audit line the debug service shows for the room.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from livekit import api as lk_api
from livekit import rtc
from vr_testkit.api import ADMIN_TOKEN, create_room, join_room
from vr_testkit.debug_service import DebugServiceProcess
from vr_testkit.livekit import LiveKitServer
from vr_testkit.processes import free_port
from vr_testkit.services import BackendProcess, backend_process

WIDTH, HEIGHT = 320, 240


@pytest.fixture(scope="module")
def call_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendProcess]:
    """LiveKit with its webhook pointing at a backend process on a port chosen beforehand."""
    workdir = tmp_path_factory.mktemp("call")
    port = free_port()
    livekit = LiveKitServer(webhook_urls=[f"http://127.0.0.1:{port}/api/webhooks/livekit"])
    livekit.start()
    debug = DebugServiceProcess(workdir / "debug.db", log_dir=workdir).start()
    backend = backend_process(
        livekit,
        f"sqlite+aiosqlite:///{workdir / 'rooms.db'}",
        port=port,
        log_dir=workdir,
        DEBUG_SERVICE_URL=debug.base_url,
    )
    backend.start_and_wait()
    backend.livekit = livekit  # type: ignore[attr-defined]
    backend.debug = debug  # type: ignore[attr-defined]
    yield backend
    backend.stop()
    debug.stop()
    livekit.stop()


@pytest.fixture
async def api(call_stack: BackendProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=call_stack.url, timeout=10) as client:
        yield client


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.2)


async def publish_synthetic_video(room: rtc.Room, stop: asyncio.Event) -> None:
    source = rtc.VideoSource(WIDTH, HEIGHT)
    track = rtc.LocalVideoTrack.create_video_track("synthetic", source)
    options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_CAMERA)
    await room.local_participant.publish_track(track, options)
    frame_index = 0
    while not stop.is_set():
        # A moving gradient, so the encoder has real work and frames differ.
        shade = frame_index * 7 % 256
        pixel = bytes((shade, 255 - shade, (shade * 3) % 256, 255))
        frame = rtc.VideoFrame(WIDTH, HEIGHT, rtc.VideoBufferType.RGBA, pixel * (WIDTH * HEIGHT))
        source.capture_frame(frame)
        frame_index += 1
        await asyncio.sleep(1 / 30)


async def count_decoded_frames(room: rtc.Room, wanted: int, within: float) -> tuple[int, Any]:
    subscribed: asyncio.Future[rtc.RemoteVideoTrack] = asyncio.get_running_loop().create_future()

    def on_track(track: rtc.Track, *_: object) -> None:
        if isinstance(track, rtc.RemoteVideoTrack) and not subscribed.done():
            subscribed.set_result(track)

    room.on("track_subscribed", on_track)
    for participant in room.remote_participants.values():
        for publication in participant.track_publications.values():
            if isinstance(publication.track, rtc.RemoteVideoTrack):
                on_track(publication.track)
    track = await asyncio.wait_for(subscribed, within)
    stream = rtc.VideoStream(track)
    frames = 0
    size = None
    try:
        async with asyncio.timeout(within):
            async for event in stream:
                frames += 1
                size = (event.frame.width, event.frame.height)
                if frames >= wanted:
                    break
    finally:
        await stream.aclose()
    return frames, size


async def test_two_sdk_clients_talk_through_our_tokens(
    api: httpx.AsyncClient, call_stack: BackendProcess
) -> None:
    livekit: LiveKitServer = call_stack.livekit  # type: ignore[attr-defined]
    created = await create_room(api, "Alice")
    room_id = created["room_id"]
    joined = await join_room(api, room_id, "Bob")
    assert created["sfu"]["url"] == joined["sfu"]["url"] == livekit.ws_url

    alice, bob = rtc.Room(), rtc.Room()
    stop = asyncio.Event()
    await alice.connect(created["sfu"]["url"], created["token"])
    await bob.connect(joined["sfu"]["url"], joined["token"])
    publisher = asyncio.create_task(publish_synthetic_video(alice, stop))
    try:
        frames, size = await count_decoded_frames(bob, wanted=30, within=30)
        assert frames >= 30
        assert size is not None and size[0] > 0 and size[1] > 0

        # The room reports both, by the names they gave, straight from LiveKit.
        detail = (await api.get(f"/api/rooms/{room_id}")).json()["room"]
        assert detail["participants_source"] == "sfu"
        assert detail["participant_count"] == 2
        names = {p["id"]: p["name"] for p in detail["participants"]}
        assert names == {created["participant_id"]: "Alice", joined["participant_id"]: "Bob"}

        # LiveKit's webhooks told the backend both connected.
        async def both_connected_by_webhook() -> bool:
            rooms = (
                await api.get("/api/rooms", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
            ).json()["rooms"]
            return any(r["id"] == room_id and r["participant_count"] == 2 for r in rooms)

        await eventually(both_connected_by_webhook)

        # Bob leaves through the API: LiveKit drops him, Alice stays.
        disconnected = asyncio.Event()
        bob.on("disconnected", lambda *_: disconnected.set())
        response = await api.delete(
            f"/api/rooms/{room_id}/leave", headers={"Authorization": f"Bearer {joined['token']}"}
        )
        assert response.status_code == 204
        await asyncio.wait_for(disconnected.wait(), 10)

        async def only_alice_left() -> bool:
            room = (await api.get(f"/api/rooms/{room_id}")).json()["room"]
            return [p["id"] for p in room["participants"]] == [created["participant_id"]]

        await eventually(only_alice_left)
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await publisher
        await alice.disconnect()
        await bob.disconnect()

    # When the last one is gone, the webhook-kept state says nobody is connected.
    async def nobody_connected() -> bool:
        rooms = (
            await api.get("/api/rooms", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        ).json()["rooms"]
        return any(r["id"] == room_id and r["participant_count"] == 0 for r in rooms)

    await eventually(nobody_connected)
    log = call_stack.output()
    assert "livekit webhook participant_joined" in log
    assert "livekit webhook participant_left" in log

    # The same lines reached the debug service, filterable by room and participant.
    debug: DebugServiceProcess = call_stack.debug  # type: ignore[attr-defined]
    async with httpx.AsyncClient(base_url=debug.base_url) as logs_api:

        async def shipped(params: dict[str, str], *fragments: str) -> bool:
            found = (await logs_api.get("/api/logs", params={**params, "limit": "500"})).json()
            messages = " | ".join(entry["message"] for entry in found["logs"])
            return all(fragment in messages for fragment in fragments)

        room_lines = {"service": "backend", "room_id": room_id}
        await eventually(
            lambda: shipped(
                room_lines,
                "room created",
                "participant joined",
                "livekit webhook participant_joined",
                "livekit webhook participant_left",
                "participant left",
            )
        )
        # The access log carries the ids too (a join's line names its participant).
        bob_lines = {"participant_id": joined["participant_id"]}
        await eventually(lambda: shipped(bob_lines, f"POST /api/rooms/{room_id}/join 200"))


async def _media(url: str, token: str) -> tuple[rtc.Room, asyncio.Event]:
    """An SDK client connected with `token`, and an event set when LiveKit puts it out."""
    room = rtc.Room()
    gone = asyncio.Event()
    room.on("disconnected", lambda *_: gone.set())
    await room.connect(url, token, rtc.RoomOptions(auto_subscribe=False))
    return room, gone


async def _room_lines(debug: DebugServiceProcess, room_id: str) -> list[dict[str, Any]]:
    """The backend's lines of the room, as `/logs` filtered by room shows them, oldest first."""
    async with httpx.AsyncClient(base_url=debug.base_url) as logs_api:
        found = await logs_api.get(
            "/api/logs", params={"service": "backend", "room_id": room_id, "limit": "1000"}
        )
    # Newest first; a batch's lines share their receive time, so the answer's order it is.
    lines: list[dict[str, Any]] = found.json()["logs"]
    return lines[::-1]


async def test_a_removed_participant_reconnecting_with_the_old_token_is_put_out_again(
    api: httpx.AsyncClient, call_stack: BackendProcess
) -> None:
    """A LiveKit token cannot be revoked: LiveKit lets the removed guest's old token connect
    again, its webhook tells the backend, and the backend removes them at once."""
    livekit: LiveKitServer = call_stack.livekit  # type: ignore[attr-defined]
    host = await create_room(api, "Ada")
    room_id = host["room_id"]
    guest = await join_room(api, room_id, "Grace")
    url = guest["sfu"]["url"]
    ada, _ = await _media(url, host["token"])
    grace, grace_gone = await _media(url, guest["token"])
    again: rtc.Room | None = None
    try:
        removed = await api.post(
            f"/api/rooms/{room_id}/participants/{guest['participant_id']}/remove",
            headers={"Authorization": f"Bearer {host['token']}"},
        )
        assert removed.status_code == 204
        await asyncio.wait_for(grace_gone.wait(), 5)

        again, again_gone = await _media(url, guest["token"])  # LiveKit accepts the old token
        await asyncio.wait_for(again_gone.wait(), 10)

        async def only_ada_on_livekit() -> bool:
            async with lk_api.LiveKitAPI(
                livekit.http_url, livekit.api_key, livekit.api_secret
            ) as lk:
                listed = await lk.room.list_participants(
                    lk_api.ListParticipantsRequest(room=room_id)
                )
            return [p.identity for p in listed.participants] == [host["participant_id"]]

        await eventually(only_ada_on_livekit)
        debug: DebugServiceProcess = call_stack.debug  # type: ignore[attr-defined]

        async def told() -> bool:
            lines = await _room_lines(debug, room_id)
            return any(
                line["message"] == "removed participant reconnected; put out again"
                and line["metadata"].get("participant_id") == guest["participant_id"]
                for line in lines
            )

        await eventually(told)
    finally:
        for room in (ada, grace, again):
            if room is not None:
                await room.disconnect()


async def test_every_host_action_is_one_audit_line_in_the_debug_service(
    api: httpx.AsyncClient, call_stack: BackendProcess
) -> None:
    """Each host action, as the room's `/logs` (the debug service filtered by room) shows it:
    one line each with actor, action, target and room, and none of another room's."""
    host = await create_room(api, "Ada")
    room_id = host["room_id"]
    ada = host["participant_id"]
    grace = await join_room(api, room_id, "Grace")
    hal = await join_room(api, room_id, "Hal")
    gid, hid = grace["participant_id"], hal["participant_id"]
    elsewhere = await create_room(api, "Eve")
    as_host = {"Authorization": f"Bearer {host['token']}"}
    base = f"/api/rooms/{room_id}"

    async def ok(method: str, path: str, body: Any = None) -> Any:
        response = await api.request(method, base + path, json=body, headers=as_host)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    # Grace publishes a microphone, so that there is something to mute.
    media, _ = await _media(grace["sfu"]["url"], grace["token"])
    source = rtc.AudioSource(48000, 1)
    track = rtc.LocalAudioTrack.create_audio_track("mic", source)
    mic = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    try:
        await media.local_participant.publish_track(track, mic)
        await ok("POST", f"/participants/{gid}/role", {"role": "cohost"})
        await ok("POST", f"/participants/{gid}/role", {"role": "participant"})
        await ok("POST", "/lock", {"locked": True})
        await ok("POST", "/lock", {"locked": False})
        assert await ok("POST", f"/participants/{gid}/mute", {"source": "microphone"}) == {
            "muted": [gid]
        }
        await ok("POST", "/mute", {"source": "microphone"})
        await ok("PUT", "/lobby", {"enabled": True})
        knocks = []
        for name in ("Bob", "Cy"):
            knocked = await api.post(f"{base}/join", json={"participant_name": name})
            assert knocked.status_code == 202
            knocks.append(knocked.json())
        bob = knocks[0]
        await ok("POST", f"/lobby/{bob['request_id']}/admit")
        bob_status = await api.get(
            f"{base}/lobby/{bob['request_id']}",
            headers={"Authorization": f"Bearer {bob['secret']}"},
        )
        bob_id = bob_status.json()["credentials"]["participant_id"]
        await ok("POST", f"/lobby/{knocks[1]['request_id']}/deny")
        await ok("PUT", "/lobby", {"enabled": False})
        await ok("POST", f"/participants/{hid}/remove")
        await ok("POST", "/end")
    finally:
        await media.disconnect()
    other = await api.post(
        f"/api/rooms/{elsewhere['room_id']}/lock",
        json={"locked": True},
        headers={"Authorization": f"Bearer {elsewhere['token']}"},
    )
    assert other.status_code == 204

    expected = [
        ("make_cohost", ada, gid),
        ("unmake_cohost", ada, gid),
        ("lock", ada, None),
        ("unlock", ada, None),
        ("mute", ada, gid),
        ("mute_all", ada, None),
        ("lobby_on", ada, None),
        ("lobby_admit", ada, bob_id),
        ("lobby_deny", ada, None),
        ("lobby_off", ada, None),
        ("remove", ada, hid),
        ("end", ada, None),
    ]
    debug: DebugServiceProcess = call_stack.debug  # type: ignore[attr-defined]
    audit: list[dict[str, Any]] = []

    async def all_shipped() -> bool:
        nonlocal audit
        lines = await _room_lines(debug, room_id)
        audit = [line["metadata"] for line in lines if line["metadata"].get("audit")]
        return len(audit) >= len(expected)

    with contextlib.suppress(AssertionError):  # the comparison below says what is missing
        await eventually(all_shipped)
    seen = [(m["action"], m.get("actor"), m.get("target")) for m in audit]
    assert seen == expected
    assert all(m["room_id"] == room_id for m in audit)
    assert {m.get("source") for m in audit if m["action"].startswith("mute")} == {"microphone"}
