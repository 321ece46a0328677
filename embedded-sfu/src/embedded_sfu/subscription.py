"""One publication forwarded to one subscriber: the per-subscriber RTP rewrite.

Browsers negotiate their own SSRCs, payload types, header-extension ids and MIDs on every peer
connection, so each forwarded packet is rewritten for the subscriber it goes to. RTP
timestamps pass through unchanged (one source per subscription, never switched), so the
publisher's sender reports stay valid with only the SSRC and counters replaced.
"""

from __future__ import annotations

import contextlib
import random
from typing import TYPE_CHECKING

from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_FIR,
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtcpRtpfbPacket,
    RtcpSenderInfo,
    RtcpSrPacket,
    unpack_remb_fci,
)

from embedded_sfu.aiortc_hooks import Outbound, SendRaw
from embedded_sfu.rtp_rewrite import Forwarded, Rewriter, serialize

if TYPE_CHECKING:
    from embedded_sfu.publication import Publication


class Subscription:
    def __init__(self, publication: Publication, subscriber_sid: str, mid: str | None) -> None:
        self.publication = publication
        self.subscriber_sid = subscriber_sid
        self.mid = mid
        self._mid = b""
        self.out: Outbound | None = None
        self._rewriter: Rewriter | None = None
        self._send: SendRaw | None = None
        self.media_ready = False
        self.started = False
        self._offset = 0
        # Start in the lower half of the space, as browsers do, so that early wrap-arounds
        # cannot trip SRTP replay protection.
        self._first_seq = random.randrange(32768)
        self._rtx_seq = random.randrange(32768)
        self.packets_sent = 0
        self.octets_sent = 0
        self.retransmitted = 0
        self.retransmit_misses = 0
        self.nacks_received = 0
        self.plis_received = 0
        self.remb: int | None = None
        # Test hook: fraction of packets silently dropped on the way to this subscriber.
        self.drop_rate = 0.0
        self.dropped = 0
        self.closed = False

    def bind(self, out: Outbound, mid: str) -> None:
        self.out = out
        self.mid = mid
        self._mid = mid.encode()
        self._rewriter = Rewriter(
            ids=out.extension_ids, mid=self._mid, ssrc=out.ssrc, payload_type=out.payload_type
        )
        self._send = out.send

    def forward(self, packet: Forwarded, in_seq: int, keyframe: bool) -> bool:
        """Send one publisher packet; False when this subscription still waits for a keyframe.

        Synchronous, as is everything below it: the per-packet, per-subscriber hot path.
        """
        rewriter = self._rewriter
        send = self._send
        if rewriter is None or send is None or not self.media_ready or self.closed:
            return True
        if not self.started:
            if self.publication.kind == "video" and not keyframe:
                return False
            self._offset = (self._first_seq - in_seq) & 0xFFFF
            self.started = True
        data = rewriter.write(packet, (in_seq + self._offset) & 0xFFFF)
        self.packets_sent += 1
        self.octets_sent += packet.payload_size
        if self.drop_rate and random.random() < self.drop_rate:
            self.dropped += 1
            return True
        # try/except rather than contextlib.suppress: this is the per-packet hot path.
        try:  # noqa: SIM105
            send(data)
        except ConnectionError:
            pass  # the subscriber is gone or not connected yet; its peer cleans up
        return True

    async def handle_rtcp(self, packet: AnyRtcpPacket) -> None:
        """Feedback from the subscriber about this stream."""
        if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            self.nacks_received += 1
            for out_seq in packet.lost:
                await self._retransmit(out_seq)
        elif isinstance(packet, RtcpPsfbPacket):
            if packet.fmt in (RTCP_PSFB_PLI, RTCP_PSFB_FIR):
                self.plis_received += 1
                await self.publication.keyframes.request()
            elif packet.fmt == RTCP_PSFB_APP:
                try:
                    self.remb = unpack_remb_fci(packet.fci)[0]
                except ValueError:
                    return
                await self.publication.forward_remb()

    async def _retransmit(self, out_seq: int) -> None:
        out = self.out
        history = self.publication.history
        if out is None or history is None or not self.started:
            return
        in_seq = (out_seq - self._offset) & 0xFFFF
        original = history.get(in_seq)
        if original is None:
            self.retransmit_misses += 1
            return
        if out.rtx_payload_type is not None:
            # RFC 4588: the original sequence number leads the payload, on the RTX stream.
            data = serialize(
                original,
                ids=out.extension_ids,
                mid=self._mid,
                ssrc=out.rtx_ssrc,
                payload_type=out.rtx_payload_type,
                sequence_number=self._rtx_seq,
                payload=out_seq.to_bytes(2, "big") + original.payload,
            )
            self._rtx_seq = (self._rtx_seq + 1) & 0xFFFF
        else:
            data = serialize(
                original,
                ids=out.extension_ids,
                mid=self._mid,
                ssrc=out.ssrc,
                payload_type=out.payload_type,
                sequence_number=out_seq,
            )
        self.retransmitted += 1
        with contextlib.suppress(ConnectionError):
            out.send(data)

    async def send_sender_report(self, ntp_timestamp: int, rtp_timestamp: int) -> None:
        """Relay the publisher's clock mapping (for lip sync) with this stream's own counters."""
        out = self.out
        if out is None or not self.started or not self.media_ready:
            return
        report = RtcpSrPacket(
            ssrc=out.ssrc,
            sender_info=RtcpSenderInfo(
                ntp_timestamp=ntp_timestamp,
                rtp_timestamp=rtp_timestamp,
                packet_count=self.packets_sent & 0xFFFFFFFF,
                octet_count=self.octets_sent & 0xFFFFFFFF,
            ),
        )
        with contextlib.suppress(ConnectionError):
            out.send_rtcp(bytes(report))
