"""Presence shared by every backend process through Redis, and cleaned up after dead ones.

Layout (all keys under `vr:rt:`):
- `presence:{topic}`: a hash, field `{node}|{phx_ref}` -> JSON `[key, meta]`;
- `node-topics:{node}`: the topics where a process has presences (to clean up after it);
- `nodes`: a sorted set of process ids scored by their last heartbeat (Redis server time).

Every process heartbeats each `ttl / 4` seconds. A process whose heartbeat is older than `ttl`
is dead: the first live process to remove it from `nodes` (ZREM answers 1 to one caller only)
deletes its presences and broadcasts their leaves. So a crashed process's presences vanish
within about `ttl * 1.25` seconds. A process that was only paused and finds itself removed
writes its presences again and announces them as joins.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from video_rooms.realtime.presence import Announce, Entry

logger = logging.getLogger(__name__)

PREFIX = "vr:rt:"
NODES_KEY = PREFIX + "nodes"


def _presence_key(topic: str) -> str:
    return f"{PREFIX}presence:{topic}"


def _topics_key(node_id: str) -> str:
    return f"{PREFIX}node-topics:{node_id}"


class RedisPresenceStore:
    def __init__(self, redis: Redis, node_id: str, ttl_seconds: float) -> None:
        self._redis = redis
        self._node = node_id
        self._ttl = ttl_seconds
        self._own: dict[str, dict[str, Entry]] = {}
        self._loop: asyncio.Task[None] | None = None
        self._on_vanished: Announce | None = None
        self._on_restored: Announce | None = None

    async def start(self, on_vanished: Announce, on_restored: Announce) -> None:
        self._on_vanished = on_vanished
        self._on_restored = on_restored
        await self._heartbeat()
        self._loop = asyncio.create_task(self._run(), name="redis-presence-heartbeat")

    async def put(self, topic: str, entry: Entry) -> None:
        self._own.setdefault(topic, {})[entry.ref] = entry
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hset(_presence_key(topic), self._field(entry.ref), _dump(entry))
            pipe.sadd(_topics_key(self._node), topic)
            await pipe.execute()

    async def delete(self, topic: str, entry: Entry) -> None:
        own = self._own.get(topic, {})
        own.pop(entry.ref, None)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hdel(_presence_key(topic), self._field(entry.ref))
            if not own:
                self._own.pop(topic, None)
                pipe.srem(_topics_key(self._node), topic)
            await pipe.execute()

    async def entries(self, topic: str) -> list[Entry]:
        fields = await self._redis.hgetall(_presence_key(topic))
        return [entry for entry in map(_load, fields.values()) if entry is not None]

    async def aclose(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        with contextlib.suppress(RedisError, OSError):
            async with self._redis.pipeline(transaction=False) as pipe:
                for topic, own in self._own.items():
                    pipe.hdel(_presence_key(topic), *(self._field(ref) for ref in own))
                pipe.delete(_topics_key(self._node))
                pipe.zrem(NODES_KEY, self._node)
                await pipe.execute()
        self._own.clear()

    def _field(self, ref: str) -> str:
        return f"{self._node}|{ref}"

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 4)
            try:
                await self._heartbeat()
            except (RedisError, OSError) as exc:
                logger.warning("presence heartbeat failed", extra={"error": str(exc)})

    async def _heartbeat(self) -> None:
        seconds, micros = await self._redis.time()
        now = seconds + micros / 1_000_000
        added = await self._redis.zadd(NODES_KEY, {self._node: now})
        if added and self._own:
            await self._restore()
        dead = await self._redis.zrangebyscore(NODES_KEY, "-inf", now - self._ttl)
        for raw in dead:
            node = raw.decode() if isinstance(raw, bytes) else str(raw)
            if node != self._node and await self._redis.zrem(NODES_KEY, node) == 1:
                await self._reap(node)

    async def _restore(self) -> None:
        logger.warning("this process was taken for dead; writing its presences again")
        for topic, own in list(self._own.items()):
            entries = list(own.values())
            async with self._redis.pipeline(transaction=False) as pipe:
                for entry in entries:
                    pipe.hset(_presence_key(topic), self._field(entry.ref), _dump(entry))
                pipe.sadd(_topics_key(self._node), topic)
                await pipe.execute()
            if self._on_restored is not None:
                await self._on_restored(topic, entries)

    async def _reap(self, node: str) -> None:
        topics = await self._redis.smembers(_topics_key(node))
        prefix = f"{node}|"
        for raw_topic in topics:
            topic = raw_topic.decode() if isinstance(raw_topic, bytes) else str(raw_topic)
            fields = await self._redis.hgetall(_presence_key(topic))
            theirs = {
                name: value
                for name, value in fields.items()
                if (name.decode() if isinstance(name, bytes) else str(name)).startswith(prefix)
            }
            if not theirs:
                continue
            await self._redis.hdel(_presence_key(topic), *theirs)
            vanished = [entry for entry in map(_load, theirs.values()) if entry is not None]
            if vanished and self._on_vanished is not None:
                await self._on_vanished(topic, vanished)
        await self._redis.delete(_topics_key(node))
        logger.info("removed the presences of a dead process", extra={"node": node})


def _dump(entry: Entry) -> str:
    return json.dumps([entry.key, entry.meta], ensure_ascii=False)


def _load(raw: bytes | str) -> Entry | None:
    try:
        key, meta = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, str) or not isinstance(meta, dict) or "phx_ref" not in meta:
        return None
    return Entry(key, meta)
