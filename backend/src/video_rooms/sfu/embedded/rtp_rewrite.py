"""Serialize a forwarded RTP packet for one subscriber: its SSRC, payload type, sequence
number, MID and header-extension ids, around the publisher's payload.

aiortc's generic `RtpPacket.serialize` costs about as much as SRTP encryption; this is the
per-packet, per-subscriber hot path, so it writes exactly the extensions a forwarding m-line
negotiates (RFC 8285 one-byte form: MID, audio level, abs-send-time) and nothing else.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from aiortc.rtp import RtpPacket

_HEADER = struct.Struct("!BBHLL")
_ONE_BYTE_PROFILE = b"\xbe\xde"


@dataclass(frozen=True)
class ExtensionIds:
    """Negotiated ids (1..14) of the extensions we write; 0 when not negotiated."""

    mid: int = 0
    audio_level: int = 0
    abs_send_time: int = 0


def serialize(
    packet: RtpPacket,
    *,
    ids: ExtensionIds,
    mid: bytes,
    ssrc: int,
    payload_type: int,
    sequence_number: int,
    payload: bytes | None = None,
) -> bytes:
    """`packet` as this subscriber must receive it (`payload` replaces the packet's, for RTX)."""
    elements: list[bytes] = []
    if ids.mid and mid:
        elements.append(bytes(((ids.mid << 4) | (len(mid) - 1),)) + mid)
    extensions = packet.extensions
    if ids.audio_level and extensions.audio_level is not None:
        vad, level = extensions.audio_level
        elements.append(bytes(((ids.audio_level << 4), (0x80 if vad else 0) | level)))
    if ids.abs_send_time and extensions.abs_send_time is not None:
        elements.append(
            bytes(((ids.abs_send_time << 4) | 2,)) + extensions.abs_send_time.to_bytes(3, "big")
        )
    block = b""
    if elements:
        body = b"".join(elements)
        body += b"\x00" * (-len(body) % 4)
        block = _ONE_BYTE_PROFILE + (len(body) // 4).to_bytes(2, "big") + body
    padding = packet.padding_size
    first = 0x80 | (0x20 if padding else 0) | (0x10 if block else 0) | len(packet.csrc)
    header = _HEADER.pack(
        first,
        (packet.marker << 7) | payload_type,
        sequence_number,
        packet.timestamp,
        ssrc,
    )
    csrcs = b"".join(c.to_bytes(4, "big") for c in packet.csrc) if packet.csrc else b""
    data = header + csrcs + block + (packet.payload if payload is None else payload)
    if padding:
        # Padding carries no information; zeros plus the count byte (RFC 3550 5.1).
        data += b"\x00" * (padding - 1) + bytes((padding,))
    return data
