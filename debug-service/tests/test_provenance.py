"""Who may store which service name, with which time and room (a real server over HTTP)."""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from vr_common.service_tokens import service_token
from vr_common.tokens import issue_room_token

from .conftest import OPERATOR, PRODUCTION_TOKEN, Served

Start = Callable[..., Served]
ELSEWHERE = {"X-Forwarded-For": "203.0.113.7"}
API_KEY = "k" * 20
API_SECRET = "s" * 40
FUTURE = "2199-01-01T00:00:00Z"


def production(start: Start, **overrides: Any) -> Served:
    return start(
        app_env="production",
        debug_token=PRODUCTION_TOKEN,
        sfu_api_key=API_KEY,
        sfu_api_secret=API_SECRET,
        **overrides,
    )


def line(service: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"service": service, "level": "error", "message": message, **extra}


def stored(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/logs", params=params, headers=OPERATOR)
    assert response.status_code == 200, response.text
    return [log for log in response.json()["logs"] if log["service"] != "debug"]


def room_token(room_id: str, participant_id: str, secret: str = API_SECRET) -> str:
    return issue_room_token(
        api_key=API_KEY,
        api_secret=secret,
        room_id=room_id,
        participant_id=participant_id,
        participant_name="Ada",
        ttl=timedelta(minutes=5),
    )


def test_anonymous_lines_only_as_frontend_and_by_receive_time(app_server: Start) -> None:
    with httpx.Client(base_url=production(app_server).base_url, headers=ELSEWHERE) as client:
        for name in ("backend", "debug-service", "livekit", "nginx"):
            forged = client.post(
                "/api/logs", json={"logs": [line(name, "forged", timestamp=FUTURE)]}
            )
            assert forged.status_code == 403, forged.text
            assert forged.json()["error"]["code"] == "service_not_allowed"
        # One bad line refuses the whole batch.
        mixed = [line("frontend", "honest"), line("backend", "forged")]
        assert client.post("/api/logs", json={"logs": mixed}).status_code == 403
        future = client.post(
            "/api/logs", json={"logs": [line("frontend", "from 2199", timestamp=FUTURE)]}
        )
        assert future.status_code == 200
        assert (
            client.post("/api/logs", json={"logs": [line("frontend", "later")]}).status_code == 200
        )
        logs = stored(client)
        assert {log["service"] for log in logs} == {"frontend"}
        # Newest received first: the future-dated line is not on top; its claim is kept.
        assert [log["message"] for log in logs] == ["later", "from 2199"]
        assert logs[1]["timestamp"] < "2100"
        assert logs[1]["metadata"]["client_timestamp"] == "2199-01-01T00:00:00.000000Z"


def test_a_service_token_stores_its_own_name_only(app_server: Start) -> None:
    with httpx.Client(base_url=production(app_server).base_url, headers=ELSEWHERE) as client:
        backend = {"Authorization": f"Bearer {service_token(PRODUCTION_TOKEN, 'backend')}"}
        ok = client.post("/api/logs", json={"logs": [line("backend", "real")]}, headers=backend)
        assert ok.status_code == 200, ok.text
        other = client.post("/api/logs", json={"logs": [line("livekit", "x")]}, headers=backend)
        assert other.status_code == 403
        wrong = {"Authorization": f"Bearer {service_token('x' * 40, 'backend')}"}
        assert (
            client.post(
                "/api/logs", json={"logs": [line("backend", "x")]}, headers=wrong
            ).status_code
            == 403
        )
        # A service token is no operator token: it cannot read.
        assert client.get("/api/logs", headers=backend).status_code == 401
        logs = stored(client)
        assert [(log["service"], log["message"]) for log in logs] == [("backend", "real")]


def test_browser_lines_take_room_and_participant_from_a_valid_room_token(
    app_server: Start,
) -> None:
    with httpx.Client(base_url=production(app_server).base_url, headers=ELSEWHERE) as client:
        claims = {"metadata": {"room_id": "claimed-room", "participant_id": "claimed-p"}}
        batches = [
            {"logs": [line("frontend", "tagged", **claims)], "room_token": room_token("r1", "p1")},
            {
                "logs": [line("frontend", "forged token", **claims)],
                "room_token": room_token("r2", "p2", secret="t" * 40),
            },
            {"logs": [line("frontend", "no token", **claims)]},
        ]
        for batch in batches:
            assert client.post("/api/logs", json=batch).status_code == 200
        assert [log["message"] for log in stored(client, room_id="r1")] == ["tagged"]
        assert [log["message"] for log in stored(client, participant_id="p1")] == ["tagged"]
        assert stored(client, room_id="claimed-room") == []
        assert stored(client, room_id="r2") == []


def test_browser_lines_are_limited_per_address_and_per_participant(app_server: Start) -> None:
    served = production(app_server, debug_browser_rate=0.1, debug_browser_burst=3)
    token = room_token("r1", "p1")
    with httpx.Client(base_url=served.base_url) as client:

        def send(address: str, tagged: bool) -> int:
            batch: dict[str, Any] = {"logs": [line("frontend", "m")]}
            if tagged:
                batch["room_token"] = token
            headers = {"X-Forwarded-For": address}
            return client.post("/api/logs", json=batch, headers=headers).status_code

        assert [send("203.0.113.1", False) for _ in range(4)] == [200, 200, 200, 429]
        # One participant from many addresses is still one participant.
        assert [send(f"198.51.100.{i}", True) for i in range(1, 5)] == [200, 200, 200, 429]


def test_below_the_disk_floor_ingest_refuses_and_says_so_once(app_server: Start) -> None:
    served = production(app_server, debug_min_free_disk_bytes=1 << 62)
    with httpx.Client(base_url=served.base_url, headers=ELSEWHERE) as client:
        for _ in range(3):
            refused = client.post("/api/logs", json={"logs": [line("frontend", "m")]})
            assert refused.status_code == 507
            assert refused.json()["error"]["code"] == "insufficient_storage"
        # Its own line reaches the store within its self-logging interval.
        deadline = time.monotonic() + 10
        while not (said := disk_lines(client)):
            assert time.monotonic() < deadline, "no disk_floor_reached line"
            time.sleep(0.1)
        time.sleep(0.5)
        said = disk_lines(client)
        assert len(said) == 1
        assert said[0]["level"] == "error"


def disk_lines(client: httpx.Client) -> list[dict[str, Any]]:
    logs = client.get("/api/logs", params={"service": "debug"}, headers=OPERATOR).json()["logs"]
    return [log for log in logs if log["metadata"].get("event") == "disk_floor_reached"]
