"""What the three services' Prometheus `/metrics` share: the exposition and the event-loop lag.

Each service keeps its metrics in a registry of its own (not the library's global one), so
that several apps in one test process do not collide, and fills gauges that are a count of
something it already holds (rooms, connections) at scrape time rather than on every change.
"""

from __future__ import annotations

import asyncio

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest

# From "no lag" to "a call stutters": media and heartbeats share these event loops.
LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def exposition(registry: CollectorRegistry) -> tuple[bytes, str]:
    """The text format of `registry` and its content type."""
    return generate_latest(registry), CONTENT_TYPE_LATEST


class EventLoopLag:
    """How late the event loop runs a timer: a busy loop delays every request and packet."""

    def __init__(self, registry: CollectorRegistry, prefix: str) -> None:
        self.histogram = Histogram(
            f"{prefix}_event_loop_lag_seconds",
            "How much later than asked a timer on the event loop ran",
            buckets=LAG_BUCKETS,
            registry=registry,
        )

    async def run(self, interval: float = 0.25) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(interval)
            self.histogram.observe(max(0.0, loop.time() - start - interval))
