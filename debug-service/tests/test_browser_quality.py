"""Browsers' quality lines: figures read from their stats lines (untrusted input dropped), and
first frame / first audio times, freezes and reconnects observed in /metrics as they are stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from debug_service.browser_quality import first_media_seconds, stream_samples
from debug_service.entries import StoredLog

from .conftest import OPERATOR, PRODUCTION_TOKEN, Served
from .test_metrics import samples

Start = Callable[..., Served]


def _stored(message: str, metadata: dict[str, Any], service: str = "frontend") -> StoredLog:
    return StoredLog(
        1_700_000_000_000_000, service, 20, message, json.dumps(metadata), "r", "p", id=1
    )


def test_stats_lines_become_stream_samples_and_bad_figures_are_dropped() -> None:
    stream = {
        "participantId": "bob",
        "direction": "inbound",
        "kind": "video",
        "source": "camera",
        "bitrateKbps": 812.5,
        "packetLossPercent": "12",
        "roundTripMs": float("inf"),
        "framesPerSecond": 29,
        "width": True,
        "path": "udp",
        "qualityLimitation": None,
    }
    outbound = {"direction": "outbound", "kind": "video", "qualityLimitation": "bandwidth"}
    junk = [{"direction": "sideways", "kind": "video"}, "not a stream"]
    log = _stored("webrtc stats", {"streams": [stream, outbound, *junk]})
    inbound_sample, outbound_sample = stream_samples(log)
    assert inbound_sample.remote == "bob"
    assert inbound_sample.figures == {"bitrate_kbps": 812.5, "fps": 29.0}
    assert inbound_sample.path == "udp"
    assert inbound_sample.ts_ms == 1_700_000_000_000
    assert outbound_sample.remote is None
    assert outbound_sample.limitation == "bandwidth"
    assert stream_samples(_stored("webrtc stats", {"streams": [stream]}, service="backend")) == []


def test_first_media_seconds_only_from_browsers_and_in_range() -> None:
    frame = _stored("call quality: first remote frame", {"join_to_first_frame_ms": 850})
    assert first_media_seconds(frame) == ("frame", 0.85)
    audio = _stored("call quality: first audio", {"join_to_first_audio_ms": 400})
    assert first_media_seconds(audio) == ("audio", 0.4)
    assert first_media_seconds(_stored(frame.message, {"join_to_first_frame_ms": -1})) is None
    assert first_media_seconds(_stored(frame.message, {"join_to_first_frame_ms": 1e9})) is None
    assert (
        first_media_seconds(_stored(frame.message, {"join_to_first_frame_ms": 5}, "backend"))
        is None
    )


def _line(message: str, **metadata: Any) -> dict[str, Any]:
    return {
        "service": "frontend",
        "level": "info",
        "message": message,
        "metadata": {"room_id": "room-1", "participant_id": "ada", **metadata},
    }


def test_first_media_times_freezes_and_reconnects_are_in_metrics(app_server: Start) -> None:
    served = app_server(app_env="production", debug_token=PRODUCTION_TOKEN)
    batch = [
        _line("call quality: first remote frame", join_to_first_frame_ms=800),
        _line("call quality: first remote frame", join_to_first_frame_ms=2500),
        _line("call quality: first audio", join_to_first_audio_ms=300),
        _line("call quality: first audio", join_to_first_audio_ms="soon"),
        _line("call quality: video froze", freezes=2),
        _line("call quality: reconnected", outage_ms=900),
    ]
    with httpx.Client(base_url=served.base_url, headers=OPERATOR) as client:
        assert client.post("/api/logs", json={"logs": batch}).status_code == 200
        found = samples(client.get("/metrics").text)
    frame = "debug_service_browser_join_to_first_frame_seconds"
    assert found[(f"{frame}_count", ())] == 2
    assert found[(f"{frame}_sum", ())] == 3.3
    assert found[(f"{frame}_bucket", (("le", "1.0"),))] == 1
    assert found[(f"{frame}_bucket", (("le", "3.0"),))] == 2
    assert found[("debug_service_browser_join_to_first_audio_seconds_count", ())] == 1
    assert found[("debug_service_browser_video_freezes_total", ())] == 2
    assert found[("debug_service_browser_reconnects_total", ())] == 1
