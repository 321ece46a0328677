"""livekit-server's JSON log lines (zap's encoder, `logging.json: true`) as `logging` records.

A line is `{"level", "ts", "logger", "caller", "msg", ...fields}`. The fields LiveKit names a
room and a participant by (`room`, `participant`, with their ids `roomID`, `pID`) become the
entry's `room_id` and `participant_id`, the names every other service's lines use, so one
query by room finds LiveKit's lines beside the backend's. Anything that is not such a line
(a panic's stack, a plain-text log) is kept as a line of its own at info.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

# zap's levels; dpanic/panic/fatal are all errors to us.
_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "dpanic": logging.ERROR,
    "panic": logging.ERROR,
    "fatal": logging.ERROR,
}
# LiveKit's field name -> ours.
_RENAMED = {
    "room": "room_id",
    "participant": "participant_id",
    "roomID": "livekit_room_sid",
    "pID": "livekit_participant_sid",
    "trackID": "track_id",
}
_ENVELOPE = frozenset({"level", "ts", "msg", "logger"})
# LiveKit prints its development key pair at start-up; a secret has no place in the log.
_SECRET_WORDS = ("secret", "password", "token")


def _redacted(key: str, value: Any) -> Any:
    return "[redacted]" if any(word in key.lower() for word in _SECRET_WORDS) else value


def livekit_record(line: str, *, logger_name: str = "livekit") -> logging.LogRecord | None:
    """The record for one output line of livekit-server; None for a blank line."""
    text = line.rstrip("\r\n")
    if not text.strip():
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or "msg" not in parsed:
        return _record(logger_name, logging.INFO, text, time.time(), {})
    level = _LEVELS.get(str(parsed.get("level", "info")).lower(), logging.INFO)
    ts = parsed.get("ts")
    created = float(ts) if isinstance(ts, int | float) and not isinstance(ts, bool) else time.time()
    fields = {
        _RENAMED.get(key, key.replace(".", "_").replace(" ", "_")): _redacted(key, value)
        for key, value in parsed.items()
        if key not in _ENVELOPE
    }
    # LiveKit's own logger names (livekit.room, livekit.api...) say which part spoke.
    name = parsed.get("logger")
    name = name if isinstance(name, str) and name else logger_name
    return _record(name, level, str(parsed["msg"]), created, fields)


def _record(
    name: str, level: int, message: str, created: float, fields: dict[str, Any]
) -> logging.LogRecord:
    record = logging.makeLogRecord(
        {"name": name, "levelno": level, "levelname": logging.getLevelName(level), "msg": message}
    )
    record.created = created
    record.msecs = (created - int(created)) * 1000
    for key, value in fields.items():
        # A field named like a record attribute (`name`, `args`...) would replace it.
        setattr(record, key if not hasattr(record, key) else f"livekit_{key}", value)
    return record
