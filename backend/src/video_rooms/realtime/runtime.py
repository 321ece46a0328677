"""The realtime service of one backend process: pub/sub, presence, storage and open sockets;
room actions go to the rooms service.

Built by the app's lifespan; with `REDIS_URL` the broadcasts and presences are shared with the
other backend processes through Redis, otherwise they stay in this process.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from video_rooms.realtime.channel import ChannelRoutes
from video_rooms.realtime.connection import CLOSE_GOING_AWAY, Connection
from video_rooms.realtime.handover import HandoverTimer
from video_rooms.realtime.presence import LocalPresenceStore, Presence, PresenceStore
from video_rooms.realtime.pubsub import Broker, LocalBroker, PubSub
from video_rooms.realtime.redis_broker import RedisBroker
from video_rooms.realtime.redis_presence import RedisPresenceStore
from video_rooms.realtime.room_channel import ROOM_CLOSED, RoomChannel
from video_rooms.realtime.store import RealtimeStore
from video_rooms.rooms.lobby import Lobby
from video_rooms.rooms.service import RoomService
from video_rooms.settings import Settings

logger = logging.getLogger(__name__)

# Where every backend process hears that a room was closed (or locked), whichever process did
# it, so that none keeps letting people join it from its join cache. No channel route matches it, so
# no client can join it.
ROOMS_CLOSED_TOPIC = "rooms:closed"


@dataclass(frozen=True)
class Limits:
    heartbeat_timeout_seconds: float
    max_frame_bytes: int
    rate_per_second: float
    rate_burst: int
    max_pending_frames: int
    max_channels: int = 8

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            heartbeat_timeout_seconds=settings.realtime_heartbeat_timeout_seconds,
            max_frame_bytes=settings.realtime_max_frame_bytes,
            rate_per_second=settings.realtime_rate_per_second,
            rate_burst=settings.realtime_rate_burst,
            max_pending_frames=settings.realtime_max_pending_frames,
        )


class Realtime:
    def __init__(
        self,
        settings: Settings,
        store: RealtimeStore,
        rooms: RoomService,
        lobby: Lobby,
        pubsub: PubSub,
        presence: Presence,
        redis: Redis | None,
    ) -> None:
        self.settings = settings
        self.limits = Limits.from_settings(settings)
        self.store = store
        self.rooms = rooms
        self.lobby = lobby
        self.pubsub = pubsub
        self.presence = presence
        self.connections: set[Connection] = set()
        self.routes = ChannelRoutes()
        self.routes.add("room:", lambda topic, ref, conn: RoomChannel(topic, ref, conn, self))
        self._redis = redis
        self.handover = HandoverTimer(self, settings.host_handover_grace_seconds)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        engine: AsyncEngine,
        rooms: RoomService,
        lobby: Lobby,
    ) -> Realtime:
        node_id = secrets.token_hex(8)
        redis: Redis | None = None
        broker: Broker
        presence_store: PresenceStore
        if settings.redis_url:
            redis = Redis.from_url(settings.redis_url)
            broker = RedisBroker(redis, node_id)
            presence_store = RedisPresenceStore(
                redis, node_id, settings.realtime_presence_ttl_seconds
            )
        else:
            broker, presence_store = LocalBroker(), LocalPresenceStore()
        pubsub = PubSub(broker)
        await pubsub.start()
        presence = Presence(presence_store, pubsub)
        await presence.start()
        store = RealtimeStore(engine)
        realtime = cls(settings, store, rooms, lobby, pubsub, presence, redis)
        await pubsub.listen(ROOMS_CLOSED_TOPIC, realtime._heard_room_closed)
        logger.info(
            "realtime channels ready",
            extra={"node": node_id, "backend": "redis" if redis else "in-process"},
        )
        return realtime

    async def room_ended(self, room_id: str, by: str, closed_at: datetime) -> None:
        """After `RoomService.end`: tells every other backend process (this one's rooms service
        already knows: it closed it), then everyone in the room, whose channels then close."""
        await self.pubsub.broadcast(ROOMS_CLOSED_TOPIC, "closed", {"room_id": room_id})
        await self.pubsub.broadcast(
            f"room:{room_id}", ROOM_CLOSED, {"by": by, "closed_at": closed_at.isoformat()}
        )

    async def room_changed(self, room_id: str) -> None:
        """A room's row changed (locked, lobby on or off): every backend process forgets it."""
        await self.pubsub.broadcast(ROOMS_CLOSED_TOPIC, "changed", {"room_id": room_id})

    async def host_action(self, room_id: str, event: str, payload: dict[str, Any]) -> None:
        """Announces a host's action to everyone in the room (the removed one's channel then
        closes itself)."""
        await self.pubsub.broadcast(f"room:{room_id}", event, payload)

    def _heard_room_closed(self, event: str, payload: Any) -> None:
        room_id = payload.get("room_id") if isinstance(payload, dict) else None
        if isinstance(room_id, str):
            # So that this process's join cache does not let anyone into it for a while.
            self.rooms.forget_room(room_id)

    async def aclose(self) -> None:
        await self.handover.aclose()
        for conn in list(self.connections):
            await conn.close_now(CLOSE_GOING_AWAY, "server shutting down")
            await conn.shutdown()
        self.connections.clear()
        await self.presence.aclose()
        await self.pubsub.aclose()
        if self._redis is not None:
            await self._redis.aclose()
