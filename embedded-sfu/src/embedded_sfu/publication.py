"""One track a participant publishes (microphone, camera or screen), and its fan-out."""

from __future__ import annotations

import contextlib
import random
from typing import Literal

from aiortc import RTCRtpTransceiver
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_PLI,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtcpSrPacket,
    RtpPacket,
    pack_remb_fci,
)

from embedded_sfu import aiortc_hooks
from embedded_sfu.feedback import KeyframeRequester, RembForwarder
from embedded_sfu.receiver_reports import UpstreamReports
from embedded_sfu.rtp_history import RtpHistory
from embedded_sfu.rtp_rewrite import Forwarded, abs_send_time
from embedded_sfu.speakers import LevelMeter
from embedded_sfu.subscription import Subscription
from embedded_sfu.upstream_repair import UpstreamRepair
from embedded_sfu.vp8 import is_keyframe_start

Source = Literal["microphone", "camera", "screen"]
SOURCE_KINDS: dict[str, str] = {"microphone": "audio", "camera": "video", "screen": "video"}


class Publication:
    def __init__(
        self,
        *,
        publisher_sid: str,
        publisher_identity: str,
        source: Source,
        transceiver: RTCRtpTransceiver,
        rtx_ssrc: int | None = None,
    ) -> None:
        self.publisher_sid = publisher_sid
        self.publisher_identity = publisher_identity
        self.source: Source = source
        self.kind = SOURCE_KINDS[source]
        self.id = f"{publisher_sid}-{source}"
        self.mid = transceiver.mid
        self.muted = False
        # Set by a host's mute, cleared by the owner's unmute (a plain mute by the owner only
        # announces the state: the browser itself sends silence or nothing).
        self.held = False
        self.ended = False
        self._transceiver = transceiver
        self._receiver = transceiver.receiver
        self._feedback_ssrc = aiortc_hooks.feedback_ssrc(transceiver)
        self._payload_type = aiortc_hooks.main_payload_type(transceiver)
        self._reports = UpstreamReports(
            self._feedback_ssrc, 90000 if self.kind == "video" else 48000
        )
        self.subscriptions: dict[str, Subscription] = {}
        self.media_ssrc: int | None = None
        self.history = RtpHistory() if self.kind == "video" else None
        self.level = LevelMeter() if self.kind == "audio" else None
        self.keyframes = KeyframeRequester(self._send_pli)
        self.remb = RembForwarder(self._send_remb)
        self.packets_received = 0
        self.repair: UpstreamRepair | None = None
        if self.kind == "video":
            rtx_pt = aiortc_hooks.rtx_payload_type(transceiver)
            self.repair = UpstreamRepair(self._feedback_ssrc, self._payload_type, rtx_pt)
            if rtx_pt is not None and rtx_ssrc is not None:
                aiortc_hooks.route_rtx_ssrc(transceiver, rtx_ssrc)
        # Test hook (see admin.py): loss injected on what this publisher sends us.
        self.drop_rate = 0.0
        self.dropped = 0
        aiortc_hooks.tap_publisher_receiver(self._receiver, self.handle_rtp, self.handle_rtcp)

    def describe(self) -> dict[str, object]:
        return {"id": self.id, "source": self.source, "kind": self.kind, "muted": self.muted}

    async def handle_rtp(self, packet: RtpPacket) -> None:
        if self.ended or self.held:
            # Muted by a host: nothing reaches the others until its owner unmutes it.
            return
        if packet.payload_type != self._payload_type:
            # RTX: a repair we asked for (forwarded like the original), or a bandwidth probe.
            original = self.repair.unwrap(packet, self.media_ssrc) if self.repair else None
            if original is None:
                return
            packet = original
            assert self.repair is not None
            self.repair.nack_for(packet)  # no longer missing
        else:
            if self.drop_rate and random.random() < self.drop_rate:
                self.dropped += 1
                return
            self.media_ssrc = packet.ssrc
            if self.repair is not None:
                nack = self.repair.nack_for(packet)
                if nack is not None:
                    await self._send_upstream(nack)
        self.packets_received += 1
        report = self._reports.add(packet)
        if report is not None:
            await self._send_upstream(report)
        in_seq = packet.sequence_number
        keyframe = False
        if self.history is not None:
            self.history.store(in_seq, packet)
            keyframe = is_keyframe_start(packet.payload)
        elif self.level is not None and packet.extensions.audio_level is not None:
            self.level.add(packet.extensions.audio_level[1])
        # The subscriber's bandwidth estimator measures the path from us, not from the publisher.
        packet.extensions.abs_send_time = abs_send_time()
        forwarded = Forwarded(packet)
        waiting = False
        # No await in this loop (forwarding is synchronous), so the dict cannot change under it.
        for subscription in self.subscriptions.values():
            if not subscription.forward(forwarded, in_seq, keyframe):
                waiting = True
        if waiting:
            await self.keyframes.request()

    async def handle_rtcp(self, packet: AnyRtcpPacket) -> None:
        if isinstance(packet, RtcpSrPacket):
            self._reports.sender_report(packet)
            info = packet.sender_info
            for subscription in list(self.subscriptions.values()):
                await subscription.send_sender_report(info.ntp_timestamp, info.rtp_timestamp)

    async def forward_remb(self) -> None:
        await self.remb.update(s.remb for s in self.subscriptions.values())

    def add_subscription(self, subscription: Subscription) -> None:
        self.subscriptions[subscription.subscriber_sid] = subscription

    def remove_subscription(self, subscriber_sid: str) -> None:
        subscription = self.subscriptions.pop(subscriber_sid, None)
        if subscription is not None:
            subscription.closed = True

    def end(self) -> None:
        self.ended = True
        for subscription in self.subscriptions.values():
            subscription.closed = True
        self.subscriptions.clear()

    async def _send_pli(self) -> None:
        if self.media_ssrc is None or self.kind != "video":
            return
        packet = RtcpPsfbPacket(
            fmt=RTCP_PSFB_PLI, ssrc=self._feedback_ssrc, media_ssrc=self.media_ssrc
        )
        await self._send_upstream(packet)

    async def _send_remb(self, bitrate: int) -> None:
        if self.media_ssrc is None:
            return
        packet = RtcpPsfbPacket(
            fmt=RTCP_PSFB_APP,
            ssrc=self._feedback_ssrc,
            media_ssrc=0,
            fci=pack_remb_fci(bitrate, [self.media_ssrc]),
        )
        await self._send_upstream(packet)

    async def _send_upstream(self, packet: AnyRtcpPacket) -> None:
        with contextlib.suppress(ConnectionError):
            await aiortc_hooks.send_rtcp_upstream(self._receiver, packet)
