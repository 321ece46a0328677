"""Repair of loss between a publisher and us: NACK upstream, RTX back, history refilled.

Without it, a packet lost on the publisher's uplink is missing for every subscriber at once and
can only be fixed by a keyframe. Gap detection is aiortc's `NackGenerator` (public class).
"""

from __future__ import annotations

from aiortc.rtcrtpreceiver import NackGenerator
from aiortc.rtp import RTCP_RTPFB_NACK, RtcpRtpfbPacket, RtpPacket, unwrap_rtx

# A NACK names at most this many packets: after a burst longer than that, a keyframe is the
# cheaper repair (the subscribers' PLIs will ask for one).
MAX_NACKED = 32


class UpstreamRepair:
    def __init__(self, feedback_ssrc: int, payload_type: int, rtx_payload_type: int | None):
        self._feedback_ssrc = feedback_ssrc
        self._payload_type = payload_type
        self._rtx_payload_type = rtx_payload_type
        self._gaps = NackGenerator()
        self.nacks_sent = 0
        self.repaired = 0

    def unwrap(self, packet: RtpPacket, media_ssrc: int | None) -> RtpPacket | None:
        """The original packet inside a retransmission; None for padding or an unknown stream."""
        if self._rtx_payload_type is None or packet.payload_type != self._rtx_payload_type:
            return None
        if media_ssrc is None or len(packet.payload) < 2:
            return None  # bandwidth probe (padding only), or nothing to repair yet
        self.repaired += 1
        return unwrap_rtx(packet, payload_type=self._payload_type, ssrc=media_ssrc)

    def nack_for(self, packet: RtpPacket) -> RtcpRtpfbPacket | None:
        """Record a media packet; a NACK for the packets now known missing, if any are."""
        if not self._gaps.add(packet):
            return None
        lost = sorted(self._gaps.missing)[-MAX_NACKED:]
        nack = RtcpRtpfbPacket(
            fmt=RTCP_RTPFB_NACK, ssrc=self._feedback_ssrc, media_ssrc=packet.ssrc
        )
        nack.lost = lost
        self.nacks_sent += 1
        return nack
