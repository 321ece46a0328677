"""`debug-service` as operators run it: a real process, its database, its settings checks."""

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from debug_service.settings import DEVELOPMENT_TOKEN
from vr_testkit.debug_service import DebugServiceProcess, debug_service_argv
from websockets.sync.client import connect


def receive(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=5))
        if message["type"] == kind:
            return message


def otlp_line(message: str) -> dict[str, Any]:
    return {
        "resourceLogs": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "otel"}}]
                },
                "scopeLogs": [
                    {
                        "logRecords": [
                            {
                                "timeUnixNano": str(time.time_ns()),
                                "severityNumber": 13,
                                "body": {"stringValue": message},
                                "attributes": [
                                    {"key": "room_id", "value": {"stringValue": "room-7"}}
                                ],
                            }
                        ]
                    }
                ],
            }
        ]
    }


def test_round_trip_live_and_across_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "data" / "debug.db"
    with DebugServiceProcess(db, log_dir=tmp_path) as service:
        with connect(service.ws_url) as ws:
            ws.send(json.dumps({"type": "subscribe", "filters": {"room_id": "room-7"}}))
            receive(ws, "backlog")
            batch = {
                "logs": [
                    {
                        "service": "backend",
                        "level": "info",
                        "message": "participant joined the room",
                        "metadata": {"room_id": "room-7", "participant_id": "p-1"},
                    }
                ]
            }
            assert httpx.post(service.base_url + "/api/logs", json=batch).status_code == 200
            response = httpx.post(service.base_url + "/v1/logs", json=otlp_line("otel says hi"))
            assert response.status_code == 200
            live: list[str] = []
            while len(live) < 2:
                live += [log["message"] for log in receive(ws, "logs")["logs"]]
            assert live == ["participant joined the room", "otel says hi"]
        service.stop()
        assert not service.running

    with DebugServiceProcess(db, log_dir=tmp_path) as restarted:
        found = httpx.get(restarted.base_url + "/api/logs", params={"q": "joined"}).json()["logs"]
        assert [log["metadata"]["participant_id"] for log in found] == ["p-1"]
        otel = httpx.get(
            restarted.base_url + "/api/logs", params={"service": "otel", "level": "warn"}
        ).json()["logs"]
        assert [log["message"] for log in otel] == ["otel says hi"]
        # The service's own lines are there too, as service "debug".
        own = httpx.get(restarted.base_url + "/api/logs", params={"service": "debug"}).json()
        assert any("debug service started" in log["message"] for log in own["logs"])


def test_retention_by_rows_keeps_the_newest(tmp_path: Path) -> None:
    env = {"DEBUG_RETENTION_MAX_ROWS": "50"}
    with DebugServiceProcess(tmp_path / "debug.db", env=env, log_dir=tmp_path) as service:
        for batch in range(4):
            logs = [
                {"service": "load", "level": "info", "message": f"line {batch * 20 + i}"}
                for i in range(20)
            ]
            httpx.post(service.base_url + "/api/logs", json={"logs": logs}).raise_for_status()
        stats = httpx.get(service.base_url + "/api/stats").json()
        assert stats["total"] <= 50
        kept = httpx.get(
            service.base_url + "/api/logs", params={"service": "load", "limit": 100}
        ).json()["logs"]
        numbers = sorted(int(log["message"].split()[1]) for log in kept)
        assert numbers[-1] == 79
        assert numbers == list(range(numbers[0], 80))
        assert numbers[0] >= 30


def test_retention_by_age(tmp_path: Path) -> None:
    env = {"DEBUG_RETENTION_MAX_AGE_HOURS": "1", "DEBUG_RETENTION_INTERVAL_S": "0.2"}
    with DebugServiceProcess(tmp_path / "debug.db", env=env, log_dir=tmp_path) as service:
        two_hours_ago = (time.time() - 7200) * 1000
        logs = [
            {"service": "age", "level": "info", "message": "stale", "timestamp": two_hours_ago},
            {"service": "age", "level": "info", "message": "fresh"},
        ]
        # The operator's token keeps the line's own (old) time.
        operator = {"Authorization": f"Bearer {DEVELOPMENT_TOKEN}"}
        httpx.post(
            service.base_url + "/api/logs", json={"logs": logs}, headers=operator
        ).raise_for_status()
        deadline = time.monotonic() + 5
        while True:
            kept = httpx.get(service.base_url + "/api/logs", params={"service": "age"}).json()
            if [log["message"] for log in kept["logs"]] == ["fresh"]:
                break
            assert time.monotonic() < deadline, kept
            time.sleep(0.1)


def test_the_token_in_a_websocket_url_is_never_logged(tmp_path: Path) -> None:
    token = "s" * 40
    env = {"APP_ENV": "production", "DEBUG_TOKEN": token}
    with DebugServiceProcess(tmp_path / "debug.db", env=env, log_dir=tmp_path) as service:
        with connect(f"{service.ws_url}?token={token}") as ws:
            receive(ws, "services")
        auth = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 5
        while True:
            own = httpx.get(
                service.base_url + "/api/logs", params={"q": "websocket accepted"}, headers=auth
            ).json()["logs"]
            accepted = [log["message"] for log in own if "[accepted]" in log["message"]]
            if accepted:
                break
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert "token=[redacted]" in accepted[0]
        service.stop()
        assert "WebSocket /ws?token=[redacted]" in service.output()
        assert token not in service.output()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"APP_ENV": "production"}, "DEBUG_TOKEN is the development default"),
        ({"APP_ENV": "production", "DEBUG_TOKEN": ""}, "DEBUG_TOKEN is not set"),
        ({"APP_ENV": "production", "DEBUG_TOKEN": "tooshort"}, "shorter than 32 characters"),
        ({"DEBUG_PORT": "not-a-port"}, "invalid setting DEBUG_PORT"),
        ({"DEBUG_DB_PATH": "/proc/no-such-dir/debug.db"}, "cannot open the database"),
    ],
)
def test_refuses_to_start_with_one_clear_line(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = subprocess.run(
        debug_service_argv(),
        env={"PATH": "/usr/bin:/bin", "DEBUG_DB_PATH": str(tmp_path / "d.db"), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert not (tmp_path / "d.db").exists()
