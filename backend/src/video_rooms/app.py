"""The ASGI application: wiring of settings, database, SFU provider and routers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from fastapi import FastAPI

from video_rooms.api import client_config, docs, health, lobby, metrics, rooms, webhooks
from video_rooms.api.errors import error_responses, install_error_handlers
from video_rooms.db.engine import create_engine
from video_rooms.metrics import BackendMetrics
from video_rooms.middleware import (
    BodySizeLimitMiddleware,
    JsonOnlyMiddleware,
    RequestContextMiddleware,
)
from video_rooms.realtime import socket as realtime_socket
from video_rooms.realtime.runtime import Realtime
from video_rooms.rooms.lobby import Lobby
from video_rooms.rooms.lobby_repository import LobbyRepository
from video_rooms.rooms.repository import RoomRepository
from video_rooms.rooms.service import RoomService
from video_rooms.settings import Settings
from video_rooms.sfu.health_gate import SfuHealthGate
from video_rooms.sfu.registry import build_provider, default_room_options


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. The database schema must already be migrated (`db.migrate.upgrade`)."""
    settings = settings or Settings()
    collected = BackendMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        sfu = build_provider(settings)
        sfu_health = SfuHealthGate(sfu, settings.sfu_health_ttl_seconds)
        repository = RoomRepository(engine)
        app.state.settings = settings
        app.state.http = httpx.AsyncClient()
        app.state.sfu = sfu
        app.state.sfu_health = sfu_health
        app.state.room_repository = repository
        app.state.room_service = RoomService(
            repository,
            sfu,
            sfu_health,
            default_room_options(settings),
            timedelta(seconds=settings.max_session_seconds),
        )
        app.state.lobby = Lobby(
            LobbyRepository(engine),
            repository,
            app.state.room_service,
            timedelta(seconds=settings.lobby_request_seconds),
        )
        app.state.realtime = await Realtime.open(
            settings, engine, app.state.room_service, app.state.lobby
        )
        app.state.metrics = collected
        lag = asyncio.create_task(collected.event_loop_lag.run(), name="event-loop-lag")
        try:
            yield
        finally:
            lag.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lag
            await app.state.realtime.aclose()
            await app.state.http.aclose()
            await sfu_health.aclose()
            await sfu.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Video Rooms",
        summary="Rooms, participants and tokens for self-hosted video calls.",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=docs.OPENAPI_PATH,
        docs_url=None,
        redoc_url=None,
        # Any request may carry too big a body, and any route may fail unexpectedly: both
        # answers come in the one error shape.
        responses=error_responses(413, 500),
    )
    install_error_handlers(app)
    app.include_router(docs.router)
    app.mount(docs.ASSETS_PATH, docs.assets)
    app.include_router(rooms.router)
    app.include_router(lobby.router)
    app.include_router(health.router)
    app.include_router(client_config.router)
    app.include_router(webhooks.router)
    app.include_router(metrics.router)
    app.router.routes.append(realtime_socket.route)
    app.add_middleware(JsonOnlyMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app
