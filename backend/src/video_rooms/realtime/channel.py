"""What a channel is to the socket: join, handle events, receive broadcasts, clean up.

A channel object lives for one join of one topic on one socket (a Phoenix channel process).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from video_rooms.realtime import protocol
from video_rooms.realtime.connection import Connection
from video_rooms.realtime.protocol import Payload

Reply = tuple[str, Payload]


class JoinRefused(Exception):
    """The join is answered with `{status: "error", response: {reason, message}}`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def response(self) -> Payload:
        return {"reason": self.reason, "message": self.message}


def ok(response: Payload | None = None) -> Reply:
    return "ok", response or {}


def error(reason: str, message: str) -> Reply:
    return "error", {"reason": reason, "message": message}


class Channel(ABC):
    def __init__(self, topic: str, join_ref: str | None, conn: Connection) -> None:
        self.topic = topic
        self.join_ref = join_ref
        self.conn = conn

    @abstractmethod
    async def join(self, payload: Payload) -> Payload:
        """Admit the client (or raise JoinRefused); the result is the join reply's response."""

    async def after_join(self) -> None:
        """Runs once the join reply is queued, for pushes that must follow it."""
        return None

    @abstractmethod
    async def handle_in(self, event: str, payload: Payload) -> Reply: ...

    @abstractmethod
    async def terminate(self) -> None:
        """The channel is over (left, replaced, closed or its socket gone): release everything."""

    def deliver(self, event: str, payload: Any, frame: str) -> None:
        """A broadcast on this topic; by default passed straight to the client."""
        self.conn.send(frame)

    def push(self, event: str, payload: Any) -> None:
        """A message to this client only, tagged with this join so a stale one is dropped."""
        self.conn.send(protocol.encode(self.join_ref, None, self.topic, event, payload))

    async def close(self) -> None:
        """End the channel from the server side: the client gets `phx_close` and does not
        rejoin."""
        if self.conn.channels.get(self.topic) is self:
            del self.conn.channels[self.topic]
        self.push(protocol.PHX_CLOSE, {})
        await self.terminate()


ChannelFactory = Callable[[str, str | None, Connection], Channel]


class ChannelRoutes:
    """Topic prefix -> the channel that serves it (`room:` -> RoomChannel)."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, ChannelFactory]] = []

    def add(self, prefix: str, factory: ChannelFactory) -> None:
        self._routes.append((prefix, factory))

    def match(self, topic: str) -> ChannelFactory | None:
        for prefix, factory in self._routes:
            if topic.startswith(prefix) and len(topic) > len(prefix):
                return factory
        return None
