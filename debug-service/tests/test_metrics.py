"""`GET /metrics`: lines taken in by input, refusals by code, stored lines and live viewers,
in Prometheus' text format; operator-only in production."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from .conftest import OPERATOR, PRODUCTION_TOKEN, Served

Start = Callable[..., Served]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _line(service: str) -> dict[str, Any]:
    return {"service": service, "level": "info", "message": "hello"}


def test_counts_what_it_takes_in_and_refuses(app_server: Start) -> None:
    served = app_server()
    with httpx.Client(base_url=served.base_url) as client, connect(served.ws_url):
        batch = {"logs": [_line("backend"), _line("backend"), _line("embedded-sfu")]}
        assert client.post("/api/logs", json=batch).status_code == 200
        bad = client.post("/api/logs", json={"logs": [{"service": "x"}]})
        assert bad.status_code == 422
        otlp = {
            "resourceLogs": [
                {
                    "resource": {
                        "attributes": [{"key": "service.name", "value": {"stringValue": "web"}}]
                    },
                    "scopeLogs": [{"logRecords": [{"body": {"stringValue": "hi"}}]}],
                }
            ]
        }
        assert client.post("/v1/logs", json=otlp).status_code == 200
        response = client.get("/metrics")
    assert response.status_code == 200
    found = samples(response.text)
    assert found[("debug_service_ingested_lines_total", (("input", "api"),))] == 3
    assert found[("debug_service_ingested_lines_total", (("input", "otlp"),))] == 1
    refused = (("code", "invalid_logs"), ("input", "api"))
    assert found[("debug_service_refused_requests_total", refused)] == 1
    assert found[("debug_service_stored_lines", (("service", "backend"),))] == 2
    assert found[("debug_service_stored_lines", (("service", "embedded-sfu"),))] == 1
    assert found[("debug_service_live_viewers", ())] == 1
    assert ("debug_service_event_loop_lag_seconds_count", ()) in found


def test_only_the_operator_reads_them_in_production(app_server: Start) -> None:
    served = app_server(app_env="production", debug_token=PRODUCTION_TOKEN)
    with httpx.Client(base_url=served.base_url) as client:
        assert client.get("/metrics").status_code == 401
        allowed = client.get("/metrics", headers=OPERATOR)
    assert allowed.status_code == 200
    assert ("debug_service_live_viewers", ()) in samples(allowed.text)
