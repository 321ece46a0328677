"""Log entries: validation of what clients send, and the shape the service stores and returns.

The entry's fields and limits are `vr_common.log_entry`'s, shared with the log shipping handler;
this module checks and normalises them on the way in.
"""

from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any

from pydantic import TypeAdapter, ValidationError
from vr_common.log_entry import (
    LEVELS,
    SERVICE_NAME,
    SERVICE_NAME_RULE,
    LogBatchIn,
    LogLimits,
)
from vr_common.log_entry import encode_metadata as encode_metadata_json

LEVEL_NAMES: dict[int, str] = {number: name for name, number in LEVELS.items()}
_LEVEL_ALIASES: dict[str, str] = {
    **{name: name for name in LEVELS},
    "trace": "debug",
    "warning": "warn",
    "fatal": "error",
    "critical": "error",
}
# C0/C1 controls (keeping tab and newline) could rewrite a terminal or forge a line, and lone
# surrogates cannot be encoded as UTF-8 at all: both become U+FFFD.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Numbers below this are seconds (Python's time.time()), above it milliseconds (JS Date.now()).
_SECONDS_LIMIT = 1e11
_MIN_TS_US = 0
_MAX_TS_US = int(datetime(2200, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
_MAX_ID_CHARS = 128
# Names already checked: a handful of services send nearly every line.
_KNOWN_SERVICES: set[str] = set()


class EntryProblem(ValueError):
    """One field of one entry is not acceptable; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(slots=True)
class NewLog:
    """A validated entry, ready to be stored."""

    ts_us: int
    service: str
    level: int
    message: str
    metadata_json: str
    room_id: str | None
    participant_id: str | None


@dataclass(slots=True)
class StoredLog(NewLog):
    """An entry as stored, with the id that orders arrival."""

    id: int
    encoded: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> StoredLog:
        """From the store's columns, `id` first (`id, ts, service, level, message, metadata,
        room_id, participant_id`)."""
        log_id, ts_us, service, level, message, metadata_json, room_id, participant_id = row
        return cls(
            ts_us, service, level, message, metadata_json, room_id, participant_id, id=log_id
        )

    def to_json(self) -> str:
        # Composed by hand because the metadata is already JSON text, and kept because every
        # live viewer sends the same text: decoding and re-encoding per line and per viewer
        # would dominate the cost of the live stream.
        if self.encoded is None:
            self.encoded = (
                f'{{"id":{self.id},"timestamp":"{format_timestamp(self.ts_us)}",'
                f'"service":"{self.service}","level":"{LEVEL_NAMES[self.level]}",'
                f'"message":{encode_basestring(self.message)},'
                f'"metadata":{self.metadata_json}}}'
            )
        return self.encoded

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.to_json())
        return result


@functools.lru_cache(maxsize=4096)
def _second_prefix(seconds: int) -> str:
    # Lines come in bursts within the same second: formatting each second once saves most
    # of the cost of writing timestamps.
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def format_timestamp(ts_us: int) -> str:
    seconds, micros = divmod(ts_us, 1_000_000)
    return f"{_second_prefix(seconds)}.{micros:06d}Z"


def parse_timestamp(value: str | int | float) -> int:
    """Microseconds since the epoch from ISO 8601 or a Unix time in seconds or milliseconds."""
    if isinstance(value, bool):
        raise ValueError("must be an ISO 8601 string or a number")
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("not an ISO 8601 date and time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        ts_us = int(moment.timestamp() * 1_000_000)
    else:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number")
        scale = 1_000_000 if abs(value) < _SECONDS_LIMIT else 1000
        ts_us = int(value * scale)
    if not _MIN_TS_US <= ts_us <= _MAX_TS_US:
        raise ValueError("out of range (1970 to 2200)")
    return ts_us


def parse_level(value: str) -> int:
    name = _LEVEL_ALIASES.get(value.strip().lower())
    if name is None:
        raise ValueError("must be one of debug, info, warn, error")
    return LEVELS[name]


def clean_text(text: str) -> str:
    # isprintable() (C, no regex) settles the common case; it is False for tab, newline and
    # some harmless characters too, which the regex then looks at properly.
    if text.isprintable() or not _UNSAFE_CHARS.search(text):
        return text
    return _UNSAFE_CHARS.sub("\ufffd", text)


def encode_metadata(metadata: dict[str, Any] | None, max_bytes: int) -> str:
    if not metadata:
        return "{}"
    encoded = encode_metadata_json(metadata)
    if len(encoded) > max_bytes:
        raise EntryProblem("metadata", f"is {len(encoded)} bytes encoded; the limit is {max_bytes}")
    return encoded.decode()


def _id_field(metadata: dict[str, Any], snake: str, camel: str) -> str | None:
    value = metadata.get(snake)
    if value is None:
        value = metadata.get(camel)
    if type(value) is str:
        return clean_text(value[:_MAX_ID_CHARS]) if value else None
    if type(value) is int:
        return str(value)
    return None


def make_entry(
    *,
    timestamp: str | int | float | None,
    service: str,
    level: str,
    message: str,
    metadata: Any,
    limits: LogLimits,
    now_us: int,
) -> NewLog:
    """Check and normalise one entry; raises EntryProblem naming the field at fault."""
    if service not in _KNOWN_SERVICES:
        if not SERVICE_NAME.fullmatch(service):
            raise EntryProblem("service", f"must be {SERVICE_NAME_RULE}")
        if len(_KNOWN_SERVICES) < 1000:
            _KNOWN_SERVICES.add(service)
    level_number = LEVELS.get(level)
    if level_number is None:
        try:
            level_number = parse_level(level)
        except ValueError as exc:
            raise EntryProblem("level", str(exc)) from None
    if metadata is not None and not isinstance(metadata, dict):
        raise EntryProblem("metadata", "must be an object")
    if len(message) > limits.max_message_chars:
        raise EntryProblem(
            "message", f"is {len(message)} characters; the limit is {limits.max_message_chars}"
        )
    if timestamp is None:
        ts_us = now_us
    elif type(timestamp) is float and _MIN_TS_US / 1000 <= timestamp <= _MAX_TS_US / 1000:
        # The shape shippers send (epoch seconds or milliseconds), without the general parser.
        ts_us = int(timestamp * (1_000_000 if timestamp < _SECONDS_LIMIT else 1000))
    else:
        try:
            ts_us = parse_timestamp(timestamp)
        except ValueError as exc:
            raise EntryProblem("timestamp", str(exc)) from None
    if not metadata:
        return NewLog(ts_us, service, level_number, clean_text(message), "{}", None, None)
    return NewLog(
        ts_us,
        service,
        level_number,
        clean_text(message),
        encode_metadata(metadata, limits.max_metadata_bytes),
        _id_field(metadata, "room_id", "roomId"),
        _id_field(metadata, "participant_id", "participantId"),
    )


_BATCH = TypeAdapter(LogBatchIn)


class InvalidJson(ValueError):
    pass


class TooManyLogs(ValueError):
    pass


class InvalidLogs(ValueError):
    """The batch is rejected whole; `problems` lists what is wrong, e.g. `logs[3].level: ...`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


def _location(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _validate(body: bytes) -> LogBatchIn:
    try:
        return _BATCH.validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if not errors or errors[0]["type"] != "json_invalid":
            raise
        first_problem = errors[0]["msg"]
    if "recursion limit" in first_problem:
        # Too deep for the fast parser is too deep on every Python: the standard parser's own
        # limit moved (3.13 reads 1000 nested arrays that 3.11 refused with RecursionError).
        raise InvalidJson(f"the body is not valid JSON: {first_problem}")
    # The fast parser refuses lone surrogates (which JavaScript's JSON.stringify writes for a
    # broken string); the standard one accepts them, and clean_text replaces them later.
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidJson(f"the body is not valid JSON: {first_problem}") from None
    return _BATCH.validate_python(document)


def parse_batch(body: bytes, limits: LogLimits, now_us: int | None = None) -> list[NewLog]:
    """The entries of a `POST /api/logs` body, all valid, or an exception saying why not."""
    return parse_batch_and_token(body, limits, now_us)[0]


def parse_batch_and_token(
    body: bytes, limits: LogLimits, now_us: int | None = None
) -> tuple[list[NewLog], str | None]:
    """`parse_batch`, and the batch's `room_token` (None when it has none)."""
    try:
        batch = _validate(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise InvalidLogs([f"{_location(e['loc'])}: {e['msg']}" for e in errors]) from None
    logs = batch["logs"]
    if len(logs) > limits.max_batch:
        raise TooManyLogs(f"{len(logs)} entries in one batch; the limit is {limits.max_batch}")
    now = now_us if now_us is not None else time.time_ns() // 1000
    entries: list[NewLog] = []
    problems: list[str] = []
    for index, item in enumerate(logs):
        try:
            entries.append(
                make_entry(
                    timestamp=item.get("timestamp"),
                    service=item["service"],
                    level=item["level"],
                    message=item["message"],
                    metadata=item.get("metadata"),
                    limits=limits,
                    now_us=now,
                )
            )
        except EntryProblem as problem:
            problems.append(f"logs[{index}].{problem}")
    if problems:
        raise InvalidLogs(problems)
    return entries, batch.get("room_token")
