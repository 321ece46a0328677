"""A test app is a real uvicorn server on loopback, in a thread of the test process: real HTTP
and WebSocket, the same server options as `debug-service`, and a start in milliseconds.
Each test gets a fresh database and no monitored neighbours unless it asks."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from debug_service.app import create_app
from debug_service.monitor import Target
from debug_service.settings import Settings
from vr_testkit.processes import free_port

PRODUCTION_TOKEN = "p" * 40
OPERATOR = {"Authorization": f"Bearer {PRODUCTION_TOKEN}"}


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "debug_db_path": tmp_path / "debug.db",
        "backend_url": "",
        "sfu_health_url": "",
        "frontend_url": "",
        "debug_monitor_interval_s": 60,
        # Off unless a test asks: the default port would collide between servers.
        "debug_syslog_port": 0,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass(frozen=True)
class Served:
    base_url: str
    ws_url: str
    settings: Settings


@contextlib.contextmanager
def serve(settings: Settings, targets: Sequence[Target] | None = ()) -> Iterator[Served]:
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, targets=targets),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield Served(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws", settings)
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(autouse=True)
def no_syslog_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Child processes (`DebugServiceProcess`) inherit this: the default UDP port 5514 would
    collide with a service already running on this machine, or with the next test's."""
    monkeypatch.setenv("DEBUG_SYSLOG_PORT", "0")


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start a server with settings overrides; stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(targets: Sequence[Target] | None = (), **overrides: Any) -> Served:
            return stack.enter_context(serve(make_settings(tmp_path, **overrides), targets))

        yield start
