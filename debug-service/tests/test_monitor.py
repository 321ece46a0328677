import asyncio
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from debug_service.monitor import Monitor, ServiceStatus, Target, targets_from_urls
from vr_common.service_status import SERVICE_HEALTH_WORDS
from vr_testkit.debug_service import DebugServiceProcess
from vr_testkit.processes import ManagedProcess, free_port
from websockets.sync.client import connect

INTERVAL_S = 0.5


class StaticSite(ManagedProcess):
    """A real HTTP server answering 200 at /api/health (a stand-in for the backend)."""

    def __init__(self, root: Path, port: int) -> None:
        (root / "api").mkdir(parents=True, exist_ok=True)
        (root / "api" / "health").write_text('{"status": "ok"}')
        argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        super().__init__("static-site", argv, cwd=root, log_dir=root.parent)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> "StaticSite":
        super().start()
        self.wait_http(self.url + "/api/health", expect=200)
        return self


@pytest.fixture
def site(tmp_path: Path) -> Iterator[StaticSite]:
    server = StaticSite(tmp_path / "site", free_port()).start()
    yield server
    server.stop()


def test_targets_from_settings() -> None:
    targets = targets_from_urls(
        backend_url="http://b:4000/",
        sfu_health_url="http://s:7880/",
        frontend_url="",
        self_url="http://127.0.0.1:5000/api/health",
    )
    assert [(t.name, t.url, t.configured) for t in targets] == [
        ("debug", "http://127.0.0.1:5000/api/health", True),
        ("backend", "http://b:4000/api/health", True),
        ("sfu", "http://s:7880/", True),
        ("frontend", "", False),
    ]


async def test_every_status_is_a_word_of_the_shared_vocabulary(site: StaticSite) -> None:
    """The original client's four words, as `/api/status` says them; nothing else ever."""
    targets = targets_from_urls(
        backend_url=site.url,
        sfu_health_url=site.url + "/nothing-here",
        frontend_url="",
        self_url="internal",
    )
    monitor = Monitor(targets, interval_s=INTERVAL_S, timeout_s=1)
    listed_before = monitor.snapshot()
    async with httpx.AsyncClient(timeout=1) as client:
        await monitor.check_all(client)
    statuses = {s["name"]: s for s in monitor.snapshot()}
    assert {s["status"] for s in [*listed_before, *statuses.values()]} <= set(SERVICE_HEALTH_WORDS)
    assert [s["name"] for s in listed_before] == ["frontend"]
    assert statuses["backend"]["status"] == "healthy"
    assert statuses["sfu"]["status"] == "unhealthy"
    assert statuses["frontend"]["status"] == "unconfigured"
    assert statuses["frontend"]["message"] == "FRONTEND_URL not set"


async def test_a_change_is_reported_once(
    site: StaticSite, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="debug_service.monitor")
    changes: list[tuple[str, str]] = []

    async def broken_probe() -> None:
        raise RuntimeError("database locked")

    monitor = Monitor(
        [
            Target("backend", site.url + "/api/health"),
            Target("missing", site.url + "/nothing-here"),
            Target("itself", "internal", broken_probe),
        ],
        interval_s=INTERVAL_S,
        timeout_s=1,
        on_change=lambda status: changes.append((status.name, status.status)),
    )
    async with httpx.AsyncClient(timeout=1) as client:
        for _ in range(3):
            await monitor.check_all(client)
    assert sorted(changes) == [
        ("backend", "healthy"),
        ("itself", "unhealthy"),
        ("missing", "unhealthy"),
    ]
    statuses = {s["name"]: s for s in monitor.snapshot()}
    assert statuses["missing"]["message"] == "HTTP 404"
    assert statuses["itself"]["message"] == "RuntimeError: database locked"
    assert statuses["backend"]["latency_ms"] is not None
    assert len([r for r in caplog.records if r.name == "debug_service.monitor"]) == 3


async def test_a_slow_target_times_out() -> None:
    async def slow_probe() -> None:
        await asyncio.sleep(5)

    status: list[ServiceStatus] = []
    monitor = Monitor(
        [Target("slow", "x", slow_probe)], interval_s=1, timeout_s=0.1, on_change=status.append
    )
    async with httpx.AsyncClient() as client:
        await monitor.check_all(client)
    assert status[0].message == "timed out after 0.1 s"


def services(base_url: str) -> dict[str, dict[str, Any]]:
    listed = httpx.get(base_url + "/api/services").json()["services"]
    return {s["name"]: s for s in listed}


def next_status(ws: Any, name: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if message["type"] == "service_status" and message["service"]["name"] == name:
            return dict(message["service"])


def test_a_stopped_target_is_seen_within_two_intervals_and_recovers(
    tmp_path: Path, site: StaticSite
) -> None:
    env = {"BACKEND_URL": site.url, "DEBUG_MONITOR_INTERVAL_S": str(INTERVAL_S)}
    with DebugServiceProcess(tmp_path / "debug.db", env=env, log_dir=tmp_path) as service:
        deadline = time.monotonic() + 5
        while services(service.base_url)["backend"]["status"] != "healthy":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert services(service.base_url)["debug"]["status"] == "healthy"
        with connect(service.ws_url) as ws:
            assert json.loads(ws.recv(timeout=5))["type"] == "services"
            site.stop()
            stopped_at = time.monotonic()
            down = next_status(ws, "backend", timeout=2 * INTERVAL_S + 1)
            seen_after = time.monotonic() - stopped_at
            assert down["status"] == "unhealthy"
            assert down["message"] == "connection refused"
            assert seen_after <= 2 * INTERVAL_S, seen_after
            assert services(service.base_url)["backend"]["status"] == "unhealthy"
            time.sleep(3 * INTERVAL_S)  # more failed checks: still one line in the log

            site.start()
            started_at = time.monotonic()
            up = next_status(ws, "backend", timeout=2 * INTERVAL_S + 1)
            assert up["status"] == "healthy"
            assert time.monotonic() - started_at <= 2 * INTERVAL_S
        time.sleep(0.5)  # the service stores its own lines every 0.2 s
        own = httpx.get(
            service.base_url + "/api/logs", params={"service": "debug", "q": "backend"}
        ).json()["logs"]
        assert [log["message"] for log in reversed(own)] == [
            "backend is healthy (first check)",
            "backend is unhealthy: connection refused (was healthy)",
            "backend is healthy (was unhealthy)",
        ]
