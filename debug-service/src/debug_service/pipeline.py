"""The path of a line: stored first, then handed to live viewers; and reads beside it.

All writes go through one thread (SQLite has one writer anyway, and one thread keeps the ids
in arrival order); reads use their own small pool so that a slow search never holds up ingest.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from debug_service.entries import NewLog, StoredLog
from debug_service.filters import LogFilter
from debug_service.live import LiveHub
from debug_service.store import Cursor, LogStore, Stats

logger = logging.getLogger(__name__)
T = TypeVar("T")


class LogPipeline:
    def __init__(self, store: LogStore, hub: LiveHub, *, readers: int = 2) -> None:
        self.store = store
        self.hub = hub
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="debug-writer")
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="debug-reader")

    async def _write(self, func: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, func)

    async def _read(self, func: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._readers, func)

    async def ingest(self, entries: Sequence[NewLog]) -> list[StoredLog]:
        stored = await self._write(lambda: self.store.insert(entries))
        self.hub.publish(stored)
        return stored

    async def query(
        self, flt: LogFilter, limit: int, after: Cursor | None = None
    ) -> list[StoredLog]:
        return await self._read(lambda: self.store.query(flt, limit, after))

    async def stats(self) -> Stats:
        now_us = time.time_ns() // 1000
        return await self._read(lambda: self.store.stats(now_us))

    async def check(self) -> None:
        await self._read(self.store.check)

    async def delete_all(self) -> int:
        deleted = await self._write(self.store.delete_all)
        self.hub.broadcast('{"type":"cleared"}')
        return deleted

    async def delete_older_than(self, max_age_s: float) -> int:
        cutoff_us = time.time_ns() // 1000 - int(max_age_s * 1_000_000)
        return await self._write(lambda: self.store.delete_older_than(cutoff_us))

    async def run_age_retention(self, max_age_s: float, interval_s: float) -> None:
        """Forever: delete lines older than `max_age_s` every `interval_s`."""
        while True:
            try:
                deleted = await self.delete_older_than(max_age_s)
            except Exception:
                logger.exception("retention by age failed")
            else:
                if deleted:
                    logger.info("retention deleted %d lines older than %.0f s", deleted, max_age_s)
            await asyncio.sleep(interval_s)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        self.store.close()
