"""`GET /api/calls` and `GET /api/calls/{room_id}` on a real server: a room's browser stats,
quality moments, backend and SFU lines come back as one call view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from .conftest import OPERATOR, PRODUCTION_TOKEN, Served

Start = Callable[..., Served]
ROOM = "room-call"


def _line(
    service: str, message: str, ts: str, participant: str | None, **metadata: Any
) -> dict[str, Any]:
    ids = {"room_id": ROOM} | ({"participant_id": participant} if participant else {})
    return {
        "timestamp": f"2026-01-05T10:{ts}Z",
        "service": service,
        "level": "info",
        "message": message,
        "metadata": {**ids, **metadata},
    }


def _video_in(remote: str, lost: int, received: int, **figures: Any) -> dict[str, Any]:
    return {
        "participantId": remote,
        "direction": "inbound",
        "kind": "video",
        "source": "camera",
        "packetsLost": lost,
        "packetsReceived": received,
        "framesDecoded": 10,
        **figures,
    }


def _lines() -> list[dict[str, Any]]:
    outbound = {"participantId": "ada", "direction": "outbound", "kind": "video"}
    return [
        _line("backend", "participant joined", "00:00", "ada", participant_name="Ada"),
        _line("backend", "participant joined", "00:01", "bob", participant_name="Bob"),
        _line("embedded-sfu", "ICE connected", "00:02", "bob"),
        _line(
            "frontend",
            "call quality: first remote frame",
            "00:03",
            "ada",
            join_to_first_frame_ms=900,
            from_="bob",
        ),
        _line(
            "frontend",
            "webrtc stats",
            "00:05",
            "ada",
            streams=[
                _video_in("bob", 0, 1000, bitrateKbps=700, roundTripMs=5, framesPerSecond=30),
                {**outbound, "bitrateKbps": 650, "qualityLimitation": "none"},
            ],
        ),
        _line(
            "frontend",
            "webrtc stats",
            "02:05",
            "ada",
            streams=[
                _video_in("bob", 120, 1880, bitrateKbps=300, roundTripMs=6, framesPerSecond=12),
                {**outbound, "bitrateKbps": 200, "qualityLimitation": "bandwidth"},
            ],
        ),
        _line(
            "frontend",
            "webrtc stats",
            "00:06",
            "bob",
            streams=[
                _video_in("ada", 0, 900, bitrateKbps=640, roundTripMs=4, framesPerSecond=30),
            ],
        ),
        _line(
            "backend", "host action mute", "01:00", "ada", audit=True, action="mute", target="bob"
        ),
        _line("frontend", "call quality: reconnecting", "01:30", "bob"),
        _line("frontend", "call quality: reconnected", "01:32", "bob", outage_ms=2000),
        _line("backend", "participant left", "03:00", "bob"),
        _line("backend", "participant joined", "00:00", None, room_id="another-room"),
    ]


def test_a_room_s_lines_come_back_as_one_call_view(app_server: Start) -> None:
    served = app_server(app_env="production", debug_token=PRODUCTION_TOKEN)
    with httpx.Client(base_url=served.base_url) as client:
        posted = client.post("/api/logs", json={"logs": _lines()}, headers=OPERATOR)
        assert posted.status_code == 200
        assert client.get(f"/api/calls/{ROOM}").status_code == 401
        response = client.get(f"/api/calls/{ROOM}", headers=OPERATOR)
        listed = client.get("/api/calls", headers=OPERATOR).json()["calls"]
        missing = client.get("/api/calls/no-such-room", headers=OPERATOR)
    assert response.status_code == 200
    view = response.json()
    assert view["room_id"] == ROOM
    assert view["truncated"] is False
    people = {p["id"]: p for p in view["participants"]}
    assert set(people) == {"ada", "bob"}
    assert people["ada"]["name"] == "Ada"
    ada_video = [s for s in people["ada"]["samples"] if s["direction"] == "inbound"]
    assert [s["bitrate_kbps"] for s in ada_video] == [700, 300]
    # Loss between the two samples: 120 lost of 1000 (not 120 of 2000 since the start).
    assert [s["loss_percent"] for s in ada_video] == [0, 12]
    assert ada_video[0]["remote"] == "bob"
    assert people["ada"]["verdict"] == (
        "Ada: downlink loss 12 % from 10:02:05, video limited by bandwidth"
    )
    assert people["bob"]["verdict"] == "Bob: reconnected 1 time"
    kinds = [(e["kind"], e["participant_id"], e["service"]) for e in view["events"]]
    assert kinds == [
        ("join", "ada", "backend"),
        ("join", "bob", "backend"),
        ("sfu", "bob", "embedded-sfu"),
        ("first_media", "ada", "frontend"),
        ("host", "ada", "backend"),
        ("reconnect", "bob", "frontend"),
        ("reconnect", "bob", "frontend"),
        ("leave", "bob", "backend"),
    ]
    times = [e["t"] for e in view["events"]]
    assert times == sorted(times)
    assert next(e for e in view["events"] if e["kind"] == "host")["target"] == "bob"
    assert [c["room_id"] for c in listed] == [ROOM, "another-room"]
    assert listed[0]["participants"] == 2
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "call_not_found"
