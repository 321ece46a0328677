"""The log entry's one definition: records become entries within the limits, and the checked-in
JSON Schema (what the frontend's log types come from) is the one the code describes."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from vr_common.log_entry import (
    DEFAULT_LIMITS,
    LogLimits,
    encode_metadata,
    level_name,
    log_entry_schemas,
    record_to_entry,
)

SCHEMA_FILE = Path(__file__).parents[1] / "log-entry.schema.json"


def test_access_log_records_become_fields() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/rooms/abc", "1.1", 404),
        None,
    )
    entry = record_to_entry(record, "backend")
    assert entry["message"] == '127.0.0.1:5000 - "GET /api/rooms/abc HTTP/1.1" 404'
    assert entry["metadata"]["status"] == 404
    assert entry["metadata"]["path"] == "/api/rooms/abc"


def test_fields_are_metadata_without_nones_and_unserialisable_values_as_text() -> None:
    record = logging.makeLogRecord(
        {"name": "x", "msg": "m", "levelno": 30, "room_id": "r", "request_id": None, "o": object()}
    )
    entry = record_to_entry(record, "backend")
    assert entry["level"] == "warn"
    assert entry["metadata"]["room_id"] == "r"
    assert "request_id" not in entry["metadata"]
    assert entry["metadata"]["o"].startswith("<object")


def test_oversized_records_are_trimmed_to_the_default_limits() -> None:
    record = logging.makeLogRecord(
        {
            "name": "root",
            "msg": "x" * 50_000,
            "levelno": logging.WARNING,
            "room_id": "r",
            "blob": "y" * 20_000,
        }
    )
    entry = record_to_entry(record, "backend")
    assert len(entry["message"]) == DEFAULT_LIMITS.max_message_chars
    assert entry["metadata"] == {"logger": "root", "room_id": "r", "metadata_trimmed": True}


def test_metadata_is_kept_whole_up_to_the_limit_as_the_service_counts_it() -> None:
    # Non-ASCII text is 2-3 bytes in UTF-8 but 6 in json.dumps' escapes; NaN is 'null' here.
    record = logging.makeLogRecord(
        {"name": "n", "msg": "m", "levelno": 20, "text": "é€" * 30, "nan": float("nan")}
    )
    size = len(encode_metadata(record_to_entry(record, "backend")["metadata"]))
    exact = record_to_entry(record, "backend", LogLimits(max_metadata_bytes=size))
    assert "metadata_trimmed" not in exact["metadata"]
    below = record_to_entry(record, "backend", LogLimits(max_metadata_bytes=size - 1))
    assert below["metadata"] == {"logger": "n", "metadata_trimmed": True}


def test_exceptions_keep_their_end() -> None:
    try:
        raise ValueError("x" * 10_000 + " the end")
    except ValueError:
        record = logging.makeLogRecord(
            {"name": "e", "msg": "failed", "levelno": 40, "exc_info": sys.exc_info()}
        )
    exception = record_to_entry(record, "backend", LogLimits(max_metadata_bytes=100_000))[
        "metadata"
    ]["exception"]
    assert len(exception) == 4_000
    assert exception.endswith("the end")


def test_levels() -> None:
    assert [level_name(n) for n in (5, 10, 20, 25, 30, 40, 50)] == [
        "debug",
        "debug",
        "info",
        "info",
        "warn",
        "error",
        "error",
    ]


def test_the_schema_carries_the_limits() -> None:
    limits = LogLimits(max_batch=7, max_message_chars=11, max_metadata_bytes=13)
    defs = log_entry_schemas(limits)["$defs"]
    assert defs["LogEntryIn"]["properties"]["message"]["maxLength"] == 11
    assert defs["LogBatchIn"]["properties"]["logs"]["maxItems"] == 7
    assert "13 bytes" in defs["LogEntryIn"]["properties"]["metadata"]["description"]
    assert defs["LogEntryPublic"]["properties"]["level"]["enum"] == [
        "debug",
        "info",
        "warn",
        "error",
    ]


def test_the_checked_in_schema_is_the_code_s() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "vr_common.log_entry"], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(printed) == log_entry_schemas()
    assert json.loads(SCHEMA_FILE.read_text()) == log_entry_schemas(), (
        "common/log-entry.schema.json is stale: "
        "uv run python -m vr_common.log_entry > common/log-entry.schema.json"
    )
