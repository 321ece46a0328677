"""Every use of aiortc's private API, in one place.

aiortc is a WebRTC *endpoint*: its receiver always decodes and its sender always encodes. An
SFU must do neither, so we take RTP from the receiver before its jitter buffer and decoder,
and write rewritten packets straight to the subscriber's DTLS transport. Those entry points are
private, so: aiortc is pinned to one exact version (`PINNED_AIORTC_VERSION`, and in
`backend/pyproject.toml`), nothing outside this module names a private attribute, and
`self_test()` refuses to start the SFU when the internals it relies on have moved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import aioice
import aiortc
from aioice.ice import CandidatePair, Connection, StunProtocol
from aiortc import (
    MediaStreamTrack,
    RTCDtlsTransport,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
    RTCRtpTransceiver,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcdtlstransport import State
from aiortc.rtcicetransport import RTCIceTransport
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters
from aiortc.rtp import AnyRtcpPacket, RtcpByePacket, RtpPacket
from av.frame import Frame

from embedded_sfu.rtp_rewrite import ExtensionIds, interned_ids

PINNED_AIORTC_VERSION = "1.16.0"
# `raw_sender` walks aioice's connection to the nominated pair's socket (uv.lock pins it).
PINNED_AIOICE_VERSION = "0.13.0"

RtpTap = Callable[[RtpPacket], Coroutine[Any, Any, None]]
RtcpTap = Callable[[AnyRtcpPacket], Coroutine[Any, Any, None]]
SendRaw = Callable[[bytes], None]


class ForwardingUnavailable(RuntimeError):
    """The installed aiortc does not have the internals this SFU forwards with."""


@dataclass(frozen=True)
class Outbound:
    """What forwarding needs from a negotiated sendonly transceiver of a subscriber."""

    ssrc: int
    rtx_ssrc: int
    payload_type: int
    rtx_payload_type: int | None
    extension_ids: ExtensionIds
    send: SendRaw  # RTP
    send_rtcp: SendRaw


class _SilentTrack(MediaStreamTrack):
    """A track that never yields a frame.

    An aiortc sender without a track polls for one every 20 ms, which for 100 forwarded streams
    is thousands of wake-ups a second; with this track its encode loop just waits, forever.
    """

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self._never: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def recv(self) -> Frame:
        await self._never
        raise MediaStreamError


def tap_publisher_receiver(receiver: RTCRtpReceiver, on_rtp: RtpTap, on_rtcp: RtcpTap) -> None:
    """Route a publisher's RTP and RTCP to us instead of aiortc's jitter buffer and decoder."""

    async def handle_rtp(packet: RtpPacket, arrival_time_ms: int) -> None:
        await on_rtp(packet)

    receiver._handle_rtp_packet = handle_rtp  # type: ignore[method-assign]
    receiver._handle_rtcp_packet = on_rtcp  # type: ignore[method-assign,assignment]


async def send_rtcp_upstream(receiver: RTCRtpReceiver, packet: AnyRtcpPacket) -> None:
    """Send feedback (PLI, REMB) to a publisher; aiortc fills in nothing, we built it whole."""
    await receiver._send_rtcp(packet)


def feedback_ssrc(transceiver: RTCRtpTransceiver) -> int:
    """The SSRC our side of a publisher's transceiver signs its RTCP feedback with."""
    return transceiver.sender._ssrc


def route_rtx_ssrc(transceiver: RTCRtpTransceiver, rtx_ssrc: int) -> None:
    """Send a publisher's RTX stream to this transceiver's receiver.

    aiortc routes an unknown SSRC by payload type only when one receiver has it; with a camera
    and a screen share (both VP8 + RTX) it would drop every retransmission.
    """
    receiver = transceiver.receiver
    receiver.transport._rtp_router.ssrc_table[rtx_ssrc] = receiver


