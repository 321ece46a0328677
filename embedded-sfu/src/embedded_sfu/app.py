"""The embedded SFU's ASGI app: signalling at `/rtc`, the admin API, and room housekeeping."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from vr_common.webhooks import WebhookSender

from embedded_sfu import admin, aiortc_hooks, metrics
from embedded_sfu.room import Rooms
from embedded_sfu.room_registry import RoomRegistry
from embedded_sfu.settings import EmbeddedSfuSettings
from embedded_sfu.signalling import Connection, SignallingConfig

SWEEP_INTERVAL = 10.0


def create_app(settings: EmbeddedSfuSettings) -> Starlette:
    # Refuse to start at all on an aiortc whose internals moved, rather than fail mid-call.
    aiortc_hooks.self_test()
    registry = RoomRegistry(settings.room_registry_file)
    events = (
        WebhookSender(settings.webhook_url, settings.api_key, settings.api_secret)
        if settings.webhook_url
        else None
    )
    rooms = Rooms(on_change=registry.save, events=events)
    collected = metrics.SfuMetrics(rooms)
    for room_id, options in registry.load().items():
        rooms.create(room_id, options)
    signalling = SignallingConfig(
        api_key=settings.api_key,
        api_secret=settings.api_secret,
        ice_servers=settings.rtc_ice_servers(),
        answer_timeout=settings.answer_timeout_seconds,
        ice_policy=settings.ice_policy(),
        turn=settings.turn_relay(),
    )

    async def rtc(websocket: WebSocket) -> None:
        await Connection(websocket, rooms, signalling).serve()

    async def sweep() -> None:
        while True:
            await asyncio.sleep(SWEEP_INTERVAL)
            await rooms.sweep()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(sweep()), asyncio.create_task(collected.event_loop_lag.run())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await rooms.close()
            if events is not None:
                await events.aclose()

    scrape = Route("/metrics", admin.admin_in_production(metrics.get_metrics), methods=["GET"])
    app = Starlette(routes=[WebSocketRoute("/rtc", rtc), *admin.routes, scrape], lifespan=lifespan)
    app.state.metrics = collected
    app.state.rooms = rooms
    app.state.settings = settings
    return app
