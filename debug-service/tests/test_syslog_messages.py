"""Parsing syslog datagrams. The byte strings are what nginx 1.22.1 sent with the video_rooms
log format (`access_log syslog:server=...,tag=nginx,nohostname video_rooms;`), captured from a
real nginx with a UDP socket."""

import json
from typing import Any

import pytest
from debug_service.entries import NewLog
from debug_service.syslog_messages import (
    ROOM_ID,
    SyslogProblem,
    parse_datagram,
    room_id_from_path,
    status_level,
)
from video_rooms.ids import ROOM_ID_PATTERN
from vr_common.log_entry import LEVELS, LogLimits

JOIN = (
    b'<190>Nov 24 02:03:15 nginx: {"request_id":"abab9bf25cf5434aeda6cf00dd370a88",'
    b'"remote_addr":"127.0.0.1","method":"POST","path":"/api/rooms/abc_DEF-12/join",'
    b'"status":204,"bytes":0,"duration_s":0.000,"upstream_s":"","user_agent":"curl/7.88.1"}'
)
ROOM_PAGE = (
    b'<190>Nov 24 02:03:15 nginx: {"request_id":"ad1a62cb3534b22d3283aad3a39289cd",'
    b'"remote_addr":"127.0.0.1","method":"GET","path":"/r/Room1","status":204,"bytes":0,'
    b'"duration_s":0.000,"upstream_s":"","user_agent":"Mozilla \\"quoted\\" \xc3\xbc"}'
)
SERVER_ERROR = (
    b'<190>Nov 24 02:03:15 nginx: {"request_id":"2bf10a2d2ccab16b2f00b9d6f3bd5773",'
    b'"remote_addr":"127.0.0.1","method":"GET","path":"/bad","status":503,"bytes":197,'
    b'"duration_s":0.000,"upstream_s":"","user_agent":"curl/7.88.1"}'
)
# Requested as /nf%0Aforged: $uri is decoded.
NEWLINE_PATH = (
    b'<190>Nov 24 02:03:15 nginx: {"request_id":"7abfe5c7bbae3f9aba8f7338c756347b",'
    b'"remote_addr":"127.0.0.1","method":"GET","path":"/nf\\nforged","status":404,"bytes":153,'
    b'"duration_s":0.000,"upstream_s":"","user_agent":"curl/7.88.1"}'
)
PROXIED = (
    b'<190>Nov 24 02:03:32 nginx: {"request_id":"c2af8cb0d4b7a95417ccaa7410c94b5e",'
    b'"remote_addr":"127.0.0.1","method":"GET","path":"/api/rooms/abc","status":404,"bytes":335,'
    b'"duration_s":0.005,"upstream_s":"0.005","user_agent":""}'
)
# nginx's error log sent to the same input (error_log syslog:server=...,tag=nginx,nohostname).
ERROR_LOG = (
    b"<187>Nov 24 02:04:30 nginx: 2026/11/24 02:04:30 [error] 13925#13925: *1 connect() "
    b"failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, "
    b'server: , request: "GET /dead/x?access_token=SECRET HTTP/1.1", upstream: '
    b'"http://127.0.0.1:1/dead/x?access_token=SECRET", host: "127.0.0.1:18089"'
)
NOW_US = 1_795_000_000_000_000
LIMITS = LogLimits()


def parse(data: bytes, limits: LogLimits = LIMITS) -> tuple[NewLog, dict[str, Any]]:
    entry = parse_datagram(data, limits, NOW_US)
    return entry, json.loads(entry.metadata_json)


def test_an_access_line_becomes_an_nginx_entry_with_its_fields() -> None:
    entry, metadata = parse(PROXIED)
    assert (entry.service, entry.level, entry.ts_us) == ("nginx", LEVELS["warn"], NOW_US)
    assert entry.message == "GET /api/rooms/abc 404 5 ms"
    assert metadata == {
        "method": "GET",
        "path": "/api/rooms/abc",
        "status": 404,
        "bytes": 335,
        "duration_ms": 5.0,
        "upstream_ms": 5.0,
        "remote_addr": "127.0.0.1",
        "user_agent": "",
        "request_id": "c2af8cb0d4b7a95417ccaa7410c94b5e",
        "room_id": "abc",
    }
    assert entry.room_id == "abc"


def test_the_room_id_comes_from_api_and_room_page_paths() -> None:
    join, metadata = parse(JOIN)
    assert join.room_id == "abc_DEF-12"
    assert join.message == "POST /api/rooms/abc_DEF-12/join 204 0 ms"
    assert metadata["upstream_ms"] is None
    page, metadata = parse(ROOM_PAGE)
    assert page.room_id == "Room1"
    assert metadata["user_agent"] == 'Mozilla "quoted" ü'
    assert parse(SERVER_ERROR)[0].room_id is None


@pytest.mark.parametrize(
    ("path", "room_id"),
    [
        ("/api/rooms/abc", "abc"),
        ("/api/rooms/abc/", "abc"),
        ("/api/rooms/abc/leave", "abc"),
        ("/r/x-y_z", "x-y_z"),
        ("/r/x/extra", "x"),
        ("/api/rooms", None),
        ("/api/rooms/", None),
        ("/api/roomsabc", None),
        ("/r/bad.id", None),
        ("/r/" + "a" * 65, None),
        ("/debug/api/rooms/abc", None),
    ],
)
def test_room_id_from_path(path: str, room_id: str | None) -> None:
    assert room_id_from_path(path) == room_id