def rtx_payload_type(transceiver: RTCRtpTransceiver) -> int | None:
    """The payload type of the RTX codec negotiated next to the media codec, if any."""
    codecs: list[RTCRtpCodecParameters] = transceiver._codecs
    main = codecs[0].payloadType
    return next(
        (
            c.payloadType
            for c in codecs
            if c.mimeType.lower().endswith("/rtx") and c.parameters.get("apt") == main
        ),
        None,
    )


def main_payload_type(transceiver: RTCRtpTransceiver) -> int:
    """The payload type a publisher sends media with (after `restrict_codec`)."""
    payload_type = transceiver._codecs[0].payloadType
    assert payload_type is not None  # negotiated codecs always carry one
    return payload_type


def restrict_codec(transceiver: RTCRtpTransceiver, mime_type: str) -> bool:
    """Keep only `mime_type` (and its RTX) among the codecs negotiated from a remote offer, so
    that the answer forces every publisher onto the one codec all subscribers can receive.
    Returns False when the offer did not include it."""
    codecs: list[RTCRtpCodecParameters] = transceiver._codecs
    main = [c for c in codecs if c.mimeType.lower() == mime_type.lower()]
    if not main:
        return False
    chosen = main[0]
    rtx = [
        c
        for c in codecs
        if c.mimeType.lower().endswith("/rtx") and c.parameters.get("apt") == chosen.payloadType
    ]
    transceiver._codecs = [chosen, *rtx[:1]]
    return True


def prepare_forwarding_sender(
    transceiver: RTCRtpTransceiver, *, stream_id: str, track_id: str, on_rtcp: RtcpTap
) -> None:
    """Make a fresh sendonly transceiver a forwarding one: no encoder, our msid, our RTCP.

    aiortc's own sender reports carry its encoder's (zero) counters; we send correct ones
    ourselves (`publication.py`), so its reports are dropped here (its BYE still goes out).
    """
    sender = transceiver.sender
    sender.replaceTrack(_SilentTrack(transceiver.kind))
    sender._stream_id = stream_id
    sender._track_id = track_id
    sender._handle_rtcp_packet = on_rtcp  # type: ignore[method-assign,assignment]
    original_send_rtcp = sender._send_rtcp

    async def send_rtcp(packets: list[AnyRtcpPacket]) -> None:
        kept: list[AnyRtcpPacket] = [p for p in packets if isinstance(p, RtcpByePacket)]
        if kept:
            await original_send_rtcp(kept)

    sender._send_rtcp = send_rtcp  # type: ignore[method-assign]


def outbound_for(transceiver: RTCRtpTransceiver) -> Outbound:
    """The negotiated rewrite targets of a subscriber's transceiver (after its answer)."""
    sender = transceiver.sender
    codecs: list[RTCRtpCodecParameters] = transceiver._codecs
    main = codecs[0]
    assert main.payloadType is not None  # negotiated codecs always carry one
    rtx_pt = rtx_payload_type(transceiver)
    transport: RTCDtlsTransport = sender.transport
    return Outbound(
        ssrc=sender._ssrc,
        rtx_ssrc=sender._rtx_ssrc,
        payload_type=main.payloadType,
        rtx_payload_type=rtx_pt,
        extension_ids=_extension_ids(transceiver),
        send=raw_sender(transport, rtcp=False),
        send_rtcp=raw_sender(transport, rtcp=True),
    )


