"""Embedded SFU forwarding cost: an 8-person room, everyone publishing VP8 (~500 kbps) and
Opus, everyone subscribed to everyone else (7 x 2 tracks each).

The SFU runs as operators run it (its own process); the participants are aiortc peers in this
process. Publishers replay one VP8 clip encoded beforehand (no encoder per publisher), and
subscribers count packets without decoding, so that the two cores the SFU shares with them
stay as free as possible. The SFU's CPU is read from /proc (user + system time of its process
group) over a measurement window, and divided by the packets it forwarded in that window (the
sum of its per-subscription counters).

Targets (issue 6): under 50 % of one core for the room, under 30 µs per forwarded packet.
`python -m bench.livekit_room` after this (as `make bench` does) adds LiveKit and the ratio.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from datetime import timedelta

import httpx
from aiortc import RTCRtpTransceiver
from aiortc.rtp import RtpPacket
from embedded_sfu import aiortc_hooks
from vr_common.admin_tokens import issue_admin_token
from vr_common.tokens import issue_room_token
from vr_testkit.cpu import group_cpu_seconds
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.media import EncodedClip, ReplayedVp8Track, ToneTrack, encode_clip
from vr_testkit.sfu_client import ReceivedTrack, SfuClient, eventually

PARTICIPANTS = 8
WARMUP_SECONDS = 5.0
MEASURE_SECONDS = 20.0
ROOM = "bench"


@dataclass(frozen=True)
class SfuLoad:
    participants: int
    seconds: float
    sfu_cpu_seconds: float
    bench_cpu_seconds: float
    forwarded_packets: int
    received_packets: int
    clip_kbps: float
    video_fps_min: float
    video_fps_median: float

    @property
    def cpu_share(self) -> float:
        """Fraction of one core the SFU used."""
        return self.sfu_cpu_seconds / self.seconds

    @property
    def us_per_forwarded_packet(self) -> float:
        return self.sfu_cpu_seconds / self.forwarded_packets * 1e6

    def report(self) -> str:
        return "\n".join(
            [
                f"room: {self.participants} participants, each VP8 {self.clip_kbps:.0f} kbps + "
                f"Opus, {self.participants - 1} x 2 subscriptions each",
                f"forwarded: {self.forwarded_packets / self.seconds:,.0f} packets/s out, "
                f"{self.received_packets / self.seconds:,.0f} packets/s in "
                f"(video at the subscribers: median {self.video_fps_median:.1f} fps, "
                f"slowest {self.video_fps_min:.1f} fps)",
                f"SFU CPU: {self.cpu_share * 100:.1f} % of one core "
                f"(target < 50 %); {self.us_per_forwarded_packet:.1f} µs per forwarded packet "
                f"(target < 30 µs)",
                f"load generator CPU (this process): "
                f"{self.bench_cpu_seconds / self.seconds * 100:.0f} % of one core",
            ]
        )


def _count_packets(transceiver: RTCRtpTransceiver, received: ReceivedTrack) -> None:
    """Count frames from RTP alone (video: marker bits; audio: one 20 ms frame a packet)."""
    video = received.kind == "video"

    async def on_rtp(packet: RtpPacket) -> None:
        if not video or packet.marker:
            received.frames += 1

    async def on_rtcp(packet: object) -> None:
        return None

    aiortc_hooks.tap_publisher_receiver(transceiver.receiver, on_rtp, on_rtcp)


async def _counters(admin: httpx.AsyncClient, identities: list[str]) -> tuple[int, int]:
    """(packets forwarded to subscribers, packets received from publishers) so far."""
    sent = received = 0
    for identity in identities:
        response = await admin.get(f"/admin/rooms/{ROOM}/participants/{identity}/stats")
        response.raise_for_status()
        stats = response.json()
        sent += sum(s["packets_sent"] for s in stats["subscriptions"])
        received += sum(p["packets_received"] for p in stats["publications"])
    return sent, received


def _process_cpu_seconds() -> float:
    return time.process_time()


async def run(
    clip: EncodedClip,
    participants: int = PARTICIPANTS,
    warmup: float = WARMUP_SECONDS,
    seconds: float = MEASURE_SECONDS,
) -> SfuLoad:
    sfu = EmbeddedSfuProcess(test_hooks=False).start_and_wait()
    sfu.create_room(ROOM)
    identities = [f"p{i}" for i in range(participants)]
    clients: list[SfuClient] = []
    admin_token = issue_admin_token(sfu.api_key, sfu.api_secret, timedelta(minutes=10))
    try:
        async with httpx.AsyncClient(
            base_url=sfu.http_url, headers={"authorization": f"Bearer {admin_token}"}
        ) as admin:
            for index, identity in enumerate(identities):
                token = issue_room_token(
                    api_key=sfu.api_key,
                    api_secret=sfu.api_secret,
                    room_id=ROOM,
                    participant_id=identity,
                    participant_name=identity,
                    ttl=timedelta(minutes=10),
                )
                client = SfuClient(sfu.ws_url, ROOM, token, consume=_count_packets)
                clients.append(client)
                await client.join()
                # One speaker, so the active-speaker path does real work too.
                await client.publish(
                    {"microphone": ToneTrack(silent=index != 0), "camera": ReplayedVp8Track(clip)}
                )
            expected = 2 * (participants - 1)

            def flowing() -> bool:
                return all(
                    len(c.received) == expected and all(t.frames > 0 for t in c.received.values())
                    for c in clients
                )

            await eventually(flowing, within=60, what="every subscription receives")
            await asyncio.sleep(warmup)

            frames0 = [{k: t.frames for k, t in c.received.items()} for c in clients]
            sent0, received0 = await _counters(admin, identities)
            cpu0, bench0, t0 = group_cpu_seconds(sfu.pid), _process_cpu_seconds(), time.monotonic()
            await asyncio.sleep(seconds)
            cpu1, bench1, t1 = group_cpu_seconds(sfu.pid), _process_cpu_seconds(), time.monotonic()
            sent1, received1 = await _counters(admin, identities)
            elapsed = t1 - t0
            video_fps = [
                (t.frames - before[key]) / elapsed
                for c, before in zip(clients, frames0, strict=True)
                for key, t in c.received.items()
                if t.kind == "video"
            ]
            return SfuLoad(
                participants=participants,
                seconds=elapsed,
                sfu_cpu_seconds=cpu1 - cpu0,
                bench_cpu_seconds=bench1 - bench0,
                forwarded_packets=sent1 - sent0,
                received_packets=received1 - received0,
                clip_kbps=sum(len(f) for f in clip.frames) * 8 / (len(clip.frames) / 30) / 1000,
                video_fps_min=min(video_fps),
                video_fps_median=statistics.median(video_fps),
            )
    finally:
        for client in clients:
            await client.close()
        sfu.stop()


# The latest result of this process, so that `livekit_room.main()` can print the ratio.
measured: list[SfuLoad] = []


def main(
    participants: int = PARTICIPANTS,
    warmup: float = WARMUP_SECONDS,
    seconds: float = MEASURE_SECONDS,
) -> None:
    clip = encode_clip(seconds=2.0, bitrate=500_000)
    result = asyncio.run(run(clip, participants, warmup, seconds))
    measured.append(result)
    print(result.report(), flush=True)


if __name__ == "__main__":
    main()
