"""Syslog datagrams (RFC 3164, as nginx sends them) turned into log entries.

nginx's `access_log syslog:server=...,tag=nginx,nohostname video_rooms` sends one datagram per
request, exactly these bytes (captured from nginx 1.22):

    <190>Nov 24 02:03:15 nginx: {"request_id":"abab9bf2...","remote_addr":"127.0.0.1",...}

`<190>` is facility local7 and severity info; the time is nginx's local time without a year,
so the entry takes the time the datagram arrived instead (the two differ by the network hop).
Without `nohostname` a host name comes between the time and the tag; both shapes are read.

- The `nginx` tag with a JSON object in nginx's access-log format becomes an access line:
  service `nginx`, level by status, message `GET /api/rooms/abc/join 200 3 ms`, the fields in
  metadata, and `room_id` when the path names a room.
- Any other well-formed syslog message (nginx's error log sent the same way, another program)
  is stored with its text as is: service `nginx` for the nginx tag, `syslog` for any other
  (a sender cannot pass itself off as `backend`), level by syslog severity.
- Anything else (no `<PRI>` header, no tag, a JSON object that is not an access line) is not
  stored: `SyslogProblem` says why, and the input counts it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from vr_common.log_entry import LogLimits

from debug_service.entries import EntryProblem, NewLog, make_entry
from debug_service.redaction import redact

NGINX_TAG = "nginx"
OTHER_SERVICE = "syslog"

_HEADER = re.compile(rb"<(\d{1,3})>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) ")
# TAG[pid]: -- the tag is the program name; what precedes it (if anything) is the host.
_TAG = r"([A-Za-z0-9._/-]{1,48})(?:\[\d{1,10}\])?: ?"
_TAG_ONLY = re.compile(_TAG)
_HOST_AND_TAG = re.compile(r"(\S{1,255}) " + _TAG)
# The room id the backend accepts (backend/src/video_rooms/ids.py, ROOM_ID_PATTERN), found in
# the API's paths and in the room page's path.
ROOM_ID = r"[A-Za-z0-9_-]{1,64}"
_ROOM_PATH = re.compile(rf"/(?:api/rooms|r)/({ROOM_ID})(?:/|$)")
# nginx writes `"status":000` for a request that ended before any response: not valid JSON.
_ZERO_STATUS = re.compile(r'"status":0+(?=[,}])')
# Spaces and controls in a path would blur the message's "METHOD PATH STATUS" shape (or forge a
# line in a terminal); in the message they are percent-encoded like in a URL.
_PATH_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
# Each text field of an access line is cut here, so that one entry stays within the metadata
# limit however long a path or user agent is.
MAX_FIELD_CHARS = 2048
_SEVERITY_LEVELS = ("error", "error", "error", "error", "warn", "info", "info", "debug")


class SyslogProblem(ValueError):
    """The datagram is not stored; the message says why."""


def room_id_from_path(path: str) -> str | None:
    match = _ROOM_PATH.match(path)
    return match.group(1) if match else None


def status_level(status: int) -> str:
    if status >= 500:
        return "error"
    if status >= 400:
        return "warn"
    return "info"


def _text(document: dict[str, Any], key: str) -> str | None:
    value = document.get(key)
    if not isinstance(value, str):
        return None
    return redact(value[:MAX_FIELD_CHARS])


def _number(document: dict[str, Any], key: str) -> float | None:
    value = document.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _upstream_ms(value: Any) -> float | None:
    """`$upstream_response_time`: empty without an upstream; "0.004, 0.002" after a retry and
    "0.001 : 0.003" across an internal redirect. The total time spent waiting on upstreams."""
    if not isinstance(value, str):
        return None
    total: float | None = None
    for part in re.split(r"[,:]", value):
        try:
            seconds = float(part.strip())
        except ValueError:
            continue  # "-" for a server that was not reached, or nothing at all
        total = (total or 0.0) + seconds
    return None if total is None else round(total * 1000, 3)


def access_line(document: Any, limits: LogLimits, now_us: int) -> NewLog:
    """One entry from the JSON of nginx's `video_rooms` log format."""
    if not isinstance(document, dict):
        raise SyslogProblem("the JSON is not an object")
    method = document.get("method")
    path = document.get("path")
    status = document.get("status")
    if not isinstance(method, str) or not isinstance(path, str):
        raise SyslogProblem("not nginx's access-log format: method or path missing")
    if isinstance(status, bool) or not isinstance(status, int):
        raise SyslogProblem("not nginx's access-log format: status is not a number")
    path = redact(path[:MAX_FIELD_CHARS])
    method = method[:32]
    duration_s = _number(document, "duration_s")
    duration_ms = None if duration_s is None else round(duration_s * 1000, 3)
    bytes_sent = document.get("bytes")
    metadata: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "bytes": bytes_sent if isinstance(bytes_sent, int) else None,
        "duration_ms": duration_ms,
        "upstream_ms": _upstream_ms(document.get("upstream_s")),
        "remote_addr": _text(document, "remote_addr"),
        "user_agent": _text(document, "user_agent"),
        "request_id": _text(document, "request_id"),
    }
    room_id = room_id_from_path(path)
    if room_id is not None:
        metadata["room_id"] = room_id
    shown_path = _PATH_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", path)
    message = f"{method} {shown_path} {status}"
    if duration_ms is not None:
        message += f" {duration_ms:g} ms"
    try:
        return make_entry(
            timestamp=None,
            service=NGINX_TAG,
            level=status_level(status),
            message=message[: limits.max_message_chars],
            metadata=metadata,
            limits=limits,
            now_us=now_us,
        )
    except EntryProblem as problem:
        raise SyslogProblem(f"access line not stored: {problem}") from None


