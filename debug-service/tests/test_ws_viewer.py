import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from .conftest import PRODUCTION_TOKEN, Served

Start = Callable[..., Served]


def receive(ws: ClientConnection, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next message of type `kind`, skipping others."""
    deadline = time.monotonic() + timeout
    while True:
        message: dict[str, Any] = json.loads(
            ws.recv(timeout=max(0.01, deadline - time.monotonic()))
        )
        if message["type"] == kind:
            return message


def post(served: Served, *lines: dict[str, Any]) -> None:
    response = httpx.post(served.base_url + "/api/logs", json={"logs": list(lines)})
    assert response.status_code == 200, response.text


def line(message: str, **fields: Any) -> dict[str, Any]:
    return {"service": "backend", "level": "info", "message": message, **fields}


def test_services_then_backlog_then_live_lines_that_match(app_server: Start) -> None:
    served = app_server()
    post(served, line("old one"), line("old two"), line("old other", service="sfu"))
    with connect(served.ws_url) as ws:
        assert receive(ws, "services")["services"] == []
        ws.send(
            json.dumps({"type": "subscribe", "filters": {"services": ["backend"]}, "backlog": 1})
        )
        backlog = receive(ws, "backlog")["logs"]
        assert [log["message"] for log in backlog] == ["old two"]
        post(served, line("ignored", service="sfu"), line("new", metadata={"room_id": "r"}))
        (live,) = receive(ws, "logs")["logs"]
        assert live["message"] == "new"
        assert live["metadata"] == {"room_id": "r"}
        assert live["id"] > backlog[0]["id"]


def test_every_filter_applies_live(app_server: Start) -> None:
    served = app_server()
    filters = {
        "services": ["backend"],
        "level": "warn",
        "q": "refus",
        "room_id": "r1",
        "participant_id": "p1",
    }
    with connect(served.ws_url) as ws:
        ws.send(json.dumps({"type": "subscribe", "filters": filters, "backlog": 0}))
        assert receive(ws, "backlog")["logs"] == []
        meta = {"room_id": "r1", "participant_id": "p1"}
        post(
            served,
            line("connection refused", level="info", metadata=meta),
            line("connection refused", level="error", service="sfu", metadata=meta),
            line("connection reset", level="error", metadata=meta),
            line(
                "connection refused",
                level="error",
                metadata={"room_id": "r2", "participant_id": "p1"},
            ),
            line("connection refused", level="error", metadata={"room_id": "r1"}),
            line("connection refused: match", level="error", metadata=meta),
        )
        logs = receive(ws, "logs")["logs"]
        assert [log["message"] for log in logs] == ["connection refused: match"]


def test_resubscribe_replaces_the_filters(app_server: Start) -> None:
    served = app_server()
    with connect(served.ws_url) as ws:
        ws.send(json.dumps({"type": "subscribe", "filters": {"q": "alpha"}}))
        receive(ws, "backlog")
        post(served, line("alpha 1"))
        assert receive(ws, "logs")["logs"][0]["message"] == "alpha 1"
        ws.send(json.dumps({"type": "subscribe", "filters": {"q": "beta"}}))
        assert receive(ws, "backlog")["logs"] == []
        post(served, line("alpha 2"), line("beta 1"))
        assert [log["message"] for log in receive(ws, "logs")["logs"]] == ["beta 1"]


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "[1, 2]",
        '{"type": "dance"}',
        '{"type": "subscribe", "filters": {"level": "loud"}}',
        '{"type": "subscribe", "backlog": 5000}',
        '{"type": "subscribe", "filters": {"services": "backend"}}',
    ],
)
def test_bad_messages_get_an_error_and_the_connection_stays(
    app_server: Start, message: str
) -> None:
    with connect(app_server().ws_url) as ws:
        ws.send(message)
        assert receive(ws, "error")["error"]["code"] == "invalid_message"
        ws.send('{"type": "ping"}')
        assert receive(ws, "pong") == {"type": "pong"}


def test_delete_tells_viewers_to_clear(app_server: Start) -> None:
    served = app_server()
    with connect(served.ws_url) as ws:
        receive(ws, "services")
        assert httpx.delete(served.base_url + "/api/logs").status_code == 200
        assert receive(ws, "cleared") == {"type": "cleared"}


def test_production_needs_the_token(app_server: Start) -> None:
    served = app_server(app_env="production", debug_token=PRODUCTION_TOKEN)
    with connect(served.ws_url) as ws:
        assert receive(ws, "error")["error"]["code"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    with connect(f"{served.ws_url}?token={PRODUCTION_TOKEN}") as ws:
        assert receive(ws, "services")["type"] == "services"
