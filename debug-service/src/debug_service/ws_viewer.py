"""`WS /ws`: the live log viewer's connection (protocol in docs/debug-service.md)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from debug_service.errors import error_body
from debug_service.filters import InvalidFilter, build_filter
from debug_service.live import Viewer
from debug_service.state import ServiceState, get_state

logger = logging.getLogger(__name__)
UNAUTHORIZED_CLOSE_CODE = 4401
MAX_BACKLOG = 1000


class FiltersIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    services: list[str] | None = None
    level: str | None = None
    q: str | None = None
    room_id: str | None = None
    participant_id: str | None = None


class SubscribeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["subscribe"]
    filters: FiltersIn = Field(default_factory=FiltersIn)
    backlog: int = Field(default=100, ge=0, le=MAX_BACKLOG)


def _error(code: str, message: str) -> str:
    return json.dumps({"type": "error", **error_body(code, message)})


async def _subscribe(state: ServiceState, viewer: Viewer, message: dict[str, Any]) -> None:
    try:
        request = SubscribeIn.model_validate(message)
        filters = request.filters
        flt = build_filter(
            services=filters.services or (),
            level=filters.level,
            q=filters.q,
            room_id=filters.room_id,
            participant_id=filters.participant_id,
        )
    except (ValidationError, InvalidFilter) as exc:
        viewer.send_control(_error("invalid_message", f"subscribe: {exc}"))
        return
    # Lines that arrive while the backlog is read wait in the viewer's buffer; those the
    # backlog already holds are dropped by id, so nothing is missed or shown twice.
    generation = viewer.subscribe(flt)
    try:
        backlog = await state.pipeline.query(flt, request.backlog) if request.backlog else []
    except sqlite3.Error as exc:
        logger.error("backlog query failed: %s", exc)
        viewer.send_control(_error("storage_unavailable", "the backlog cannot be read now"))
        backlog = []
    backlog.reverse()
    text = '{"type":"backlog","logs":[' + ",".join(log.to_json() for log in backlog) + "]}"
    viewer.backlog_sent(generation, text, max((log.id for log in backlog), default=0))


async def _handle(state: ServiceState, viewer: Viewer, text: str) -> None:
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        viewer.send_control(_error("invalid_message", "not JSON"))
        return
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "subscribe":
        await _subscribe(state, viewer, message)
    elif kind == "ping":
        viewer.send_control('{"type":"pong"}')
    else:
        viewer.send_control(_error("invalid_message", f"unknown message type: {kind!r}"))


async def _send_loop(websocket: WebSocket, viewer: Viewer) -> None:
    while True:
        await viewer.wakeup.wait()
        viewer.wakeup.clear()
        for message in viewer.take_messages():
            await websocket.send_text(message)


async def viewer_endpoint(websocket: WebSocket) -> None:
    state = get_state(websocket)
    await websocket.accept()
    if not state.access.is_trusted(websocket):
        await websocket.send_text(_error("unauthorized", "the operator token is required"))
        await websocket.close(code=UNAUTHORIZED_CLOSE_CODE, reason="operator token required")
        return
    hub = state.pipeline.hub
    viewer = hub.connect()
    viewer.send_control(json.dumps({"type": "services", "services": state.monitor.snapshot()}))
    sender = asyncio.create_task(_send_loop(websocket, viewer))
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                data: bytes = message.get("bytes") or b""
                text = data.decode(errors="replace")
            await _handle(state, viewer, text)
            if sender.done():
                break
    finally:
        hub.disconnect(viewer)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


routes = [WebSocketRoute("/ws", viewer_endpoint)]
