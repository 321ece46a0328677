import json

import pytest
from debug_service.entries import format_timestamp
from debug_service.otlp import InvalidOtlp, parse_otlp
from vr_common.log_entry import LogLimits

LIMITS = LogLimits(max_message_chars=50)


def request(*records: object, resource: object = None) -> dict:  # type: ignore[type-arg]
    return {
        "resourceLogs": [
            {
                "resource": resource
                or {
                    "attributes": [
                        {"key": "service.name", "value": {"stringValue": "checkout api"}}
                    ]
                },
                "scopeLogs": [{"scope": {"name": "app.lib"}, "logRecords": list(records)}],
                "schemaUrl": "ignored",
            }
        ]
    }


def test_a_record_maps_to_an_entry() -> None:
    result = parse_otlp(
        request(
            {
                "timeUnixNano": "1700000000123456789",
                "severityNumber": 17,
                "severityText": "ERROR",
                "body": {"stringValue": "payment failed"},
                "attributes": [
                    {"key": "room_id", "value": {"stringValue": "r9"}},
                    {"key": "attempt", "value": {"intValue": "3"}},
                    {"key": "ok", "value": {"boolValue": False}},
                    {"key": "tags", "value": {"arrayValue": {"values": [{"doubleValue": 1.5}]}}},
                    {
                        "key": "nested",
                        "value": {
                            "kvlistValue": {"values": [{"key": "k", "value": {"stringValue": "v"}}]}
                        },
                    },
                ],
                "traceId": "5b8efff798038103d269b633813fc60c",
                "spanId": "eee19b7ec3c1b174",
                "unknownField": 1,
            }
        ),
        LIMITS,
        now_us=0,
    )
    (entry,) = result.entries
    assert result.rejected == 0
    assert entry.service == "checkout-api"
    assert entry.level == 40
    assert entry.message == "payment failed"
    assert format_timestamp(entry.ts_us) == "2023-11-14T22:13:20.123456Z"
    assert entry.room_id == "r9"
    metadata = json.loads(entry.metadata_json)
    assert metadata["attempt"] == 3
    assert metadata["ok"] is False
    assert metadata["tags"] == [1.5]
    assert metadata["nested"] == {"k": "v"}
    assert metadata["traceId"] == "5b8efff798038103d269b633813fc60c"
    assert metadata["scope"] == "app.lib"


@pytest.mark.parametrize(
    ("record", "level"),
    [
        ({"severityNumber": 5}, 10),
        ({"severityNumber": 9}, 20),
        ({"severityNumber": 13}, 30),
        ({"severityNumber": 21}, 40),
        ({"severityNumber": "SEVERITY_NUMBER_WARN"}, 30),
        ({"severityText": "Warning"}, 30),
        ({}, 20),
    ],
)
def test_severity(record: dict, level: int) -> None:  # type: ignore[type-arg]
    (entry,) = parse_otlp(request({"body": {"stringValue": "m"}, **record}), LIMITS, 0).entries
    assert entry.level == level


def test_a_record_that_cannot_be_stored_is_counted_not_fatal() -> None:
    result = parse_otlp(
        request({"body": {"stringValue": "x" * 51}}, "not a record", {"body": {"intValue": "7"}}),
        LIMITS,
        now_us=42,
    )
    assert result.rejected == 2
    assert result.first_problem is not None
    (entry,) = result.entries
    assert (entry.message, entry.ts_us, entry.service) == ("7", 42, "checkout-api")


@pytest.mark.parametrize(
    "document", [[], "x", {"resourceLogs": {}}, {"resourceLogs": [{"scopeLogs": 3}]}]
)
def test_not_otlp_at_all_is_invalid(document: object) -> None:
    with pytest.raises(InvalidOtlp):
        parse_otlp(document, LIMITS, 0)


def test_missing_parts_are_tolerated() -> None:
    assert parse_otlp({}, LIMITS, 0).entries == []
    result = parse_otlp(
        {"resourceLogs": [None, {"scopeLogs": [None, {"logRecords": [{}]}]}]}, LIMITS, 0
    )
    assert [e.service for e in result.entries] == ["unknown"]