def raw_sender(transport: RTCDtlsTransport, *, rtcp: bool) -> SendRaw:
    """`RTCDtlsTransport._send_rtp` without its chain of coroutines, for RTP or for RTCP.

    The same steps (SRTP-protect, then send on the ICE connection's nominated pair, as
    `aioice.Connection.send` does, and count), but synchronous: the original is four nested
    awaits per packet that never wait (a datagram send does not block), a measurable share of
    the per-packet, per-subscriber cost. Raises `ConnectionError` as the original does.
    """
    ice: RTCIceTransport = transport.transport
    nominated: dict[int, CandidatePair] = ice._connection._nominated
    connected = State.CONNECTED
    # The nominated pair's socket and address, looked up again whenever the pair changes.
    route: tuple[CandidatePair | None, Any, tuple[str, int]] = (None, None, ("", 0))

    def send(data: bytes) -> None:
        nonlocal route
        if transport._state is not connected:
            raise ConnectionError("Cannot send encrypted RTP, not connected")
        srtp = transport._tx_srtp
        data = srtp.protect_rtcp(data) if rtcp else srtp.protect(data)
        pair = nominated.get(1)
        if pair is not route[0]:
            if pair is None:
                raise ConnectionError("Cannot send data, not connected")
            route = (pair, pair.protocol.transport, pair.remote_addr)
        # What StunProtocol.send_data does (a coroutine only by its signature).
        route[1].sendto(data, route[2])
        transport._RTCDtlsTransport__tx_bytes += len(data)  # type: ignore[attr-defined]
        transport._RTCDtlsTransport__tx_packets += 1  # type: ignore[attr-defined]

    return send


def ungathered_ice_connections(pc: RTCPeerConnection) -> list[Connection]:
    """The aioice connections of `pc`'s transports that have not gathered candidates yet: each
    new transceiver gets one (until bundling discards it), gathered by the next
    setLocalDescription."""
    found: list[Connection] = []
    for transceiver in pc.getTransceivers():
        dtls: RTCDtlsTransport = transceiver.sender.transport
        gatherer = dtls.transport.iceGatherer
        if gatherer.state == "new" and gatherer._connection not in found:
            found.append(gatherer._connection)
    return found


def add_host_protocol(connection: Connection, protocol: StunProtocol) -> None:
    """Register a host socket we bound ourselves (ice_ports.py) with its connection, which
    pairs remote candidates with, and reads checks and media from, its protocols."""
    connection._protocols.append(protocol)


_EXTENSION_FIELDS = {
    "urn:ietf:params:rtp-hdrext:sdes:mid": "mid",
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level": "audio_level",
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time": "abs_send_time",
}


def _extension_ids(transceiver: RTCRtpTransceiver) -> ExtensionIds:
    negotiated: list[RTCRtpHeaderExtensionParameters] = transceiver._headerExtensions
    ids = {
        _EXTENSION_FIELDS[ext.uri]: ext.id
        for ext in negotiated
        if ext.uri in _EXTENSION_FIELDS and 1 <= ext.id <= 14  # the one-byte form's range
    }
    return interned_ids(**ids)


def self_test() -> None:
    """Fail fast, with a reason, if this aiortc is not the one our hooks were written for."""
    if aiortc.__version__ != PINNED_AIORTC_VERSION:
        raise ForwardingUnavailable(
            f"aiortc {aiortc.__version__} is installed; the embedded SFU's hooks are written "
            f"for exactly {PINNED_AIORTC_VERSION} (see aiortc_hooks.py before upgrading)"
        )
    if aioice.__version__ != PINNED_AIOICE_VERSION:
        raise ForwardingUnavailable(
            f"aioice {aioice.__version__} is installed; the embedded SFU's hooks are written "
            f"for exactly {PINNED_AIOICE_VERSION} (see aiortc_hooks.py before upgrading)"
        )
    required = {
        RTCRtpReceiver: ("_handle_rtp_packet", "_handle_rtcp_packet", "_send_rtcp"),
        RTCRtpSender: ("_handle_rtcp_packet", "_send_rtcp", "_run_rtp"),
        RTCDtlsTransport: ("_send_rtp", "_handle_rtp_data"),
        StunProtocol: ("send_data",),
        Connection: ("get_component_candidates",),
    }
    missing = [
        f"{cls.__name__}.{name}"
        for cls, names in required.items()
        for name in names
        if not callable(getattr(cls, name, None))
    ]
    if not isinstance(getattr(Connection(ice_controlling=False), "_protocols", None), list):
        missing.append("aioice.Connection._protocols")
    if missing:
        raise ForwardingUnavailable(f"aiortc internals missing: {', '.join(missing)}")