def _raw_line(
    tag: str, severity: int, text: str, metadata: dict[str, Any], limits: LogLimits, now_us: int
) -> NewLog:
    service = NGINX_TAG if tag == NGINX_TAG else OTHER_SERVICE
    if service == OTHER_SERVICE:
        metadata["tag"] = tag
    try:
        return make_entry(
            timestamp=None,
            service=service,
            level=_SEVERITY_LEVELS[severity],
            message=redact(text[: limits.max_message_chars]),
            metadata=metadata,
            limits=limits,
            now_us=now_us,
        )
    except EntryProblem as problem:
        raise SyslogProblem(f"syslog line not stored: {problem}") from None


def parse_datagram(data: bytes, limits: LogLimits, now_us: int) -> NewLog:
    """The entry for one datagram received at `now_us`, or SyslogProblem."""
    header = _HEADER.match(data)
    if header is None:
        raise SyslogProblem("not syslog: no <PRI>Mmm dd hh:mm:ss header")
    priority = int(header.group(1))
    if priority > 191:
        raise SyslogProblem(f"not syslog: priority {priority} is above 191")
    # nginx escapes quotes and controls in JSON but passes other bytes through (a user agent
    # may carry invalid UTF-8): those become U+FFFD rather than costing the line.
    rest = data[header.end() :].decode("utf-8", errors="replace")
    tagged = _TAG_ONLY.match(rest) or _HOST_AND_TAG.match(rest)
    if tagged is None:
        raise SyslogProblem("not syslog: no TAG: after the time")
    tag = tagged.group(tagged.lastindex or 1)
    text = rest[tagged.end() :].rstrip("\r\n\x00")
    if not text:
        raise SyslogProblem("empty syslog message")
    if tag == NGINX_TAG and text.startswith("{"):
        try:
            document = json.loads(_ZERO_STATUS.sub('"status":0', text))
        except (ValueError, RecursionError):
            raise SyslogProblem("the nginx line is not valid JSON") from None
        return access_line(document, limits, now_us)
    metadata: dict[str, Any] = {"facility": priority >> 3, "severity": priority & 7}
    if tagged.re is _HOST_AND_TAG:
        metadata["hostname"] = tagged.group(1)[:MAX_FIELD_CHARS]
    return _raw_line(tag, priority & 7, text, metadata, limits, now_us)
