"""OTLP/HTTP JSON logs (`ExportLogsServiceRequest`) turned into log entries.

The OTLP JSON mapping: 64-bit integers may come as strings, AnyValue is an object with one of
stringValue/intValue/doubleValue/boolValue/arrayValue/kvlistValue/bytesValue, trace and span
ids are hex strings. Fields this service does not know are ignored, as OTLP receivers must.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from vr_common.log_entry import LogLimits

from debug_service.entries import EntryProblem, NewLog, make_entry

_MAX_DEPTH = 8
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]")


class InvalidOtlp(ValueError):
    pass


@dataclass(slots=True)
class OtlpResult:
    entries: list[NewLog]
    rejected: int
    first_problem: str | None


def _any_value(value: Any, depth: int = 0) -> Any:
    if not isinstance(value, dict) or depth > _MAX_DEPTH:
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "intValue" in value:
        raw = value["intValue"]
        try:
            return int(raw)
        except (TypeError, ValueError):
            return raw
    if "doubleValue" in value:
        return value["doubleValue"]
    if "arrayValue" in value:
        items = _obj(value["arrayValue"]).get("values")
        if not isinstance(items, list):
            return []
        return [_any_value(item, depth + 1) for item in items if isinstance(item, dict)]
    if "kvlistValue" in value:
        return _attributes(_obj(value["kvlistValue"]).get("values"), depth + 1)
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def _attributes(items: Any, depth: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if not isinstance(items, list):
        return result
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            result[item["key"]] = _any_value(item.get("value"), depth)
    return result


def _severity(record: dict[str, Any]) -> str:
    text = record.get("severityText")
    if isinstance(text, str) and text.strip():
        word = text.strip().lower().rstrip("0123456789")
        if word in {"trace", "debug", "info", "warn", "warning", "error", "fatal", "critical"}:
            return word
    number = record.get("severityNumber")
    if isinstance(number, str):
        # The enum may be spelled out, e.g. SEVERITY_NUMBER_WARN.
        name = number.removeprefix("SEVERITY_NUMBER_").lower().rstrip("0123456789")
        return name if name in {"trace", "debug", "info", "warn", "error", "fatal"} else "info"
    if isinstance(number, int) and not isinstance(number, bool):
        if 1 <= number <= 8:
            return "debug"
        if 13 <= number <= 16:
            return "warn"
        if number >= 17:
            return "error"
    return "info"


def _timestamp(record: dict[str, Any]) -> float | None:
    for key in ("timeUnixNano", "observedTimeUnixNano"):
        raw = record.get(key)
        try:
            nanos = int(raw) if raw is not None else 0
        except (TypeError, ValueError):
            continue
        if nanos > 0:
            return nanos / 1_000_000  # milliseconds, which make_entry reads as such
    return None


def _message(record: dict[str, Any]) -> str:
    body = _any_value(record.get("body"))
    if body is None:
        return ""
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _service_name(value: Any) -> str:
    if not isinstance(value, str) or not value:
        return "unknown"
    # OpenTelemetry allows any string; this service's names are a safe subset.
    return _UNSAFE_NAME_CHARS.sub("-", value)[:64]


def _list(container: Any, key: str) -> list[Any]:
    value = _obj(container).get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidOtlp(f"{key} must be a list")
    return value


def parse_otlp(document: Any, limits: LogLimits, now_us: int) -> OtlpResult:
    if not isinstance(document, dict):
        raise InvalidOtlp("the body must be a JSON object (ExportLogsServiceRequest)")
    result = OtlpResult(entries=[], rejected=0, first_problem=None)
    for resource_logs in _list(document, "resourceLogs"):
        resource = _attributes(_obj(_obj(resource_logs).get("resource")).get("attributes"))
        service_name = _service_name(resource.pop("service.name", None))
        for scope_logs in _list(resource_logs, "scopeLogs"):
            scope = _obj(_obj(scope_logs).get("scope"))
            for record in _list(scope_logs, "logRecords"):
                if not isinstance(record, dict):
                    result.rejected += 1
                    result.first_problem = result.first_problem or "a log record is not an object"
                    continue
                metadata = _attributes(record.get("attributes"))
                for key in ("traceId", "spanId"):
                    if isinstance(record.get(key), str) and record[key]:
                        metadata[key] = record[key]
                if isinstance(scope.get("name"), str) and scope["name"]:
                    metadata["scope"] = scope["name"]
                if resource:
                    metadata["resource"] = resource
                try:
                    entry = make_entry(
                        timestamp=_timestamp(record),
                        service=service_name,
                        level=_severity(record),
                        message=_message(record),
                        metadata=metadata,
                        limits=limits,
                        now_us=now_us,
                    )
                except EntryProblem as problem:
                    result.rejected += 1
                    result.first_problem = result.first_problem or str(problem)
                    continue
                result.entries.append(entry)
    return result
