"""Feedback to publishers: keyframe requests (throttled) and the subscribers' minimum REMB."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable

# Browsers answer a PLI within a frame or two; asking again sooner only costs bitrate.
KEYFRAME_INTERVAL = 0.5
# Browsers send REMB about once a second; forwarding it more often changes nothing.
REMB_INTERVAL = 0.5


class KeyframeRequester:
    """Sends a PLI upstream at most once per `interval`, however many subscribers ask."""

    def __init__(
        self, send: Callable[[], Awaitable[None]], interval: float = KEYFRAME_INTERVAL
    ) -> None:
        self._send = send
        self._interval = interval
        self._last = -interval
        self.sent = 0

    async def request(self) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        self._last = now
        self.sent += 1
        await self._send()


class RembForwarder:
    """Forwards the smallest bitrate estimate of a publication's subscribers.

    A publisher without simulcast sends one encoding to everyone, so the slowest subscriber's
    estimate is the one that keeps every subscriber's video flowing.
    """

    def __init__(
        self, send: Callable[[int], Awaitable[None]], interval: float = REMB_INTERVAL
    ) -> None:
        self._send = send
        self._interval = interval
        self._last = -interval
        self.last_sent: int | None = None

    async def update(self, estimates: Iterable[int | None]) -> None:
        known = [e for e in estimates if e is not None]
        if not known:
            return
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        self._last = now
        self.last_sent = min(known)
        await self._send(self.last_sent)
