"""The UDP syslog input: bounded queueing in-process, and a real nginx sending its access log
to a real debug service."""

import asyncio
import contextlib
import logging
import re
import shutil
import socket
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from debug_service.app import create_app
from debug_service.filters import LogFilter
from debug_service.live import LiveHub
from debug_service.pipeline import LogPipeline
from debug_service.store import LogStore
from debug_service.syslog_input import SyslogInput
from vr_common.log_entry import LogLimits
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port

from .conftest import Served, make_settings

ACCESS_LINE = (
    b'<190>Nov 24 02:03:15 nginx: {"request_id":"abab9bf25cf5434aeda6cf00dd370a88",'
    b'"remote_addr":"127.0.0.1","method":"POST","path":"/api/rooms/abc/join",'
    b'"status":204,"bytes":0,"duration_s":0.003,"upstream_s":"0.002","user_agent":"curl/7.88.1"}'
)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The access-log lines of config/nginx.conf itself (its path map and log_format, read from the
# file, so this test follows the real format) in a server that answers by itself.
REAL_CONF = (REPO_ROOT / "config" / "nginx.conf").read_text()
ACCESS_LOG_LINES = "\n".join(
    re.search(pattern, REAL_CONF, re.S).group(0)  # type: ignore[union-attr]
    for pattern in (
        r"map \$request_uri \$request_path \{.*?\n    \}",
        r"log_format video_rooms .*?';",
    )
)
NGINX_CONF = (
    """\
pid nginx.pid;
events {}
http {
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
"""
    + ACCESS_LOG_LINES
    + """
    access_log syslog:server=${DEBUG_SYSLOG},tag=nginx,nohostname video_rooms;
    server {
        listen 127.0.0.1:${LISTEN_PORT};
        add_header X-Request-ID $request_id always;
        location / { return 204; }
        location = /missing { return 404; }
    }
}
"""
)


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def running_pipeline(tmp_path: Path) -> AsyncIterator[LogPipeline]:
    pipeline = LogPipeline(LogStore(tmp_path / "logs.db", max_rows=100_000), LiveHub(100))
    try:
        yield pipeline
    finally:
        pipeline.close()


def test_the_queue_is_bounded_by_count_and_bytes() -> None:
    syslog = SyslogInput(LogLimits(), max_pending=100, max_pending_bytes=1 << 20)
    for _ in range(1000):
        syslog.offer(ACCESS_LINE)
    assert (syslog.counts.received, syslog.counts.dropped) == (1000, 900)
    assert len(syslog.take()) == 100
    small = SyslogInput(LogLimits(), max_pending=100, max_pending_bytes=len(ACCESS_LINE) * 3)
    for _ in range(10):
        small.offer(ACCESS_LINE)
    assert small.counts.dropped == 7
    assert len(small.take(2)) == 2
    small.offer(ACCESS_LINE)  # room again for what was taken
    assert small.counts.dropped == 7
    assert len(small.take()) == 2


def test_what_is_not_stored_is_counted_and_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    syslog = SyslogInput(LogLimits(), max_pending=2)
    for data in (b"garbage", ACCESS_LINE, b"more garbage"):
        syslog.offer(data)
    assert [entry.service for entry in syslog.take()] == ["nginx"]
    assert (syslog.counts.rejected, syslog.counts.dropped) == (1, 1)
    with caplog.at_level(logging.WARNING, logger="debug_service.syslog_input"):
        syslog.report()
        syslog.report()  # nothing new: no second line
    assert len(caplog.records) == 1
    record = caplog.records[0]
    assert record.getMessage() == (
        "syslog input: 1 datagrams dropped (queue full), 1 not stored "
        "(not syslog: no <PRI>Mmm dd hh:mm:ss header)"
    )
    assert (record.__dict__["dropped"], record.__dict__["rejected"]) == (1, 1)
    syslog.offer(b"<14>Nov 24 02:03:15 nginx: {}")
    assert syslog.take() == []
    with caplog.at_level(logging.WARNING, logger="debug_service.syslog_input"):
        syslog.report()
    assert caplog.records[-1].getMessage() == (
        "syslog input: 1 not stored (not nginx's access-log format: method or path missing)"
    )


async def test_datagrams_are_stored_through_the_pipeline(tmp_path: Path) -> None:
    async with running_pipeline(tmp_path) as pipeline:
        syslog = SyslogInput(LogLimits(max_batch=10), report_interval_s=0.05)
        await syslog.start("127.0.0.1", 0)
        task = asyncio.create_task(syslog.run(pipeline))
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
                for _ in range(25):
                    sender.sendto(ACCESS_LINE, ("127.0.0.1", syslog.port))
                sender.sendto(b"not syslog", ("127.0.0.1", syslog.port))
            deadline = time.monotonic() + 5
            while syslog.counts.stored + syslog.counts.rejected < 26:
                assert time.monotonic() < deadline, syslog.counts
                await asyncio.sleep(0.01)
        finally:
            syslog.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        stored = await pipeline.query(LogFilter(room_id="abc"), 100)
        assert len(stored) == 25
        assert stored[0].message == "POST /api/rooms/abc/join 204 3 ms"
        assert syslog.counts.rejected == 1


async def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"cannot listen for syslog on UDP 127.0.0.1:{port}"):
            await SyslogInput(LogLimits()).start("127.0.0.1", port)


