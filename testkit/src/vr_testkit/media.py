"""Synthetic media for aiortc peers: moving video, a tone or silence, and replayed VP8.

Small frames keep real encoding and decoding cheap enough for a shared 2-core machine; the
replayed track sends pre-encoded VP8 so that a benchmark can drive many publishers without
paying for many encoders.
"""

from __future__ import annotations

import fractions
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from aiortc.mediastreams import AudioStreamTrack, MediaStreamTrack, VideoStreamTrack
from av import AudioFrame, VideoFrame
from av.codec.context import CodecContext
from av.packet import Packet

VIDEO_CLOCK = 90000


class MovingVideoTrack(VideoStreamTrack):
    """A sliding gradient at 30 fps: changes every frame, so every frame costs real bits."""

    def __init__(self, width: int = 320, height: int = 240) -> None:
        super().__init__()
        self._width = width
        self._height = height
        self._count = 0
        row = np.arange(width, dtype=np.uint16)
        self._base = np.tile(row, (height, 1))

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        self._count += 1
        luma = ((self._base + self._count * 4) % 256).astype(np.uint8)
        image = np.stack([luma, np.flipud(luma), np.full_like(luma, 128)], axis=-1)
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class ToneTrack(AudioStreamTrack):
    """A loud 440 Hz tone (audio level near 0 dBov), or silence (level 127) when `silent`."""

    def __init__(self, *, silent: bool = False) -> None:
        super().__init__()
        self.silent = silent
        self._phase = 0

    async def recv(self) -> AudioFrame:
        frame = await super().recv()  # paced silence with correct timestamps
        assert isinstance(frame, AudioFrame)
        if not self.silent:
            t = (np.arange(frame.samples) + self._phase) / frame.sample_rate
            samples = (np.sin(2 * math.pi * 440 * t) * 20000).astype(np.int16)
            frame.planes[0].update(samples.tobytes())
        self._phase += frame.samples
        return frame


@dataclass(frozen=True)
class EncodedClip:
    """VP8 frames encoded once, replayed by every `ReplayedVp8Track`."""

    frames: list[bytes]
    keyframes: list[bool]
    bitrate: int


def encode_clip(
    *, seconds: float = 2.0, bitrate: int = 500_000, width: int = 640, height: int = 360
) -> EncodedClip:
    """Encode a moving, noisy test pattern at `bitrate` (first frame a keyframe)."""
    encoder = CodecContext.create("libvpx", "w")
    encoder.width = width
    encoder.height = height
    encoder.pix_fmt = "yuv420p"
    encoder.bit_rate = bitrate
    encoder.framerate = fractions.Fraction(30, 1)
    encoder.time_base = fractions.Fraction(1, 30)
    encoder.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    rng = np.random.default_rng(7)
    frames: list[bytes] = []
    keyframes: list[bool] = []
    count = int(seconds * 30)
    base = np.tile(np.arange(width, dtype=np.uint16), (height, 1))
    for i in range(count):
        luma = ((base + i * 6) % 256).astype(np.uint8)
        noise = rng.integers(0, 40, size=(height, width), dtype=np.uint8)
        image = np.stack([luma, noise, np.full_like(luma, 128)], axis=-1)
        frame = VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
        frame.pts = i
        for packet in encoder.encode(frame):
            frames.append(bytes(packet))
            keyframes.append(bool(packet.is_keyframe))
    for packet in encoder.encode(None):
        frames.append(bytes(packet))
        keyframes.append(bool(packet.is_keyframe))
    return EncodedClip(frames, keyframes, bitrate)


class ReplayedVp8Track(MediaStreamTrack):
    """Loops an `EncodedClip` at 30 fps as pre-encoded packets (aiortc packetizes, no encode)."""

    kind = "video"

    def __init__(self, clip: EncodedClip) -> None:
        super().__init__()
        self._clip = clip
        self._inner = VideoStreamTrack()  # for its 30 fps pacing and timestamps
        self._index = 0

    async def recv(self) -> Packet[Any]:
        pts, time_base = await self._inner.next_timestamp()
        data = self._clip.frames[self._index % len(self._clip.frames)]
        self._index += 1
        packet = Packet(data)
        packet.pts = pts
        packet.time_base = time_base
        return packet
