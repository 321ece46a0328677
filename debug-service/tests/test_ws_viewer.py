import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from vr_testkit.debug_service import DebugServiceProcess
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


class Tally:
    """What one viewer received: lines (per service) and skipped counts."""

    def __init__(self) -> None:
        self.lines = 0
        self.skipped = 0
        self.notices = 0

    def add(self, message: dict[str, Any]) -> None:
        if message["type"] == "logs":
            self.lines += sum(1 for log in message["logs"] if log["service"] == "load")
        elif message["type"] == "skipped":
            self.skipped += message["count"]
            self.notices += 1


def ingest(base_url: str, total: int, batch: int = 1000) -> float:
    """Post `total` lines in batches; returns lines per second."""
    # Random text: WebSocket compression would shrink repeated characters to nothing.
    lines = [
        {"service": "load", "level": "info", "message": f"load line {i} " + os.urandom(250).hex()}
        for i in range(batch)
    ]
    body = json.dumps({"logs": lines}).encode()
    with httpx.Client(base_url=base_url, headers={"content-type": "application/json"}) as client:
        started = time.perf_counter()
        for _ in range(total // batch):
            client.post("/api/logs", content=body).raise_for_status()
        return total / (time.perf_counter() - started)


def test_a_slow_viewer_gets_skipped_notices_while_ingest_and_others_keep_up(tmp_path: Path) -> None:
    total = 20_000
    env = {"DEBUG_VIEWER_BUFFER": "2000"}
    with DebugServiceProcess(tmp_path / "debug.db", env=env, log_dir=tmp_path) as service:
        subscribe = json.dumps(
            {"type": "subscribe", "filters": {"services": ["load"]}, "backlog": 0}
        )
        fast, slow = Tally(), Tally()

        def read_fast(ws: ClientConnection, until: int) -> None:
            deadline = time.monotonic() + 30
            while fast.lines + fast.skipped < until and time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    fast.add(json.loads(ws.recv(timeout=0.2)))

        with connect(service.ws_url, max_queue=1) as fast_ws:
            fast_ws.send(subscribe)
            receive(fast_ws, "backlog")
            reader = threading.Thread(target=read_fast, args=(fast_ws, total))
            reader.start()
            fast_only = ingest(service.base_url, total)
            reader.join()

            # A viewer on a tiny receive window that reads one message now and then, as a
            # browser tab on a bad link would. The kernel still buffers up to 4 MiB on the
            # server's side, so the lines are long enough (about 12 MB in all) to get past it.
            slow_sock = socket.socket()
            slow_sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            slow_sock.connect(("127.0.0.1", service.port))
            with connect(service.ws_url, sock=slow_sock, max_queue=1) as slow_ws:
                slow_ws.send(subscribe)
                receive(slow_ws, "backlog")
                reader = threading.Thread(target=read_fast, args=(fast_ws, 2 * total))
                reader.start()
                with_slow = ingest(service.base_url, total)
                reader.join()
                deadline = time.monotonic() + 10
                while slow.notices == 0 and time.monotonic() < deadline:
                    slow.add(json.loads(slow_ws.recv(timeout=5)))
                    time.sleep(0.05)

        print(
            f"\ningest with one fast viewer {fast_only:,.0f} lines/s, with a slow viewer added "
            f"{with_slow:,.0f} lines/s; fast viewer got {fast.lines}/{2 * total} lines; slow "
            f"viewer got {slow.lines} lines and a notice of {slow.skipped} skipped"
        )
        assert fast.lines == 2 * total and fast.skipped == 0
        assert slow.notices >= 1 and slow.skipped > 0
        # The slow viewer never reads more than a trickle; had ingest waited for it, the second
        # phase would have stalled. The rate only guards against a gross regression: on a
        # shared two-core machine it varies with everything else that runs.
        assert with_slow >= 0.4 * fast_only
