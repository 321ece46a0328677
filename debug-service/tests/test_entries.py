import json
import logging

import pytest
from debug_service.entries import (
    InvalidJson,
    InvalidLogs,
    StoredLog,
    TooManyLogs,
    format_timestamp,
    parse_batch,
    parse_timestamp,
)
from vr_common.log_entry import LogLimits, encode_metadata, record_to_entry

LIMITS = LogLimits(max_batch=3, max_message_chars=20, max_metadata_bytes=64)
NOW = 1_700_000_000_000_000


def body(*logs: object) -> bytes:
    return json.dumps({"logs": list(logs)}).encode()


def test_a_valid_entry_is_normalised() -> None:
    (entry,) = parse_batch(
        body(
            {
                "timestamp": "2025-01-02T03:04:05.5Z",
                "service": "backend",
                "level": "WARNING",
                "message": "hello",
                "metadata": {"room_id": "r1", "participantId": 7},
            }
        ),
        LIMITS,
        NOW,
    )
    assert format_timestamp(entry.ts_us) == "2025-01-02T03:04:05.500000Z"
    assert (entry.service, entry.level, entry.message) == ("backend", 30, "hello")
    assert (entry.room_id, entry.participant_id) == ("r1", "7")
    assert json.loads(entry.metadata_json) == {"room_id": "r1", "participantId": 7}


def test_missing_timestamp_is_the_time_of_arrival_and_missing_metadata_is_empty() -> None:
    (entry,) = parse_batch(body({"service": "a", "level": "info", "message": "m"}), LIMITS, NOW)
    assert entry.ts_us == NOW
    assert entry.metadata_json == "{}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_700_000_000, "2023-11-14T22:13:20.000000Z"),  # seconds
        (1_700_000_000.25, "2023-11-14T22:13:20.250000Z"),
        (1_700_000_000_123, "2023-11-14T22:13:20.123000Z"),  # milliseconds
        ("2023-11-14T22:13:20", "2023-11-14T22:13:20.000000Z"),  # no offset: UTC
        ("2023-11-14T23:13:20+01:00", "2023-11-14T22:13:20.000000Z"),
    ],
)
def test_timestamps_in_every_documented_form(value: str | float, expected: str) -> None:
    assert format_timestamp(parse_timestamp(value)) == expected


def test_control_characters_and_lone_surrogates_are_replaced() -> None:
    message = "a\\u0000b\\u001b[2Jc\\rd\\ud800\\te\\nf"
    raw = b'{"logs":[{"service":"a","level":"info","message":"' + message.encode() + b'"}]}'
    (entry,) = parse_batch(raw, LIMITS, NOW)
    assert entry.message == "a\ufffdb\ufffd[2Jc\ufffdd\ufffd\te\nf"
    StoredLog.from_row(
        (1, entry.ts_us, "a", 20, entry.message, "{}", None, None)
    ).to_json().encode()


def test_a_lone_surrogate_in_metadata_is_stored_escaped() -> None:
    raw = b'{"logs":[{"service":"a","level":"info","message":"m","metadata":{"k":"\\udc00"}}]}'
    (entry,) = parse_batch(raw, LIMITS, NOW)
    entry.metadata_json.encode()
    assert json.loads(entry.metadata_json) == {"k": "\udc00"}


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"service": "a b", "level": "info", "message": "m"}, "logs[0].service"),
        ({"service": "", "level": "info", "message": "m"}, "logs[0].service"),
        ({"service": "a", "level": "loud", "message": "m"}, "logs[0].level"),
        ({"service": "a", "level": "info", "message": 5}, "logs[0].message"),
        ({"service": "a", "level": "info"}, "logs[0].message"),
        ({"service": "a", "level": "info", "message": "x" * 21}, "logs[0].message"),
        ({"service": "a", "level": "info", "message": "m", "metadata": [1]}, "logs[0].metadata"),
        (
            {"service": "a", "level": "info", "message": "m", "metadata": {"k": "v" * 80}},
            "metadata",
        ),
        ({"service": "a", "level": "info", "message": "m", "timestamp": "yesterday"}, "timestamp"),
        ({"service": "a", "level": "info", "message": "m", "timestamp": True}, "timestamp"),
        ({"service": "a", "level": "info", "message": "m", "timestamp": -1e20}, "timestamp"),
        ("not an object", "logs[0]"),
    ],
)
def test_a_bad_entry_rejects_the_batch_and_names_the_field(entry: object, problem: str) -> None:
    with pytest.raises(InvalidLogs) as caught:
        parse_batch(body({"service": "ok", "level": "info", "message": "fine"}, entry), LIMITS, NOW)
    assert any(
        p.startswith(problem.replace("[0]", "[1]")) or problem in p for p in caught.value.problems
    )


