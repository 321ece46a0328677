"""The ASGI app: routes, error handlers, and the background tasks of its lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from vr_common.log_entry import LogLimits

from debug_service import (
    call_routes,
    ingest_routes,
    metrics,
    query_routes,
    status_routes,
    ws_viewer,
)
from debug_service.access import AccessPolicy
from debug_service.disk_guard import DiskGuard
from debug_service.errors import EXCEPTION_HANDLERS
from debug_service.live import LiveHub
from debug_service.monitor import Monitor, ServiceStatus, Target, targets_from_urls
from debug_service.pipeline import LogPipeline
from debug_service.ratelimit import RateLimiter
from debug_service.self_logging import SelfLogHandler
from debug_service.settings import Settings
from debug_service.state import ServiceState
from debug_service.store import LogStore
from debug_service.syslog_input import SyslogInput

logger = logging.getLogger(__name__)


def self_health_url(settings: Settings) -> str:
    host = settings.debug_host
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.debug_port}/api/health"


def default_targets(settings: Settings, pipeline: LogPipeline) -> list[Target]:
    return targets_from_urls(
        backend_url=settings.backend_url,
        sfu_health_url=settings.sfu_health_url,
        frontend_url=settings.frontend_url,
        self_url=self_health_url(settings),
        self_probe=pipeline.check,
    )


def create_app(settings: Settings, *, targets: Sequence[Target] | None = None) -> Starlette:
    """The app for `settings`; `targets` replaces the monitored services (tests use it)."""
    collected = metrics.DebugMetrics()
    limits = LogLimits(
        max_batch=settings.debug_max_batch,
        max_message_chars=settings.debug_max_message_chars,
        max_metadata_bytes=settings.debug_max_metadata_bytes,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = LogStore(
            settings.debug_db_path,
            max_rows=settings.debug_retention_max_rows,
            max_bytes=settings.debug_storage_max_bytes,
        )
        hub = LiveHub(settings.debug_viewer_buffer)
        pipeline = LogPipeline(store, hub)
        pipeline.on_stored.append(collected.browser.observe)

        def status_changed(status: ServiceStatus) -> None:
            hub.broadcast(json.dumps({"type": "service_status", "service": status.to_dict()}))

        monitor = Monitor(
            default_targets(settings, pipeline) if targets is None else targets,
            interval_s=settings.debug_monitor_interval_s,
            timeout_s=settings.debug_monitor_timeout_s,
            on_change=status_changed,
        )
        app.state.metrics = collected
        app.state.service = ServiceState(
            settings=settings,
            limits=limits,
            pipeline=pipeline,
            access=AccessPolicy(settings),
            limiter=RateLimiter(settings.debug_browser_rate, settings.debug_browser_burst),
            monitor=monitor,
            disk=DiskGuard(settings.debug_db_path.parent, settings.debug_min_free_disk_bytes),
        )
        self_log = SelfLogHandler(limits)
        logging.getLogger().addHandler(self_log)
        await monitor.first_round()
        syslog: SyslogInput | None = None
        if settings.debug_syslog_port:
            syslog = SyslogInput(limits)
            try:
                await syslog.start(settings.debug_host, settings.debug_syslog_port)
            except RuntimeError:
                logging.getLogger().removeHandler(self_log)
                pipeline.close()
                raise
        tasks = [
            asyncio.create_task(self_log.run(pipeline), name="self-log"),
            asyncio.create_task(monitor.run(), name="monitor"),
            asyncio.create_task(collected.event_loop_lag.run(), name="event-loop-lag"),
            asyncio.create_task(pipeline.run_checkpoints(), name="checkpoints"),
            asyncio.create_task(
                pipeline.run_age_retention(
                    settings.debug_retention_max_age_hours * 3600,
                    settings.debug_retention_interval_s,
                ),
                name="retention",
            ),
        ]
        if syslog is not None:
            tasks.append(asyncio.create_task(syslog.run(pipeline), name="syslog"))
        logger.info("debug service started, storing in %s", settings.debug_db_path)
        try:
            yield
        finally:
            if syslog is not None:
                syslog.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if syslog is not None:
                # Lines that arrived but were not stored yet.
                await syslog.store(pipeline, syslog.take())
            logging.getLogger().removeHandler(self_log)
            # Lines logged while stopping still belong in the log.
            remaining = self_log.take()
            if remaining:
                await pipeline.ingest(remaining)
            pipeline.close()

    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    return Starlette(
        routes=[
            *ingest_routes.routes,
            *query_routes.routes,
            *call_routes.routes,
            *status_routes.routes,
            *ws_viewer.routes,
            *metrics.routes,
        ],
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
