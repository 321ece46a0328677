"""A real call through our API and a real livekit-server, with the official Python realtime SDK.

The backend runs as its own process (as operators run it) and LiveKit is configured to call its
webhook. Two SDK clients connect with the tokens our API handed out (one from create, one from
join): one publishes synthetic video, the other must decode at least 30 frames of it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
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