def test_the_room_id_pattern_is_the_backends() -> None:
    assert f"^{ROOM_ID}$" == ROOM_ID_PATTERN.pattern


@pytest.mark.parametrize(
    ("status", "level"),
    [
        (200, "info"),
        (204, "info"),
        (301, "info"),
        (0, "info"),
        (404, "warn"),
        (499, "warn"),
        (500, "error"),
        (502, "error"),
    ],
)
def test_level_by_status(status: int, level: str) -> None:
    assert status_level(status) == level


def test_a_server_error_is_an_error() -> None:
    assert parse(SERVER_ERROR)[0].level == LEVELS["error"]


def test_controls_in_the_path_are_encoded_in_the_message_only() -> None:
    entry, metadata = parse(NEWLINE_PATH)
    assert entry.message == "GET /nf%0Aforged 404 0 ms"
    assert metadata["path"] == "/nf\nforged"


def test_status_000_is_read_as_zero() -> None:
    entry, metadata = parse(SERVER_ERROR.replace(b'"status":503', b'"status":000'))
    assert metadata["status"] == 0
    assert entry.message == "GET /bad 0 0 ms"


@pytest.mark.parametrize(
    ("upstream", "ms"),
    [("0.004, 0.002", 6.0), ("0.001 : 0.003", 4.0), ("-", None), ("0.010, -", 10.0)],
)
def test_upstream_times_are_added_up(upstream: str, ms: float | None) -> None:
    data = PROXIED.replace(b'"upstream_s":"0.005"', f'"upstream_s":"{upstream}"'.encode())
    assert parse(data)[1]["upstream_ms"] == ms


def test_a_host_name_before_the_tag_is_accepted() -> None:
    data = JOIN.replace(b" nginx: ", b" web-1.example nginx: ")
    assert parse(data)[0].room_id == "abc_DEF-12"


def test_tokens_are_redacted() -> None:
    data = JOIN.replace(b"/api/rooms/abc_DEF-12/join", b"/x?token=s3cret")
    entry, metadata = parse(data)
    assert "s3cret" not in entry.message
    assert metadata["path"] == "/x?token=[redacted]"
    error, _ = parse(ERROR_LOG)
    assert "SECRET" not in error.message
    assert error.message.count("access_token=[redacted]") == 2


def test_nginx_error_log_lines_are_stored_as_they_are() -> None:
    entry, metadata = parse(ERROR_LOG)
    assert (entry.service, entry.level) == ("nginx", LEVELS["error"])
    assert entry.message.startswith("2026/11/24 02:04:30 [error] 13925#13925: *1 connect()")
    assert metadata == {"facility": 23, "severity": 3}


@pytest.mark.parametrize(
    ("priority", "level"), [(0, "error"), (3, "error"), (4, "warn"), (6, "info"), (7, "debug")]
)
def test_other_programs_are_service_syslog_with_their_tag(priority: int, level: str) -> None:
    data = f"<{priority}>Nov  4 02:03:15 host cron[42]: job done".encode()
    entry, metadata = parse(data)
    assert (entry.service, entry.level, entry.message) == ("syslog", LEVELS[level], "job done")
    assert metadata == {"facility": 0, "severity": priority, "hostname": "host", "tag": "cron"}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b'{"method":"GET","path":"/","status":200}',
        b"<190> nginx: {}",
        b"<999>Nov 24 02:03:15 nginx: x",
        b"<190>Nov 24 02:03:15 nginx: ",
        b"<190>Nov 24 02:03:15 :::",
        b"<190>Nov 24 02:03:15 nginx: {not json",
        b'<190>Nov 24 02:03:15 nginx: {"status":200}',
        b'<190>Nov 24 02:03:15 nginx: {"method":"GET","path":"/","status":"200"}',
        b'<190>Nov 24 02:03:15 nginx: {"method":"GET","path":"/","status":true}',
        b"<190>Nov 24 02:03:15 nginx: " + b'{"a":' * 100_000,
    ],
)
def test_what_is_not_syslog_or_not_nginx_format_is_refused(data: bytes) -> None:
    with pytest.raises(SyslogProblem):
        parse_datagram(data, LIMITS, NOW_US)


def test_long_fields_are_cut_to_fit_the_limits() -> None:
    long_path = "/api/rooms/abc/" + "x" * 20_000
    data = JOIN.replace(b"/api/rooms/abc_DEF-12/join", long_path.encode())
    entry, metadata = parse(data)
    assert len(metadata["path"]) == 2048
    assert entry.room_id == "abc"
    with pytest.raises(SyslogProblem, match="metadata"):
        parse_datagram(data, LogLimits(max_metadata_bytes=100), NOW_US)
    raw = b"<14>Nov 24 02:03:15 app: " + b"y" * 100
    assert len(parse(raw, LogLimits(max_message_chars=10))[0].message) == 10


def test_invalid_utf8_is_replaced_not_refused() -> None:
    entry, metadata = parse(ROOM_PAGE.replace(b"\xc3\xbc", b"\xff"))
    assert metadata["user_agent"] == 'Mozilla "quoted" \ufffd'
    assert entry.room_id == "Room1"
