"""Per-client token buckets, counted in log lines rather than requests."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`rate` lines per second per client, with bursts up to `burst` lines.

    A batch larger than the tokens left is still let through when the bucket is full, and
    leaves it in debt: the average rate holds, and a client with a large batch is not locked
    out forever.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, client: str) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = _Bucket(self.burst, now)
            self._buckets[client] = bucket
            # Forget the least recently seen clients so that memory stays bounded.
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets.move_to_end(client)
        return bucket

    def wait_time(self, client: str) -> float:
        """Seconds until this client may send again (0: now)."""
        bucket = self._bucket(client)
        return 0.0 if bucket.tokens > 0 else (1 - bucket.tokens) / self.rate

    def take(self, client: str, lines: int) -> float:
        """Spend `lines` tokens if allowed and return 0, or return the seconds to wait."""
        bucket = self._bucket(client)
        if bucket.tokens >= min(lines, self.burst):
            bucket.tokens -= lines
            return 0.0
        return (min(lines, self.burst) - bucket.tokens) / self.rate
