"""OTLP/HTTP protobuf (`application/x-protobuf`), the OpenTelemetry SDKs' default encoding.

The body is decoded with the OTLP definitions (`opentelemetry-proto`) and turned into the
OTLP JSON mapping, which `otlp.parse_otlp` reads: one reading of OTLP for both encodings. The
JSON mapping differs from protobuf's generic JSON in one place: trace and span ids are hex,
not base64.
"""

from __future__ import annotations

import base64
from typing import Any

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsPartialSuccess,
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)

from debug_service.otlp import InvalidOtlp

CONTENT_TYPES = ("application/x-protobuf", "application/protobuf")


def protobuf_document(body: bytes) -> dict[str, Any]:
    request = ExportLogsServiceRequest()
    try:
        request.ParseFromString(body)
    except DecodeError:
        raise InvalidOtlp("the body is not an ExportLogsServiceRequest in protobuf") from None
    document: dict[str, Any] = MessageToDict(request)
    for resource_logs in document.get("resourceLogs", []):
        for scope_logs in resource_logs.get("scopeLogs", []):
            for record in scope_logs.get("logRecords", []):
                for key in ("traceId", "spanId"):
                    if key in record:
                        record[key] = base64.b64decode(record[key]).hex()
    return document


def protobuf_response(rejected: int, message: str | None) -> bytes:
    partial = ExportLogsPartialSuccess(rejected_log_records=rejected, error_message=message or "")
    response = (
        ExportLogsServiceResponse(partial_success=partial)
        if rejected
        else ExportLogsServiceResponse()
    )
    return response.SerializeToString()
