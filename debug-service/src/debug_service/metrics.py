"""The debug service's Prometheus metrics and `GET /metrics` (operator-only in production).

Lines taken in and requests refused are counted as they happen; stored lines and live viewers
are read at scrape time from the store and the live hub.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from vr_common.metrics import EventLoopLag, exposition

from debug_service.browser_quality import BrowserQualityMetrics
from debug_service.state import require_operator


class DebugMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.ingested = Counter(
            "debug_service_ingested_lines",
            "Log lines taken in over HTTP, by input (api: POST /api/logs, otlp: POST /v1/logs)",
            ["input"],
            registry=self.registry,
        )
        self.refused = Counter(
            "debug_service_refused_requests",
            "Ingest requests refused, by error code (rate_limited, invalid_logs, ...)",
            ["input", "code"],
            registry=self.registry,
        )
        self.stored = Gauge(
            "debug_service_stored_lines",
            "Lines in the store, by service",
            ["service"],
            registry=self.registry,
        )
        self.viewers = Gauge(
            "debug_service_live_viewers", "Open live-stream sockets (/ws)", registry=self.registry
        )
        self.event_loop_lag = EventLoopLag(self.registry, "debug_service")
        self.browser = BrowserQualityMetrics(self.registry)


async def get_metrics(request: Request) -> Response:
    state = require_operator(request)
    metrics: DebugMetrics = request.app.state.metrics
    stats = await state.pipeline.stats()
    metrics.stored.clear()
    for service, count in stats.by_service.items():
        metrics.stored.labels(service).set(count)
    metrics.viewers.set(len(state.pipeline.hub.viewers))
    body, content_type = exposition(metrics.registry)
    return Response(body, media_type=content_type)


routes = [Route("/metrics", get_metrics, methods=["GET"])]
