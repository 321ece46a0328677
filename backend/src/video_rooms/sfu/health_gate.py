"""Remembers whether the SFU is up, so that joins do not each pay for a health check.

A result is trusted for a short TTL. After that, while the SFU was up, callers get that
answer at once and one background check refreshes it: making every join wait for the check
put a stall into the join latency every TTL. While it was down, callers wait for the check, so
recovery is seen at once. Any failed SFU call marks it down immediately, and a later check that
succeeds brings it back, so recovery needs no restart. `/api/status` always waits for a fresh
answer (`fresh=True`).
"""

from __future__ import annotations

import asyncio
import contextlib
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
        self._refresh: asyncio.Task[SfuHealth] | None = None

    async def current(self, *, fresh: bool = False) -> SfuHealth:
        last = self._last
        if last is not None and time.monotonic() - self._checked_at < self._ttl:
            return last
        if last is not None and last.ok and not fresh:
            if self._refresh is None or self._refresh.done():
                self._refresh = asyncio.create_task(self._check())
            return last
        return await self._check()

    async def _check(self) -> SfuHealth:
        async with self._lock:
            if self._last is not None and time.monotonic() - self._checked_at < self._ttl:
                return self._last
            self._record(await self._provider.health())
            assert self._last is not None
            return self._last

    async def aclose(self) -> None:
        if self._refresh is not None and not self._refresh.done():
            self._refresh.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresh

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
