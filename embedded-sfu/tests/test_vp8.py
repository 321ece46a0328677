"""Keyframe detection on real VP8 packets from aiortc's encoder (with picture ids)."""

from __future__ import annotations

import fractions

from aiortc.codecs import get_encoder
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av import VideoFrame
from embedded_sfu.vp8 import is_keyframe_start


def _frame(index: int) -> VideoFrame:
    frame = VideoFrame(width=160, height=120, format="yuv420p")
    for plane in frame.planes:
        plane.update(bytes([(index * 7) % 256]) * plane.buffer_size)
    frame.pts = index * 3000
    frame.time_base = fractions.Fraction(1, 90000)
    return frame


def test_only_the_first_packet_of_a_keyframe_starts_one() -> None:
    codec = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
    encoder = get_encoder(codec)
    assert isinstance(encoder, Vp8Encoder)
    first, _ = encoder.encode(_frame(0))
    second, _ = encoder.encode(_frame(1))
    forced, _ = encoder.encode(_frame(2), force_keyframe=True)

    assert is_keyframe_start(first[0])
    assert not any(is_keyframe_start(p) for p in first[1:])
    assert not any(is_keyframe_start(p) for p in second)
    assert is_keyframe_start(forced[0])


def test_truncated_or_empty_payloads_are_not_keyframes() -> None:
    assert not is_keyframe_start(b"")
    assert not is_keyframe_start(b"\x90")  # X and S set, extension byte missing
    assert not is_keyframe_start(b"\x90\x80")  # picture id announced, missing
    assert not is_keyframe_start(b"\x10")  # descriptor only, no VP8 header
