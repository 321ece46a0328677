"""Refuse ingest while the database's disk is nearly full, and say so once in the logs.

A log store that fills the disk takes the backend's database (same volume in compose) down
with it; refusing lines is the lesser harm. The free space is read at most once a second.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)


class DiskGuard:
    def __init__(
        self,
        directory: Path,
        min_free_bytes: int,
        *,
        interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self.min_free_bytes = min_free_bytes
        self._interval_s = interval_s
        self._clock = clock
        self._checked_at = float("-inf")
        self._free_bytes = 0
        self.low = False

    def free_bytes(self) -> int:
        now = self._clock()
        if now - self._checked_at >= self._interval_s:
            self._checked_at = now
            self._free_bytes = shutil.disk_usage(self.directory).free
            self._update(self._free_bytes < self.min_free_bytes)
        return self._free_bytes

    def refuses(self) -> bool:
        """True while the free space is below the floor."""
        if self.min_free_bytes <= 0:
            return False
        self.free_bytes()
        return self.low

    def _update(self, low: bool) -> None:
        # One line when the state changes, not one per refused request.
        if low and not self.low:
            logger.error(
                "disk nearly full: refusing log lines",
                extra={
                    "event": "disk_floor_reached",
                    "free_bytes": self._free_bytes,
                    "min_free_bytes": self.min_free_bytes,
                    "path": str(self.directory),
                },
            )
        elif not low and self.low:
            logger.info(
                "disk space back above the floor: accepting log lines",
                extra={"event": "disk_floor_cleared", "free_bytes": self._free_bytes},
            )
        self.low = low
