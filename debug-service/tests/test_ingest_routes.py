import gzip
import json
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import OPERATOR, PRODUCTION_TOKEN, Served

# uvicorn trusts X-Forwarded-For from loopback, as it trusts nginx: this client is elsewhere.
ELSEWHERE = {"X-Forwarded-For": "203.0.113.9"}
Start = Callable[..., Served]


def line(**overrides: Any) -> dict[str, Any]:
    return {"service": "frontend", "level": "info", "message": "hello", **overrides}


def client_for(served: Served, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=served.base_url, headers=headers)


def test_a_batch_is_stored_and_queryable(app_server: Start) -> None:
    with client_for(app_server()) as client:
        response = client.post(
            "/api/logs", json={"logs": [line(message="one"), line(message="two")]}
        )
        assert response.status_code == 200
        assert response.json() == {"accepted": 2}
        logs = client.get("/api/logs").json()["logs"]
        assert [log["message"] for log in logs if log["service"] == "frontend"] == ["two", "one"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"logs": [', 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
        (b"", 400, "invalid_json"),
        (json.dumps({"logs": [line(level=3)]}).encode(), 422, "invalid_logs"),
        (json.dumps({"logs": [line(service="has space")]}).encode(), 422, "invalid_logs"),
        (json.dumps({"logs": [line(message="x" * 101)]}).encode(), 422, "invalid_logs"),
        (json.dumps({"logs": [line()] * 11}).encode(), 413, "too_many_logs"),
        (json.dumps({"logs": [line(message="x" * 3000)]}).encode(), 413, "payload_too_large"),
        (b"[" * 1000 + b"]" * 1000, 400, "invalid_json"),
        (json.dumps({"items": []}).encode(), 422, "invalid_logs"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_nothing_is_stored(
    app_server: Start, body: bytes, status: int, code: str
) -> None:
    served = app_server(debug_max_batch=10, debug_max_message_chars=100, debug_max_body_bytes=2048)
    with client_for(served) as client:
        response = client.post("/api/logs", content=body)
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code
        assert response.json()["error"]["message"]
        assert client.get("/api/logs", params={"service": "frontend"}).json()["logs"] == []


def test_invalid_logs_name_every_bad_entry(app_server: Start) -> None:
    with client_for(app_server()) as client:
        response = client.post(
            "/api/logs", json={"logs": [line(), line(level="x"), line(service="a b")]}
        )
        assert response.status_code == 422
        details = response.json()["error"]["details"]
        assert any(d.startswith("logs[1].level") for d in details)
        assert any(d.startswith("logs[2].service") for d in details)


def test_gzip_bodies_are_accepted_and_bombs_refused(app_server: Start) -> None:
    with client_for(app_server(debug_max_body_bytes=4096)) as client:
        packed = gzip.compress(json.dumps({"logs": [line(message="zipped")]}).encode())
        response = client.post("/api/logs", content=packed, headers={"content-encoding": "gzip"})
        assert response.status_code == 200
        bomb = gzip.compress(b" " * 1_000_000)
        response = client.post("/api/logs", content=bomb, headers={"content-encoding": "gzip"})
        assert response.status_code == 413
        response = client.post(
            "/api/logs", content=b"not gzip", headers={"content-encoding": "gzip"}
        )
        assert response.json()["error"]["code"] == "invalid_body"
        response = client.post("/api/logs", content=b"{}", headers={"content-encoding": "br"})
        assert response.status_code == 415


def test_otlp_json_is_stored_with_partial_success(app_server: Start) -> None:
    document = {
        "resourceLogs": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "otel-app"}}]
                },
                "scopeLogs": [
                    {
                        "logRecords": [
                            {"severityText": "WARN", "body": {"stringValue": "from otel"}},
                            {"body": {"stringValue": "x" * 20_000}},
                        ]
                    }
                ],
            }
        ]
    }
    with client_for(app_server()) as client:
        response = client.post("/v1/logs", json=document)
        assert response.status_code == 200
        assert response.json()["partialSuccess"]["rejectedLogRecords"] == 1
        logs = client.get("/api/logs", params={"service": "otel-app"}).json()["logs"]
        assert [(log["level"], log["message"]) for log in logs] == [("warn", "from otel")]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"<logs/>", {"content-type": "application/xml"}, 415),
        (b"\xff\xff", {"content-type": "application/x-protobuf"}, 400),
        (b"{", {"content-type": "application/json"}, 400),
        (b"[1]", {"content-type": "application/json"}, 400),
        (b'{"resourceLogs": 5}', {"content-type": "application/json"}, 400),
    ],
)
def test_otlp_bad_input(
    app_server: Start, body: bytes, headers: dict[str, str], status: int
) -> None:
    with client_for(app_server()) as client:
        response = client.post("/v1/logs", content=body, headers=headers)
        assert response.status_code == status
        assert "error" in response.json()


