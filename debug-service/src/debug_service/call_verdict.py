"""One line per participant that says how their call went, from their browser's figures:
"Bob: downlink loss 12 % from 10:02, video limited by bandwidth".

Thresholds are where people notice: a few percent of loss breaks up audio and video, a round
trip past 300 ms makes people talk over each other.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

LOSS_PERCENT = 5.0
ROUND_TRIP_MS = 300.0


@dataclass(frozen=True, slots=True)
class Moment:
    """One figure of one sample: when, which way, and the value."""

    ts_ms: float
    direction: str
    kind: str
    name: str
    value: float


def _clock(ts_ms: float) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(ts_ms / 1000))


def verdict(
    name: str,
    moments: Sequence[Moment],
    *,
    limitations: Sequence[str],
    freezes: int,
    reconnects: int,
    saw_remote_video: bool,
) -> str:
    if not moments and not limitations:
        return f"{name}: no stats reported"
    problems: list[str] = []
    for direction, word in (("inbound", "downlink"), ("outbound", "uplink")):
        losses = [m for m in moments if m.direction == direction and m.name == "loss_percent"]
        bad = [m for m in losses if m.value >= LOSS_PERCENT]
        if bad:
            worst = max(m.value for m in bad)
            problems.append(f"{word} loss {worst:.0f} % from {_clock(bad[0].ts_ms)}")
    rtts = [m for m in moments if m.name == "rtt_ms" and m.value >= ROUND_TRIP_MS]
    if rtts:
        problems.append(
            f"round trip up to {max(m.value for m in rtts):.0f} ms from {_clock(rtts[0].ts_ms)}"
        )
    limited = [reason for reason in limitations if reason != "none"]
    if limited:
        problems.append(f"video limited by {max(set(limited), key=limited.count)}")
    if freezes:
        problems.append(f"{freezes} video freeze{'s' if freezes != 1 else ''}")
    if reconnects:
        problems.append(f"reconnected {reconnects} time{'s' if reconnects != 1 else ''}")
    if not saw_remote_video:
        problems.append("no remote video received")
    if problems:
        return f"{name}: {', '.join(problems)}"
    return f"{name}: good ({_summary(moments)})"


def _summary(moments: Sequence[Moment]) -> str:
    parts = []
    losses = [m.value for m in moments if m.direction == "inbound" and m.name == "loss_percent"]
    parts.append(f"loss {max(losses, default=0):.0f} %")
    rtts = [m.value for m in moments if m.name == "rtt_ms"]
    if rtts:
        parts.append(f"RTT {max(rtts):.0f} ms")
    fps = [m.value for m in moments if m.direction == "inbound" and m.name == "fps"]
    if fps:
        parts.append(f"{sorted(fps)[len(fps) // 2]:.0f} fps")
    return ", ".join(parts)
