"""The embedded SFU benchmark's room, through livekit-server instead, for a CPU ratio.

Eight participants with the official Python SDK (`livekit.rtc`), each publishing VP8 capped at
500 kbps (noisy 320x180 frames, so the encoder spends the whole budget) plus a 48 kHz Opus tone,
each subscribed to the other seven. Unlike the aiortc peers of `embedded_sfu.py`, the SDK
always decodes what it receives, so the load generator costs much more here; LiveKit's own CPU
(from /proc, its process group) is what is compared. Packets forwarded are the subscribers'
inbound RTP packet counters.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from livekit import api, rtc
from vr_common.tokens import issue_room_token
from vr_testkit.cpu import group_cpu_seconds
from vr_testkit.livekit import LiveKitServer

from bench import embedded_sfu

WIDTH, HEIGHT = 320, 180
ROOM = "bench"


@dataclass(frozen=True)
class LiveKitLoad:
    seconds: float
    cpu_seconds: float
    forwarded_packets: int
    video_kbps: float

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.seconds

    @property
    def us_per_forwarded_packet(self) -> float:
        return self.cpu_seconds / self.forwarded_packets * 1e6


async def _publish(room: rtc.Room, stop: asyncio.Event, seed: int) -> None:
    video = rtc.VideoSource(WIDTH, HEIGHT)
    audio = rtc.AudioSource(48000, 1)
    await room.local_participant.publish_track(
        rtc.LocalVideoTrack.create_video_track("camera", video),
        rtc.TrackPublishOptions(
            source=rtc.TrackSource.SOURCE_CAMERA,
            video_codec=rtc.VideoCodec.VP8,
            simulcast=False,
            video_encoding=rtc.VideoEncoding(max_bitrate=500_000, max_framerate=30),
        ),
    )
    await room.local_participant.publish_track(
        rtc.LocalAudioTrack.create_audio_track("microphone", audio),
        rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE),
    )
    rng = np.random.default_rng(seed)
    tone = (np.sin(2 * math.pi * 440 * np.arange(480) / 48000) * 8000).astype(np.int16)
    start = time.monotonic()
    index = 0
    while not stop.is_set():
        pixels = rng.integers(0, 256, size=(HEIGHT, WIDTH, 4), dtype=np.uint8)
        video.capture_frame(
            rtc.VideoFrame(WIDTH, HEIGHT, rtc.VideoBufferType.RGBA, pixels.tobytes())
        )
        for _ in range(3):  # 3 x 10 ms of audio per 33 ms video frame, close enough
            await audio.capture_frame(rtc.AudioFrame(tone.tobytes(), 48000, 1, 480))
        index += 1
        await asyncio.sleep(max(0.0, start + index / 30 - time.monotonic()))


async def _inbound(rooms: list[rtc.Room]) -> tuple[int, int, int]:
    """(RTP packets, video bytes, video streams) received by all subscribers so far."""
    packets = video_bytes = video_streams = 0
    for room in rooms:
        stats = await room.get_rtc_stats()
        # The SDK has been seen to swap the two lists; inbound RTP is only ever received media.
        for entry in [*stats.publisher_stats, *stats.subscriber_stats]:
            if entry.WhichOneof("stats") == "inbound_rtp":
                packets += entry.inbound_rtp.received.packets_received
                if entry.inbound_rtp.stream.kind == "video":
                    video_bytes += entry.inbound_rtp.inbound.bytes_received
                    video_streams += 1
    return packets, video_bytes, video_streams


async def run(participants: int = 8, warmup: float = 5.0, seconds: float = 20.0) -> LiveKitLoad:
    livekit = LiveKitServer().start()
    rooms: list[rtc.Room] = []
    stop = asyncio.Event()
    publishers: list[asyncio.Task[None]] = []
    try:
        # LiveKit creates no room on demand (config/livekit.yaml): the backend would create it.
        async with api.LiveKitAPI(livekit.http_url, livekit.api_key, livekit.api_secret) as lk:
            await lk.room.create_room(api.CreateRoomRequest(name=ROOM))
        for index in range(participants):
            room = rtc.Room()
            token = issue_room_token(
                api_key=livekit.api_key,
                api_secret=livekit.api_secret,
                room_id=ROOM,
                participant_id=f"p{index}",
                participant_name=f"p{index}",
                ttl=timedelta(minutes=10),
            )
            await room.connect(livekit.ws_url, token)
            rooms.append(room)
            publishers.append(asyncio.create_task(_publish(room, stop, index)))
        # Every subscriber receives video before the warm-up starts (joining takes seconds on
        # a loaded machine), as the embedded SFU's bench waits for every subscription.
        expected_streams = participants * (participants - 1)
        deadline = time.monotonic() + 60
        while (await _inbound(rooms))[2] < expected_streams:
            assert time.monotonic() < deadline, "not every subscriber receives video"
            await asyncio.sleep(0.2)
        await asyncio.sleep(warmup)
        assert livekit.process is not None and livekit.process.proc is not None
        pid = livekit.process.proc.pid
        (packets0, bytes0, _), cpu0, t0 = (
            await _inbound(rooms),
            group_cpu_seconds(pid),
            time.monotonic(),
        )
        await asyncio.sleep(seconds)
        (packets1, bytes1, streams), cpu1, t1 = (
            await _inbound(rooms),
            group_cpu_seconds(pid),
            time.monotonic(),
        )
        return LiveKitLoad(
            seconds=t1 - t0,
            cpu_seconds=cpu1 - cpu0,
            forwarded_packets=packets1 - packets0,
            video_kbps=(bytes1 - bytes0) * 8 / (t1 - t0) / max(streams, 1) / 1000,
        )
    finally:
        stop.set()
        for task in publishers:
            task.cancel()
        for room in rooms:
            await room.disconnect()
        livekit.stop()


def report(result: LiveKitLoad) -> str:
    return (
        f"livekit-server: {result.forwarded_packets / result.seconds:,.0f} packets/s forwarded "
        f"(video {result.video_kbps:.0f} kbps a subscription), "
        f"{result.cpu_share * 100:.1f} % of one core, "
        f"{result.us_per_forwarded_packet:.1f} µs per forwarded packet"
    )


def main(participants: int = 8, warmup: float = 5.0, seconds: float = 20.0) -> None:
    # The SDK logs renegotiation noise at WARNING while 8 peers join at once.
    logging.getLogger("livekit").setLevel(logging.ERROR)
    result = asyncio.run(run(participants, warmup, seconds))
    print(report(result), flush=True)
    if embedded_sfu.measured:  # `make bench` measured the embedded SFU just before
        ours = embedded_sfu.measured[-1]
        print(
            f"embedded / LiveKit: {ours.cpu_share / result.cpu_share:.2f}x the CPU for the room, "
            f"{ours.us_per_forwarded_packet / result.us_per_forwarded_packet:.2f}x per packet",
            flush=True,
        )


if __name__ == "__main__":
    main()