async def test_the_service_refuses_to_start_when_its_syslog_port_is_taken(
    tmp_path: Path,
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        app = create_app(make_settings(tmp_path, debug_syslog_port=taken.getsockname()[1]))
        with pytest.raises(RuntimeError, match="cannot listen for syslog"):
            async with LifespanManager(app):
                pass


def _query(served: Served, **params: Any) -> list[dict[str, Any]]:
    response = httpx.get(served.base_url + "/api/logs", params=params)
    response.raise_for_status()
    logs: list[dict[str, Any]] = response.json()["logs"]
    return logs


def test_a_real_nginx_access_log_is_queryable_by_service_and_room(
    app_server: Callable[..., Served], tmp_path: Path
) -> None:
    syslog_port = free_udp_port()
    served = app_server(debug_syslog_port=syslog_port)
    http_port = free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_CONF.replace("${DEBUG_SYSLOG}", f"127.0.0.1:{syslog_port}").replace(
            "${LISTEN_PORT}", str(http_port)
        )
    )
    argv = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]
    room = "Rm_1-abc"
    with ManagedProcess("nginx", argv, log_dir=tmp_path) as nginx:
        nginx.wait_port(http_port)
        base = f"http://127.0.0.1:{http_port}"
        with httpx.Client(base_url=base, headers={"User-Agent": "room-test"}) as client:
            join = client.post(f"/api/rooms/{room}/join", json={"participant_name": "Jane"})
            # A query is never logged (LiveKit puts its token in one).
            page = client.get(f"/r/{room}?access_token=SECRET")
            missing = client.get("/missing")
            other = client.get("/api/rooms/elsewhere")
        assert [r.status_code for r in (join, page, missing, other)] == [204, 204, 404, 204]

        deadline = time.monotonic() + 10
        while len(nginx_lines := _query(served, service="nginx")) < 4:
            assert time.monotonic() < deadline, f"{nginx_lines}\n{nginx.output()}"
            time.sleep(0.05)

    by_room = _query(served, room_id=room)
    # Newest first; the duration varies (nginx measures it in whole milliseconds).
    assert [re.sub(r" \d+ ms$", " N ms", line["message"]) for line in by_room] == [
        f"GET /r/{room} 204 N ms",
        f"POST /api/rooms/{room}/join 204 N ms",
    ]
    joined = by_room[1]
    assert (joined["service"], joined["level"]) == ("nginx", "info")
    assert 0 <= joined["metadata"].pop("duration_ms") < 5000
    assert joined["metadata"] == {
        "method": "POST",
        "path": f"/api/rooms/{room}/join",
        "status": 204,
        "bytes": 0,
        "upstream_ms": None,
        "remote_addr": "127.0.0.1",
        "user_agent": "room-test",
        "request_id": join.headers["x-request-id"],
        "room_id": room,
    }
    assert re.fullmatch(r"[0-9a-f]{32}", joined["metadata"]["request_id"])
    assert "SECRET" not in str(nginx_lines)
    warned = _query(served, service="nginx", level="warn")
    assert [line["metadata"]["path"] for line in warned] == ["/missing"]
    assert _query(served, room_id="elsewhere")[0]["metadata"]["path"] == "/api/rooms/elsewhere"
