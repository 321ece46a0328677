"""Remembers whether the SFU is up, so that joins do not each pay for a health check.

A result is trusted for a short TTL; after that the next caller checks again (one check at a
time, others wait for it). Any failed SFU call marks it down at once, and a later check that
succeeds brings it back, so recovery needs no restart.
"""

from __future__ import annotations

import asyncio
import logging
import time

from video_rooms.sfu.provider import SfuHealth, SfuProvider

logger = logging.getLogger(__name__)


class SfuHealthGate:
    def __init__(self, provider: SfuProvider, ttl_seconds: float) -> None:
        self._provider = provider
        self._ttl = ttl_seconds
        self._last: SfuHealth | None = None
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    async def current(self) -> SfuHealth:
        if self._last is not None and time.monotonic() - self._checked_at < self._ttl:
            return self._last
        async with self._lock:
            if self._last is not None and time.monotonic() - self._checked_at < self._ttl:
                return self._last
            self._record(await self._provider.health())
            assert self._last is not None
            return self._last

    def mark_down(self, message: str) -> None:
        self._record(SfuHealth(ok=False, latency_ms=0.0, message=message))

    def _record(self, health: SfuHealth) -> None:
        was_ok = self._last.ok if self._last is not None else None
        if was_ok is not health.ok:
            level = logging.INFO if health.ok else logging.WARNING
            logger.log(
                level,
                "SFU is %s",
                "up" if health.ok else "down",
                extra={"sfu": self._provider.name, "detail": health.message},
            )
        self._last = health
        self._checked_at = time.monotonic()
