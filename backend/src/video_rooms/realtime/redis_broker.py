"""Broadcasts between backend processes through Redis pub/sub, one Redis channel per topic.

A process subscribes to a topic's channel only while it has local subscribers for it, so a
room's traffic reaches just the processes that hold its members.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub as RedisPubSub
from redis.exceptions import RedisError

from video_rooms.realtime.pubsub import Deliver

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "vr:rt:topic:"
_RETRY_SECONDS = 1.0


class RedisBroker:
    def __init__(self, redis: Redis, node_id: str) -> None:
        self._redis = redis
        self._pubsub: RedisPubSub = redis.pubsub(ignore_subscribe_messages=True)
        # Always subscribed to one channel of its own, so that the reader has a subscription
        # to wait on even while this process has no rooms.
        self._node_channel = f"vr:rt:node:{node_id}"
        self._subscribed: set[str] = set()
        self._reader: asyncio.Task[None] | None = None
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        await self._pubsub.subscribe(self._node_channel)
        self._reader = asyncio.create_task(self._read(), name="redis-broker-reader")

    async def sync(self, topic: str, wanted: Callable[[str], bool]) -> None:
        channel = CHANNEL_PREFIX + topic
        if wanted(topic) and topic not in self._subscribed:
            self._subscribed.add(topic)
            await self._pubsub.subscribe(channel)
        elif not wanted(topic) and topic in self._subscribed:
            self._subscribed.discard(topic)
            await self._pubsub.unsubscribe(channel)

    async def publish(self, topic: str, event: str, payload: Any) -> None:
        data = json.dumps([event, payload], ensure_ascii=False)
        await self._redis.publish(CHANNEL_PREFIX + topic, data)

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped upstream

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
            except (RedisError, OSError) as exc:
                # redis-py reconnects on the next read and subscribes again to every channel.
                logger.warning("redis pub/sub read failed; retrying", extra={"error": str(exc)})
                await asyncio.sleep(_RETRY_SECONDS)
                continue
            if message is None or message.get("type") != "message":
                continue
            self._dispatch(message["channel"], message["data"])

    def _dispatch(self, channel: bytes | str, data: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        if not name.startswith(CHANNEL_PREFIX) or self._deliver is None:
            return
        try:
            event, payload = json.loads(data)
        except (ValueError, TypeError):
            logger.warning("dropping a malformed broadcast from redis", extra={"channel": name})
            return
        self._deliver(name.removeprefix(CHANNEL_PREFIX), event, payload)