def test_malformed_json_and_deep_nesting_are_invalid_json() -> None:
    with pytest.raises(InvalidJson):
        parse_batch(b'{"logs": [', LIMITS, NOW)
    with pytest.raises((InvalidJson, InvalidLogs)):
        parse_batch(b'{"logs":' + b"[" * 100_000 + b"]" * 100_000 + b"}", LIMITS, NOW)


@pytest.mark.parametrize("document", [b"[]", b'{"logs": {}}', b'{"logs": "x"}', b"{}", b"null"])
def test_wrong_shapes_are_invalid_logs(document: bytes) -> None:
    with pytest.raises(InvalidLogs):
        parse_batch(document, LIMITS, NOW)


def test_too_many_entries() -> None:
    entry = {"service": "a", "level": "info", "message": "m"}
    with pytest.raises(TooManyLogs):
        parse_batch(body(*[entry] * 4), LIMITS, NOW)


def test_unknown_fields_are_ignored() -> None:
    (entry,) = parse_batch(
        body({"service": "a", "level": "info", "message": "m", "extra": {"x": 1}}), LIMITS, NOW
    )
    assert entry.message == "m"


def test_returned_json_is_the_documented_shape() -> None:
    log = StoredLog.from_row((5, NOW, "svc", 40, 'say "hi"\n', '{"a":1}', None, None))
    assert json.loads(log.to_json()) == {
        "id": 5,
        "timestamp": "2023-11-14T22:13:20.000000Z",
        "service": "svc",
        "level": "error",
        "message": 'say "hi"\n',
        "metadata": {"a": 1},
    }


@pytest.mark.parametrize(
    "value",
    [
        "é€😀" * 4000,  # 2, 3 and 4 bytes in UTF-8; json.dumps would count 6, 6 and 12
        [float("nan")] * 3000,  # 'NaN' on the wire, stored as 'null'
        "x" * 8180,
    ],
    ids=["non-ascii", "nan", "ascii"],
)
@pytest.mark.parametrize("limits", [LogLimits(), LogLimits(max_metadata_bytes=300)])
def test_what_a_service_ships_the_service_takes_at_its_limits(
    value: object, limits: LogLimits
) -> None:
    # The shipping handler's entry, sent as it sends it (httpx's json.dumps), is never refused:
    # both sides count message and metadata with vr_common.log_entry.
    for size in range(0, 40, 3):
        record = logging.makeLogRecord(
            {
                "name": "n",
                "msg": "m" * (limits.max_message_chars + size),
                "levelno": logging.INFO,
                "room_id": "r",
                "value": value[: len(value) - size] if isinstance(value, list | str) else value,
            }
        )
        entry = record_to_entry(record, "backend", limits)
        (stored,) = parse_batch(json.dumps({"logs": [entry]}).encode(), limits, NOW)
        assert len(stored.message) == limits.max_message_chars
        assert stored.room_id == "r"


def test_metadata_exactly_at_the_limit_is_kept_whole() -> None:
    record = logging.makeLogRecord({"name": "n", "msg": "m", "levelno": 20, "text": "€" * 100})
    size = len(encode_metadata(record_to_entry(record, "backend")["metadata"]))
    limits = LogLimits(max_metadata_bytes=size)
    (stored,) = parse_batch(
        json.dumps({"logs": [record_to_entry(record, "backend", limits)]}).encode(), limits, NOW
    )
    assert json.loads(stored.metadata_json)["text"] == "€" * 100
