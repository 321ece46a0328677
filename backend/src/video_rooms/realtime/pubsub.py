"""Broadcasts to everyone subscribed to a topic, in this process and (through a broker) in others.

`PubSub` keeps this process's subscribers; a `Broker` carries each broadcast to every process
that has subscribers for its topic, this one included. Without Redis the broker is the process
itself (`LocalBroker`); with Redis it is `redis_broker.RedisBroker`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from video_rooms.realtime import protocol

logger = logging.getLogger(__name__)

Deliver = Callable[[str, str, Any], None]
Listener = Callable[[str, Any], None]


class Subscriber(Protocol):
    def deliver(self, event: str, payload: Any, frame: str) -> None:
        """Called for each broadcast on a subscribed topic; must not block."""
        ...


class Broker(Protocol):
    async def start(self, deliver: Deliver) -> None:
        """From now on, call `deliver(topic, event, payload)` for every broadcast received."""
        ...

    async def sync(self, topic: str, wanted: Callable[[str], bool]) -> None:
        """Start or stop receiving `topic` so that it matches `wanted(topic)` now."""
        ...

    async def publish(self, topic: str, event: str, payload: Any) -> None: ...

    async def aclose(self) -> None: ...


class LocalBroker:
    """One process: a broadcast is delivered right away, with no serialization."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def sync(self, topic: str, wanted: Callable[[str], bool]) -> None:
        return None

    async def publish(self, topic: str, event: str, payload: Any) -> None:
        if self._deliver is not None:
            self._deliver(topic, event, payload)

    async def aclose(self) -> None:
        self._deliver = None


class PubSub:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._listeners: dict[str, Listener] = {}
        # Subscribing and unsubscribing at the broker is serialized so that its state always
        # ends up matching ours, whatever the interleaving of joins and leaves.
        self._sync_lock = asyncio.Lock()

    async def start(self) -> None:
        await self._broker.start(self._deliver)

    async def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        members = self._subscribers.setdefault(topic, set())
        first = not members
        members.add(subscriber)
        if first:
            await self._sync(topic)

    async def unsubscribe(self, topic: str, subscriber: Subscriber) -> None:
        members = self._subscribers.get(topic)
        if members is None:
            return
        members.discard(subscriber)
        if not members:
            del self._subscribers[topic]
            await self._sync(topic)

    async def listen(self, topic: str, listener: Listener) -> None:
        """Calls `listener(event, payload)` for every broadcast on `topic` from now on: for the
        process's own use (a topic no client can join), so not counted as a subscription."""
        self._listeners[topic] = listener
        await self._sync(topic)

    async def broadcast(self, topic: str, event: str, payload: Any) -> None:
        await self._broker.publish(topic, event, payload)

    def topic_count(self) -> int:
        return len(self._subscribers)

    def subscriber_count(self) -> int:
        return sum(len(members) for members in self._subscribers.values())

    async def aclose(self) -> None:
        await self._broker.aclose()

    async def _sync(self, topic: str) -> None:
        async with self._sync_lock:
            await self._broker.sync(topic, self._wanted)

    def _wanted(self, topic: str) -> bool:
        return bool(self._subscribers.get(topic)) or topic in self._listeners

    def _deliver(self, topic: str, event: str, payload: Any) -> None:
        listener = self._listeners.get(topic)
        if listener is not None:
            try:
                listener(event, payload)
            except Exception:
                logger.exception("a listener failed", extra={"topic": topic})
        members = self._subscribers.get(topic)
        if not members:
            return
        # Encoded once for every subscriber: broadcasts carry no per-socket join_ref.
        frame = protocol.broadcast(topic, event, payload)
        for subscriber in list(members):
            try:
                subscriber.deliver(event, payload, frame)
            except Exception:
                # One broken subscriber must not keep the broadcast from the others.
                logger.exception("delivering a broadcast failed", extra={"topic": topic})
