"""One client socket: an outbox written by its own task, the channels joined over it, its limits.

Sending never blocks the sender: a broadcast to a room only appends a frame to each member's
outbox, and a writer task (started only while there is something to write) drains it. A client
that stops reading fills its outbox and is disconnected rather than holding memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket

from video_rooms.realtime.ratelimit import TokenBucket

if TYPE_CHECKING:
    from video_rooms.realtime.channel import Channel

logger = logging.getLogger(__name__)

# Close codes, so that a client (and its logs) can tell why the server hung up.
CLOSE_GOING_AWAY = 1001
CLOSE_UNSUPPORTED = 1003
CLOSE_INVALID = 1007
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_SLOW_CONSUMER = 1013
CLOSE_HEARTBEAT_TIMEOUT = 4000

# How long a close frame may take to go out before the socket is abandoned.
CLOSE_GRACE_SECONDS = 5.0


class Connection:
    # Ten thousand of these live at once on one process (see `make bench`): no per-instance
    # dict, and no outbox while there is nothing to send.
    __slots__ = (
        "_close_request",
        "_max_pending",
        "_pending",
        "_reader",
        "_tasks",
        "_watchdog",
        "_writer",
        "aborted",
        "bucket",
        "channels",
        "closed",
        "refused_in_a_row",
        "websocket",
    )

    def __init__(self, websocket: WebSocket, bucket: TokenBucket, max_pending: int) -> None:
        self.websocket = websocket
        self.bucket = bucket
        self.refused_in_a_row = 0
        self.channels: dict[str, Channel] = {}
        self._max_pending = max_pending
        self._pending: deque[str] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._close_request: tuple[int, str] | None = None
        self._reader: asyncio.Task[Any] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.closed = False
        # Set when the server gave up on a close handshake and cancelled the reading task.
        self.aborted = False

    def attach_reader(self, task: asyncio.Task[Any] | None) -> None:
        """The task that reads this socket, cancelled if the socket must be abandoned."""
        self._reader = task

    def send(self, frame: str) -> None:
        if self.closed or self._close_request is not None:
            return
        if self._pending is None:
            self._pending = deque()
        elif len(self._pending) >= self._max_pending:
            self._pending = None
            self.request_close(CLOSE_SLOW_CONSUMER, "client is not reading its messages")
            return
        self._pending.append(frame)
        self._ensure_writer()

    @property
    def close_request(self) -> tuple[int, str] | None:
        """The code and reason this socket is being (or was) closed with by the server."""
        return self._close_request

    def request_close(self, code: int, reason: str) -> None:
        """Close after the frames already queued (from any task; the reader then sees the end)."""
        if self._close_request is None and not self.closed:
            self._close_request = (code, reason)
            self._ensure_writer()
            self._watchdog = asyncio.create_task(self._abandon_if_stuck())

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run work that a synchronous callback cannot await; awaited when the socket ends."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close_after_queued(self, code: int, reason: str, within: float = 2.0) -> None:
        """Close once the frames already queued are out (the replies that explain why)."""
        self.request_close(code, reason)
        writer = self._writer
        if writer is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(writer), within)
        if not self.closed:
            await self.close_now(code, reason)

    async def close_now(self, code: int, reason: str) -> None:
        self._pending = None
        self._close_request = (code, reason)
        await self._stop_writer()
        await self._send_close(code, reason)

    async def shutdown(self) -> None:
        """The socket is gone: stop writing and let every channel clean up."""
        self.closed = True
        if self._watchdog is not None and self._watchdog is not asyncio.current_task():
            self._watchdog.cancel()
        await self._stop_writer()
        # Spawned work is channel cleanup (presence, subscriptions): it must finish.
        await asyncio.gather(*self._tasks, return_exceptions=True)
        channels, self.channels = list(self.channels.values()), {}
        for channel in channels:
            try:
                await channel.terminate()
            except Exception:
                logger.exception("channel cleanup failed", extra={"topic": channel.topic})

    def _ensure_writer(self) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain())

    async def _stop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    async def _drain(self) -> None:
        try:
            while self._pending and not self.closed:
                await self.websocket.send_text(self._pending.popleft())
            self._pending = None
            if self._close_request is not None and not self.closed:
                await self._send_close(*self._close_request)
        except Exception:
            # The peer went away mid-write; the reader notices and shuts the socket down.
            self._pending = None
        finally:
            self._writer = None
            if self._pending and not self.closed:
                self._ensure_writer()

    async def _send_close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        # Sending waits while the client's buffers are full; a client that never reads would
        # hold this (and its socket task) forever.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(CLOSE_GRACE_SECONDS):
                await self.websocket.close(code, reason)

    async def _abandon_if_stuck(self) -> None:
        """A close that could not be sent in time (the client reads nothing, so even the close
        frame cannot go out): stop reading it, which frees its channels and presence."""
        await asyncio.sleep(CLOSE_GRACE_SECONDS)
        if self._reader is None or self._reader.done():
            return
        logger.info("abandoning a socket that does not read", extra={"code": self._close_request})
        self.aborted = True
        self.closed = True
        await self._stop_writer()
        self._reader.cancel()
