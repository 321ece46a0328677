"""The log entry, defined once: its fields, its limits, and how a `logging` record becomes one.

The debug service checks what it receives against these (`debug_service.entries`), the log
shipping handler trims what it sends to them, and the debug service's own lines are made by the
same `record_to_entry`, so a line that one side writes is a line the other side accepts.
`log_entry_schemas()` is the JSON Schema the frontend's log types are generated from.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal, NotRequired

import pydantic_core
from pydantic import (
    ConfigDict,
    StrictFloat,
    StrictInt,
    StrictStr,
    TypeAdapter,
    with_config,
)
from typing_extensions import TypedDict

LogLevel = Literal["debug", "info", "warn", "error"]
LEVELS: dict[str, int] = {"debug": 10, "info": 20, "warn": 30, "error": 40}
SERVICE_NAME_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
SERVICE_NAME = re.compile(SERVICE_NAME_PATTERN)
SERVICE_NAME_RULE = "1-64 characters of A-Z a-z 0-9 . _ -"
# Exceptions are kept from their end: the innermost frames say what failed.
MAX_EXCEPTION_CHARS = 4_000
# What an oversized metadata is reduced to: the fields a line is found by.
KEPT_WHEN_TRIMMED = ("logger", "room_id", "participant_id", "request_id")
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's copy of the message with terminal colours
}


@dataclass(frozen=True, slots=True)
class LogLimits:
    """What one batch and one entry may hold (the debug service's DEBUG_MAX_* defaults)."""

    max_batch: int = 1000
    max_message_chars: int = 16_384
    max_metadata_bytes: int = 8192


DEFAULT_LIMITS = LogLimits()


# TypedDicts rather than models, and the limits checked by the debug service by hand:
# validation is on the path of every line, and this shape costs about half as much CPU per
# batch as models did.
@with_config(ConfigDict(strict=True, extra="ignore"))
class LogEntryIn(TypedDict):
    """One line as clients send it (`POST /api/logs`); the timestamp defaults to arrival."""

    timestamp: NotRequired[StrictStr | StrictInt | StrictFloat | None]
    service: StrictStr
    level: StrictStr
    message: StrictStr
    metadata: NotRequired[Any]


@with_config(ConfigDict(strict=True, extra="ignore"))
class LogBatchIn(TypedDict):
    logs: list[LogEntryIn]
    # A browser's room token (the room page has one): its lines are then stored with the
    # token's room and participant. In the body so that a page-hide beacon can carry it too.
    room_token: NotRequired[StrictStr]


class LogEntryPublic(TypedDict):
    """One stored line as the query API and the live stream return it."""

    id: int
    timestamp: str
    service: str
    level: LogLevel
    message: str
    metadata: dict[str, Any]


def level_name(levelno: int) -> LogLevel:
    """A `logging` level as one of the entry's four levels."""
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warn"
    return "info" if levelno >= logging.INFO else "debug"


def encode_metadata(metadata: dict[str, Any]) -> bytes:
    """Metadata as the debug service stores and measures it: compact UTF-8 JSON."""
    try:
        # pydantic-core's encoder is several times faster than json.dumps, which matters at
        # tens of thousands of lines per second; NaN and infinities become null.
        return pydantic_core.to_json(metadata)
    except pydantic_core.PydanticSerializationError:
        # Lone surrogates (only possible through a lenient parser): the escaped form is
        # valid JSON and valid UTF-8.
        return json.dumps(metadata, separators=(",", ":"), allow_nan=False, default=str).encode()


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields of a record: context ids and `extra=` values, without Nones.
    The one definition for the terminal formatters and the entry's metadata."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_ATTRS and not key.startswith("_") and value is not None
    }


def _access_fields(record: logging.LogRecord) -> dict[str, Any]:
    """uvicorn's access log passes (client, method, path, http version, status) as args."""
    if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
        client, method, path, _, status = record.args
        return {"client": client, "method": method, "path": path, "status": status}
    return {}


def record_to_entry(
    record: logging.LogRecord, service: str, limits: LogLimits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """The entry for `record`, within `limits`: `extra=` fields become metadata, a message too
    long is cut, metadata too large is reduced to `KEPT_WHEN_TRIMMED` and says so."""
    metadata: dict[str, Any] = {"logger": record.name, **_access_fields(record)}
    for key, value in record_fields(record).items():
        metadata[key] = _json_safe(value)
    if record.exc_info and record.exc_info[0] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        metadata["exception"] = text[-MAX_EXCEPTION_CHARS:]
    if len(encode_metadata(metadata)) > limits.max_metadata_bytes:
        metadata = {key: metadata[key] for key in KEPT_WHEN_TRIMMED if key in metadata}
        metadata["metadata_trimmed"] = True
    return {
        "timestamp": record.created,
        "service": service,
        "level": level_name(record.levelno),
        "message": record.getMessage()[: limits.max_message_chars],
        "metadata": metadata,
    }


def log_entry_schemas(limits: LogLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    """JSON Schema of the entry as sent (`LogEntryIn`, `LogBatchIn`) and as returned
    (`LogEntryPublic`), with the limits the debug service enforces written into it."""
    entry_in = TypeAdapter(LogEntryIn).json_schema()
    entry_in["properties"]["service"].update(pattern=SERVICE_NAME_PATTERN)
    entry_in["properties"]["message"].update(maxLength=limits.max_message_chars)
    entry_in["properties"]["level"].update(
        description="debug, info, warn or error (trace, warning, fatal, critical are read as "
        "their nearest level)"
    )
    entry_in["properties"]["metadata"].update(
        type=["object", "null"],
        description=f"at most {limits.max_metadata_bytes} bytes as compact UTF-8 JSON",
    )
    batch = TypeAdapter(LogBatchIn).json_schema(ref_template="#/$defs/{model}")
    batch.pop("$defs", None)
    batch["properties"]["logs"].update(
        items={"$ref": "#/$defs/LogEntryIn"}, maxItems=limits.max_batch
    )
    public = TypeAdapter(LogEntryPublic).json_schema()
    public["properties"]["timestamp"].update(format="date-time")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Video Rooms log entry",
        "$defs": {"LogEntryIn": entry_in, "LogBatchIn": batch, "LogEntryPublic": public},
    }


if __name__ == "__main__":
    # `python -m vr_common.log_entry > common/log-entry.schema.json` after changing the entry.
    print(json.dumps(log_entry_schemas(), indent=2))
