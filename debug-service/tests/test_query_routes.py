from collections.abc import Callable
from typing import Any

import httpx
import pytest
from debug_service.query_routes import decode_cursor, encode_cursor
from debug_service.settings import DEVELOPMENT_TOKEN
from debug_service.store import Cursor

from .conftest import OPERATOR, PRODUCTION_TOKEN, Served

Start = Callable[..., Served]
BASE_MS = 1_700_000_000_000


def seed(client: httpx.Client, token: str = DEVELOPMENT_TOKEN) -> None:
    """Lines with the times they say (the operator's token keeps them)."""
    logs = [
        {
            "timestamp": BASE_MS + 1000,
            "service": "backend",
            "level": "debug",
            "message": "room created",
            "metadata": {"room_id": "r1", "request_id": "q1"},
        },
        {
            "timestamp": BASE_MS + 2000,
            "service": "browser",
            "level": "warn",
            "message": "camera denied",
            "metadata": {"roomId": "r1", "participantId": "p1"},
        },
        {
            "timestamp": BASE_MS + 3000,
            "service": "sfu",
            "level": "error",
            "message": "connection refused",
            "metadata": {"participant_id": "p2"},
        },
        {
            "timestamp": BASE_MS + 4000,
            "service": "backend",
            "level": "info",
            "message": "Connection reset",
        },
    ]
    operator = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/logs", json={"logs": logs}, headers=operator).status_code == 200


def messages(client: httpx.Client, **params: Any) -> list[str]:
    response = client.get("/api/logs", params=params)
    assert response.status_code == 200, response.text
    return [log["message"] for log in response.json()["logs"] if log["service"] != "debug"]


def test_every_filter(app_server: Start) -> None:
    with httpx.Client(base_url=app_server().base_url) as client:
        seed(client)
        assert messages(client, service="backend") == ["Connection reset", "room created"]
        assert messages(client, service=["browser", "sfu"]) == [
            "connection refused",
            "camera denied",
        ]
        assert messages(client, service="browser,sfu", level="error") == ["connection refused"]
        assert messages(client, q="connect") == ["Connection reset", "connection refused"]
        assert messages(client, q='NEAR( "* OR') == []
        assert messages(client, room_id="r1") == ["camera denied", "room created"]
        assert messages(client, participant_id="p2") == ["connection refused"]
        assert messages(client, since=BASE_MS + 2000, until="2023-11-14T22:13:23Z") == [
            "connection refused",
            "camera denied",
        ]


def test_paging_with_cursor(app_server: Start) -> None:
    with httpx.Client(base_url=app_server().base_url) as client:
        lines = [{"service": "pager", "level": "info", "message": f"m{i}"} for i in range(5)]
        client.post("/api/logs", json={"logs": lines})
        seen: list[str] = []
        params: dict[str, Any] = {"service": "pager", "limit": 2}
        while True:
            page = client.get("/api/logs", params=params).json()
            seen += [log["message"] for log in page["logs"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert seen == ["m4", "m3", "m2", "m1", "m0"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "ten"},
        {"cursor": "!!"},
        {"level": "loud"},
        {"since": "tomorrow"},
    ],
)
def test_bad_query_parameters_are_400(app_server: Start, params: dict[str, str]) -> None:
    response = httpx.get(app_server().base_url + "/api/logs", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_query"


def test_cursor_round_trip() -> None:
    assert decode_cursor(encode_cursor(Cursor(123, 45))) == Cursor(123, 45)


def test_stats(app_server: Start) -> None:
    with httpx.Client(base_url=app_server().base_url) as client:
        client.post(
            "/api/logs",
            json={
                "logs": [
                    {"service": "a", "level": "error", "message": "x"},
                    {"service": "a", "level": "info", "message": "y"},
                ]
            },
        )
        stats = client.get("/api/stats").json()
        assert stats["by_service"]["a"] == 2
        assert stats["by_level"]["error"] >= 1
        assert stats["per_minute"][-1]["count"] >= 2
        assert set(stats) == {"total", "by_level", "by_service", "per_minute", "oldest", "newest"}


def test_delete_removes_everything(app_server: Start) -> None:
    with httpx.Client(base_url=app_server().base_url) as client:
        seed(client)
        deleted = client.delete("/api/logs").json()["deleted"]
        assert deleted >= 4
        assert messages(client) == []


def test_production_needs_the_operator_token(app_server: Start) -> None:
    served = app_server(app_env="production", debug_token=PRODUCTION_TOKEN)
    with httpx.Client(base_url=served.base_url) as client:
        # Ingest stays open, but not for server services' names without a token.
        anonymous = client.post(
            "/api/logs", json={"logs": [{"service": "backend", "level": "info", "message": "m"}]}
        )
        assert anonymous.status_code == 403
        seed(client, PRODUCTION_TOKEN)
        for method, path in [("GET", "/api/logs"), ("GET", "/api/stats"), ("DELETE", "/api/logs")]:
            response = client.request(method, path)
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "unauthorized"
            wrong = client.request(method, path, headers={"Authorization": "Bearer " + "x" * 40})
            assert wrong.status_code == 401
        assert len(client.get("/api/logs", headers=OPERATOR).json()["logs"]) >= 4
        assert client.get("/api/stats", params={"token": PRODUCTION_TOKEN}).status_code == 200