def test_clients_without_the_token_are_rate_limited_in_lines(app_server: Start) -> None:
    served = app_server(
        app_env="production",
        debug_token=PRODUCTION_TOKEN,
        debug_browser_rate=1,
        debug_browser_burst=5,
    )
    with client_for(served) as client:
        assert client.post("/api/logs", json={"logs": [line()] * 5}).status_code == 200
        limited = client.post("/api/logs", json={"logs": [line()]})
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
        otlp = {"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": "m"}}]}]}]}
        assert client.post("/v1/logs", json=otlp).status_code == 429
        other = client.post("/api/logs", json={"logs": [line()]}, headers=ELSEWHERE)
        assert other.status_code == 200  # another client has its own budget
        for _ in range(3):
            response = client.post("/api/logs", json={"logs": [line()] * 5}, headers=OPERATOR)
            assert response.status_code == 200


def test_development_loopback_is_not_rate_limited_but_other_clients_are(
    app_server: Start,
) -> None:
    with client_for(app_server(debug_browser_rate=1, debug_browser_burst=1)) as client:
        for _ in range(3):
            assert client.post("/api/logs", json={"logs": [line()] * 5}).status_code == 200
        first = client.post("/api/logs", json={"logs": [line()] * 5}, headers=ELSEWHERE)
        assert first.status_code == 200
        second = client.post("/api/logs", json={"logs": [line()]}, headers=ELSEWHERE)
        assert second.status_code == 429


def test_control_characters_are_stored_replaced(app_server: Start) -> None:
    raw = (
        b'{"logs":[{"service":"frontend","level":"info",'
        b'"message":"a\\u0000b\\u001b[31mc\\rd\\ud800e\\tf\\ng"}]}'
    )
    with client_for(app_server()) as client:
        assert client.post("/api/logs", content=raw).status_code == 200
        (stored,) = client.get("/api/logs", params={"service": "frontend"}).json()["logs"]
        assert stored["message"] == "a\ufffdb\ufffd[31mc\ufffdd\ufffde\tf\ng"


def test_mutated_bodies_never_cause_a_server_error(app_server: Start) -> None:
    rng = random.Random(1234)
    valid = json.dumps(
        {"logs": [line(metadata={"room_id": "r", "n": [1, 2.5, None]}, timestamp=1.7e12)]}
    ).encode()
    otlp = json.dumps(
        {
            "resourceLogs": [
                {"scopeLogs": [{"logRecords": [{"body": {"stringValue": "m"}, "attributes": []}]}]}
            ]
        }
    ).encode()
    alphabet = b'{}[]":,\\0123456789.eE+-truefalsnul \x00\xff\xc3\xa9'
    with client_for(app_server()) as client:
        for _ in range(150):
            for path, base in (("/api/logs", valid), ("/v1/logs", otlp)):
                body = bytearray(base)
                for _ in range(rng.randint(1, 6)):
                    position = rng.randrange(len(body))
                    if rng.random() < 0.5:
                        body[position] = rng.choice(alphabet)
                    else:
                        del body[position]
                response = client.post(path, content=bytes(body))
                assert response.status_code < 500, (path, bytes(body), response.text)
                assert "error" in response.json() or response.status_code == 200
        assert client.get("/api/health").status_code == 200
