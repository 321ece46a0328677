"""Our serializer against aiortc's own parser: what a subscriber's stack will read."""

from __future__ import annotations

import pytest
from aiortc.clock import current_ntp_time
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket
from embedded_sfu.rtp_rewrite import (
    ExtensionIds,
    Forwarded,
    Rewriter,
    abs_send_time,
    interned_ids,
    serialize,
)

URIS = {
    "mid": "urn:ietf:params:rtp-hdrext:sdes:mid",
    "audio_level": "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "abs_send_time": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
}


def _parser(ids: ExtensionIds) -> HeaderExtensionsMap:
    extensions = [
        RTCRtpHeaderExtensionParameters(id=getattr(ids, name), uri=uri)
        for name, uri in URIS.items()
        if getattr(ids, name)
    ]
    parser = HeaderExtensionsMap()
    parser.configure(RTCRtpParameters(headerExtensions=extensions))
    return parser


def _publisher_packet(*, audio: bool, padding: int = 0, csrc: list[int] | None = None) -> RtpPacket:
    packet = RtpPacket(
        payload_type=111 if audio else 96,
        marker=1,
        sequence_number=40_000,
        timestamp=3_000_000_000,
        ssrc=1234,
        payload=bytes(range(200)),
    )
    packet.padding_size = padding
    packet.csrc = csrc or []
    packet.extensions.mid = "0"
    packet.extensions.abs_send_time = 0x123456
    if audio:
        packet.extensions.audio_level = (True, 42)
    return packet


@pytest.mark.parametrize("audio", [True, False])
@pytest.mark.parametrize("ids", [ExtensionIds(1, 2, 3), ExtensionIds(4, 9, 14), ExtensionIds()])
def test_aiortc_reads_back_the_rewritten_fields(audio: bool, ids: ExtensionIds) -> None:
    original = _publisher_packet(audio=audio)
    data = serialize(
        original, ids=ids, mid=b"12", ssrc=0xDEADBEEF, payload_type=97, sequence_number=65535
    )
    parsed = RtpPacket.parse(data, _parser(ids))
    assert (parsed.ssrc, parsed.payload_type, parsed.sequence_number) == (0xDEADBEEF, 97, 65535)
    assert (parsed.timestamp, parsed.marker, parsed.payload) == (3_000_000_000, 1, original.payload)
    assert parsed.extensions.mid == ("12" if ids.mid else None)
    assert parsed.extensions.abs_send_time == (0x123456 if ids.abs_send_time else None)
    expected_level = (True, 42) if audio and ids.audio_level else None
    assert parsed.extensions.audio_level == expected_level


def test_padding_csrcs_and_a_replaced_payload_survive() -> None:
    original = _publisher_packet(audio=False, padding=7, csrc=[1, 2])
    data = serialize(
        original,
        ids=ExtensionIds(1, 0, 3),
        mid=b"3",
        ssrc=5,
        payload_type=98,
        sequence_number=1,
        payload=b"\x9c\x40" + original.payload,  # RTX: original sequence number first
    )
    parsed = RtpPacket.parse(data, _parser(ExtensionIds(1, 0, 3)))
    assert parsed.padding_size == 7
    assert parsed.csrc == [1, 2]
    assert parsed.payload == b"\x9c\x40" + original.payload
    assert parsed.extensions.mid == "3"


def test_one_prepared_packet_serves_every_subscriber_as_serialize_would() -> None:
    # Subscribers with the same ids (shared by identity), other ids, other MIDs, and none.
    targets = [
        (interned_ids(1, 2, 3), b"0"),
        (interned_ids(1, 2, 3), b"12"),
        (interned_ids(4, 9, 14), b"7"),
        (interned_ids(1, 2, 3), b"123"),
        (ExtensionIds(1, 2, 3), b"5"),
        (ExtensionIds(), b"5"),
    ]
    for original in (
        _publisher_packet(audio=True),
        _publisher_packet(audio=False, padding=3, csrc=[9]),
    ):
        forwarded = Forwarded(original)
        for ssrc, (ids, mid) in enumerate(targets, start=1):
            rewriter = Rewriter(ids=ids, mid=mid, ssrc=ssrc, payload_type=100)
            expected = serialize(
                original, ids=ids, mid=mid, ssrc=ssrc, payload_type=100, sequence_number=ssrc
            )
            assert rewriter.write(forwarded, ssrc) == expected


def test_abs_send_time_is_aiortc_s_ntp_clock() -> None:
    before = (current_ntp_time() >> 14) & 0xFFFFFF
    now = abs_send_time()
    after = (current_ntp_time() >> 14) & 0xFFFFFF
    assert (now - before) & 0xFFFFFF <= (after - before) & 0xFFFFFF
