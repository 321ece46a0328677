"""Receiver reports to publishers: we terminate their RTP session, so we owe them RTCP RR.

Browsers that have only REMB (no transport-cc, as here) raise their send bitrate on loss
reports: without RRs a publisher stays near its start bitrate. The reports also give it the
round-trip time. Statistics are aiortc's own (`StreamStatistics`, RFC 3550 counters).
"""

from __future__ import annotations

import time

from aiortc.rtcrtpreceiver import StreamStatistics
from aiortc.rtp import RtcpReceiverInfo, RtcpRrPacket, RtcpSrPacket, RtpPacket

REPORT_INTERVAL = 1.0


class UpstreamReports:
    def __init__(self, feedback_ssrc: int, clock_rate: int) -> None:
        self._feedback_ssrc = feedback_ssrc
        self._stats = StreamStatistics(clock_rate)
        self._ssrc: int | None = None
        self._lsr = 0
        self._lsr_at = 0.0
        self._next = time.monotonic() + REPORT_INTERVAL

    def add(self, packet: RtpPacket) -> RtcpRrPacket | None:
        """Count a packet; returns a report when one is due."""
        self._ssrc = packet.ssrc
        self._stats.add(packet)
        now = time.monotonic()
        if now < self._next:
            return None
        self._next = now + REPORT_INTERVAL
        return self._report(now)

    def sender_report(self, packet: RtcpSrPacket) -> None:
        # The middle 32 bits of the NTP time, echoed back so the publisher can compute RTT.
        self._lsr = (packet.sender_info.ntp_timestamp >> 16) & 0xFFFFFFFF
        self._lsr_at = time.monotonic()

    def _report(self, now: float) -> RtcpRrPacket | None:
        stats = self._stats
        if self._ssrc is None or stats.max_seq is None:
            return None
        dlsr = int((now - self._lsr_at) * 65536) if self._lsr else 0
        block = RtcpReceiverInfo(
            ssrc=self._ssrc,
            fraction_lost=stats.fraction_lost,
            packets_lost=stats.packets_lost,
            highest_sequence=(stats.cycles + stats.max_seq) & 0xFFFFFFFF,
            jitter=stats.jitter,
            lsr=self._lsr,
            dlsr=min(dlsr, 0xFFFFFFFF),
        )
        return RtcpRrPacket(ssrc=self._feedback_ssrc, reports=[block])
