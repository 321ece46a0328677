"""OTLP/HTTP protobuf: what the OpenTelemetry Python SDK's own exporter sends is stored with its
service, level, message and attributes."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource

from .conftest import Served

Start = Callable[..., Served]


def test_the_sdks_protobuf_exporter_is_stored(app_server: Start) -> None:
    served = app_server()
    exporter = OTLPLogExporter(endpoint=f"{served.base_url}/v1/logs", timeout=5)
    provider = LoggerProvider(resource=Resource.create({"service.name": "billing"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("checkout")
    logger.emit(
        body="card declined",
        severity_text="WARN",
        attributes={"room_id": "room-otel", "attempt": 3, "retry": True},
    )
    provider.shutdown()

    logs = httpx.get(f"{served.base_url}/api/logs", params={"room_id": "room-otel"}).json()["logs"]
    assert len(logs) == 1
    line = logs[0]
    assert line["service"] == "billing"
    assert line["level"] == "warn"
    assert line["message"] == "card declined"
    assert line["metadata"]["attempt"] == 3
    assert line["metadata"]["retry"] is True
    assert line["metadata"]["scope"] == "checkout"


def test_a_body_that_is_not_protobuf_is_refused(app_server: Start) -> None:
    served = app_server()
    response = httpx.post(
        f"{served.base_url}/v1/logs",
        content=b"\xff\xff\xff not protobuf",
        headers={"content-type": "application/x-protobuf"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_otlp"
