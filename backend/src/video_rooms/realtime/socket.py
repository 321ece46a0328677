"""`/ws/websocket`: the socket loop of the Phoenix protocol (read, check, dispatch, reply).

One task per socket reads frames in order and handles each before the next, as a Phoenix
socket does; a socket that sends nothing (not even a heartbeat) for the heartbeat timeout is
closed. Anything that is not a v2 frame closes the socket with a code that says why.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from video_rooms.realtime import protocol
from video_rooms.realtime.channel import JoinRefused
from video_rooms.realtime.connection import (
    CLOSE_HEARTBEAT_TIMEOUT,
    CLOSE_INVALID,
    CLOSE_POLICY,
    CLOSE_TOO_BIG,
    CLOSE_UNSUPPORTED,
    Connection,
)
from video_rooms.realtime.protocol import Message, ProtocolError
from video_rooms.realtime.ratelimit import TokenBucket
from video_rooms.realtime.runtime import Realtime

logger = logging.getLogger(__name__)

SERIALIZER_VERSION = "2.0.0"


async def phoenix_socket(websocket: WebSocket) -> None:
    realtime: Realtime = websocket.app.state.realtime
    if websocket.query_params.get("vsn", SERIALIZER_VERSION) != SERIALIZER_VERSION:
        # Before accepting, so the client sees an HTTP 403 rather than frames it cannot read.
        await websocket.close(CLOSE_UNSUPPORTED, f"only vsn={SERIALIZER_VERSION} is supported")
        return
    # phoenix.js offers the "phoenix" subprotocol when it sends an auth token that way;
    # a browser fails the handshake unless the server picks it.
    offered = websocket.scope.get("subprotocols", [])
    await websocket.accept(subprotocol="phoenix" if "phoenix" in offered else None)
    limits = realtime.limits
    conn = Connection(
        websocket,
        TokenBucket(limits.rate_per_second, limits.rate_burst),
        limits.max_pending_frames,
    )
    realtime.connections.add(conn)
    reader = asyncio.current_task()
    conn.attach_reader(reader)
    try:
        await _serve(realtime, conn)
    except asyncio.CancelledError:
        if not conn.aborted or reader is None:
            raise
        reader.uncancel()  # our own cancellation (a stuck client), not the server's
    finally:
        realtime.connections.discard(conn)
        await conn.shutdown()


# A plain Starlette route: FastAPI's per-route dependency machinery would stay alive for the
# whole life of every socket (about 4 KB each, measured with tracemalloc).
route = WebSocketRoute("/ws/websocket", phoenix_socket)


async def _serve(realtime: Realtime, conn: Connection) -> None:
    limits = realtime.limits
    while not conn.closed:
        try:
            async with asyncio.timeout(limits.heartbeat_timeout_seconds):
                incoming = await conn.websocket.receive()
        except TimeoutError:
            await conn.close_now(CLOSE_HEARTBEAT_TIMEOUT, "heartbeat timeout")
            return
        if incoming["type"] == "websocket.disconnect":
            return
        text = incoming.get("text")
        if text is None:
            await conn.close_now(CLOSE_UNSUPPORTED, "only text frames are supported")
            return
        if len(text) > limits.max_frame_bytes:
            await conn.close_now(CLOSE_TOO_BIG, f"frames are at most {limits.max_frame_bytes}")
            return
        try:
            message = protocol.decode(text)
        except ProtocolError as exc:
            await conn.close_now(CLOSE_INVALID, f"malformed frame: {exc}")
            return
        if not _within_rate(conn, message, limits.rate_burst):
            if conn.refused_in_a_row > limits.rate_burst:
                await conn.close_after_queued(CLOSE_POLICY, "rate limit exceeded")
                return
            continue
        await dispatch(realtime, conn, message)


def _within_rate(conn: Connection, message: Message, burst: int) -> bool:
    # Heartbeats are exempt: refusing them would make a throttled client reconnect in a loop.
    if message.topic == protocol.HEARTBEAT_TOPIC or conn.bucket.take():
        conn.refused_in_a_row = 0
        return True
    conn.refused_in_a_row += 1
    _reply(conn, message, "error", {"reason": "rate_limited", "message": "Slow down."})
    return False


async def dispatch(realtime: Realtime, conn: Connection, message: Message) -> None:
    if message.topic == protocol.HEARTBEAT_TOPIC:
        if message.event == protocol.HEARTBEAT_EVENT:
            _reply(conn, message, "ok", {})
        else:
            _reply(conn, message, "error", {"reason": "unknown_event", "message": "heartbeat only"})
        return
    if message.event == protocol.PHX_JOIN:
        await _join(realtime, conn, message)
    elif message.event == protocol.PHX_LEAVE:
        channel = conn.channels.get(message.topic)
        if channel is not None and channel.join_ref == message.join_ref:
            del conn.channels[message.topic]
            await channel.terminate()
        _reply(conn, message, "ok", {})
    else:
        await _handle_in(conn, message)


async def _join(realtime: Realtime, conn: Connection, message: Message) -> None:
    previous = conn.channels.pop(message.topic, None)
    if previous is not None:
        # A second join of the same topic replaces the first, as in Phoenix.
        await previous.close()
    factory = realtime.routes.match(message.topic)
    if factory is None:
        _reply(conn, message, "error", {"reason": "unmatched topic"})
        return
    if len(conn.channels) >= realtime.limits.max_channels:
        _reply(conn, message, "error", {"reason": "too_many_channels"})
        return
    channel = factory(message.topic, message.join_ref, conn)
    try:
        response = await channel.join(message.payload)
    except JoinRefused as refused:
        await channel.terminate()
        _reply(conn, message, "error", refused.response())
        return
    except Exception:
        logger.exception("join failed", extra={"topic": message.topic})
        await channel.terminate()
        _reply(conn, message, "error", {"reason": "join crashed"})
        return
    conn.channels[message.topic] = channel
    _reply(conn, message, "ok", response)
    await channel.after_join()


async def _handle_in(conn: Connection, message: Message) -> None:
    channel = conn.channels.get(message.topic)
    if channel is None or channel.join_ref != message.join_ref:
        _reply(conn, message, "error", {"reason": "unmatched topic"})
        return
    try:
        status, response = await channel.handle_in(message.event, message.payload)
    except Exception:
        # The channel crashed, not the socket: phx_error makes phoenix.js rejoin it.
        logger.exception("channel event failed", extra={"topic": message.topic})
        conn.channels.pop(message.topic, None)
        channel.push(protocol.PHX_ERROR, {})
        await channel.terminate()
        return
    _reply(conn, message, status, response)


def _reply(conn: Connection, message: Message, status: str, response: protocol.Payload) -> None:
    if message.ref is not None:
        conn.send(protocol.reply(message, status, response))
