"""Browsers' call quality as data: their stats lines read as figures, their quality moments
(first remote frame and audio, freezes, reconnects) timed in Prometheus histograms.

A browser ships them as ordinary `frontend` log lines (frontend/src/services/call-quality.ts and
the stats reporter), so they are stored per room and participant like every line, under the
same limits. What a browser sends is untrusted: a figure that is not a finite number in range
is dropped, never stored as a figure or observed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

from debug_service.entries import StoredLog

STATS_MESSAGE = "webrtc stats"
FIRST_FRAME = "call quality: first remote frame"
FIRST_AUDIO = "call quality: first audio"
FREEZE = "call quality: video froze"
RECONNECTING = "call quality: reconnecting"
RECONNECTED = "call quality: reconnected"
BROWSER_SERVICE = "frontend"

# Longer than any join worth timing; beyond it a figure is a broken or lying client.
_MAX_SECONDS = 600.0
_FIRST_MEDIA_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 60, 120)
_STRING_FIGURES = {"direction", "kind", "source", "path", "qualityLimitation", "participantId"}
# The browser's field names (StreamStats) and the call view's.
_NUMBER_FIGURES = {
    "bitrateKbps": "bitrate_kbps",
    "packetsLost": "packets_lost",
    "packetsReceived": "packets_received",
    "packetLossPercent": "loss_percent",
    "roundTripMs": "rtt_ms",
    "jitterMs": "jitter_ms",
    "framesPerSecond": "fps",
    "width": "width",
    "height": "height",
    "freezeCount": "freezes",
    "framesDecoded": "frames_decoded",
}
_MAX_STREAMS = 64
_MAX_STRING = 64


def number(value: Any, limit: float = 1e12) -> float | None:
    """`value` if it is a finite number from 0 to `limit`, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 <= value <= limit:
        return None
    return float(value)


@dataclass(frozen=True, slots=True)
class StreamSample:
    """One stream's figures at one moment, as one browser saw them."""

    ts_ms: float
    direction: str
    kind: str
    source: str
    remote: str | None
    figures: dict[str, float]
    path: str | None
    limitation: str | None


def _text(value: Any) -> str | None:
    return value[:_MAX_STRING] if isinstance(value, str) and value else None


def metadata_of(log: StoredLog) -> dict[str, Any]:
    try:
        metadata = json.loads(log.metadata_json)
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


def stream_samples(log: StoredLog) -> list[StreamSample]:
    """The figures of a browser's `webrtc stats` line; [] for any other line."""
    if log.service != BROWSER_SERVICE or log.message != STATS_MESSAGE:
        return []
    streams = metadata_of(log).get("streams")
    if not isinstance(streams, list):
        return []
    samples = []
    for stream in streams[:_MAX_STREAMS]:
        if not isinstance(stream, dict):
            continue
        direction = stream.get("direction")
        kind = stream.get("kind")
        if direction not in ("inbound", "outbound") or kind not in ("audio", "video"):
            continue
        figures = {
            name: value
            for key, name in _NUMBER_FIGURES.items()
            if (value := number(stream.get(key))) is not None
        }
        remote = _text(stream.get("participantId")) if direction == "inbound" else None
        samples.append(
            StreamSample(
                ts_ms=log.ts_us / 1000,
                direction=direction,
                kind=kind,
                source=_text(stream.get("source")) or kind,
                remote=remote,
                figures=figures,
                path=_text(stream.get("path")),
                limitation=_text(stream.get("qualityLimitation")),
            )
        )
    return samples


def first_media_seconds(log: StoredLog) -> tuple[str, float] | None:
    """("frame" | "audio", seconds from join) of a browser's first-media line, else None."""
    if log.service != BROWSER_SERVICE:
        return None
    if log.message == FIRST_FRAME:
        which, key = "frame", "join_to_first_frame_ms"
    elif log.message == FIRST_AUDIO:
        which, key = "audio", "join_to_first_audio_ms"
    else:
        return None
    ms = number(metadata_of(log).get(key), _MAX_SECONDS * 1000)
    return None if ms is None else (which, ms / 1000)


class BrowserQualityMetrics:
    """The browsers' figures in /metrics, observed as their lines are stored."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.first_frame = Histogram(
            "debug_service_browser_join_to_first_frame_seconds",
            "From a browser's join click to its first decoded remote video frame",
            buckets=_FIRST_MEDIA_BUCKETS,
            registry=registry,
        )
        self.first_audio = Histogram(
            "debug_service_browser_join_to_first_audio_seconds",
            "From a browser's join click to its first remote audio packet",
            buckets=_FIRST_MEDIA_BUCKETS,
            registry=registry,
        )
        self.freezes = Counter(
            "debug_service_browser_video_freezes",
            "Remote video freezes browsers reported",
            registry=registry,
        )
        self.reconnects = Counter(
            "debug_service_browser_reconnects",
            "Times a browser lost its SFU connection and got it back",
            registry=registry,
        )

    def observe(self, logs: Sequence[StoredLog]) -> None:
        for log in logs:
            if log.service != BROWSER_SERVICE or not log.message.startswith("call quality:"):
                continue
            first = first_media_seconds(log)
            if first is not None:
                (self.first_frame if first[0] == "frame" else self.first_audio).observe(first[1])
            elif log.message == FREEZE:
                freezes = number(metadata_of(log).get("freezes"), 10_000)
                if freezes:
                    self.freezes.inc(freezes)
            elif log.message == RECONNECTED:
                self.reconnects.inc()
