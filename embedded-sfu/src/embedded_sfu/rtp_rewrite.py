"""Serialize a forwarded RTP packet for one subscriber: its SSRC, payload type, sequence
number, MID and header-extension ids, around the publisher's payload.

aiortc's generic `RtpPacket.serialize` costs about as much as SRTP encryption; this is the
per-packet, per-subscriber hot path, so it writes exactly the extensions a forwarding m-line
negotiates (RFC 8285 one-byte form: MID, audio level, abs-send-time) and nothing else. The work
is split by how often it changes: what is the same for every subscriber of a packet is done
once per packet (`Forwarded`), what is the same for every packet of a subscription once per
subscription (`Rewriter`), and per packet and subscriber only the 12-byte header is packed and
the pieces joined.
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass
from functools import cache

from aiortc.rtp import RtpPacket

_HEADER = struct.Struct("!BBHLL")
_ONE_BYTE_PROFILE = b"\xbe\xde"
_NTP_EPOCH_OFFSET_NS = 2_208_988_800 * 1_000_000_000  # 1900-01-01 to 1970-01-01


def abs_send_time() -> int:
    """Now as abs-send-time: NTP seconds in 6.18 fixed point, 24 bits (wraps every 64 s).

    The same value as aiortc's `(current_ntp_time() >> 14) & 0xFFFFFF`, without its datetime
    arithmetic: this runs for every packet received.
    """
    return ((time.time_ns() + _NTP_EPOCH_OFFSET_NS) * 262144 // 1_000_000_000) & 0xFFFFFF


@dataclass(frozen=True)
class ExtensionIds:
    """Negotiated ids (1..14) of the extensions we write; 0 when not negotiated."""

    mid: int = 0
    audio_level: int = 0
    abs_send_time: int = 0


@cache
def interned_ids(mid: int = 0, audio_level: int = 0, abs_send_time: int = 0) -> ExtensionIds:
    """One shared instance per combination, so that `Forwarded.extensions` can recognise the
    ids it just wrote for by identity (subscribers' browsers mostly negotiate the same ids)."""
    return ExtensionIds(mid, audio_level, abs_send_time)


class Forwarded:
    """One publisher packet, with what every subscriber's copy shares computed once."""

    __slots__ = (
        "_abs_send_time",
        "_audio_level",
        "_ids",
        "_shared",
        "csrcs",
        "first",
        "marker",
        "payload_size",
        "tail",
        "timestamp",
    )

    def __init__(self, packet: RtpPacket, payload: bytes | None = None) -> None:
        """`payload` replaces the packet's (for RTX)."""
        body = packet.payload if payload is None else payload
        padding = packet.padding_size
        csrc = packet.csrc
        # Version 2, P, CC; X is added per subscriber (a subscriber may negotiate no extension).
        self.first = 0x80 | (0x20 if padding else 0) | len(csrc)
        self.marker = packet.marker << 7
        self.timestamp = packet.timestamp
        self.csrcs = b"".join(c.to_bytes(4, "big") for c in csrc) if csrc else b""
        # Padding carries no information; zeros plus the count byte (RFC 3550 5.1).
        self.tail = body + b"\x00" * (padding - 1) + bytes((padding,)) if padding else body
        self.payload_size = len(packet.payload)
        extensions = packet.extensions
        self._audio_level = extensions.audio_level
        self._abs_send_time = extensions.abs_send_time
        self._ids: ExtensionIds | None = None
        self._shared = b""

    def extensions(self, ids: ExtensionIds) -> bytes:
        """The extension elements after the MID (audio level, abs-send-time) for these ids."""
        if ids is self._ids:
            return self._shared
        shared = b""
        if ids.audio_level and self._audio_level is not None:
            vad, level = self._audio_level
            shared = bytes(((ids.audio_level << 4), (0x80 if vad else 0) | level))
        if ids.abs_send_time and self._abs_send_time is not None:
            shared += bytes(((ids.abs_send_time << 4) | 2,)) + self._abs_send_time.to_bytes(
                3, "big"
            )
        self._ids = ids
        self._shared = shared
        return shared


class Rewriter:
    """Writes `Forwarded` packets as one subscription's stream must carry them."""

    __slots__ = ("_framing", "_ids", "_mid_element", "_payload_type", "_ssrc")

    def __init__(self, *, ids: ExtensionIds, mid: bytes, ssrc: int, payload_type: int) -> None:
        self._ids = ids
        self._ssrc = ssrc
        self._payload_type = payload_type
        self._mid_element = (
            bytes(((ids.mid << 4) | (len(mid) - 1),)) + mid if ids.mid and mid else b""
        )
        # By the length of the shared elements: (X bit, block start with the MID, padding).
        self._framing: dict[int, tuple[int, bytes, bytes]] = {}

    def write(self, forwarded: Forwarded, sequence_number: int) -> bytes:
        shared = forwarded.extensions(self._ids)
        size = len(shared)
        framing = self._framing.get(size)
        if framing is None:
            framing = self._framing[size] = self._frame(size)
        extension_bit, start, end = framing
        header = _HEADER.pack(
            forwarded.first | extension_bit,
            forwarded.marker | self._payload_type,
            sequence_number,
            forwarded.timestamp,
            self._ssrc,
        )
        return b"".join((header, forwarded.csrcs, start, shared, end, forwarded.tail))

    def _frame(self, shared_size: int) -> tuple[int, bytes, bytes]:
        size = len(self._mid_element) + shared_size
        if not size:
            return 0, b"", b""
        padding = -size % 4
        words = (size + padding) // 4
        start = _ONE_BYTE_PROFILE + words.to_bytes(2, "big") + self._mid_element
        return 0x10, start, b"\x00" * padding


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
    """`packet` as this subscriber must receive it (`payload` replaces the packet's, for RTX).

    The one-off form of `Rewriter.write`, for retransmissions.
    """
    rewriter = Rewriter(ids=ids, mid=mid, ssrc=ssrc, payload_type=payload_type)
    return rewriter.write(Forwarded(packet, payload), sequence_number)
