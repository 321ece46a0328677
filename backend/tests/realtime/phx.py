"""A minimal Phoenix v2 client for tests that need to send what phoenix.js never would
(malformed frames, floods, wrong refs). The Node tests use the real phoenix.js."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect


class PhxClient:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.inbox: list[list[Any]] = []
        self._refs = itertools.count(1)

    @classmethod
    async def open(cls, base_url: str, query: str = "vsn=2.0.0") -> PhxClient:
        url = base_url.replace("http://", "ws://") + "/ws/websocket?" + query
        # max_queue=None: `inbox` keeps every frame a test has not looked at yet, so the
        # socket must not stop reading when 16 frames wait unread (websockets' default pauses
        # the transport then, the server's close frame is never read, and each close() waited
        # out the 10 s close timeout: the lobby's channel test took 120 s instead of 1 s).
        return cls(await connect(url, open_timeout=5, ping_interval=None, max_queue=None))

    def next_ref(self) -> str:
        return str(next(self._refs))

    async def send(self, join_ref: str | None, topic: str, event: str, payload: Any) -> str:
        ref = self.next_ref()
        await self.ws.send(json.dumps([join_ref, ref, topic, event, payload]))
        return ref

    async def join(self, topic: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Joins and returns (join_ref, reply payload)."""
        ref = self.next_ref()
        await self.ws.send(json.dumps([ref, ref, topic, "phx_join", payload]))
        reply = await self.reply(ref)
        return ref, reply

    async def push(
        self, join_ref: str, topic: str, event: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.reply(await self.send(join_ref, topic, event, payload))

    async def reply(self, ref: str, within: float = 5.0) -> dict[str, Any]:
        frame = await self.wait_for(lambda f: f[3] == "phx_reply" and f[1] == ref, within)
        payload: dict[str, Any] = frame[4]
        return payload

    async def event(self, topic: str, event: str, within: float = 5.0) -> Any:
        frame = await self.wait_for(lambda f: f[2] == topic and f[3] == event, within)
        return frame[4]

    async def wait_for(self, match: Any, within: float = 5.0) -> list[Any]:
        """The first frame (already received or arriving) that `match` accepts, consumed."""
        async with asyncio.timeout(within):
            while True:
                for index, frame in enumerate(self.inbox):
                    if match(frame):
                        return self.inbox.pop(index)
                self.inbox.append(json.loads(await self.ws.recv()))

    async def close(self) -> None:
        """Closes with the handshake, which a live server answers at once: a close that has
        to wait for a timeout is a failure here, not a slow pass."""
        async with asyncio.timeout(3):
            await self.ws.close()
