"""The backend's Prometheus metrics (`GET /metrics`; operator-only in production).

Rooms, participants and channel connections are counted at scrape time from what the backend
holds (the database, the open sockets); joins are counted by outcome as they happen, with
their latency as the backend serves them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from vr_common.metrics import EventLoopLag

# A join is one database transaction and a token; a second is far too long.
JOIN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class BackendMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.rooms = Gauge(
            "video_rooms_rooms",
            "Rooms the backend lists (as GET /api/rooms)",
            registry=self.registry,
        )
        self.participants = Gauge(
            "video_rooms_participants",
            "Participants connected to the SFU now (as its webhooks report them)",
            registry=self.registry,
        )
        self.channel_connections = Gauge(
            "video_rooms_channel_connections",
            "Open realtime channel sockets (/ws)",
            registry=self.registry,
        )
        self.joins = Counter(
            "video_rooms_joins",
            "Room creations and joins by outcome (ok, or the error code)",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.join_seconds = Histogram(
            "video_rooms_join_seconds",
            "How long a room creation or join took the backend",
            ["kind"],
            buckets=JOIN_BUCKETS,
            registry=self.registry,
        )
        self.event_loop_lag = EventLoopLag(self.registry, "video_rooms")

    @asynccontextmanager
    async def join(self, kind: str) -> AsyncIterator[None]:
        """Count and time one creation ("create") or join ("join") by how it ended."""
        start = time.perf_counter()
        outcome = "error"
        try:
            yield
            outcome = "ok"
        except Exception as exc:
            outcome = str(getattr(exc, "code", "error"))
            raise
        finally:
            self.joins.labels(kind, outcome).inc()
            self.join_seconds.labels(kind).observe(time.perf_counter() - start)

    def set_counts(self, rooms: int, participants: int, connections: int) -> None:
        self.rooms.set(rooms)
        self.participants.set(participants)
        self.channel_connections.set(connections)
